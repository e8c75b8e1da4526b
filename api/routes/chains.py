"""Industrial chains: the list, one chain upstream → downstream, and its leaders' influence."""

from __future__ import annotations

from fastapi import APIRouter

from api.querying import expose

router = APIRouter(tags=["chains"])
expose(router, "/chains", "chains", paginate="chains")
# The influence route comes first: chain ids may contain "/", so {chain:path} would swallow it.
expose(
    router,
    "/chains/{chain:path}/influence",
    "chain_leader_influence",
    path_params={"chain": "chain"},
)
expose(router, "/chains/{chain:path}", "chain_view", path_params={"chain": "chain"})
