"""Server-rendered dashboard pages: the Jinja2 environment, interface text in Chinese and English,
and the "synthetic data" flag every page shows when the graph was generated."""

from __future__ import annotations

import threading
from typing import Any, Literal
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from api.querying import answer
from api.viz.render import TEMPLATES
from kg.errors import KGError
from kg.model import Node
from kg.schema import NODE_TYPES, label
from kg.settings import Settings
from kg.stores.base import GraphStore
from queries.registry import load_all

Lang = Literal["zh", "en"]

# Interface text: key → (中文, English).
TEXT: dict[str, tuple[str, str]] = {
    "app": ("区域创新生态知识图谱", "Innovation-ecosystem knowledge graph"),
    "home": ("首页", "Home"),
    "search": ("搜索", "Search"),
    "search_hint": ("输入企业、高校、人才、项目名称的任意片段", "Any part of a name, e.g. 万丰"),
    "results": ("搜索结果", "Results"),
    "no_results": ("没有找到", "Nothing found"),
    "paths": ("合作路径", "Collaboration paths"),
    "pairings": ("校企配对", "Pairings"),
    "chains": ("产业链", "Industrial chains"),
    "kpis": ("五个全覆盖", "Coverage KPIs"),
    "communities": ("创新社群", "Communities"),
    "profile": ("基本信息", "Profile"),
    "neighbours": ("关联关系", "Relations"),
    "provenance": ("数据来源", "Provenance"),
    "network": ("关系网络", "Network"),
    "source": ("起点", "From"),
    "target": ("终点", "To"),
    "find": ("查找", "Find"),
    "no_path": ("两者之间没有找到路径", "No path between them"),
    "suggestions": ("推荐合作对象", "Suggested partners"),
    "score": ("得分", "Score"),
    "evidence": ("依据", "Evidence"),
    "entity": ("主体", "Entity"),
    "type": ("类型", "Type"),
    "name": ("名称", "Name"),
    "relation": ("关系", "Relation"),
    "value": ("值", "Value"),
    "row": ("行", "Row"),
    "file": ("文件", "File"),
    "ingested": ("导入时间", "Ingested at"),
    "stats": ("图谱规模", "Graph size"),
    "nodes": ("节点", "Nodes"),
    "edges": ("关系", "Edges"),
    "synthetic": ("合成数据", "synthetic data"),
    "view_graph": ("查看图谱", "View graph"),
    "find_paths": ("查找合作路径", "Find collaboration paths"),
    "find_partners": ("推荐合作对象", "Suggest partners"),
    "segments": ("产业链环节", "Segments"),
    "influence": ("链主影响力", "Leader influence"),
    "gaps": ("短板与缺口", "Gaps"),
    "leaders": ("链主企业", "Chain leaders"),
    "members": ("成员企业", "Members"),
    "support": ("科研支撑", "Research support"),
    "coverage": ("覆盖率", "Coverage"),
    "target_value": ("目标", "Target"),
    "short_firms": ("未达标企业", "Firms falling short"),
    "year": ("年份", "Year"),
    "counts": ("主体数量", "Counts"),
    "unavailable": ("该分析尚不可用", "This analysis is not available yet"),
    "more": ("更多", "More"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
}


def text(key: str, lang: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return zh if lang == "zh" else en


templates = Jinja2Templates(directory=TEMPLATES)
_PREFIXES = tuple(f"{spec.prefix}:" for spec in NODE_TYPES.values())


def is_entity_id(value: object) -> bool:
    """Whether ``value`` reads as a node id (``enterprise:…``, ``university:…``)."""
    return isinstance(value, str) and value.startswith(_PREFIXES) and len(value) < 300


templates.env.globals.update(type_label=label, is_entity_id=is_entity_id)
templates.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
templates.env.filters["urlpart"] = lambda s: quote(str(s), safe="")


def is_synthetic(store: GraphStore) -> bool:
    """Whether any node of the store is generated (cached per store version)."""
    key = (store.url, store.version)
    with _LOCK:
        if key in _SYNTHETIC:
            return _SYNTHETIC[key]
    answer = any(n.props.get("synthetic") for n in store.iter_nodes())
    with _LOCK:
        _SYNTHETIC.clear()  # one store per app: keep only the current version
        _SYNTHETIC[key] = answer
    return answer


_SYNTHETIC: dict[tuple[str, int], bool] = {}
_LOCK = threading.Lock()


async def render(
    request: Request,
    store: GraphStore,
    template: str,
    lang: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the page chrome: language, switch link, synthetic flag."""
    synthetic = await run_in_threadpool(is_synthetic, store)
    other = "en" if lang == "zh" else "zh"
    switch = str(request.url.path) + "?" + urlencode({**request.query_params, "lang": other})

    def t(key: str) -> str:
        return text(key, lang)

    def link(path: str, **params: Any) -> str:
        """A page URL keeping the language."""
        query = {k: v for k, v in params.items() if v is not None}
        if lang != "zh":
            query["lang"] = lang
        return path + ("?" + urlencode(query, doseq=True) if query else "")

    return templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": t,
            "link": link,
            "switch_url": switch,
            "synthetic": synthetic,
            **context,
        },
        status_code=status_code,
    )


def is_page(request: Request) -> bool:
    """Whether ``request`` asks for an HTML page rather than JSON."""
    path = request.url.path
    return path == "/" or path.startswith(("/ui/", "/viz/")) or path in ("/ui", "/viz")


def page_error(request: Request, status: int, code: str, message: str) -> HTMLResponse:
    """An error as a page a person can read (the JSON API keeps its ``{status, code, message}``)."""
    lang = "en" if request.query_params.get("lang") == "en" else "zh"
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "lang": lang,
            "t": lambda key: text(key, lang),
            "link": lambda path, **_: path,
            "switch_url": request.url.path,
            "synthetic": False,
            "status": status,
            "code": code,
            "message": message,
        },
        status_code=status,
    )


def resolve(store: GraphStore, text: str, types: list[str] | None = None) -> Node | None:
    """The entity a person meant: ``text`` as an id if one exists, else the best search hit."""
    text = text.strip()
    if not text:
        return None
    found = store.get_nodes([text]).get(text)
    if found is not None and (not types or found.type in types):
        return found
    hits = store.search(text, types=types, limit=1)
    return hits[0] if hits else None


async def ask(
    store: GraphStore, settings: Settings, name: str, params: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    """A query's answer (JSON form) for a page, or why there is none: a domain error's message
    (no path, unknown entity …) is shown on the page rather than replacing it."""
    if name not in load_all():
        return None, None
    try:
        result = await answer(store, settings, name, params)
    except KGError as exc:
        return None, exc.message
    return result.model_dump(mode="json"), None
