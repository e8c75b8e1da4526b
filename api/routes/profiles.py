"""An entity's profile (properties, ties, partners, chains, activity by year) and its ego
network. (``/entities/{id}`` is the store's own view; its ``{id:path}`` would swallow
suffixes, so these live under their own prefixes.)"""

from __future__ import annotations

from fastapi import APIRouter

from api.querying import expose

router = APIRouter(tags=["entities"])
expose(router, "/profiles/{entity:path}", "entity_profile", path_params={"entity": "entity"})
expose(router, "/ego/{entity:path}", "ego_network", path_params={"entity": "entity"})
