"""Main text extraction: trafilatura on the pre-cleaned tree, as typed blocks.

Owns the call into trafilatura and the walk over its XML body: each block is
one paragraph, heading, list item, quote, table or code section with its
plain text, and whether the page showed that text as nothing but a link
(read from the DOM before extraction, since trafilatura's own link keeping
changes what it extracts). postclean uses kind and link-only flags to tell
prose from teasers. When both trafilatura passes miss most of the page's prose,
jusText (cleaners/fallback.py) gets a chance; when the first pass returns the
whole page as one unbroken paragraph, the balanced pass's blocks replace it.
Each block is also placed back in the DOM: the article's container is the deepest
element holding most of the extracted text, and blocks that follow the last one
inside it are flagged as trailing (what comes after the story's container is page
furniture: promotions, sign-up boxes, the site's blurb), and the section headings
trafilatura dropped inside it come back (cleaners/recover.py). The knobs of all this
come in as one ExtractOptions (cleaners/model.py, CleanOptions.extract).
"""

from __future__ import annotations

import re
from dataclasses import asdict, replace

from lxml import etree
from lxml import html as lxml_html
from trafilatura import bare_extraction
from trafilatura.settings import Extractor
from trafilatura.xml import xmltotxt

from . import fallback, recover
from .block import Block
from .model import ExtractOptions, TrafilaturaPass
from .placement import Placement, link_key, place_blocks
from .postclean import is_interruption_label
from .vocab import DISCLOSURE_CLASS_WORDS

_SPLIT_TAGS = frozenset({"list"})  # containers whose children are separate blocks
_LINK_BLOCKS = etree.XPath(
    "//a[normalize-space()]/ancestor::*[self::p or self::li or self::h1 or self::h2 or self::h3"
    " or self::h4 or self::h5 or self::h6 or self::dt or self::dd or self::td or self::div"
    " or self::span or self::strong or self::b or self::em][1]"
)
_ANCHORS = etree.XPath(".//a")
_PAGE_TEXT_LEN = etree.XPath("string-length(normalize-space(//body))")
_BODY = etree.XPath("//body")
_DISCLOSURE_WORD = re.compile("|".join(map(re.escape, DISCLOSURE_CLASS_WORDS)), re.IGNORECASE)
DEFAULT_OPTIONS = ExtractOptions()  # the knobs: cleaners.model.ExtractOptions


def link_only_texts(tree: lxml_html.HtmlElement) -> frozenset[str]:
    """Keys of the block elements whose whole text is link text (teaser headlines)."""
    keys: set[str] = set()
    seen: set[int] = set()
    for node in _LINK_BLOCKS(tree):
        if id(node) in seen:
            continue
        seen.add(id(node))
        own = link_key(node.text_content())
        if not own:
            continue
        anchored = "".join(link_key(a.text_content()) for a in _ANCHORS(node))
        if len(anchored) >= len(own):
            keys.add(own)
    return frozenset(keys)


def _in_disclosure(node: etree._Element, depth: int) -> bool:
    holder: etree._Element | None = node
    for _ in range(depth + 1):
        if holder is None:
            return False
        if holder.tag == "details" or _DISCLOSURE_WORD.search(
                f"{holder.get('class', '')} {holder.get('id', '')}"):
            return True
        holder = holder.getparent()
    return False


def mark_trailing(tree: lxml_html.HtmlElement, blocks: list[Block], extra: tuple[str, ...] = (),
                  options: ExtractOptions = DEFAULT_OPTIONS) -> Placement:
    """Flag the blocks after the last one inside the article's container.

    Only blocks found nowhere inside the container (cleaners.placement) are
    flagged, and a block not found in the DOM only when the blocks around it are
    flagged (blocks is updated in place with flagged copies: Block is frozen). Returns the
    placement for the steps after (extra texts looked up too).
    """
    placed = place_blocks(tree, [block.text for block in blocks], extra)
    if placed.core is None:
        return placed
    keys, where = placed.keys, placed.where
    last = max((i for i in range(len(blocks)) if placed.inside(i)), default=len(blocks))
    for i in range(last + 1, len(blocks)):
        # found, only outside the container, and not in a FAQ (a block not found is kept)
        if keys[i] in where and not any(
                _in_disclosure(node, options.disclosure_depth) for node in where[keys[i]]):
            blocks[i] = replace(blocks[i], trailing=True)
    for i in range(last + 1, len(blocks)):  # a block not found, amid trailing ones, trails too
        if keys[i] not in where and blocks[i - 1].trailing and (
                i + 1 == len(blocks) or blocks[i + 1].trailing):
            blocks[i] = replace(blocks[i], trailing=True)
    return placed


def _element(placed: Placement, index: int) -> etree._Element | None:
    """Block index's element: inside the container if it is there, else its first place."""
    node = placed.element_inside(index)
    if node is None:
        nodes = placed.where.get(placed.keys[index])
        node = nodes[0] if nodes else None
    return node


def _holds(holder: etree._Element, node: etree._Element) -> bool:
    return node is holder or holder in node.iterancestors()


def _teaser_like(block: Block, teaser_chars: int) -> bool:
    """A short list item or link: a headline of the box even where the page spells it otherwise."""
    return (block.kind == "item" or block.link_only) and len(block.text) <= teaser_chars


def mark_interruptions(placed: Placement, blocks: list[Block],
                       options: ExtractOptions = DEFAULT_OPTIONS) -> None:
    """Flag the blocks of inline "read also" boxes: a label ("Lesen Sie auch", "Czytaj
    więcej") and the blocks after it that sit in the label's box, the largest element
    around the label that does not hold the block before it. A box holding more than
    options.interruption_blocks blocks or interruption_chars characters, or reaching the last
    block, is left to the text rules (postclean); a short list item or link not found in the
    page continues the box; a label with nothing after it in its box is a button, unless it is
    a heading (a box whose teasers the page loads later)."""
    for i in range(1, len(blocks)):
        if blocks[i].interruption or not is_interruption_label(blocks[i].text):
            continue
        node, before = _element(placed, i), _element(placed, i - 1)
        if node is None or before is None or _holds(node, before):
            continue
        box = node
        while (parent := box.getparent()) is not None and not _holds(parent, before):
            box = parent
        end = i + 1
        while end < len(blocks):
            inner = _element(placed, end)
            if inner is None and not _teaser_like(blocks[end], options.teaser_chars):
                break
            if inner is not None and not _holds(box, inner):
                break
            end += 1
        inside = blocks[i + 1:end]
        if (end == len(blocks) or (not inside and blocks[i].kind != "head")
                or len(inside) > options.interruption_blocks
                or _length(inside) > options.interruption_chars):
            continue  # the page's end; a label alone is a button (a heading: an emptied box)
        for j in range(i, end):
            blocks[j] = replace(blocks[j], interruption=True)


def _units(body: etree._Element) -> list[etree._Element]:
    """Top-level blocks of trafilatura's body, lists split into their items."""
    out: list[etree._Element] = []
    for child in body:
        if child.tag in _SPLIT_TAGS and len(child):
            out.extend(item for item in child if isinstance(item.tag, str))
        else:
            out.append(child)
    return out


def _render(unit: etree._Element) -> str:
    tail, unit.tail = unit.tail, None
    try:
        text = xmltotxt(unit, False)
    finally:
        unit.tail = tail
    if tail and tail.strip():
        text = f"{text} {tail.strip()}"
    return text.strip()


def _extract(tree: lxml_html.HtmlElement, url: str, knobs: TrafilaturaPass) -> list[Block]:
    settings = Extractor(output_format="python", url=url or None, **asdict(knobs))
    document = bare_extraction(tree, options=settings)  # works on a copy of tree
    body = getattr(document, "body", None) if document is not None else None
    if body is None:
        return []
    blocks: list[Block] = []
    for unit in _units(body):
        text = _render(unit)
        if text:
            blocks.append(Block(str(unit.tag), text))
    return blocks


def _length(blocks: list[Block]) -> int:
    return sum(len(block.text) for block in blocks)


def _is_blob(blocks: list[Block], blob_chars: int = DEFAULT_OPTIONS.blob_chars) -> bool:
    """One long paragraph without line breaks: the text of a whole container, unsplit."""
    return (len(blocks) == 1 and blocks[0].kind == "p" and len(blocks[0].text) >= blob_chars
            and "\n" not in blocks[0].text)


def _justext_if_better(tree: lxml_html.HtmlElement, blocks: list[Block],
                       language_sample: int) -> list[Block]:
    """jusText's paragraphs when they are MIN_GAIN times longer than blocks."""
    sample = " ".join(block.text for block in blocks)
    if len(sample) < language_sample:
        body = _BODY(tree)
        sample = " ".join((body[0] if body else tree).text_content().split())[:4 * language_sample]
    paragraphs = fallback.justext_paragraphs(tree, fallback.page_language(tree, sample))
    if sum(len(text) for _, text in paragraphs) >= fallback.MIN_GAIN * _length(blocks):
        return [Block(kind, text) for kind, text in paragraphs]
    return blocks


def extract_blocks(tree: lxml_html.HtmlElement, url: str = "",
                   options: ExtractOptions = DEFAULT_OPTIONS) -> list[Block]:
    """The body as typed blocks (paragraphs, headings, list items, ...), in document order."""
    linked = link_only_texts(tree)
    blocks = _extract(tree, url, options.first_pass)
    page_chars = int(_PAGE_TEXT_LEN(tree))
    blob = _is_blob(blocks, options.blob_chars)
    if options.fallback_pass is not None and (
        _length(blocks) < options.fallback_share * page_chars or blob
    ):
        other = _extract(tree, url, options.fallback_pass)
        if _length(other) > _length(blocks) or (
            blob and len(other) > 1 and _length(other) >= options.blob_keep * _length(blocks)
        ):
            blocks = other
    if options.justext_fallback and fallback.needs_fallback(tree, _length(blocks), page_chars):
        blocks = _justext_if_better(tree, blocks, options.language_sample)
    summaries = recover.descriptions(tree) if options.recover_lead else ()
    placed = mark_trailing(tree, blocks, summaries, options)
    blocks = [replace(block, link_only=bool(key) and key in linked)
              for block, key in zip(blocks, placed.bare_keys, strict=True)]
    mark_interruptions(placed, blocks, options)
    texts = [b.text for b in blocks]
    lead = recover.missing_lead(tree, placed, texts, summaries) if summaries else None
    chunks = recover.missing_chunks(tree, placed, texts) if options.recover_chunks else []
    if chunks:  # after the last block inside the container
        at = 1 + max((i for i in range(len(texts)) if placed.inside(i)), default=-1)
        blocks[at:at] = [Block(kind, text, link_only=link_key(text) in linked)
                         for chunk in chunks for kind, text in chunk.blocks]
    if options.recover_headings:  # each goes before a block inside the container: before the chunks
        for heading in reversed(recover.missing_headings(placed, texts)):
            blocks.insert(heading.before, Block("head", heading.text))
    if lead:
        blocks.insert(0, Block("p", lead))
    return blocks

