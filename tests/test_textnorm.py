"""Invisible characters: gone from the title, authors, text and every other field."""

from __future__ import annotations

import pytest

from cleaners import clean_page
from cleaners.textnorm import strip_invisible


@pytest.mark.parametrize(("raw", "clean"), [
    ("Welt\u00adernährungs\u00adprogramm", "Welternährungsprogramm"),  # de, soft hyphens
    ("Ein bisschen Fortschritt\u200b", "Ein bisschen Fortschritt"),  # de, zero-width space
    ("–\u2060 Magisk", "– Magisk"),  # nb, word joiner
    ("\ufeffgouvernement", "gouvernement"),  # fr, byte order mark
    ("Coopera\u00adción", "Cooperación"),  # es
    ("东京\u200b奥运会", "东京奥运会"),  # zh
    ("a\u200cb", "ab"),  # a non-joiner between ASCII letters
])
def test_invisible_characters_removed(raw: str, clean: str) -> None:
    assert strip_invisible(raw) == clean


@pytest.mark.parametrize("kept", [
    "می\u200cخواهم",  # fa: the non-joiner shapes the word
    "क्\u200dष",  # hi: a joiner inside a conjunct
    "👨\u200d👩\u200d👧",  # an emoji family sequence
    "plain ASCII text",
])
def test_joiners_that_shape_a_script_are_kept(kept: str) -> None:
    assert strip_invisible(kept) == kept


def test_every_field_of_a_clean_page_is_free_of_them() -> None:
    shy = "\u00ad"
    head = (f"<title>Klima{shy}schutz im Fokus\u200b</title>"
            f"<meta name='author' content='Anna Müller{shy}-Lüden\u200b'>"
            f"<meta property='og:description' content='Neue Kli{shy}ma{shy}ziele'>"
            f"<meta property='article:section' content='Wis{shy}sen'>"
            f"<meta property='article:tag' content='Kli{shy}ma, Um\u200bwelt'>")
    paragraphs = "".join(
        f"<p>Die Bundes{shy}regierung hat am Montag neue Kli{shy}maziele beschlossen, "
        f"die bis 2030 gelten sollen und viele Bereiche betreffen. Absatz {i}.</p>"
        for i in range(6))
    html = (f"<html lang='de'><head>{head}</head><body><article>"
            f"<h1>Klima{shy}schutz im Fokus</h1>{paragraphs}</article></body></html>")
    page = clean_page(html.encode(), "https://www.example.de/wissen/klimaschutz-im-fokus")
    fields = [page.title, page.description, page.section, page.text, *page.authors, *page.tags]
    assert page.title == "Klimaschutz im Fokus"
    assert "Bundesregierung" in page.text
    for value in fields:
        assert value is not None
        assert shy not in value and "\u200b" not in value
