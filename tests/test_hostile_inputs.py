"""Hostile input: the bad-input corpus through clean_page, `cleanwire clean` and the pool.

clean_page must return a CleanPage or raise CleanError (nothing else) in bounded
time; the CLI must print one outcome and exit 0 or 1; the cleaning pool must turn
a page that runs out of time into "timeout: clean" and replace the hung worker.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from bad_inputs.corpus import BadInput, bad_inputs, by_name
from bad_inputs.server import ARTICLE_PATH, ARTICLE_SENTENCE, HostileServer
from cli_helpers import cleanwire, rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners import CleanError, CleanOptions, CleanPage, clean_page
from cleaners.dom import flatten_nesting, parse_html
from crawler import cli
from crawler.pool.cleaning_pool import CleaningPool, _clean

_OUTCOMES: dict[str, CleanPage | CleanError] = {}


def _outcome(item: BadInput) -> CleanPage | CleanError:
    """clean_page's result for item, computed once per test session."""
    if item.name not in _OUTCOMES:
        charset = item.content_type.partition("charset=")[2] or None
        try:
            _OUTCOMES[item.name] = clean_page(item.body, f"http://bad.test{item.path}",
                                              http_charset=charset)
        except CleanError as exc:
            _OUTCOMES[item.name] = exc
    return _OUTCOMES[item.name]


def test_corpus_has_at_least_40_distinct_inputs():
    items = bad_inputs()
    assert len(items) >= 40
    assert len({i.body for i in items}) == len(items)


@pytest.mark.parametrize("item", bad_inputs(), ids=lambda i: i.name)
def test_clean_page_returns_a_page_or_raises_clean_error(item: BadInput):
    result = _outcome(item)  # anything but CleanError propagates and fails the test
    assert isinstance(result, CleanPage | CleanError)
    if isinstance(result, CleanError):
        assert str(result) and "\n" not in str(result)


@pytest.mark.parametrize("name, expected", [
    ("png-as-html", "binary content (a PNG image)"), ("pdf-as-html", "a PDF document"),
    ("gzip-bytes-as-html", "gzip data"), ("random-bytes", "binary content"),
    ("empty", "empty document"), ("whitespace-only", "empty document"),
    ("rss-as-html", "an RSS feed"), ("svg-as-html", "an SVG image"),
])
def test_non_html_is_refused_with_a_reason(name: str, expected: str):
    result = _outcome(by_name(name))
    assert isinstance(result, CleanError) and expected in str(result)


def test_lying_charsets_decode_to_the_real_text():
    assert "Городской совет" in _page("lying-utf8-is-cp1251").text
    assert "Городской совет" in _page("http-charset-lies").text
    assert "Était-ce prévu" in _page("lying-cp1252-is-utf8").text
    assert "Était-ce prévu" in _page("two-meta-charsets").text
    for name in ("utf16-le-bom", "utf16-be-bom", "utf16-le-no-bom", "utf32-bom"):
        assert "tram network" in _page(name).text, name


def _page(name: str) -> CleanPage:
    result = _outcome(by_name(name))
    assert isinstance(result, CleanPage), result
    return result


def test_text_after_deep_nesting_is_kept():
    # libxml2 stops at depth 256 and silently drops the rest of the document
    for depth in (300, 10_000):
        html = ("<html><body><p>before</p>" + "<div>" * depth + "deep" + "</div>" * depth
                + "<p>after the deep part</p></body></html>")
        text = parse_html(html).text_content()
        assert "before" in text and "deep" in text and "after the deep part" in text


def test_deep_nesting_and_many_links_stay_bounded():
    tree = parse_html(by_name("deep-10k-div").body.decode(), max_depth=50)
    assert max(len(list(e.iterancestors())) for e in tree.iter()) <= 50
    tree = parse_html("<p>" + "<a href=/x>x</a>" * 5000, max_nodes=1000)
    assert sum(1 for _ in tree.iter()) <= 1000


@pytest.mark.parametrize("depth", [18, 19, 20, 21])
def test_bounds_cut_exactly_at_the_limits(depth: int):
    """The quick check in C (count, reach) and the walk agree at the edges."""
    html = "<html><body>" + "<div>" * depth + "deep" + "</div>" * depth + "</body></html>"
    tree = parse_html(html, max_depth=20)  # html 0, body 1, divs 2..depth+1
    assert max(len(list(e.iterancestors())) for e in tree.iter()) == min(depth + 1, 20)
    assert "deep" in tree.text_content()
    nodes = 2 + depth  # html, body, the divs
    assert sum(1 for _ in parse_html(html, max_nodes=nodes).iter()) == nodes
    assert sum(1 for _ in parse_html(html, max_nodes=nodes - 1).iter()) == nodes - 1


def test_many_attributes_are_capped_on_parse():
    # 50,000 attributes on one element took ~5 s (O(n^2)) before the cap; the time itself
    # is bench/clean_bench.py's to watch, the per-test timeout catches a hang
    tree = parse_html(by_name("many-attributes").body.decode())
    assert len(tree.body[0].attrib) <= 200


def test_flatten_nesting_drops_tags_not_text():
    # the innermost structure stays: the outermost wrappers below keep_outer levels go
    flat = flatten_nesting("<div><div><div><b>x</b></div></div></div><p>y</p>", 2)
    assert flat == "<div><b>x</b></div><p>y</p>"
    flat = flatten_nesting("<main><div>a<div>b<div>c<b>x</b></div></div></div></main>", 3,
                           keep_outer=1)
    assert flat == "<main>ab<div>c<b>x</b></div></main>"


# ---- cleanwire clean -------------------------------------------------------------------

@pytest.mark.parametrize("item", bad_inputs(), ids=lambda i: i.name)
def test_cli_clean_prints_one_outcome(item: BadInput, tmp_path: Path, capsys, monkeypatch):
    # the CLI in-process, with clean_page's (already checked) outcome reused to save time
    def cached(data: bytes, url: str = "", *args: object, **kwargs: object) -> CleanPage:
        assert data == item.body
        result = _outcome(item)
        if isinstance(result, CleanError):
            raise result
        return result

    monkeypatch.setattr("crawler.commands.clean.clean_page", cached)
    path = tmp_path / "page.html"
    path.write_bytes(item.body)
    code = cli.main(["clean", str(path), "--url", f"http://bad.test{item.path}"])
    out, err = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in out + err
    if code == 0:
        assert not err.strip()
        assert json.loads(out)["url"] == f"http://bad.test{item.path}"
    else:
        lines = err.strip().splitlines()
        assert not out and len(lines) == 1 and lines[0].startswith("cleanwire: ")


@pytest.mark.slow
def test_cli_clean_in_a_real_process(tmp_path: Path):
    for name in ("png-as-html", "lying-utf8-is-cp1251"):
        path = tmp_path / f"{name}.html"
        path.write_bytes(by_name(name).body)
        proc = cleanwire("clean", str(path), "--format", "text")
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, name
        assert len(proc.stderr.strip().splitlines()) == (proc.returncode == 1), proc.stderr


# ---- random HTML-ish bytes -------------------------------------------------------------

_TAGS = st.sampled_from(["html", "head", "body", "div", "p", "a", "table", "td", "tr", "script",
                         "style", "title", "meta", "article", "span", "br", "svg", "frameset",
                         "iframe", "noscript", "template", "math", "select", "option", "!--",
                         "![CDATA[", "?xml", "!DOCTYPE"])
_ATTRS = st.lists(st.tuples(st.sampled_from(["href", "class", "id", "charset", "content",
                                             "http-equiv", "src", "lang", "style", "x"]),
                            st.text(max_size=20)), max_size=4)
_CHARSETS = st.sampled_from(["utf-8", "cp1251", "latin-1", "utf-16", "utf-16-le", "shift_jis",
                             "koi8-r", "bogus", "utf-32"])


@st.composite
def html_ish(draw: st.DrawFn) -> tuple[bytes, str | None]:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            attrs = "".join(f' {k}="{v}"' for k, v in draw(_ATTRS))
            parts.append(f"<{draw(_TAGS)}{attrs}>")
        elif kind == 1:
            parts.append(f"</{draw(_TAGS)}>")
        elif kind == 2:
            parts.append(f'<meta charset="{draw(_CHARSETS)}">')
        elif kind == 3:
            parts.append(draw(st.sampled_from(["&amp;", "&#0;", "&#xD800;", "&bogus;", "<", ">",
                                               "\x00", "\u202e", "\ufeff", "]]>", "-->"])))
        else:
            parts.append(draw(st.text(max_size=30)))
    text = "".join(parts)
    encoding = draw(_CHARSETS)
    try:
        data = text.encode(encoding, errors="replace")
    except LookupError:
        data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        data = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x1f\x8b"])
                    ) + data
    if draw(st.booleans()):
        data += draw(st.binary(max_size=64))
    return data, draw(st.one_of(st.none(), _CHARSETS))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_ish())
def test_random_html_is_cleaned_or_refused(case: tuple[bytes, str | None]):
    data, charset = case
    try:
        page = clean_page(data, "http://random.test/a/", http_charset=charset)
    except CleanError:
        pass
    else:
        assert isinstance(page, CleanPage)


# ---- the cleaning pool -----------------------------------------------------------------

_SMALL = by_name("truncated").body


def test_pool_worker_turns_unexpected_exceptions_into_a_reason():
    cleaned = _clean(b"<html><body><p>x</p></body></html>", "http://x.test/",
                     "not options", None)  # type: ignore[arg-type]
    assert cleaned.page is None and cleaned.error == "clean: internal error: AttributeError"


@pytest.mark.slow
def test_crawl_records_a_page_that_outlives_the_clean_timeout(tmp_path: Path):
    db = tmp_path / "timeout.db"
    with HostileServer(names=("links-200k",)) as server:  # ~15 s of cleaning, 7 MB
        proc = cleanwire("crawl", server.url("/"), "--db", str(db), "--max-page-bytes",
                         "8000000", "--max-depth", "1", "--workers", "1",
                         env={"CLEANWIRE_CLEAN_TIMEOUT": "3"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    errors = dict(rows(db, "select url, error from fetches"))
    assert errors[server.url("/bad/links-200k/")] == "timeout: clean"
    bad = server.url("/bad/links-200k/")
    assert re.search(rf"^    timeout: clean +1  e\.g\. {re.escape(bad)}$", proc.stdout,
                     re.MULTILINE)  # the summary's row: the reason, its count, an example
    assert errors[server.url(ARTICLE_PATH)] is None  # cleaned, by the old or the new worker
    assert rows(db, "select url from articles") == [(server.url(ARTICLE_PATH),)]


async def _until(condition: Callable[[], bool], limit: float = 60.0) -> None:
    """Wait for condition, polled on the event loop; a deadline only for liveness."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the pool never reached the expected state"
        await asyncio.sleep(0.01)


@pytest.mark.slow
def test_pool_replaces_a_worker_hung_past_the_timeout():
    slow = by_name("links-200k").body  # ~15 s of cleaning on this machine

    async def scenario() -> None:
        pool = CleaningPool(workers=1, timeout=120)
        options = CleanOptions()
        try:
            warm = await pool.clean(_SMALL, "http://x.test/warm", options)
            assert warm.error is None and warm.page is not None  # warm: forkserver and worker up
            before = pool.worker_pids()
            pool.timeout = 3.0
            hung, queued = await asyncio.gather(
                pool.clean(slow, "http://x.test/slow", options),
                pool.clean(_SMALL, "http://x.test/queued", options))
            assert hung.page is None and hung.error == "timeout: clean"
            # the page queued behind the hung one went to the new pool
            assert queued.error is None and queued.page is not None, queued.error
            assert pool.replaced == 1
            assert before and not before & pool.worker_pids()  # the hung worker is gone
            after = await pool.clean(_SMALL, "http://x.test/after", options)
            assert after.error is None and after.page is not None
        finally:
            pool.close(wait=False)

    asyncio.run(scenario())


@pytest.mark.slow
def test_a_worker_killed_mid_page_costs_that_page_only():
    """A worker that dies (a crash, the OOM killer) while cleaning: its page is recorded as
    "clean: worker crashed", the pages queued behind it are cleaned by a new worker, and
    the pool goes on; a page larger than the socket's buffer goes through whole."""
    import os
    import signal

    slow = by_name("links-200k").body  # ~15 s of cleaning on this machine
    big = b"<html><body><article><p>" + b"Word and word again. " * 200_000 + b"</p></article>"

    async def scenario() -> None:
        pool = CleaningPool(workers=1, timeout=120)
        options = CleanOptions()
        try:
            warm = await pool.clean(_SMALL, "http://x.test/warm", options)
            assert warm.error is None
            (victim,) = pool.worker_pids()
            hung = asyncio.ensure_future(pool.clean(slow, "http://x.test/slow", options))
            queued = [asyncio.ensure_future(pool.clean(_SMALL, f"http://x.test/q{i}", options))
                      for i in range(2)]
            await _until(lambda: pool.sent() == 3)  # the worker holds all three, slow first
            os.kill(victim, signal.SIGKILL)
            assert (await hung) == (None, "clean: worker crashed", None, ())
            for page in await asyncio.gather(*queued):
                assert page.error is None and page.page is not None
            assert pool.replaced == 0 and victim not in pool.worker_pids()
            large = await pool.clean(big, "http://x.test/big", options)  # 4 MB: many writes
            assert large.error is None and large.page is not None
            assert large.page.word_count >= 800_000
        finally:
            pool.close(wait=False)
        assert not pool.worker_pids()

    asyncio.run(scenario())


@pytest.mark.slow
def test_closing_the_pool_answers_every_page_still_waiting():
    slow = by_name("links-200k").body

    async def scenario() -> None:
        pool = CleaningPool(workers=1, timeout=120)
        options = CleanOptions()
        waiting = [asyncio.ensure_future(pool.clean(body, f"http://x.test/{i}", options))
                   for i, body in enumerate([slow, _SMALL, _SMALL, _SMALL, _SMALL])]
        await _until(lambda: pool.sent() == 5)  # every page handed to the worker
        pool.close(wait=False)
        outcomes = await asyncio.wait_for(asyncio.gather(*waiting), 30)
        assert {o.error for o in outcomes} == {"clean: pool closed"}
        assert not pool.worker_pids()

    asyncio.run(scenario())


# ---- a real crawl of the hostile site --------------------------------------------------

# what a crawl must record for these pages (outcome, start of the reason)
_CRAWL_EXPECTED = {
    "links-200k": ("failed", "too large"), "5mb-one-paragraph": ("failed", "too large"),
    "png-as-html": ("skipped", "clean: binary content"),
    "random-bytes": ("skipped", "clean: binary content"),
    "empty": ("skipped", "clean: empty document"), "rss-as-html": ("skipped", "clean: an RSS"),
}


@pytest.mark.slow
def test_crawl_of_the_hostile_site_records_an_outcome_for_every_page(tmp_path: Path,
                                                                    fixture_site):
    db = tmp_path / "hostile.db"
    # an article of another site, stored before: it must come out untouched
    proc = cleanwire("scrape", fixture_site.site.linked_articles[0].url(fixture_site.base_url),
                     "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    canary = rows(db, "select * from articles")
    sites = tmp_path / "sites.toml"
    with HostileServer() as server:
        sites.write_text(f'[sites.hostile]\nstart_urls = ["{server.url("/")}"]\n'
                         "[sites.hostile.politeness]\nautothrottle = false\n"
                         "concurrent_requests_per_domain = 8\n", encoding="utf-8")
        proc = cleanwire("crawl", "hostile", "--sites", str(sites), "--db", str(db),
                         "--timeout", "10", "--max-page-bytes", "3000000")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    run = rows(db, "select max(id) from crawl_runs")[0][0]
    fetched = {url: (outcome, error) for url, outcome, error in rows(
        db, "select url, outcome, error from fetches where crawl_run_id = ?", run)}
    for item in bad_inputs():
        outcome, error = fetched[server.url(item.path)]
        assert outcome, item.name
        if outcome in ("skipped", "failed"):
            assert error and "\n" not in error, item.name
        want = _CRAWL_EXPECTED.get(item.name)
        if want:
            assert outcome == want[0] and error.startswith(want[1]), (item.name, outcome, error)
    assert not [e for _, e in fetched.values() if e and ("internal error" in e or "timeout" in e)]
    assert fetched[server.url(ARTICLE_PATH)] == ("new", None)
    text = rows(db, "select text from articles where url = ?", server.url(ARTICLE_PATH))[0][0]
    assert ARTICLE_SENTENCE in text
    # refused links of the hostile-links page: recorded, never fetched
    assert fetched["file:///etc/passwd"] == ("skipped", "refused: scheme")
    assert {"/trap/redirect-file/", "/trap/gzip-bomb/"} <= set(server.requests)
    # what was there before is untouched, and the file is sound
    assert [r for r in rows(db, "select * from articles") if r[0] == canary[0][0]] == canary
    assert rows(db, "pragma integrity_check") == [("ok",)]


_ORPHAN_SCRIPT = """
import asyncio, sys
from crawler.pool.cleaning_pool import CleaningPool
from cleaners import CleanOptions
pool = CleaningPool(workers=2, timeout=120)
asyncio.run(pool.clean(b"<html><body><p>x</p></body></html>", "http://x.test/", CleanOptions()))
print(*sorted(pool.worker_pids()), flush=True)
sys.stdin.read()
"""


@pytest.mark.slow
def test_workers_do_not_outlive_a_killed_crawl():
    import os
    import signal
    import subprocess
    import sys

    from cli_helpers import ROOT

    proc = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert workers  # started on demand: one is enough here
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_running(p) for p in workers):
            time.sleep(0.2)
        assert not any(_running(p) for p in workers)
    finally:
        if proc.poll() is None:
            proc.kill()


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

