"""The progress line of a real crawl of the fixture site: the summary's numbers, shown as a
person at a terminal or a log file expects."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading

import pytest
from cli_helpers import ROOT, cleanwire, cli_env

pytestmark = pytest.mark.slow

FAST_PROGRESS = {"CLEANWIRE_PROGRESS_INTERVAL": "0.2"}
LINE = re.compile(r"fetched (\d+) · articles (\d+) · non-articles (\d+) · skipped (\d+) · "
                  r"failed (\d+) · [\d.]+ pages/s")
SUMMARY = ("pages fetched", "articles stored", "non-article pages", "skipped", "failed")


def crawl_args(fixture_site, tmp_path, *extra: str) -> list[str]:
    fixture_site.slow_seconds = 1
    return ["crawl", fixture_site.url("/"), "--db", str(tmp_path / "news.db"), "--timeout", "3",
            "--max-page-bytes", "1000000", *extra]


def summary_numbers(stdout: str) -> tuple[int, ...]:
    return tuple(int(re.search(rf"^  {label}\s+(\d+)", stdout, re.M).group(1))
                 for label in SUMMARY)


def test_plain_progress_lines_end_on_the_summarys_numbers(fixture_site, tmp_path):
    proc = cleanwire(*crawl_args(fixture_site, tmp_path), env=FAST_PROGRESS)
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "\x1b" not in proc.stderr  # not a terminal
    lines = proc.stderr.splitlines()
    assert lines and all(LINE.search(line) for line in lines), proc.stderr
    last = tuple(int(n) for n in LINE.search(lines[-1]).groups())
    assert last == summary_numbers(proc.stdout)
    assert "ETA" not in proc.stderr  # no page cap


def test_on_a_terminal_one_line_is_rewritten_with_an_eta_under_a_page_cap(
        fixture_site, tmp_path):
    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", *crawl_args(fixture_site, tmp_path, "--max-pages",
                                                      "20")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=secondary, text=True,
        env=cli_env(FAST_PROGRESS))
    os.close(secondary)
    chunks: list[bytes] = []

    def read_terminal() -> None:
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the crawl closed the terminal
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    out, _ = proc.communicate(timeout=240)
    reader.join(timeout=60)
    os.close(main)
    err = b"".join(chunks).decode()
    assert proc.returncode == 0, err
    updates = err.split("\r\x1b[K")[1:]
    assert len(updates) >= 2, err
    assert all("\n" not in u for u in updates[:-1]) and updates[-1].endswith("\r\n")  # pty: \r\n
    assert "ETA" in updates[-1]
    last = tuple(int(n) for n in LINE.search(updates[-1]).groups())
    assert last == summary_numbers(out)
