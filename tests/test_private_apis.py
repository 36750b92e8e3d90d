"""The private APIs of other libraries that cleanwire relies on: one test each, with the reason.

pyproject.toml bounds these libraries from above; when a new release moves one of these
names, the matching test says what moved and which cleanwire module must follow, instead of
a crawl failing somewhere far from the cause.
"""

from __future__ import annotations

import inspect


def _moved(what: str, where: str) -> str:
    return f"{what} moved or changed shape: update {where} and the bound in pyproject.toml"


def test_scrapy_robots_middleware_keeps_its_parsers_and_parse_step() -> None:
    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

    # crawler/middlewares/robots.py reads the per-host pending Deferreds and wraps the parse step
    assert "_parsers" in inspect.getsource(RobotsTxtMiddleware.__init__), _moved(
        "RobotsTxtMiddleware._parsers", "crawler/middlewares/robots.py")
    parse = getattr(RobotsTxtMiddleware, "_parse_robots", None)
    assert parse is not None, _moved("RobotsTxtMiddleware._parse_robots",
                                     "crawler/middlewares/robots.py")
    assert list(inspect.signature(parse).parameters)[:4] == [
        "self", "response", "netloc", "request"], _moved(
        "RobotsTxtMiddleware._parse_robots(response, netloc, request)",
        "crawler/middlewares/robots.py")


def test_scrapy_autothrottle_adjusts_delay_in_one_method() -> None:
    from scrapy.extensions.throttle import AutoThrottle

    adjust = getattr(AutoThrottle, "_adjust_delay", None)
    where = "crawler/extensions/throttle.py"
    assert adjust is not None, _moved("AutoThrottle._adjust_delay", where)
    assert list(inspect.signature(adjust).parameters) == [
        "self", "slot", "latency", "response"], _moved(
        "AutoThrottle._adjust_delay(slot, latency, response)", where)
    source = inspect.getsource(AutoThrottle)
    for name in ("target_concurrency", "mindelay", "maxdelay"):
        assert f"self.{name}" in source, _moved(f"AutoThrottle.{name}", where)


def test_trafilatura_extractor_options_and_xml_rendering() -> None:
    from lxml import etree
    from trafilatura import bare_extraction
    from trafilatura.settings import Extractor
    from trafilatura.xml import xmltotxt

    knobs = {"comments": False, "tables": True, "links": False, "dedup": False,
             "recall": True, "fast": True}
    options = Extractor(output_format="python", url="https://example.com/a", **knobs)
    assert "options" in inspect.signature(bare_extraction).parameters, _moved(
        "trafilatura.bare_extraction(options=...)", "cleaners/extract.py")
    html = ("<html><body><article><p>" + "A sentence of the story goes on here. " * 20
            + "</p></article></body></html>")
    document = bare_extraction(html, options=options)
    body = getattr(document, "body", None)
    assert body is not None and len(body), _moved("the .body of bare_extraction's document",
                                                  "cleaners/extract.py")
    paragraph = etree.fromstring("<p>one <hi>two</hi> three</p>")
    assert xmltotxt(paragraph, False).strip() == "one two three", _moved(
        "trafilatura.xml.xmltotxt(element, include_formatting)", "cleaners/extract.py")


def test_justext_core_paragraph_steps() -> None:
    import justext
    from justext import core

    for name in ("ParagraphMaker", "classify_paragraphs", "preprocessor",
                 "revise_paragraph_classification"):
        assert hasattr(core, name), _moved(f"justext.core.{name}", "cleaners/fallback.py")
    assert justext.get_stoplist("English"), _moved("justext.get_stoplist", "cleaners/fallback.py")


def test_datasketch_affine32_scheme_gives_the_stored_hash_values() -> None:
    """The signatures in article_minhash were made with this scheme and seed: a release that
    hashes differently would make every stored signature incomparable with new ones."""
    from cleaners.minhash import MINHASH_SCHEME, Signer

    signer = Signer()
    values = signer.signature("the quick brown fox jumps over the lazy dog again and again")
    assert values is not None and values.dtype.itemsize == 4
    assert [int(v) for v in values[:4]] == _EXPECTED_FIRST_VALUES, _moved(
        f"datasketch's {MINHASH_SCHEME!r} MinHash values", "cleaners/minhash.py")


# the first four hash values of the sentence above under the "affine32" scheme, seed 1,
# 128 permutations, as datasketch 2.0.0 computes them
_EXPECTED_FIRST_VALUES = [525945524, 412836237, 741861544, 228830291]
