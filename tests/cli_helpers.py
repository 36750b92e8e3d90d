"""Run the cleanwire command in a subprocess, as a user would (each crawl gets a fresh reactor)."""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Fast, bounded settings for crawls of the local fixture site.
TEST_ENV = {
    "CLEANWIRE_CLEAN_WORKERS": "2",
    "CLEANWIRE_BATCH_SECONDS": "0.5",
    "CLEANWIRE_PROGRESS_INTERVAL": "0",
    # no WARC captures unless a test asks for them (tests/test_captures.py): a crawl into
    # PostgreSQL would write them to the working directory, the repository
    "CLEANWIRE_CAPTURES": "none",
}


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a test's cleanwire process: ours without CLEANWIRE_*, plus TEST_ENV."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANWIRE_")}
    full_env.update({**TEST_ENV, **(env or {})})
    return full_env


def cleanwire(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
              timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=timeout, env=cli_env(env))


def cleanwire_process(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """cleanwire started in the background (stdout and stderr captured)."""
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=cli_env(env))


def kill_when(ready: Callable[[], bool], *args: str, env: dict[str, str] | None = None,
              limit_s: float = 180) -> int:
    """Start `cleanwire ARGS`, SIGKILL it once ready() holds (polled every 0.1 s) and return
    its pid; fails the test when the process ends, or ready() never holds, before that."""
    killed = subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT,
                              env=cli_env(env), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + limit_s
    try:
        while not ready() and time.monotonic() < deadline and killed.poll() is None:
            time.sleep(0.1)
        assert killed.poll() is None, "the command finished before it could be killed"
        assert ready(), f"not ready within {limit_s} s"
    finally:
        killed.kill()
        killed.wait()
    return killed.pid


# a fixture-site profile slow enough to be killed half-way (format with start=URL)
POLITE_PROFILE = """[sites.fixture]
start_urls = ["{start}"]
[sites.fixture.politeness]
download_timeout = 2
max_page_bytes = 1000000
autothrottle = false
concurrent_requests_per_domain = 1
download_delay = 0.3
"""


def count_articles(db: Path) -> int:
    """The articles stored in db so far (0 before it or its schema exists)."""
    if not db.exists():
        return 0
    try:
        return rows(db, "select count(*) from articles")[0][0]
    except sqlite3.OperationalError:
        return 0


def rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and text in lines[0], proc.stderr


@dataclass(frozen=True)
class Ran:
    """What a command printed and returned (shaped like subprocess.CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Ran:
    """crawler.cli.main(args) in this process, with stdout and stderr captured."""
    from crawler.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Ran(code, out.getvalue(), err.getvalue())
