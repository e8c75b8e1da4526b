"""Connecting to Neo4j: store URLs (``neo4j://user:pass@host:7687[/database]``) and one driver
per process and URL, checked with bounded retries before first use, closed at exit."""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from neo4j import Driver, GraphDatabase
from neo4j import exceptions as nx

from kg.errors import InvalidInput, StoreUnavailable


@dataclass(frozen=True)
class Neo4jTarget:
    """A parsed store URL: the driver URI without credentials, the auth and the database."""

    uri: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    @property
    def redacted(self) -> str:
        """The URL as it may appear in messages and cache keys: the password is never shown."""
        scheme, rest = self.uri.split("://", 1)
        who = f"{self.user}:***@" if self.user else ""
        return f"{scheme}://{who}{rest}" + (f"/{self.database}" if self.database else "")


def parse_url(url: str) -> Neo4jTarget:
    """``neo4j://user:pass@host:7687[/database]`` → a ``Neo4jTarget``; ``InvalidInput`` if malformed."""
    parts = urlsplit(url)
    if not parts.scheme.startswith(("neo4j", "bolt")) or not parts.hostname:
        raise InvalidInput("bad Neo4j URL; expected neo4j://user:pass@host:7687[/database]")
    try:
        port = parts.port or 7687
    except ValueError:
        raise InvalidInput("bad Neo4j URL: the port is not a number") from None
    database = parts.path.strip("/") or None
    return Neo4jTarget(
        uri=f"{parts.scheme}://{parts.hostname}:{port}",
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        database=database,
    )


# -- one driver per process and URL ---------------------------------------------------------
_DRIVERS: dict[tuple[str, str | None, str | None], Driver] = {}
_SCHEMA_READY: set[tuple[str, str | None, str | None]] = set()
_DRIVERS_LOCK = threading.Lock()


def _key(t: Neo4jTarget) -> tuple[str, str | None, str | None]:
    return (t.uri, t.user, t.password)


def driver_for(target: Neo4jTarget, retries: int) -> Driver:
    """The process's driver for ``target``, created once and checked with bounded retries."""
    with _DRIVERS_LOCK:
        cached = _DRIVERS.get(_key(target))
        if cached is not None:
            return cached
        auth = (target.user or "", target.password or "") if target.user else None
        drv = GraphDatabase.driver(target.uri, auth=auth, connection_timeout=5.0)
        last: Exception | None = None
        for attempt in range(max(1, retries)):
            try:
                drv.verify_connectivity()
                break
            except nx.AuthError:
                drv.close()
                raise StoreUnavailable(
                    f"Neo4j at {target.redacted} refused the credentials of user {target.user!r}"
                ) from None
            except (nx.DriverError, nx.Neo4jError, OSError) as exc:
                last = exc
                if attempt + 1 < retries:
                    time.sleep(min(0.5 * 2**attempt, 5.0))
        else:
            drv.close()
            reason = str(last).replace(target.password or "\0", "***")
            raise StoreUnavailable(
                f"cannot reach Neo4j at {target.redacted} after {max(1, retries)} attempt(s): "
                f"{type(last).__name__}: {reason}"
            ) from None
        _DRIVERS[_key(target)] = drv
        return drv


@atexit.register
def close_drivers() -> None:
    """Close every cached driver (at exit, or in tests)."""
    with _DRIVERS_LOCK:
        for drv in _DRIVERS.values():
            drv.close()
        _DRIVERS.clear()
        _SCHEMA_READY.clear()
