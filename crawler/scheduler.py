"""Scheduled crawls: a plain loop that starts each site's crawl as a subprocess when due.

A Twisted reactor cannot restart in one process, so every crawl is its own
`python -m crawler crawl SITE` process (in the scheduler's directory, importing the
scheduler's cleanwire, with --db and --sites absolute), at most max_parallel at a time and
one per site. A site is due `every` seconds after its last crawl started (right after it
ends if it overran). A failing crawl is logged and the site tried again at its next
due time; it never stops the others. The first SIGINT/SIGTERM: say "stopping... (Ctrl-C
again to abort)", stop launching, forward one SIGTERM to each running crawl (which then
stops as `cleanwire crawl` does on a signal: what is cleaned is stored, the run recorded
as "interrupted: shutdown"), wait for them, return 128 + the signal. A second: forward
SIGINT, which makes the crawls abort at once, and return 130.

site_locks() is what `cleanwire crawl` does around its crawls: take each site's
lock (storage/locks.py), mark runs of dead crawls 'killed', release at the end.
"""

from __future__ import annotations

import os
import signal
import site
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType

from crawler.commands.base import (
    ABORTING,
    EXIT_INTERRUPTED,
    EXIT_OK,
    STOPPING,
    exit_for_signal,
)
from crawler.profiles import SiteProfile
from storage.engine import open_engine, redact_url
from storage.locks import acquire, mark_killed_runs, release

ROOT = Path(__file__).resolve().parent.parent


# ---- locks around `cleanwire crawl` ----------------------------------------------------------

@contextmanager
def site_locks(profiles: list[SiteProfile], database_url: str, stale_after: float,
               say: Callable[[str], None]) -> Iterator[list[SiteProfile]]:
    """The profiles whose lock this process took (others are reported through say)."""
    engine = open_engine(database_url)
    taken: list[SiteProfile] = []
    try:
        for profile in profiles:
            holder = acquire(engine, profile.name, stale_after)
            if holder is not None:
                say(f"{profile.name} is being crawled already by {holder.describe()}; "
                    f"not starting another crawl (database {redact_url(database_url)})")
                continue
            taken.append(profile)
            mark_killed_runs(engine, profile.name)
        yield taken
    finally:
        for profile in taken:
            release(engine, profile.name)
        engine.dispose()


# ---- the schedule loop -----------------------------------------------------------------------

@dataclass
class _Job:
    profile: SiteProfile
    process: subprocess.Popen[bytes]
    started: float


@dataclass
class Scheduler:
    """Starts due crawls as subprocesses; run() returns 0 after --once, 128 + N after
    signal N, 130 after two."""

    profiles: list[SiteProfile]
    crawl_args: list[str]  # extra arguments for every `cleanwire crawl SITE ...`
    max_parallel: int = 2
    once: bool = False
    tick: float = 1.0
    log: Callable[[str], None] = print
    due: dict[str, float] = field(default_factory=dict)
    running: dict[str, _Job] = field(default_factory=dict)
    launched: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    signals_received: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        now = time.monotonic()
        self.due = {p.name: now for p in self.profiles}  # every site is due at start

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        """A signal handler: the first stops the loop, a second aborts the running crawls."""
        if signum is not None:
            self.signals_received.append(signum)
        if len(self.signals_received) == 1:
            os.write(2, f"cleanwire: {STOPPING}\n".encode())
        elif len(self.signals_received) == 2:
            os.write(2, f"cleanwire: {ABORTING}\n".encode())
            for job in self.running.values():
                if job.process.poll() is None:
                    os.kill(job.process.pid, signal.SIGINT)  # their second signal: abort
        self._stop.set()

    def exit_code(self) -> int:
        if not self.signals_received:
            return EXIT_OK
        if len(self.signals_received) > 1:
            return EXIT_INTERRUPTED
        return exit_for_signal(self.signals_received[0])

    def run(self) -> int:
        previous = {s: signal.signal(s, self.stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not self._stop.is_set():
                self.reap()
                self.launch_due()
                if self.once and not self.running and len(self.launched) == len(self.profiles):
                    break
                self._stop.wait(self.sleep_for())
            self.shutdown()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return self.exit_code()

    def launch_due(self) -> None:
        now = time.monotonic()
        for profile in self.profiles:
            name = profile.name
            if len(self.running) >= self.max_parallel:
                return
            if name in self.running or self.due[name] > now:
                continue
            if self.once and name in self.launched:
                continue
            self.start(profile)

    def start(self, profile: SiteProfile) -> None:
        command = [*crawl_command(), "crawl", profile.name, *self.crawl_args]
        # own session: a terminal's Ctrl-C reaches only the scheduler, which forwards
        # exactly one SIGTERM (a second signal would make Scrapy stop uncleanly); the
        # user's directory, so a path that slipped through unresolved still means theirs
        process = subprocess.Popen(command, env=crawl_environment(), start_new_session=True)
        self.running[profile.name] = _Job(profile, process, time.monotonic())
        self.launched[profile.name] = self.launched.get(profile.name, 0) + 1
        self.log(f"{_clock()} {profile.name}: crawl started (pid {process.pid})")

    def reap(self) -> None:
        for name, job in list(self.running.items()):
            code = job.process.poll()
            if code is None:
                continue
            del self.running[name]
            every = job.profile.every or 0.0
            self.due[name] = max(job.started + every, time.monotonic()) if every else float("inf")
            took = time.monotonic() - job.started
            result = "ok" if code == 0 else f"exit {code}"
            nxt = (f"; next in {self.due[name] - time.monotonic():.0f} s"
                   if every and not self.once else "")
            self.log(f"{_clock()} {name}: crawl ended ({result}) after {took:.1f} s{nxt}")

    def sleep_for(self) -> float:
        pending = [self.due[n] for n in self.due if n not in self.running]
        wait = min(pending, default=time.monotonic() + self.tick) - time.monotonic()
        return max(0.05, min(self.tick, wait))

    def shutdown(self, grace: float | None = None) -> None:
        """Forward SIGTERM to running crawls and wait for them (SIGKILL after grace)."""
        if not self.running:
            return
        self.log(f"{_clock()} stopping: waiting for {len(self.running)} crawl(s) to finish")
        for job in self.running.values():
            if job.process.poll() is None:
                os.kill(job.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + (grace if grace is not None else _grace())
        for job in list(self.running.values()):
            try:
                job.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{_clock()} {job.profile.name}: did not stop in time, killed")
                job.process.kill()
                job.process.wait()
        self.reap()


def crawl_command() -> list[str]:
    """`python -m crawler` of this interpreter, without the current directory on sys.path
    (-P): a crawler/ or storage/ folder where the user stands must not be imported."""
    return [sys.executable, "-P", "-m", "crawler"]


def crawl_environment() -> dict[str, str]:
    """The environment of a crawl subprocess: ours, with the directory this code was
    imported from first on PYTHONPATH (unless it is a site-packages directory, which the
    interpreter finds itself, after the standard library), so the crawl runs the same
    cleanwire (a checkout, an editable or a regular install) from whatever directory it
    starts in."""
    paths = list(filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    if str(ROOT) not in (*site.getsitepackages(), site.getusersitepackages()):
        paths.insert(0, str(ROOT))
    if not paths:
        return dict(os.environ)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def _grace() -> float:
    return float(os.environ.get("CLEANWIRE_SCHEDULE_GRACE", "120"))


def _clock() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
