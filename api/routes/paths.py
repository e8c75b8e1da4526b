"""Collaboration paths between two entities."""

from __future__ import annotations

from fastapi import APIRouter

from api.querying import expose

router = APIRouter(tags=["paths"])
expose(router, "/paths", "collaboration_paths")
