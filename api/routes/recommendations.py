"""Suggested partners of one entity, and the best new pairings in a chain or region."""

from __future__ import annotations

from fastapi import APIRouter

from api.querying import expose

router = APIRouter(tags=["recommendations"])
expose(router, "/recommendations", "recommend_partners")
expose(router, "/pairings", "recommend_pairings")
