"""python -m cleaners.batch: JSON lines in, JSON lines out, one process for all pages."""

import json
import subprocess
import sys

from cli_helpers import ROOT

PAGE = ("<html lang='en'><head><title>Tide tables | Coast News</title></head><body><article>"
        "<h1>Tide tables</h1>" + "".join(
            f"<p>Paragraph {i}: the harbour master published new tide tables for the spring, "
            f"with higher water expected along the northern quays than last year.</p>"
            for i in range(5)) + "</article></body></html>")


def test_batch_cleans_every_line_and_survives_bad_pages():
    lines = [{"id": "a", "url": "https://coast.example/tides", "html": PAGE},
             {"id": "b", "url": "https://coast.example/empty", "html": ""},
             {"id": "c", "url": "", "html": PAGE.replace("Paragraph", "Absatz")}]
    proc = subprocess.run([sys.executable, "-m", "cleaners.batch"], cwd=ROOT, text=True,
                          input="".join(json.dumps(x) + "\n" for x in lines),
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert "Paragraph 4: the harbour master" in out[0]["text"]
    assert out[0]["title"] == "Tide tables"
    assert out[1]["text"] == "" and "error" in out[1]
    assert "Absatz 0" in out[2]["text"]
