"""One pydantic-settings ``Settings`` for the whole product, read from ``KG_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class CoverageTargets(BaseSettings):
    """Targets for the "five full coverages" of above-scale enterprises (shares, 0–1)."""

    patents: float = 1.00
    rd_spending: float = 1.00
    rd_institution: float = 0.96
    iur_cooperation: float = 1.00
    high_tech: float = 0.65


class KpiTargets(BaseSettings):
    """The bureau's stated targets for ``year`` (the seed's 2026 plan): counts of what is new in
    that year, except the joint-training students, who are counted in training."""

    year: int = 2026
    new_tech_smes: int = 80
    new_high_tech: int = 15
    new_key_enterprise_institutes: int = 2  # at least, 省级重点企业研究院
    new_enterprise_institutes: int = 5  # at least, 省级企业研究院
    graduate_students: int = 300  # joint-training graduate students, doctoral included
    doctoral_students: int = 20
    talent_projects_signed: int = 50
    talent_projects_landed: int = 30
    iur_projects: int = 45  # 产学研合作 projects


class Settings(BaseSettings):
    """Settings for stores, the API and analytics. ``KG_STORE`` picks the store by URL."""

    model_config = SettingsConfigDict(env_prefix="KG_", env_file=".env", extra="ignore")

    store: str = Field(
        default="sqlite:///data/kg.sqlite",
        description="sqlite:///path/to/file.sqlite or neo4j://user:pass@host:7687",
    )
    api_key: SecretStr | None = Field(default=None, description="key required for writes")
    api_key_hash: str | None = Field(default=None, description="sha256 hex of the write key")
    read_requires_key: bool = False
    max_upload_mb: int = 50
    response_cache_mb: int = Field(
        default=64, ge=0, description="JSON bodies of read routes kept per store version (0: off)"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    lang: str = "zh"
    # Source rows per ingest batch (one store transaction each). 20,000 rather than 5,000: fewer
    # commits rewrite the same index pages (10x county: 7.5k → 8.3k rows/s, +72 MB peak); a batch
    # the store refuses is halved down to its bad rows, so a few bad rows stay cheap.
    batch_size: int = Field(default=20_000, ge=1)
    # Rows changed per SQLite transaction during a bulk load (ingest, copy, demo): batches are
    # savepoints inside it. Larger groups rewrite fewer index pages per row; raw edge inserts at
    # 1M nodes / 5M edges: 42.1k rows/s committing every 5,000 rows, 77.5k every 500,000
    # (bench/edge_floor.py, bench/RESULTS.md).
    bulk_commit_rows: int = Field(default=500_000, ge=1)
    # SQLite page cache during a bulk session, MB: where a group's dirty pages wait for its commit.
    # 100x county ingest: 512 MB → 6.7k rows/s, peak 1,132 MB; 128 MB → 6.5k rows/s, peak 737 MB.
    bulk_cache_mb: int = Field(default=512, ge=2)
    # Where ingest writes its batches (ingest.writer): "inline" in the ingesting process, "process"
    # through a writer process (SQLite only) so mapping and writing overlap on two cores, "auto": a
    # writer process for source files of at least ingest_process_min_mb (~8,000 rows of a CSV; the
    # writer starts in ~0.5 s, once per run).
    ingest_writer: Literal["auto", "inline", "process"] = "auto"
    ingest_process_min_mb: float = Field(default=1.0, ge=0)
    neo4j_batch_size: int = 5000
    neo4j_connect_retries: int = 5
    data_dir: Path = Path("data")
    upload_dir: Path = Field(
        default=Path("data/uploads"), description="where POST /ingest keeps uploads (server-named)"
    )
    audit_log: Path = Field(
        default=Path("data/audit.jsonl"), description="append-only JSON lines, one per write"
    )
    rdf_base: str = Field(
        default="https://w3id.org/innovation-kg/id/",
        description="namespace of node IRIs in RDF exports: <rdf_base><node id>; ends with / or #",
    )
    coverage_targets: CoverageTargets = CoverageTargets()
    kpi_targets: KpiTargets = KpiTargets()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own ``Settings``)."""
    return Settings()
