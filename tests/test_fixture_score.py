"""The shared fixture pages, scored exactly as ../shared/fixtures/score.py scores them,
through the real `cleanwire clean` command."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import ROOT

SCORE = ROOT.parent / "shared" / "fixtures" / "score.py"


@pytest.mark.slow
def test_every_fixture_page_passes():
    if not SCORE.is_file():
        pytest.skip(f"shared fixtures absent: {SCORE}")
    command = f"{shlex.quote(sys.executable)} -m crawler.cli clean {{path}} --url {{url}} " \
              "--format json"
    proc = subprocess.run([sys.executable, str(SCORE), "--cmd", command], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    assert proc.returncode == 0, proc.stdout
    assert summary.endswith("passed, 0 failed"), summary
    assert int(summary.split()[1]) == len(list(Path(SCORE.parent, "pages").glob("*.json")))
