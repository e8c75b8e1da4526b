"""Communities of the ecosystem (seeded Louvain) and the pairs that should talk."""

from __future__ import annotations

from fastapi import APIRouter

from api.querying import expose

router = APIRouter(tags=["communities"])
expose(router, "/communities", "communities", paginate="communities")
