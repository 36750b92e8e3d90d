#!/usr/bin/env bash
# Main-text quality of the cleaner, in one go:
#   1. the shared fixture pages (body kept / noise gone; title, date, author lines belong to
#      the metadata work),
#   2. WCXB dev articles: our F1/P/R against trafilatura(include_comments=False), same run,
#   3. a timing loop: clean_page vs bare trafilatura.extract on ~200 WCXB pages.
# Usage: bench/eval_text.sh [extra eval_extract.py args, e.g. --worst 30 --per-page-csv f.csv]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SHARED=${SHARED:-../shared}

echo "== fixtures"
"$PY" "$SHARED/fixtures/score.py" --cmd "$PY -c \"import sys,json;from cleaners import clean_page;print(json.dumps(clean_page(open(sys.argv[1],'rb').read(),sys.argv[2]).to_dict()))\" {path} {url}" || true

echo "== WCXB dev articles"
"$PY" "$SHARED/eval/eval_extract.py" --dataset wcxb-dev --page-type article \
    -e trafilatura_nocomments --cmd-batch "$PY -m cleaners.batch" --cmd-batch-name cleanwire \
    --n-bootstrap 50 "$@"

echo "== timing (clean_page vs trafilatura.extract, interleaved, same process)"
"$PY" - "$SHARED" <<'PYEOF'
import gzip, statistics, sys, time
from pathlib import Path
import trafilatura
from cleaners import clean_page
root = Path(sys.argv[1]) / "data" / "wcxb" / "dev" / "html"
files = sorted(root.glob("*.html.gz"))[::4][:200]
pages = [gzip.open(f, "rt", encoding="utf-8", errors="replace").read() for f in files]
ours, theirs = [], []
clean_page(pages[0].encode(), ""); trafilatura.extract(pages[0])  # warm-up
for html in pages:
    t = time.perf_counter(); trafilatura.extract(html, include_comments=False)
    theirs.append(time.perf_counter() - t)
    t = time.perf_counter(); clean_page(html.encode("utf-8"), "")
    ours.append(time.perf_counter() - t)
for name, xs in (("trafilatura.extract", theirs), ("clean_page", ours)):
    print(f"{name:20s} mean {1000 * statistics.mean(xs):6.1f} ms  median {1000 * statistics.median(xs):6.1f} ms")
print(f"ratio mean {statistics.mean(ours) / statistics.mean(theirs):.2f}x  "
      f"median {statistics.median(ours) / statistics.median(theirs):.2f}x  (budget 2x)")
PYEOF
