"""Decoding (cleaners.decode): a UTF-8 page with a few stray bytes stays UTF-8 with those
bytes replaced, as browsers do; legacy code pages (cp1251, latin-1, Shift_JIS, EUC-JP),
declared or not, still decode to their text.
"""

from __future__ import annotations

import pytest

from cleaners import clean_page
from cleaners.decode import MAX_INVALID_SHARE, decode_html, mostly_utf8

# (language, title, paragraphs): real-looking news text of each script
TEXTS = {
    "en": ("Mayor’s plan wins — narrowly",
           ["The city council voted on Tuesday to extend the tram network north — a plan "
            "debated for nearly a decade, and the vote was close.",
            "Supporters said the line would cut commuting times for forty thousand residents; "
            "opponents questioned the cost, estimated at €410 million.",
            "“It’s historic,” the mayor said after the vote, thanking the residents’ "
            "associations that had campaigned for the extension since 2015."]),
    "de": ("Bürgermeister grüßt",
           ["Der Bürgermeister grüßt die Gäste des Stadtfests auf dem Marktplatz.",
            "Die Straßenbahn über die Brücke soll im Frühjahr fahren, sagte der Stadtrat.",
            "Anwohner äußerten Bedenken wegen der Kosten für die Fußgängerzone."]),
    "ru": ("Городской совет утвердил продление линии",
           ["Городской совет во вторник утвердил продление трамвайной линии на север.",
            "Сторонники заявили, что линия сократит время в пути для жителей районов.",
            "Строительство начнётся весной, первый участок откроется через три года."]),
    "ja": ("市議会、路面電車の延伸を承認",
           ["市議会は火曜日、路面電車の北への延伸計画を賛成多数で承認した。",
            "計画は十年近く議論されてきたもので、採決は僅差だった。",
            "市長は採決後、「歴史的な決定だ」と述べ、住民団体に感謝した。"]),
}


def _html(lang: str, head: str = '<meta charset="utf-8">') -> str:
    title, paragraphs = TEXTS[lang]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{head}<title>{title}</title>'
            f'<meta property="og:type" content="article"></head><body><article>'
            f"<h1>{title}</h1>{body}</article></body></html>")


def _with_stray_bytes(html: str, stray: bytes) -> bytes:
    """html as UTF-8 with stray inserted at the start of its first paragraph."""
    data = html.encode("utf-8")
    at = data.index(b"<p>") + 3
    return data[:at] + stray + data[at:]


# ---- stray bytes in UTF-8 pages -----------------------------------------------------------

@pytest.mark.parametrize("lang", sorted(TEXTS))
@pytest.mark.parametrize("stray", [b"\xe9", b"\xff", b"\x80\x80", b"\xe9 \xfc \xdf"])
@pytest.mark.parametrize("declared", ["meta", "http", "none", "meta-latin1"])
def test_stray_bytes_leave_a_utf8_page_utf8(lang: str, stray: bytes, declared: str):
    head = {"meta": '<meta charset="utf-8">', "http": "", "none": "",
            "meta-latin1": '<meta charset="iso-8859-1">'}[declared]
    http = "utf-8" if declared == "http" else None
    data = _with_stray_bytes(_html(lang, head), stray)
    text = decode_html(data, http)
    title, paragraphs = TEXTS[lang]
    assert f"<title>{title}</title>" in text
    for paragraph in paragraphs:
        assert paragraph in text
    # each stray byte is one replacement character, and nothing else became one
    assert text.count("\ufffd") == len(stray.replace(b" ", b""))
    page = clean_page(data, f"https://news.example/{lang}/story", http_charset=http)
    assert page.title == title
    assert paragraphs[2] in page.text


def test_the_reported_page_keeps_its_umlauts():
    """The issue's case: declared utf-8, one \\xe9: 'Bürgermeister grüßt', not 'BĂĽrgermeister'."""
    data = _html("de").encode("utf-8").replace("die Gäste".encode(), b"die G\xe9ste")
    page = clean_page(data, "https://news.example/de/story")
    assert page.title == "Bürgermeister grüßt" and "BĂ" not in page.text
    assert "Der Bürgermeister grüßt die G\ufffdste" in page.text


def test_mostly_utf8_rule_at_its_boundary():
    valid = "é".encode() * 7
    assert mostly_utf8(valid + b"\xe9" * 3) is not None  # 3 of 10 invalid: 30%
    assert mostly_utf8(valid + b"\xe9" * 4) is None  # 4 of 11: over MAX_INVALID_SHARE
    assert MAX_INVALID_SHARE == 0.3
    assert mostly_utf8(b"plain ascii \xe9") is None  # no UTF-8 evidence at all
    # a U+FFFD the page holds (valid UTF-8) is a valid character, not a stray byte
    assert mostly_utf8("\ufffd".encode() * 4 + b"\xe9") is not None


# ---- real legacy pages still decode right ---------------------------------------------------

LEGACY = [("ru", "cp1251", "windows-1251"), ("ru", "koi8_r", "koi8-r"),
          ("de", "latin-1", "iso-8859-1"), ("de", "cp1252", "windows-1252"),
          ("ja", "shift_jis", "shift_jis"), ("ja", "euc_jp", "euc-jp")]


@pytest.mark.parametrize(("lang", "codec", "label"), LEGACY)
@pytest.mark.parametrize("declared", ["meta", "http", "none"])
def test_legacy_pages_still_decode(lang: str, codec: str, label: str, declared: str):
    head = f'<meta charset="{label}">' if declared == "meta" else ""
    http = label if declared == "http" else None
    html = _html(lang, head)
    data = html.encode(codec)
    text = decode_html(data, http)
    title, paragraphs = TEXTS[lang]
    assert title in text and "\ufffd" not in text
    for paragraph in paragraphs:
        assert paragraph in text


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_undeclared_latin_pages_keep_their_umlauts(codec: str):
    data = _html("de", "").encode(codec)
    text = decode_html(data)
    assert "Der Bürgermeister grüßt die Gäste" in text and "\ufffd" not in text


def test_a_legacy_page_with_a_little_utf8_stays_legacy():
    """A cp1251 page that quotes a few UTF-8 characters (pasted in) is still cp1251."""
    html = _html("ru", '<meta charset="windows-1251">')
    data = html.encode("cp1251").replace(b"</article>", "<p>«».</p></article>".encode())
    text = decode_html(data)
    for paragraph in TEXTS["ru"][1]:
        assert paragraph in text
    assert "В«В»" in text  # the pasted UTF-8 read as cp1251, as a browser does
