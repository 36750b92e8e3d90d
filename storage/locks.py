"""Per-site crawl locks: one crawl of a site at a time, across processes and hosts.

A lock is a crawl_locks row (site, pid, host, acquired_at, heartbeat_at). acquire()
takes it with an atomic INSERT ... ON CONFLICT DO NOTHING; a row left by a crawl
that died (its pid is gone on this host, or its heartbeat is older than stale_after
seconds) is taken over with a compare-and-swap UPDATE. The holder refreshes
heartbeat_at while it runs (crawler/extensions/heartbeat.py LockHeartbeat) and releases it.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, and_, delete, select, update
from sqlalchemy import exc as sa_exc

from .engine import error_line, write_connection
from .errors import StorageError
from .models import CrawlLock, CrawlRun, Site
from .sites import site_condition
from .sqlhelp import dialect_insert

KILLED = "killed"  # crawl_runs.outcome of a run whose process died without finishing it


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a site's lock."""

    site: str
    pid: int
    host: str
    acquired_at: datetime
    heartbeat_at: datetime

    def describe(self) -> str:
        return (f"pid {self.pid} on {self.host} since {self.acquired_at:%Y-%m-%d %H:%M:%S} UTC "
                f"(heartbeat {self.heartbeat_at:%H:%M:%S})")


def me() -> tuple[int, str]:
    """This process: (pid, host)."""
    return os.getpid(), socket.gethostname()


def pid_alive(pid: int) -> bool:
    """True if a process with this pid runs on this host (zombies count as dead)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _now() -> datetime:
    return datetime.now(UTC)


def _stale(holder: Holder, host: str, stale_after: float, now: datetime) -> bool:
    if holder.heartbeat_at < now - timedelta(seconds=stale_after):
        return True
    return holder.host == host and not pid_alive(holder.pid)


def acquire(engine: Engine, site: str, stale_after: float, pid: int | None = None,
            host: str | None = None) -> Holder | None:
    """Take site's lock: None when taken, else the live holder that keeps it."""
    my_pid, my_host = me()
    pid, host = pid or my_pid, host or my_host
    table = CrawlLock.__table__
    try:
        with write_connection(engine) as connection:
            now = _now()
            row = {"site": site, "pid": pid, "host": host, "acquired_at": now,
                   "heartbeat_at": now}
            insert = dialect_insert(connection, table)
            for _ in range(2):  # the holder may release between our INSERT and SELECT
                taken = connection.execute(insert.values(**row).on_conflict_do_nothing(
                    index_elements=["site"]))
                if taken.rowcount == 1:
                    return None
                holder = _holder(connection, site)
                if holder is not None:
                    break
            if holder is None or (holder.pid, holder.host) == (pid, host):
                return None  # ours already (re-entrant)
            if not _stale(holder, host, stale_after, now):
                return holder
            swapped = connection.execute(
                update(table).where(and_(table.c.site == site, table.c.pid == holder.pid,
                                         table.c.host == holder.host,
                                         table.c.heartbeat_at == holder.heartbeat_at))
                .values(pid=pid, host=host, acquired_at=now, heartbeat_at=now))
            return None if swapped.rowcount == 1 else _holder(connection, site)
    except sa_exc.SQLAlchemyError as exc:
        raise StorageError(f"could not take the crawl lock of {site}: {error_line(exc)}") from exc


def heartbeat(engine: Engine, site: str, pid: int | None = None,
              host: str | None = None) -> bool:
    """Refresh the lock's heartbeat; False if this process no longer holds it."""
    my_pid, my_host = me()
    table = CrawlLock.__table__
    try:
        with write_connection(engine) as connection:
            result = connection.execute(
                update(table).where(and_(table.c.site == site, table.c.pid == (pid or my_pid),
                                         table.c.host == (host or my_host)))
                .values(heartbeat_at=_now()))
    except sa_exc.SQLAlchemyError as exc:
        raise StorageError(f"could not refresh the crawl lock of {site}: "
                           f"{error_line(exc)}") from exc
    return result.rowcount == 1


def release(engine: Engine, site: str, pid: int | None = None, host: str | None = None) -> None:
    """Drop the lock if this process holds it (a lock taken over by another is left alone)."""
    my_pid, my_host = me()
    table = CrawlLock.__table__
    try:
        with write_connection(engine) as connection:
            connection.execute(delete(table).where(and_(
                table.c.site == site, table.c.pid == (pid or my_pid),
                table.c.host == (host or my_host))))
    except sa_exc.SQLAlchemyError as exc:
        raise StorageError(f"could not release the crawl lock of {site}: "
                           f"{error_line(exc)}") from exc


def mark_killed_runs(engine: Engine, site: str) -> int:
    """Runs of site still 'running' whose process is gone from this host become 'killed'.

    A run records its pid and host in crawl_runs.arguments; call this while holding the
    site's lock. Returns how many rows changed.
    """
    runs, sites = CrawlRun.__table__, Site.__table__
    _, host = me()
    with write_connection(engine) as connection:
        running = connection.execute(
            select(runs.c.id, runs.c.arguments).join(sites, sites.c.id == runs.c.site_id)
            .where(and_(site_condition(site), runs.c.outcome == "running"))).all()
        dead = [run_id for run_id, arguments in running
                if isinstance(arguments, dict) and arguments.get("host") == host
                and isinstance(arguments.get("pid"), int) and arguments["pid"] != os.getpid()
                and not pid_alive(arguments["pid"])]
        if dead:
            connection.execute(update(runs).where(runs.c.id.in_(dead))
                               .values(outcome=KILLED, finished_at=_now()))
    return len(dead)


def _holder(connection: Connection, site: str) -> Holder | None:
    table = CrawlLock.__table__
    row = connection.execute(select(table).where(table.c.site == site)).first()
    return Holder(*row) if row is not None else None

