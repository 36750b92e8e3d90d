"""Hostile page shapes keep their type and words: an article wrapped in 100,000 nested
<div>s (libxml2 stops at depth 256; the nesting is flattened, innermost structure kept)
and a 20 MB comment before the article (libxml2 gives up on a comment over 10 MB). Cleaned
through the public API, and by `cleanwire clean` in a real process whose peak memory
(VmHWM, read from /proc) stays under 500 MB."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import ROOT, cli_env
from proc_probe import run_with_peak_rss

from cleaners import clean_page

URL = "https://news.example.org/2024/05/02/harbour-pier"
TITLE = "Harbour board rebuilds the old pier"
PARAGRAPHS = [f"The harbour board voted on Tuesday evening to rebuild pier {i}, after engineers "
              "found that its timber piles had rotted through in places that divers could "
              "reach only at low tide." for i in range(12)]
NAV = "".join(f'<li><a href="/section/{i}/">Section {i}</a></li>' for i in range(20))
WRAPPERS = 100_000
PEAK_RSS_BOUND_KB = 500 * 1024


def article_page(wrap_open: str = "", wrap_close: str = "", before: str = "") -> bytes:
    """A news article between navigation, a most-read box and a footer; wrap_open and
    wrap_close go around the article's <main>, before right after <body>."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{TITLE}</title>'
        '<meta property="article:published_time" content="2024-05-02T10:00:00Z"></head>'
        f'<body>{before}<header><nav><ul>{NAV}</ul></nav></header>{wrap_open}<main><article>'
        f'<h1>{TITLE}</h1><p class="byline">By Ann Lee</p>{body}</article>'
        f'<aside><h2>Most read</h2><ul>{NAV}</ul></aside></main>{wrap_close}'
        '<footer><p>Copyright 2024 The Harbour News. All rights reserved.</p></footer>'
        '</body></html>'
    ).encode()


def nested_bare() -> bytes:
    return article_page("<div>" * WRAPPERS, "</div>" * WRAPPERS)


def nested_with_text() -> bytes:
    return article_page("<div>wrap " * WRAPPERS, "</div>" * WRAPPERS)


def huge_comment() -> bytes:
    return article_page(before="<!-- " + "x" * 20_000_000 + " -->")


def huge_comment_in_head() -> bytes:
    return article_page().replace(b"<head>", b"<head><!-- " + b"-" * 20_000_000 + b" -->", 1)


HOSTILE: dict[str, Callable[[], bytes]] = {
    "nested-divs": nested_bare, "nested-divs-with-text": nested_with_text,
    "20mb-comment": huge_comment, "20mb-comment-in-head": huge_comment_in_head,
}


@pytest.fixture(scope="module")
def reference() -> tuple[str, int]:
    page = clean_page(article_page(), URL)
    assert page.page_type == "article" and page.word_count > 300
    return page.page_type, page.word_count


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_page_keeps_type_and_words(name: str, reference: tuple[str, int]) -> None:
    page = clean_page(HOSTILE[name](), URL)
    page_type, words = reference
    assert page.page_type == page_type
    assert abs(page.word_count - words) <= 0.05 * words, (page.word_count, words)
    assert PARAGRAPHS[0] in page.text and PARAGRAPHS[-1] in page.text
    assert "Section 3" not in page.text  # the navigation is still told from the text




@pytest.mark.slow
@pytest.mark.parametrize("name", ["nested-divs-with-text", "20mb-comment"])
def test_cli_clean_of_a_hostile_page_is_bounded(name: str, tmp_path: Path,
                                                reference: tuple[str, int]) -> None:
    path = tmp_path / f"{name}.html"
    path.write_bytes(HOSTILE[name]())
    started = time.monotonic()
    proc, peak = run_with_peak_rss("clean", str(path), "--url", URL, "--format", "json",
                                   cwd=ROOT, env=cli_env(), capture_output=True, timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["page_type"] == "article"
    assert abs(result["word_count"] - reference[1]) <= 0.05 * reference[1]
    print(f"{name}: {elapsed:.1f} s, peak RSS {peak // 1024} MB")  # the report's figures
    assert peak < PEAK_RSS_BOUND_KB, peak
