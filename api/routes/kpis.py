"""The counts the bureau reports, year over year, against the plan's targets."""

from __future__ import annotations

from fastapi import APIRouter

from api.querying import expose

router = APIRouter(tags=["kpis"])
expose(router, "/kpis", "kpi_dashboard")
