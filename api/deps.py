"""FastAPI dependencies as ``Annotated`` aliases: the store, the settings and the response cache of
this app. They are ``async``: FastAPI runs a plain ``def`` dependency in a worker thread, a thread
hop per dependency per request for what is an attribute look-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.caching import ResponseCache
from kg.settings import Settings
from kg.stores.base import GraphStore


async def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_response_cache(request: Request) -> ResponseCache:
    cache: ResponseCache = request.app.state.response_cache
    return cache


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[ResponseCache, Depends(get_response_cache)]
