"""Collaboration gaps: the five coverages with the firms that fall short, unsupported
segments, unmet field demand, communities that should talk."""

from __future__ import annotations

from fastapi import APIRouter

from api.querying import expose

router = APIRouter(tags=["gaps"])
expose(router, "/gaps", "collaboration_gaps")
