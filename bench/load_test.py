"""Load test: 50 concurrent clients against ``ikg serve`` (uvicorn, one worker) on the demo graph.

    python -m bench.load_test                      # 60 s, 50 users, appends to bench/RESULTS.md
    python -m bench.load_test --duration 20 --no-append --profile

Builds the demo store in a temporary directory, starts ``ikg serve`` on a loopback port, warms the
query cache (every URL once), then runs locust headless (``bench/locustfile.py``) with a mix of
search, entity, path, pairing and chain requests. Reports p50 / p99 / req/s / errors per kind,
and the server's CPU seconds per request. ``--profile`` runs the server under cProfile and prints
where its time went. Loopback only; bounded by ``--duration``. Needs ``pip install -e '.[load]'``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Request kinds and their weights in the mix (of 10 requests: 4 searches, 2 entity pages …).
WEIGHTS = {"search": 4, "entity": 2, "path": 2, "pairing": 1, "chain": 1}
SEARCHES = [
    "万丰",
    "浙江大学",
    "齿轮",
    "实验室",
    "汽车零部件",
    "轴承",
    "新昌",
    "药",
    "公司",
    "研究院",
]


def _get(base: str, path: str, params: dict[str, Any] | None = None) -> Any:
    url = base + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    with urllib.request.urlopen(url, timeout=120) as r:
        return json.loads(r.read())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            _get(base, "/health")
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not come up")


def _ids(base: str, q: str, type_: str, n: int) -> list[str]:
    page = _get(base, "/entities", {"q": q, "type": type_, "limit": n})
    return [item["id"] for item in page["items"]]


def build_mix(base: str) -> tuple[list[tuple[str, int, list[str]]], list[str]]:
    """URLs per request kind, on the typed routes the dashboard calls; and notes on what was
    left out. Each route's parameters are checked against the app's OpenAPI document, so a
    renamed parameter stops the run here instead of turning the whole kind into 422s."""
    spec = _get(base, "/openapi.json")["paths"]
    enterprises = _ids(base, "公司", "Enterprise", 20)
    universities = _ids(base, "大学", "University", 10)
    chains = [c["id"] for c in _get(base, "/chains", {"limit": 50})["chains"]]
    notes: list[str] = []

    def route(path: str, params: list[dict[str, Any]]) -> list[str]:
        op = spec.get(path, {}).get("get")
        if op is None:
            notes.append(f"{path}: not served by this build, left out of the mix")
            return []
        names = {p["name"] for p in op.get("parameters", [])}
        for p in params:
            unknown = set(p) - names
            if unknown:
                raise SystemExit(f"{path} takes no parameter {sorted(unknown)}; it takes {names}")
        return [_url(path, p) for p in params]

    mix: dict[str, list[str]] = {
        "search": route("/entities", [{"q": q} for q in SEARCHES]),
        "entity": [
            f"/entities/{urllib.parse.quote(i, safe=':')}" for i in enterprises + universities
        ],
        "path": route(
            "/paths",
            [{"source": a, "target": b, "k": 3} for a in enterprises[:8] for b in universities[:3]],
        ),
        "pairing": route(
            "/recommendations",
            [{"entity": e, "target_type": "University", "k": 5} for e in enterprises[:10]],
        )
        + route("/pairings", [{"chain": c, "k": 10} for c in chains]),
        "chain": route("/chains/{chain}", [{"chain": c} for c in chains]),
    }
    out = [(kind, WEIGHTS[kind], urls) for kind, urls in mix.items() if urls]
    return out, notes


def _url(path: str, params: dict[str, Any]) -> str:
    """``path`` with its ``{name}`` segments filled from ``params`` and the rest as a query."""
    rest = dict(params)
    for name in re.findall(r"{(\w+)}", path):
        path = path.replace("{" + name + "}", urllib.parse.quote(str(rest.pop(name)), safe=":"))
    return path + ("?" + urllib.parse.urlencode(rest, doseq=True) if rest else "")


def warm(base: str, mix: list[tuple[str, int, list[str]]]) -> list[str]:
    """Ask every URL once (fills the registry's cache); the URLs that failed, with their status."""
    bad = []
    for _, _, urls in mix:
        for url in urls:
            try:
                urllib.request.urlopen(base + url, timeout=300).read()
            except urllib.error.HTTPError as exc:
                bad.append(f"{exc.code} {url}")
    return bad


def run_locust(
    base: str, mix: list[tuple[str, int, list[str]]], users: int, duration: int, out: Path
) -> dict[str, dict[str, float]]:
    env = {**os.environ, "IKG_LOAD_MIX": json.dumps(mix, ensure_ascii=False)}
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--host",
        base,
        "--json-file",
        str(out / "load"),  # locust adds .json
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    subprocess.run(cmd, env=env, check=False, timeout=duration + 120)
    entries = json.loads((out / "load.json").read_text())
    rows = {e["name"]: _summary([e]) for e in entries}
    rows["Aggregated"] = _summary(entries)
    return rows


def _summary(entries: list[dict[str, Any]]) -> dict[str, float]:
    """Requests, failures, p50/p99 (ms, from locust's response-time histogram) and req/s."""
    hist: dict[float, int] = {}
    for e in entries:
        for ms, count in e["response_times"].items():
            hist[float(ms)] = hist.get(float(ms), 0) + count
    n = sum(e["num_requests"] for e in entries)
    start = min(e["start_time"] for e in entries)
    end = max(e["last_request_timestamp"] or start for e in entries)

    def pct(q: float) -> float:
        seen = 0
        for ms in sorted(hist):
            seen += hist[ms]
            if seen >= q * n:
                return ms
        return 0.0

    return {
        "requests": n,
        "failures": sum(e["num_failures"] for e in entries),
        "p50": pct(0.50),
        "p99": pct(0.99),
        "rps": n / max(end - start, 1e-9),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=int, default=60, help="seconds of load")
    ap.add_argument("--store", help="serve this store instead of a fresh demo")
    ap.add_argument("--profile", action="store_true", help="run the server under cProfile")
    ap.add_argument("--no-append", action="store_true", help="do not append to RESULTS.md")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ikg-load-"))
    store = args.store or f"sqlite:///{tmp}/demo.sqlite"
    if not args.store:
        subprocess.run([str(BIN / "ikg"), "demo", "--no-serve", "--store", store], check=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [
        str(BIN / "ikg"),
        "serve",
        "--store",
        store,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    prof = tmp / "server.prof"
    if args.profile:
        serve = ["-m", "cProfile", "-o", str(prof), *serve]
    env = {**os.environ, "KG_DATA_DIR": str(tmp), "KG_AUDIT_LOG": str(tmp / "audit.jsonl")}
    server = subprocess.Popen(
        [sys.executable, *serve], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        _wait_up(base, server)
        mix, notes = build_mix(base)
        t0 = time.perf_counter()
        failed = warm(base, mix)
        warm_s = time.perf_counter() - t0
        load0 = os.getloadavg()
        cpu0 = psutil.Process(server.pid).cpu_times()
        locust0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        rows = run_locust(base, mix, args.users, args.duration, tmp)
        locust1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu1 = psutil.Process(server.pid).cpu_times()
        load1 = os.getloadavg()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    n = max(rows["Aggregated"]["requests"], 1)
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    locust_cpu = (locust1.ru_utime - locust0.ru_utime) + (locust1.ru_stime - locust0.ru_stime)
    report = _markdown(
        args,
        rows,
        notes,
        failed,
        warm_s,
        {
            "server CPU per request": f"{cpu / n * 1000:.2f} ms",
            "server CPU": f"{cpu:.1f} s of {args.duration} s",
            "locust CPU": f"{locust_cpu:.1f} s",
            "load average (1 min) before / after": f"{load0[0]:.2f} / {load1[0]:.2f}",
        },
    )
    print(report)
    if args.profile and prof.exists():
        # cProfile sees the event-loop thread only: queries computed in worker threads on a cache
        # miss show up as waits there.
        pstats.Stats(str(prof)).sort_stats("tottime").print_stats(30)
    if not args.no_append:
        results = ROOT / "bench" / "RESULTS.md"
        results.write_text(
            insert_in_section(results.read_text(encoding="utf-8"), SECTION, report),
            encoding="utf-8",
        )
    shutil.rmtree(tmp, ignore_errors=True)


SECTION = "## Reliability: load test"


def insert_in_section(text: str, header: str, block: str) -> str:
    """``text`` with ``block`` added at the end of the section under ``header`` (a new section
    at the end when there is none), before the next section of the same level."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == header), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + header + "\n" + block
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    before = "".join(lines[:end]).rstrip("\n") + "\n"
    after = "".join(lines[end:])
    return before + block + ("\n" + after if after else "")


def _markdown(
    args: argparse.Namespace,
    rows: dict[str, dict[str, float]],
    notes: list[str],
    failed: list[str],
    warm_s: float,
    costs: dict[str, str],
) -> str:
    cmd = " ".join(["python -m bench.load_test", *sys.argv[1:]])
    lines = [
        "",
        f"### Load test, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"`{cmd}` — {args.users} locust users (no think time) against `ikg serve` (uvicorn, 1 "
        f"worker) on the demo graph, loopback, {args.duration} s after warming every URL once "
        f"({warm_s:.1f} s). Machine: {os.cpu_count()} cores shared with other engineers' runs, "
        f"{platform.python_implementation()} {platform.python_version()}; locust runs on the "
        "same cores as the server.",
        "",
        "| kind | requests | errors | p50 ms | p99 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    order = [*WEIGHTS, "Aggregated"]
    for name, r in sorted(rows.items(), key=lambda kv: order.index(kv[0])):
        label = "**all**" if name == "Aggregated" else name
        lines.append(
            f"| {label} | {r['requests']:.0f} | {r['failures']:.0f} | {r['p50']:.0f} | "
            f"{r['p99']:.0f} | {r['rps']:.0f} |"
        )
    lines += ["", "; ".join(f"{k}: {v}" for k, v in costs.items()) + "."]
    lines += [f"- {n}" for n in notes]
    lines += [f"- warm-up failure: {f}" for f in failed]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
