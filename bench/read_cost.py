"""CPU of the app alone per cached read: the load test's URLs called straight through ASGI, no
HTTP server, no sockets, no load generator, so the number barely depends on the neighbours.

    python -m bench.read_cost --store sqlite:///data/demo.sqlite [--rounds 10]

Serves the store once on a loopback port to build the load test's mix (``bench.load_test``),
asks every URL once (fills the caches), then calls the ASGI app ``rounds`` times per URL in one
thread and prints the app's CPU per request. Prints, does not write RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import threading
import time
import urllib.parse
from typing import Any

import uvicorn

from api.app import create_app
from bench.load_test import _free_port, _get, build_mix
from kg.settings import Settings
from kg.stores import open_store


async def _call(app: Any, url: str) -> int:
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": urllib.parse.unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench")],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return int(sent[0]["status"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    store = open_store(args.store)
    app = create_app(Settings(store=args.store), store=store)

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            _get(base, "/health")
            break
        except OSError:
            time.sleep(0.1)
    mix, _ = build_mix(base)
    server.should_exit = True
    thread.join(30)

    urls = [url for _, _, kind_urls in mix for url in kind_urls]

    async def run() -> float:
        for url in urls:  # fill the caches; every URL must answer
            status = await _call(app, url)
            if status != 200:
                raise SystemExit(f"{status} {url}")
        start = time.process_time()
        for _ in range(args.rounds):
            for url in urls:
                await _call(app, url)
        return (time.process_time() - start) / (args.rounds * len(urls))

    per_request = asyncio.run(run())
    print(
        f"app CPU per cached read: {per_request * 1000:.3f} ms over {args.rounds} × {len(urls)} "
        f"URLs; load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
