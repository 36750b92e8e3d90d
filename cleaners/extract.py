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
trafilatura dropped inside it come back (cleaners/recover.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html
from trafilatura import bare_extraction
from trafilatura.settings import Extractor
from trafilatura.xml import xmltotxt

from . import fallback, recover
from .placement import Placement, link_key, place_blocks
from .postclean import is_interruption_label
from .vocab import DISCLOSURE_CLASS_WORDS

# trafilatura knobs. First pass: recall focus without the external fallbacks (it
# is cheaper than the balanced default and keeps sections the default drops);
# when it covers less than FALLBACK_SHARE of the page's text, the balanced
# extraction (with readability/justext comparison) runs too and the longer wins.
# Module level so benchmarks can try alternatives.
FIRST_PASS: dict[str, object] = {
    "comments": False, "tables": True, "links": False, "dedup": False,
    "recall": True, "fast": True,
}
FALLBACK_PASS: dict[str, object] | None = {
    "comments": False, "tables": True, "links": False, "dedup": False,
}
FALLBACK_SHARE = 0.2
# a first pass that is one paragraph of at least BLOB_CHARS without line breaks is
# trafilatura's whole-page baseline text: the balanced pass replaces it when it finds
# structured blocks holding at least BLOB_KEEP of its length
BLOB_CHARS = 2000
BLOB_KEEP = 0.5
# when both passes miss most of the page's prose, try jusText (cleaners/fallback.py)
JUSTEXT_FALLBACK = True
# a trailing block inside a disclosure widget (an element, or one of this many ancestors, that
# is a <details> or is named accordion / FAQ) is the article's FAQ, and is kept
DISCLOSURE_DEPTH = 4
# put back the h2-h6 headings trafilatura dropped inside the article's container
RECOVER_HEADINGS = True
# put back the rest of a story split into chunks (later containers named like the article's)
RECOVER_CHUNKS = True
# put back the standfirst (the element showing the page's meta description, before the story)
RECOVER_LEAD = True
# an inline "read also" box holds at most this many blocks after its label, and characters
INTERRUPTION_BLOCKS = 6
INTERRUPTION_CHARS = 1200
# a block not found in the page continues such a box when it is a list item or link this short
TEASER_CHARS = 160
# characters of text the language of a page is detected from, at least
LANGUAGE_SAMPLE = 500

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


@dataclass(slots=True)
class Block:
    """One unit of extracted text."""

    kind: str  # trafilatura tag: p, head, item, quote, table, code, ...
    text: str
    link_only: bool = False  # the page shows this text only as link(s)
    trailing: bool = False  # after the last block inside the article's container
    interruption: bool = False  # in an inline box of other stories ("Read also" + teasers)


class BlockText(str):
    """A block's text that still knows its kind and link-only flag.

    extract_blocks returns these so callers that expect list[str] keep working
    while postclean can read the block structure.
    """

    kind: str = "p"
    link_only: bool = False
    trailing: bool = False
    interruption: bool = False

    @classmethod
    def of(cls, block: Block) -> BlockText:
        text = cls(block.text)
        text.kind = block.kind
        text.link_only = block.link_only
        text.trailing = block.trailing
        text.interruption = block.interruption
        return text


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


def _in_disclosure(node: etree._Element) -> bool:
    holder: etree._Element | None = node
    for _ in range(DISCLOSURE_DEPTH + 1):
        if holder is None:
            return False
        if holder.tag == "details" or _DISCLOSURE_WORD.search(
                f"{holder.get('class', '')} {holder.get('id', '')}"):
            return True
        holder = holder.getparent()
    return False


def mark_trailing(tree: lxml_html.HtmlElement, blocks: list[Block],
                  extra: tuple[str, ...] = ()) -> Placement:
    """Flag the blocks after the last one inside the article's container.

    Only blocks found nowhere inside the container (cleaners.placement) are
    flagged, and a block not found in the DOM only when the blocks around it are
    flagged. Returns the placement for the steps after (extra texts looked up too).
    """
    placed = place_blocks(tree, [block.text for block in blocks], extra)
    if placed.core is None:
        return placed
    keys, where = placed.keys, placed.where
    last = max((i for i in range(len(blocks)) if placed.inside(i)), default=len(blocks))
    for i in range(last + 1, len(blocks)):
        # found, only outside the container, and not in a FAQ (a block not found is kept)
        if keys[i] in where and not any(_in_disclosure(node) for node in where[keys[i]]):
            blocks[i].trailing = True
    for i in range(last + 1, len(blocks)):  # a block not found, amid trailing ones, trails too
        if keys[i] not in where and blocks[i - 1].trailing and (
                i + 1 == len(blocks) or blocks[i + 1].trailing):
            blocks[i].trailing = True
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


def _teaser_like(block: Block) -> bool:
    """A short list item or link: a headline of the box even where the page spells it otherwise."""
    return (block.kind == "item" or block.link_only) and len(block.text) <= TEASER_CHARS


def mark_interruptions(placed: Placement, blocks: list[Block]) -> None:
    """Flag the blocks of inline "read also" boxes: a label ("Lesen Sie auch", "Czytaj
    więcej") and the blocks after it that sit in the label's box, the largest element
    around the label that does not hold the block before it. A box holding more than
    INTERRUPTION_BLOCKS blocks or INTERRUPTION_CHARS characters, or reaching the last block,
    is left to the text rules (postclean); a short list item or link not found in the page
    continues the box; a label with nothing after it in its box is a button, unless it is a
    heading (a box whose teasers the page loads later)."""
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
            if inner is None and not _teaser_like(blocks[end]):
                break
            if inner is not None and not _holds(box, inner):
                break
            end += 1
        inside = blocks[i + 1:end]
        if (end == len(blocks) or (not inside and blocks[i].kind != "head")
                or len(inside) > INTERRUPTION_BLOCKS or _length(inside) > INTERRUPTION_CHARS):
            continue  # the page's end; a label alone is a button (a heading: an emptied box)
        for block in blocks[i:end]:
            block.interruption = True


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


def _extract(tree: lxml_html.HtmlElement, url: str, knobs: dict[str, object]) -> list[Block]:
    options = Extractor(output_format="python", url=url or None, **knobs)
    document = bare_extraction(tree, options=options)  # works on a copy of tree
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


def _is_blob(blocks: list[Block]) -> bool:
    """One long paragraph without line breaks: the text of a whole container, unsplit."""
    return (len(blocks) == 1 and blocks[0].kind == "p" and len(blocks[0].text) >= BLOB_CHARS
            and "\n" not in blocks[0].text)


def _justext_if_better(tree: lxml_html.HtmlElement, blocks: list[Block]) -> list[Block]:
    """jusText's paragraphs when they are MIN_GAIN times longer than blocks."""
    sample = " ".join(block.text for block in blocks)
    if len(sample) < LANGUAGE_SAMPLE:
        body = _BODY(tree)
        sample = " ".join((body[0] if body else tree).text_content().split())[:4 * LANGUAGE_SAMPLE]
    paragraphs = fallback.justext_paragraphs(tree, fallback.page_language(tree, sample))
    if sum(len(text) for _, text in paragraphs) >= fallback.MIN_GAIN * _length(blocks):
        return [Block(kind, text) for kind, text in paragraphs]
    return blocks


def extract_document_blocks(tree: lxml_html.HtmlElement, url: str = "") -> list[Block]:
    """The body as typed blocks, in document order."""
    linked = link_only_texts(tree)
    blocks = _extract(tree, url, FIRST_PASS)
    page_chars = int(_PAGE_TEXT_LEN(tree))
    if FALLBACK_PASS is not None and (
        _length(blocks) < FALLBACK_SHARE * page_chars or _is_blob(blocks)
    ):
        other = _extract(tree, url, FALLBACK_PASS)
        if _length(other) > _length(blocks) or (
            _is_blob(blocks) and len(other) > 1 and _length(other) >= BLOB_KEEP * _length(blocks)
        ):
            blocks = other
    if JUSTEXT_FALLBACK and fallback.needs_fallback(tree, _length(blocks), page_chars):
        blocks = _justext_if_better(tree, blocks)
    summaries = recover.descriptions(tree) if RECOVER_LEAD else ()
    placed = mark_trailing(tree, blocks, summaries)
    for block, key in zip(blocks, placed.bare_keys, strict=True):
        block.link_only = bool(key) and key in linked
    mark_interruptions(placed, blocks)
    texts = [b.text for b in blocks]
    lead = recover.missing_lead(tree, placed, texts, summaries) if summaries else None
    chunks = recover.missing_chunks(tree, placed, texts) if RECOVER_CHUNKS else []
    if chunks:  # after the last block inside the container
        at = 1 + max((i for i in range(len(texts)) if placed.inside(i)), default=-1)
        blocks[at:at] = [Block(kind, text, link_only=link_key(text) in linked)
                         for chunk in chunks for kind, text in chunk.blocks]
    if RECOVER_HEADINGS:  # each goes before a block inside the container: before the chunks
        for heading in reversed(recover.missing_headings(placed, texts)):
            blocks.insert(heading.before, Block("head", heading.text))
    if lead:
        blocks.insert(0, Block("p", lead))
    return blocks


def extract_blocks(tree: lxml_html.HtmlElement, url: str) -> list[str]:
    """The body as a list of text blocks (paragraphs, headings, list items).

    The items are BlockText: plain strings carrying .kind and .link_only.
    """
    return [BlockText.of(block) for block in extract_document_blocks(tree, url)]
