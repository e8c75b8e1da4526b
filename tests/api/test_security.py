"""Writes need the API key (hashed, constant-time compare); reads are open or keyed; every write is
audited; bodies over the limit are cut off with 413; uploaded names never become paths."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.uploads import KINDS, display_name, save_upload
from kg.errors import EntityNotFound, InvalidInput, PayloadTooLarge
from kg.settings import Settings
from kg.stores.base import GraphStore

KEY = "s3cret-key-0123456789"
KEY_ID = hashlib.sha256(KEY.encode()).hexdigest()[:8]


def _client(store: GraphStore, tmp_path: Path, **overrides: object) -> TestClient:
    settings = Settings(
        store=store.url,
        audit_log=tmp_path / "audit.jsonl",
        upload_dir=tmp_path / "uploads",
        **overrides,  # type: ignore[arg-type]
    )
    return TestClient(create_app(settings, store=store))


@pytest.fixture
def client(tiny: GraphStore, tmp_path: Path) -> Iterator[TestClient]:
    with _client(tiny, tmp_path, api_key=KEY) as c:
        yield c


def test_delete_needs_the_key_and_is_audited(
    client: TestClient, tiny: GraphStore, tmp_path: Path
) -> None:
    url = "/entities/enterprise:甲公司"
    for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}):
        r = client.delete(url, headers=headers)
        assert r.status_code == 401 and r.json()["code"] == "unauthorized", headers
    assert tiny.get_node("enterprise:甲公司").name == "浙江甲科技股份有限公司"
    assert not (tmp_path / "audit.jsonl").exists()

    r = client.delete(url, headers={"X-API-Key": KEY})
    # 甲公司 has three relations: 张三 works there, it collaborates with 浙大, 乙公司 supplies it.
    assert r.status_code == 200 and r.json() == {
        "id": "enterprise:甲公司",
        "deleted": 1,
        "edges_deleted": 3,
    }
    with pytest.raises(EntityNotFound):
        tiny.get_node("enterprise:甲公司")
    assert tiny.stats().edge_count == 3  # 6 − 3
    assert client.delete(url, headers={"Authorization": f"Bearer {KEY}"}).status_code == 404

    log_text = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    assert KEY not in log_text
    (entry,) = client.app.state.audit_log.entries()  # type: ignore[attr-defined]
    assert entry["key_id"] == KEY_ID and entry["outcome"] == "ok"
    assert entry["route"] == "DELETE /entities/enterprise:甲公司"
    assert entry["counts"] == {"nodes_deleted": 1, "edges_deleted": 3}
    assert entry["time"].endswith("+00:00")


def test_key_configured_as_hash_and_plain_key_not_kept(tiny: GraphStore, tmp_path: Path) -> None:
    hashed = hashlib.sha256(KEY.encode()).hexdigest()
    with _client(tiny, tmp_path, api_key_hash=hashed.upper()) as c:
        assert c.delete("/entities/talent:张三", headers={"X-API-Key": KEY}).status_code == 200
        assert c.delete("/entities/talent:张三", headers={"X-API-Key": hashed}).status_code == 401
    with _client(tiny, tmp_path, api_key=KEY) as c:
        settings = c.app.state.settings  # type: ignore[attr-defined]
        assert settings.api_key is None and settings.api_key_hash == hashed
        assert KEY not in repr(c.app.state.__dict__)  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="sha256"):
        create_app(Settings(store=tiny.url, api_key_hash="not-a-hash"), store=tiny)


def test_no_key_configured_refuses_every_write(tiny: GraphStore, tmp_path: Path) -> None:
    with _client(tiny, tmp_path) as c:
        r = c.delete("/entities/talent:张三", headers={"X-API-Key": ""})
        assert r.status_code == 401 and "no API key is configured" in r.json()["message"]
        r = c.delete("/entities/talent:张三", headers={"X-API-Key": "anything"})
        assert r.status_code == 401
    assert tiny.get_node("talent:张三").name == "张三"


def test_reads_open_by_default_and_keyed_when_configured(tiny: GraphStore, tmp_path: Path) -> None:
    with _client(tiny, tmp_path, api_key=KEY) as c:
        assert c.get("/entities", params={"q": "公司"}).status_code == 200
        assert c.get("/stats").status_code == 200
    with _client(tiny, tmp_path, api_key=KEY, read_requires_key=True) as c:
        for path in ("/entities?q=公司", "/entities/talent:张三", "/stats"):
            r = c.get(path)
            assert r.status_code == 401 and r.json()["code"] == "unauthorized", path
            assert c.get(path, headers={"X-API-Key": KEY}).status_code == 200, path
        assert c.get("/health").status_code == 200  # liveness probes stay open


def test_body_over_declared_limit_is_refused_unread(client: TestClient, tmp_path: Path) -> None:
    client.app.state.settings.max_upload_mb = 1  # type: ignore[attr-defined]
    big = b"x" * (1024 * 1024 + 10)
    r = client.request("DELETE", "/entities/talent:张三", content=big, headers={"X-API-Key": KEY})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"

    assert client.app.state.store.get_node("talent:张三")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\windows\\win.ini.csv", "win.ini.csv"),
        ("/abs/path/企业名录.csv", "企业名录.csv"),
        ("a\x00b\nc.csv", "abc.csv"),
        ("....csv", "csv"),
    ],
)
def test_uploaded_names_never_become_paths(uploaded: str, shown: str, tmp_path: Path) -> None:
    d = tmp_path / "uploads"
    saved = save_upload(io.BytesIO(b"name\n\xe7\x94\xb2\n"), uploaded, directory=d, max_bytes=1024)
    assert saved.path.parent == d and saved.path.suffix == ".csv"
    assert len(saved.path.stem) == 32 and saved.name == shown == display_name(uploaded)
    assert saved.sha256 == hashlib.sha256(b"name\n\xe7\x94\xb2\n").hexdigest()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [saved.path.name]


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("uploaded", "content", "error"),
    [
        ("evil.exe", b"MZ\x90\x00", "not accepted"),
        ("noext", b"a,b\n", "not accepted"),
        ("data.csv.sh", b"a,b\n", "not accepted"),
        ("data.csv", _zip(["a.txt"]), "binary"),
        ("data.csv", "名称\n甲".encode("utf-16"), "NUL"),
        ("data.json", b"name,value\n", "JSON"),
        ("data.rdf", b"@prefix x: <y> .", "RDF/XML"),
        ("book.xlsx", b"name,value\n", "not a valid Excel"),
        ("book.xlsx", _zip(["word/document.xml"]), "not an Excel workbook"),
    ],
)
def test_type_checked_by_extension_and_content(
    uploaded: str, content: bytes, error: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match=error):
        save_upload(io.BytesIO(content), uploaded, directory=tmp_path, max_bytes=1 << 20)
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_save_upload_stops_at_the_limit(tmp_path: Path) -> None:
    with pytest.raises(PayloadTooLarge):
        save_upload(io.BytesIO(b"a" * 5000), "x.csv", directory=tmp_path, max_bytes=4096)
    assert list(tmp_path.iterdir()) == []
    assert set(KINDS) >= {".csv", ".xlsx", ".json", ".ttl", ".nt"}


def _operations(client: TestClient) -> list[tuple[str, str]]:
    """(method, URL) of every operation in the app's OpenAPI document, path parameters filled
    with an entity of the tiny graph (a name that is not an entity still reaches the route)."""
    out = []
    for template, ops in client.get("/openapi.json").json()["paths"].items():
        url = re.sub(r"{[^}]+}", "talent:张三", template)
        out += [(method.upper(), url) for method in ops]
    return out


def test_every_write_route_needs_the_key(client: TestClient, tiny: GraphStore) -> None:
    """Walks the whole API, so a write route added later without the key check fails here."""
    before = (tiny.version, tiny.stats())
    writes = [(m, u) for m, u in _operations(client) if m != "GET"]
    assert {m for m, _ in writes} >= {"POST", "DELETE"}
    for method, url in writes:
        for headers in ({}, {"X-API-Key": "wrong"}):
            r = client.request(method, url, headers=headers)
            assert r.status_code == 401 and r.json()["code"] == "unauthorized", (method, url)
    assert (tiny.version, tiny.stats()) == before


def test_keyed_reads_cover_every_route_but_health(tiny: GraphStore, tmp_path: Path) -> None:
    """With ``read_requires_key`` nothing but the liveness probe (and the API's own description)
    answers without the key: JSON routes, dashboard pages and visualisations alike."""
    with _client(tiny, tmp_path, api_key=KEY, read_requires_key=True) as c:
        reads = [u for m, u in _operations(c) if m == "GET" and u != "/health"]
        assert {"/entities", "/paths", "/ui/search", "/stats"} <= set(reads)
        for url in reads:
            r = c.get(url)
            assert r.status_code == 401, url
            assert c.get(url, headers={"X-API-Key": KEY}).status_code != 401, url
        assert c.get("/health").status_code == 200


def test_an_unexpected_error_is_a_500_that_shows_nothing_inside(
    tiny: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug or a failing disk: the client learns that it failed, not where or why."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk failure at /srv/ikg/secret/kg.sqlite")

    monkeypatch.setattr(tiny, "search", broken)
    settings = Settings(store=tiny.url, audit_log=tmp_path / "audit.jsonl")
    with TestClient(create_app(settings, store=tiny), raise_server_exceptions=False) as c:
        r = c.get("/entities", params={"q": "公司"})
        assert r.status_code == 500 and r.json() == {
            "status": 500,
            "code": "internal_error",
            "message": "internal error; see the server log",
        }
        page = c.get("/ui/search", params={"q": "公司"})
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
        for body in (r.text, page.text):
            assert "secret" not in body and "Traceback" not in body and ".py" not in body
