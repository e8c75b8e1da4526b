"""``POST /ingest``: the CLI's pipeline and report over HTTP, behind the write key, with size, type,
name and mapping checks, and an audit record for every attempt that passed the key check."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ingest.mapping import load_mapping
from ingest.pipeline import ingest_file
from kg.settings import Settings
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore

KEY = "ingest-key-0123456789"
KEY_ID = hashlib.sha256(KEY.encode()).hexdigest()[:8]
MAPPINGS = Path(__file__).parents[2] / "ingest" / "mappings"
HEADER = (
    "统一社会信用代码,企业名称,简称,营业收入（万元）,研发费用（万元）,是否高新技术企业,"
    "技术领域,所在乡镇,所属产业链,产业链环节,是否链主\n"
)
# Two good rows and one whose revenue is not a number (spreadsheet row 4).
CSV = (
    HEADER
    + "91330600609661208X,浙江万丰奥威汽轮股份有限公司,万丰,100,5,是,轮毂,新昌县,,,\n"
    + ",新昌县恒达机械有限公司,,300.5,1,否,精密传动,新昌县,,,\n"
    + ",天姥精工有限公司,,一百,1,否,,新昌县,,,\n"
).encode()
MAPPING_YAML = """
name: 企业名录
nodes:
  enterprise:
    type: Enterprise
    name: 企业名称
    key: 统一社会信用代码
    properties: {revenue: 营业收入（万元）}
"""


@pytest.fixture
def setup(store: GraphStore, tmp_path: Path) -> Iterator[tuple[TestClient, GraphStore, Path]]:
    settings = Settings(
        store=store.url,
        api_key=KEY,
        max_upload_mb=1,
        audit_log=tmp_path / "audit.jsonl",
        upload_dir=tmp_path / "uploads",
    )
    with TestClient(create_app(settings, store=store)) as client:
        yield client, store, tmp_path


def _post(
    client: TestClient,
    data: bytes = CSV,
    name: str = "规上企业名录.csv",
    mapping: str | None = "规上企业名录",
    mapping_file: tuple[str, bytes] | None = None,
    key: str | None = KEY,
) -> object:
    files: dict[str, tuple[str, bytes]] = {"file": (name, data)}
    if mapping_file is not None:
        files["mapping_file"] = mapping_file
    form = {"mapping": mapping} if mapping is not None else {}
    headers = {"X-API-Key": key} if key else {}
    return client.post("/ingest", files=files, data=form, headers=headers)


def test_upload_runs_the_cli_pipeline_and_returns_its_report(
    setup: tuple[TestClient, GraphStore, Path],
) -> None:
    client, store, tmp = setup
    r = _post(client)
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    got = r.json()  # type: ignore[attr-defined]
    # What `ikg ingest` reports for the same file and mapping, into a fresh store.
    src = tmp / "规上企业名录.csv"
    src.write_bytes(CSV)
    cli = ingest_file(
        SQLiteStore(tmp / "cli.sqlite"), src, load_mapping(MAPPINGS / "规上企业名录.yaml")
    )
    expected = cli.model_dump(mode="json")
    for volatile in ("seconds", "rejects_path"):
        got.pop(volatile)
        expected.pop(volatile)
    assert got == expected
    assert (got["rows_read"], got["rows_accepted"], got["rows_rejected"]) == (3, 2, 1)
    (bad,) = got["rejects"]
    assert (bad["file"], bad["row"], bad["field"]) == ("规上企业名录.csv", 4, "营业收入（万元）")
    assert store.stats().nodes["Enterprise"] == 2
    assert got["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert list((tmp / "uploads").iterdir()) == []  # the upload is not kept

    (entry,) = client.app.state.audit_log.entries()  # type: ignore[attr-defined]
    assert entry["key_id"] == KEY_ID and entry["route"] == "POST /ingest"
    assert entry["outcome"] == "ok" and entry["sha256"] == got["sha256"]
    assert entry["source"] == "规上企业名录.csv (规上企业名录)"
    assert (
        entry["counts"]["rows_rejected"] == 1 and entry["counts"]["nodes"]["created"] == 5
    )  # 2 firms, 2 fields, 1 town


def test_uploaded_mapping(setup: tuple[TestClient, GraphStore, Path]) -> None:
    client, store, _ = setup
    r = _post(client, mapping=None, mapping_file=("m.yaml", MAPPING_YAML.encode()))
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    assert store.stats().nodes == {"Enterprise": 2}


def test_replace_form_field_removes_what_only_the_old_upload_stated(
    setup: tuple[TestClient, GraphStore, Path],
) -> None:
    """The list uploaded again without 恒达 (and without the bad row), with replace=true: 恒达 and
    its field 精密传动 go (新昌县 stays: 万丰 is in it), the report says so."""
    client, store, _ = setup
    assert _post(client).status_code == 200  # type: ignore[attr-defined]
    v2 = HEADER + "91330600609661208X,浙江万丰奥威汽轮股份有限公司,万丰,100,5,是,轮毂,新昌县,,,\n"
    files = {"file": ("规上企业名录.csv", v2.encode())}
    form = {"mapping": "规上企业名录", "replace": "true"}
    r = client.post("/ingest", files=files, data=form, headers={"X-API-Key": KEY})
    assert r.status_code == 200, r.text
    replaced = r.json()["replaced"]
    assert (replaced["nodes_removed"], replaced["edges_removed"]) == (2, 2)  # WORKS_IN, LOCATED_IN
    assert [n.name for n in store.iter_nodes(["Enterprise"])] == ["浙江万丰奥威汽轮股份有限公司"]


def test_no_key_no_ingest(setup: tuple[TestClient, GraphStore, Path]) -> None:
    client, store, tmp = setup
    for key in (None, "wrong"):
        r = _post(client, key=key)
        assert r.status_code == 401  # type: ignore[attr-defined]
    assert store.stats().node_count == 0
    assert not (tmp / "audit.jsonl").exists() and not (tmp / "uploads").exists()


def test_over_the_limit_is_413_even_without_content_length(
    setup: tuple[TestClient, GraphStore, Path],
) -> None:
    client, store, _ = setup
    big = HEADER.encode() + b",x\n" * 400_000  # 1.2 MB > 1 MB
    r = _post(client, data=big)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"  # type: ignore[attr-defined]

    boundary = "xyz"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="mapping"\r\n\r\n规上企业名录\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()

    def body() -> Iterator[bytes]:  # chunked: only counting while streaming can stop it
        yield head
        for _ in range(40):
            yield b"," * 65536

    r2 = client.post(
        "/ingest",
        content=body(),
        headers={"X-API-Key": KEY, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r2.status_code == 413, r2.text
    assert store.stats().node_count == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "evil.exe"}, "not accepted"),
        ({"name": "x.xlsx"}, "not a valid Excel"),
        ({"data": b"\x89PNG\r\n\x1a\n", "name": "x.csv"}, "binary"),
        ({"mapping": "../../../etc/passwd"}, "no shipped mapping"),
        ({"mapping": "aliases"}, "no shipped mapping"),
        ({"mapping": None}, "exactly one"),
        ({"mapping_file": ("m.yaml", MAPPING_YAML.encode())}, "exactly one"),
        ({"mapping": None, "mapping_file": ("m.txt", b"name: x")}, ".yaml"),
        ({"mapping": None, "mapping_file": ("m.yaml", b"nodes: [")}, "not valid YAML"),
        (
            {"mapping": None, "mapping_file": ("m.yaml", b"a: &x [1]\nb: *x\nnodes: {}")},
            "anchors",
        ),
        (
            {
                "mapping": None,
                "mapping_file": (
                    "m.yaml",
                    (MAPPING_YAML + "aliases: [../../../../etc/passwd]\n").encode(),
                ),
            },
            "bare name",
        ),
        ({"mapping": None, "mapping_file": ("m.yaml", b"nodes: {x: {type: Company}}")}, "unknown"),
    ],
)
def test_bad_uploads_are_refused_clearly(
    setup: tuple[TestClient, GraphStore, Path], kwargs: dict[str, object], message: str
) -> None:
    client, store, tmp = setup
    r = _post(client, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert message in r.json()["message"]  # type: ignore[attr-defined]
    assert store.stats().node_count == 0
    assert not any((tmp / "uploads").glob("*")) if (tmp / "uploads").exists() else True
    (entry,) = client.app.state.audit_log.entries()  # type: ignore[attr-defined]
    assert entry["outcome"] == "invalid_input" and entry["key_id"] == KEY_ID


def test_uploaded_name_is_only_a_label(setup: tuple[TestClient, GraphStore, Path]) -> None:
    client, _, tmp = setup
    r = _post(client, name="../../../../tmp/规上企业名录.csv")
    assert r.status_code == 200 and r.json()["file"] == "规上企业名录.csv"  # type: ignore[attr-defined]
    assert not Path("/tmp/规上企业名录.csv").exists()
    assert list((tmp / "uploads").iterdir()) == []
