"""A crawl or scrape leaves nothing in the system temp directory, killed or not: no pymp-*
directory with the cleaning pool's forkserver socket in it (crawler/pool/forkserver.py).

Each run gets a private TMPDIR, so what it leaves behind is its own.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import cleanwire, cleanwire_process

pytestmark = pytest.mark.slow


def _wait_for(condition: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    """Poll condition; the deadline is for liveness only, nothing is timed."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _sockets(tmp: Path) -> list[Path]:
    return [p for p in tmp.glob("pymp-*/*") if p.is_socket()]


def test_a_scrape_leaves_no_temp_files(fixture_site, tmp_path: Path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    article = fixture_site.site.linked_articles[0].url(fixture_site.base_url)
    proc = cleanwire("scrape", article, "--db", str(tmp_path / "news.db"),
                     env={"TMPDIR": str(tmp)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert list(tmp.iterdir()) == []


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_crawl_leaves_no_socket_behind(fixture_site, tmp_path: Path, sig: int):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    fixture_site.slow_seconds = 30  # the crawl is still running when it is killed
    proc = cleanwire_process("crawl", fixture_site.url("/"), "--db", str(tmp_path / "news.db"),
                             "--timeout", "60", env={"TMPDIR": str(tmp)})
    try:
        # under way: the forkserver listens in its pymp-* directory, articles are fetched
        _wait_for(lambda: (bool(_sockets(tmp)) and len(fixture_site.requests) >= 8)
                  or proc.poll() is not None, "the crawl never got under way")
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        os.kill(proc.pid, sig)  # the crawl process only: its forkserver and workers see it go
        proc.communicate(timeout=120)
        _wait_for(lambda: not list(tmp.iterdir()), f"left behind: {list(tmp.rglob('*'))}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
