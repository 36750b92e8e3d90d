"""Headings trafilatura drops inside the article's container come back (cleaners/recover.py).

trafilatura drops a heading that holds a block element (<h2><div><a name=...>), as
many CMSs write their section headings; each page here has one such heading that
must come back, so the negative cases cannot pass by recovering nothing.
"""

from __future__ import annotations

from dataclasses import replace

from cleaners import CleanOptions
from cleaners.pipeline import clean_page

URL = "https://news.example.com/2025/03/budget-vote"


def _para(subject: str) -> str:
    sentence = (f"The {subject} met on Tuesday to discuss the new budget for the coming year,"
                " and many residents came to speak about schools and roads. ")
    return f"<p>{sentence * 3}</p>"


def _dropped(tag: str, text: str) -> str:
    """A heading as trafilatura drops it: a named anchor in a div inside the heading."""
    return f'<div><{tag}><div><a name="s">{text}</a></div></{tag}></div>'


def _page(middle: str, tail: str = "") -> bytes:
    return f"""<html><head><title>Budget vote</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Budget vote</h1>{_para("council")}
{_dropped("h2", "Schools get more money")}
{_para("board")}{middle}{_para("mayor")}{tail}</article>
<footer>Copyright 2025 Example News</footer></body></html>""".encode()


def _blocks(html: bytes, options: CleanOptions | None = None) -> list[str]:
    return clean_page(html, URL, options).text.split("\n\n")


def test_a_dropped_heading_comes_back_in_its_place() -> None:
    blocks = _blocks(_page(""))
    assert blocks.index("Schools get more money") == 1
    assert blocks[2].startswith("The board met")


def test_without_recovery_trafilatura_drops_it() -> None:
    # the premise of the module: if trafilatura starts keeping such headings, recover is moot
    options = CleanOptions()
    options = replace(options, extract=replace(options.extract, recover_headings=False))
    assert "Schools get more money" not in _blocks(_page(""), options)


def test_a_closing_heading_with_nothing_kept_after_it_stays_out() -> None:
    # not a heading postclean's vocabulary knows: the placement rule alone keeps it out
    tail = _dropped("h2", "Spring gardening ideas")
    blocks = _blocks(_page("", tail))
    assert "Schools get more money" in blocks
    assert not any("Spring gardening" in b for b in blocks)


def test_a_heading_in_an_aside_or_figure_stays_out() -> None:
    middle = (f'<aside>{_dropped("h3", "Newsletter du matin")}</aside>'
              f'<figure>{_dropped("h4", "Photo gallery")}</figure>')
    blocks = _blocks(_page(middle))
    assert "Schools get more money" in blocks
    assert not any("Newsletter du matin" in b or "Photo gallery" in b for b in blocks)


def test_a_grid_of_headings_with_no_text_between_is_cards_not_sections() -> None:
    middle = "".join(f'<div class="col">{_dropped("h3", "Product " + name)}</div>'
                     for name in ("Alpha", "Beta", "Gamma", "Delta"))
    blocks = _blocks(_page(middle))
    assert "Schools get more money" in blocks
    assert not any(b.startswith("Product ") for b in blocks)


def test_a_kicker_over_a_linked_headline_is_a_teaser_card() -> None:
    middle = (f'<div class="box">{_dropped("h3", "Health")}'
              '<h3><div><a href="/2025/01/other-story">Ten habits that help sleep</a></div></h3>'
              '</div>')
    blocks = _blocks(_page(middle))
    assert "Schools get more money" in blocks
    assert not any("Ten habits" in b for b in blocks)


def test_a_heading_text_repeated_in_the_container_is_template() -> None:
    middle = "".join(f'{_dropped("h4", "Speaker name")}{_para(who)}'
                     for who in ("chair", "deputy"))
    blocks = _blocks(_page(middle))
    assert "Schools get more money" in blocks
    assert "Speaker name" not in blocks


def test_style_inside_a_heading_is_not_text() -> None:
    middle = ('<div><h2><style>.hd{color:green!important}</style>'
              '<div><a name="r">Roads wait another year</a></div></h2></div>')
    blocks = _blocks(_page(middle))
    assert "Roads wait another year" in blocks
    assert not any("important" in b for b in blocks)
