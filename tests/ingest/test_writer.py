"""The writer process (``KG_INGEST_WRITER=process``): the same graph, reports and rejects as writing
inline, and a clear error when the writer fails or dies."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from ingest.mapping import parse_mapping
from ingest.pipeline import ingest_file, ingest_folder
from ingest.report import IngestReport
from ingest.resolve import Resolver
from ingest.synthetic import generate
from ingest.writer import InlineWriter, Writers
from ingest.writer_process import ProcessWriter
from kg.errors import InvalidInput, StoreUnavailable
from kg.model import Edge, Node
from kg.stores.base import UpsertResult
from kg.stores.sqlite import SQLiteStore
from tests.ingest.test_pipeline import ENTERPRISES, HEADER, write

# Stores the writer process opens by class, so they live at module level (importable there).


class Picky(SQLiteStore):
    """Refuses node batches naming an enterprise 坏… and edge batches into the field 坏领域."""

    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
        batch = list(nodes)
        if any(n.name.startswith("坏") for n in batch if n.type == "Enterprise"):
            raise InvalidInput("node refused: 坏")
        return super().upsert_nodes(batch)

    def upsert_edges(self, edges: Iterable[Edge]) -> UpsertResult:
        batch = list(edges)
        if any(e.target.endswith("坏领域") for e in batch):
            raise InvalidInput("edge refused: 坏领域")
        return super().upsert_edges(batch)


class Failing(SQLiteStore):
    """A disk that fails (not a refused row) when a batch names 故障科技."""

    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
        batch = list(nodes)
        if any(n.name.startswith("故障") for n in batch):
            raise sqlite3.OperationalError("disk I/O error")
        return super().upsert_nodes(batch)


class Dying(SQLiteStore):
    """The writer process is killed (exit code 3) when a batch names 故障科技."""

    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
        batch = list(nodes)
        if any(n.name.startswith("故障") for n in batch):
            os._exit(3)
        return super().upsert_nodes(batch)


def _writers_of(pid: int) -> list[int]:
    """The writer processes process ``pid`` started that still run (or are not yet reaped)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid and b"ingest.writer" in cmdline:
                found.append(int(entry.name))
    return found


def _children() -> list[int]:
    """The writer processes this one started that still run (or are not yet reaped)."""
    return _writers_of(os.getpid())


def _graph(store: SQLiteStore) -> tuple[list[Any], list[Any]]:
    """Every node and edge with its content and provenance (source and row; not the time)."""

    def prov(record: Node | Edge) -> list[Any]:
        return sorted((p.source, p.file_sha256, p.row) for p in record.provenance)

    nodes = sorted(
        (n.id, n.type, n.name, n.aliases, sorted(n.props.items(), key=str), prov(n))
        for n in store.iter_nodes()
    )
    edges = sorted(
        (e.source, e.type, e.target, e.key, sorted(e.props.items(), key=str), prov(e))
        for e in store.iter_edges()
    )
    return nodes, edges


def _told(report: IngestReport) -> dict[str, Any]:
    """What a report tells a user, less timings and versions."""
    return report.model_dump(exclude={"seconds", "version_before", "version_after", "rejects"}) | {
        "rejects": sorted((r.row, r.field, r.reason) for r in report.rejects)
    }


def _enterprises(tmp_path: Path, names: list[str], field: str = "机器人") -> Path:
    lines = [HEADER, *(f",{name},{100 + i},是,{field}\n" for i, name in enumerate(names))]
    return write(tmp_path / "e.csv", "".join(lines))


@pytest.mark.parametrize("unwritten_limit", [500_000, 0])
def test_the_writer_process_writes_what_inline_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unwritten_limit: int
) -> None:
    """The synthetic county through a writer process and inline, in small batches: the same nodes
    and edges with the same properties and provenance rows, the same reports (rows, rejects,
    created/updated/unchanged, merges, review items); a second run changes nothing. With no room
    for ids the writer has not made visible, it commits after every batch: the same again."""
    monkeypatch.setattr("ingest.pipeline._UNWRITTEN_LIMIT", unwritten_limit)
    src = tmp_path / "src"
    generate(src, scale=0.3, seed=11)
    inline, process = SQLiteStore(tmp_path / "a.sqlite"), SQLiteStore(tmp_path / "b.sqlite")
    a = ingest_folder(inline, src, batch_size=300, writer="inline")
    b = ingest_folder(process, src, batch_size=300, writer="process")
    assert [_told(r) for r in a] == [_told(r) for r in b]
    assert sum(r.rows_read for r in b) > 1000
    assert sum(r.nodes.created for r in b) == process.stats().node_count > 500
    assert _graph(inline) == _graph(process)

    version = process.version
    again = ingest_folder(process, src, batch_size=300, writer="process")
    assert process.version == version
    assert all(r.nodes.changed == r.edges.changed == 0 for r in again)
    assert not _children()  # the writer process has stopped


@pytest.mark.parametrize("unwritten_limit", [500_000, 0])
def test_a_row_may_name_a_node_an_earlier_batch_sent_to_the_writer_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unwritten_limit: int
) -> None:
    """The chain segments, one row a batch: each names its upstream segment (``create: false``),
    written by an earlier batch the writer process has not committed yet. Each is found, from
    what the resolver remembers or, with no room to remember, after the writer commits: all 16
    UPSTREAM_OF links of the 22 segments of 6 chains load and no row is rejected."""
    monkeypatch.setattr("ingest.pipeline._UNWRITTEN_LIMIT", unwritten_limit)
    src = tmp_path / "src"
    generate(src, scale=0.1, seed=11)
    store = SQLiteStore(tmp_path / "kg.sqlite")
    report = ingest_file(
        store, src / "产业链环节.csv", src / "产业链环节.yaml", batch_size=1, writer="process"
    )
    assert (report.rows_read, report.rows_rejected) == (22, 0)
    assert store.stats().edges["UPSTREAM_OF"] == 16


def test_rows_the_writer_process_refuses_come_back_with_their_rows(tmp_path: Path) -> None:
    """The store in the writer process refuses two enterprises and one field among 64 rows: the
    report and the rejects file name rows 7, 22 and 42 with the store's reason; the other 61 rows
    load, as they do inline."""
    names = [f"好{i:02d}科技有限公司" for i in range(64)]
    names[5], names[40] = "坏甲科技有限公司", "坏乙科技有限公司"
    lines = [HEADER]
    for i, name in enumerate(names):
        lines.append(f",{name},{100 + i},是,{'坏领域' if i == 20 else '机器人'}\n")
    source = write(tmp_path / "e.csv", "".join(lines))
    store = Picky(tmp_path / "kg.sqlite")
    rejects = tmp_path / "rejects.csv"
    report = ingest_file(
        store,
        source,
        parse_mapping(ENTERPRISES),
        batch_size=64,
        writer="process",
        rejects_path=rejects,
    )
    assert sorted(r.row for r in report.rejects) == [7, 22, 42]
    assert all("存储拒绝" in r.reason for r in report.rejects)
    assert (report.rows_rejected, report.rows_accepted) == (3, 61)
    assert (
        report.nodes.created == 64
    )  # 62 enterprises, 机器人 and 坏领域 (row 22's nodes were valid)
    assert sorted(
        line.split(",")[1] for line in rejects.read_text("utf-8-sig").splitlines()[1:]
    ) == [
        "22",
        "42",
        "7",
    ]
    stats = store.stats()
    assert stats.nodes == {"Enterprise": 62, "Field": 2}
    assert stats.edges == {"WORKS_IN": 61}


def test_a_store_failure_in_the_writer_process_is_reported_and_earlier_batches_kept(
    tmp_path: Path,
) -> None:
    """A write that fails in the writer process (a disk error, not a refused row) stops the file
    with an error naming the cause; the batches written before it are in the store."""
    names = [f"好{i:02d}科技有限公司" for i in range(30)]
    names[25] = "故障科技有限公司"
    source = _enterprises(tmp_path, names)
    store = Failing(tmp_path / "kg.sqlite")
    with pytest.raises(StoreUnavailable, match=r"writer process failed.*disk I/O error"):
        ingest_file(store, source, parse_mapping(ENTERPRISES), batch_size=10, writer="process")
    assert store.stats().nodes == {"Enterprise": 20, "Field": 1}  # two whole batches of ten
    assert not _children()


def test_a_writer_process_that_dies_is_reported(tmp_path: Path) -> None:
    """The writer process exits in the middle of a file: the ingest stops with an error that says
    so, and the store file still opens."""
    names = [f"好{i:02d}科技有限公司" for i in range(30)]
    names[25] = "故障科技有限公司"
    source = _enterprises(tmp_path, names)
    store = Dying(tmp_path / "kg.sqlite")
    with pytest.raises(StoreUnavailable, match="exit code 3"):
        ingest_file(store, source, parse_mapping(ENTERPRISES), batch_size=10, writer="process")
    assert SQLiteStore(tmp_path / "kg.sqlite").stats().node_count in (0, 11, 21)


def test_a_file_stopped_by_the_ingest_stops_the_writer_process_too(tmp_path: Path) -> None:
    """A file without its name column stops the ingest (as inline) and the writer process ends."""
    source = write(tmp_path / "n.csv", "统一社会信用代码,营业收入（万元）\n,1\n")
    with pytest.raises(InvalidInput, match="企业名称"):
        ingest_file(
            SQLiteStore(tmp_path / "kg.sqlite"),
            source,
            parse_mapping(ENTERPRISES),
            writer="process",
        )
    assert not _children()


def test_auto_writes_large_files_into_sqlite_through_a_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``auto``: a writer process for a SQLite store's files of at least KG_INGEST_PROCESS_MIN_MB,
    inline for smaller ones and for stores the process cannot open (a class defined in a
    function); ``inline`` always inline; an unknown mode is an error."""
    from kg.settings import get_settings

    monkeypatch.setenv("KG_INGEST_PROCESS_MIN_MB", "0.001")  # 1,000 bytes
    get_settings.cache_clear()
    try:
        small = write(tmp_path / "s.csv", "x" * 999)
        large = write(tmp_path / "l.csv", "x" * 1000)
        store = SQLiteStore(tmp_path / "kg.sqlite")
        with Writers(store, "auto") as writers:
            assert isinstance(writers.for_file(small), InlineWriter)
            assert isinstance(writers.for_file(large), ProcessWriter)
            assert len(_children()) == 1
            assert writers.for_file(large) is writers.for_file(large)  # one process for the run

        class Local(SQLiteStore):
            pass

        with Writers(Local(tmp_path / "l.sqlite"), "auto") as writers:
            assert isinstance(writers.for_file(large), InlineWriter)
        with Writers(store, "inline") as writers:
            assert isinstance(writers.for_file(large), InlineWriter)
        with pytest.raises(InvalidInput, match="auto, inline or process"):
            Writers(store, "threads")
    finally:
        get_settings.cache_clear()
    assert not _children()


def test_the_ingest_stops_at_the_first_file_the_writer_process_fails(tmp_path: Path) -> None:
    """The writer process answers a file after the ingest has gone on to the next one. When the
    first file fails in the store, the error is raised and the second file, although already
    sent, writes nothing."""
    folder = tmp_path / "src"
    folder.mkdir()
    for order, (stem, names) in enumerate(
        (("a", ["好一科技有限公司", "故障科技有限公司"]), ("b", ["好二科技有限公司"]))
    ):
        _enterprises(folder, names).rename(folder / f"{stem}.csv")
        (folder / f"{stem}.yaml").write_text(
            ENTERPRISES.replace(
                "name: 企业名录", f"name: 名录{stem}\nsource: {stem}.csv\norder: {order}"
            ),
            encoding="utf-8",
        )
    store = Failing(tmp_path / "kg.sqlite")
    with pytest.raises(StoreUnavailable, match="disk I/O error"):
        ingest_folder(store, folder, batch_size=1, writer="process")
    assert {n.name for n in store.iter_nodes(["Enterprise"])} == {"好一科技有限公司"}
    assert not _children()


def test_a_script_without_a_main_guard_can_ingest_through_a_writer_process(tmp_path: Path) -> None:
    """A plain script (no ``if __name__ == "__main__"``) ingests a file through a writer process:
    the writer is a new interpreter that does not run the script again."""
    source = _enterprises(tmp_path, ["甲科技有限公司", "乙科技有限公司"])
    (tmp_path / "m.yaml").write_text(ENTERPRISES, encoding="utf-8")
    script = tmp_path / "load.py"
    script.write_text(
        "from ingest.pipeline import ingest_file\n"
        "from kg.stores.sqlite import SQLiteStore\n"
        f"store = SQLiteStore({str(tmp_path / 'kg.sqlite')!r})\n"
        f"report = ingest_file(store, {str(source)!r}, {str(tmp_path / 'm.yaml')!r}, "
        "writer='process')\n"
        "print(report.nodes.created)\n",
        encoding="utf-8",
    )
    root = Path(__file__).parents[2]
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(root)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"  # two enterprises and 机器人


def test_a_small_file_after_a_large_one_goes_to_the_same_writer_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``auto`` in a folder: a small file, inline; a large one, through a writer process; a small
    one after it, through the same writer (inline it would wait for the writer's session to
    commit). Every file's enterprises are there, each report counting its own."""
    from kg.settings import get_settings

    monkeypatch.setenv("KG_INGEST_PROCESS_MIN_MB", "0.001")  # 1,000 bytes
    get_settings.cache_clear()
    try:
        folder = tmp_path / "src"
        folder.mkdir()
        big = [f"大{i:02d}科技有限公司" for i in range(40)]
        files = (("a", ["小甲科技有限公司"]), ("b", big), ("c", ["小乙科技有限公司"]))
        for order, (stem, names) in enumerate(files):
            _enterprises(folder, names).rename(folder / f"{stem}.csv")
            (folder / f"{stem}.yaml").write_text(
                ENTERPRISES.replace(
                    "name: 企业名录", f"name: 名录{stem}\nsource: {stem}.csv\norder: {order}"
                ),
                encoding="utf-8",
            )
        sizes = [(folder / f"{stem}.csv").stat().st_size for stem in "abc"]
        assert sizes[0] < 1000 <= sizes[1] and sizes[2] < 1000
        store = SQLiteStore(tmp_path / "kg.sqlite")
        with Writers(store, "auto") as writers:
            kinds = [type(writers.for_file(folder / f"{stem}.csv")) for stem in "abc"]
        assert kinds == [InlineWriter, ProcessWriter, ProcessWriter]
        reports = ingest_folder(store, folder, writer="auto")
    finally:
        get_settings.cache_clear()
    assert [r.nodes.created for r in reports] == [2, 40, 1]  # 小甲 and 机器人; 40; 小乙
    assert store.stats().nodes == {"Enterprise": 42, "Field": 1}
    assert not _children()


def test_ctrl_c_stops_the_ingest_and_its_writer_process_and_a_rerun_completes(
    tmp_path: Path,
) -> None:
    """Ctrl-C in a terminal sends SIGINT to the ingest and its writer process alike: ``ikg ingest``
    exits with 130 within seconds and without a traceback, the writer process is gone, the store
    opens, and running the ingest again gives the graph an uninterrupted ingest gives."""
    src = tmp_path / "src"
    generate(src, scale=0.5, seed=11)
    reference = SQLiteStore(tmp_path / "reference.sqlite")
    ingest_folder(reference, src, writer="inline")
    store_path = tmp_path / "kg.sqlite"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[2]),
        "KG_STORE": f"sqlite:///{store_path}",
        "KG_INGEST_WRITER": "process",
        "KG_BATCH_SIZE": "50",
    }
    command = [sys.executable, "-c", "from api.cli import main; main()", "ingest", str(src)]
    ingest = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    writer = None
    while writer is None and ingest.poll() is None and time.monotonic() < deadline:
        writer = next(iter(_writers_of(ingest.pid)), None)
        time.sleep(0.02)
    assert writer is not None, "the ingest ended before its writer process was seen"
    time.sleep(0.2)
    os.killpg(ingest.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    _, err = ingest.communicate(timeout=60)
    assert ingest.returncode == 130, err.decode()
    assert b"Traceback" not in err, err.decode()
    assert not Path(f"/proc/{writer}").exists()  # stopped and reaped, not orphaned
    interrupted = SQLiteStore(store_path)
    assert interrupted.stats().node_count < reference.stats().node_count  # it stopped midway
    done = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert _graph(interrupted) == _graph(reference)


def test_a_resolver_shared_after_a_writer_process_has_closed_reads_the_store_itself(
    tmp_path: Path,
) -> None:
    """A resolver passed from a run through a writer process to a later inline run: when it first
    reads a type's names, it reads the store, not through the first run's closed writer."""
    store = SQLiteStore(tmp_path / "kg.sqlite")
    resolver = Resolver(store)
    source = _enterprises(tmp_path, ["甲科技有限公司"])
    (tmp_path / "m.yaml").write_text(ENTERPRISES, encoding="utf-8")
    ingest_file(store, source, tmp_path / "m.yaml", writer="process", resolver=resolver)
    universities = write(tmp_path / "u.csv", "高校名称\n浙江大学\n")
    (tmp_path / "u.yaml").write_text(
        "name: 高校名录\nnodes:\n  university: {type: University, name: 高校名称}\n",
        encoding="utf-8",
    )
    report = ingest_file(
        store, universities, tmp_path / "u.yaml", writer="inline", resolver=resolver
    )
    assert report.nodes.created == 1 and report.rows_rejected == 0
    assert [n.name for n in store.iter_nodes(["University"])] == ["浙江大学"]
