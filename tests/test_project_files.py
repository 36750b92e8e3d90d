"""The project's own files agree: .ci/run runs the README's test command, word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"Run the whole test suite.*?```sh\n(.+?)\n```", readme, re.DOTALL)
    assert block, "README.md lost its 'Run the whole test suite' command block"
    command = block.group(1).strip()
    assert "ruff check" in command and "pytest" in command
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith(("#", "set ", "cd "))]
    assert ci_lines == [command]
