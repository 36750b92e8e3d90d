"""Second extractor for pages where trafilatura finds little of the visible prose.

trafilatura sometimes settles on one small container (an intro above a list of
cards, a teaser box) and returns a fraction of the article. The page's prose is
measured cheaply as the text of its <p> elements that are long and not mostly
links; when the extraction covers less than TRIGGER_SHARE of it, jusText
classifies the pre-cleaned tree's paragraphs with the stoplist of the page's
language, and its text replaces trafilatura's only when it is at least
MIN_GAIN times longer. Pages in languages without a jusText stoplist (and pages
where the prose is too short to matter) keep trafilatura's result.
"""

from __future__ import annotations

from lxml import html as lxml_html
from lxml.etree import XPath

from .language import detect_language, normalise_declared

# run the fallback when the extraction holds less than this share of the page's prose
TRIGGER_SHARE = 0.4
# ... and keep its result only when it is at least this many times longer
MIN_GAIN = 3.0
# a <p> counts as prose from this many characters, with less than this share in links
PROSE_CHARS = 40
PROSE_MAX_LINKS = 0.3
# pages with less prose than this are left alone (nothing much to recover)
MIN_PROSE = 500

_PARAGRAPHS = XPath("//body//p")
_ANCHOR_TEXT = XPath(".//a")
_LANG = XPath("string(/html/@lang)")
_META_LANG = XPath(
    "string(//meta[translate(@http-equiv,'CONTENTLANGUAGE','contentlanguage')"
    "='content-language']/@content)"
)

# ISO 639-1 -> jusText stoplist name
JUSTEXT_STOPLISTS: dict[str, str] = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian",
    "is": "Icelandic", "it": "Italian", "ka": "Georgian", "kk": "Kazakh", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "mr": "Marathi", "ms": "Malay",
    "nb": "Norwegian_Bokmal", "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese",
}


def prose_length(tree: lxml_html.HtmlElement) -> int:
    """Characters of the page's prose paragraphs: long <p>s not made of links."""
    total = 0
    for para in _PARAGRAPHS(tree):
        text = " ".join(para.text_content().split())
        if len(text) < PROSE_CHARS:
            continue
        links = sum(len(" ".join(a.text_content().split())) for a in _ANCHOR_TEXT(para))
        if links < PROSE_MAX_LINKS * len(text):
            total += len(text)
    return total


def page_language(tree: lxml_html.HtmlElement, sample: str) -> str | None:
    """The declared language of the page, else the detected language of sample."""
    declared = normalise_declared(_LANG(tree) or _META_LANG(tree))
    return declared or detect_language(sample)


def justext_paragraphs(tree: lxml_html.HtmlElement, language: str | None) -> list[tuple[str, str]]:
    """(kind, text) of the paragraphs jusText keeps; [] without a stoplist for language."""
    name = JUSTEXT_STOPLISTS.get((language or "").split("-")[0])
    if name is None:
        return []
    import justext
    from justext.core import (
        ParagraphMaker,
        classify_paragraphs,
        preprocessor,
        revise_paragraph_classification,
    )

    try:
        dom = preprocessor(tree)  # lxml Cleaner: works on a copy
        paragraphs = ParagraphMaker.make_paragraphs(dom)
        classify_paragraphs(paragraphs, justext.get_stoplist(name))
        revise_paragraph_classification(paragraphs)
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError):
        return []  # an optional second opinion: a page jusText cannot read keeps trafilatura's
    return [("head" if p.heading else "p", p.text.strip())
            for p in paragraphs if not p.is_boilerplate and p.text.strip()]


def needs_fallback(tree: lxml_html.HtmlElement, extracted_chars: int, page_chars: int) -> int:
    """The page's prose length when the extraction misses most of it, else 0."""
    if extracted_chars >= TRIGGER_SHARE * page_chars:
        return 0  # prose <= page text: cannot trigger; skips the paragraph walk
    prose = prose_length(tree)
    if prose < MIN_PROSE or extracted_chars >= TRIGGER_SHARE * prose:
        return 0
    return prose
