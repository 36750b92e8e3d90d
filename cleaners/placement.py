"""Where the extracted blocks sit in the page: their elements and the article's container.

Each block is looked up in the DOM by its words (link_key); the article's container
is the deepest element holding CORE_SHARE of the text of the blocks found, at
their first place in the page. extract uses the placement to flag trailing
furniture, recover to put back headings inside the container that the extractor
dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

# the article's container holds at least this share of the text of the blocks found in the DOM
CORE_SHARE = 0.75
# elements with more than LENGTH_SLACK x the longest block's characters + LENGTH_PAD are not
# looked up
LENGTH_SLACK = 4
LENGTH_PAD = 400

_NON_WORD = re.compile(r"[\W_]+")
_LIST_MARK = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
# elements a block's text is looked up in (divs and spans only when they hold text themselves)
_TEXT_ELEMENTS = etree.XPath(
    "//body//*[self::p or self::li or self::h1 or self::h2 or self::h3 or self::h4 or self::h5"
    " or self::h6 or self::td or self::th or self::dd or self::dt or self::pre or self::blockquote"
    " or self::figcaption or self::caption or self::summary or self::table"
    " or ((self::div or self::span) and text()[normalize-space()])]"
)


def link_key(text: str) -> str:
    """Comparison form of a text: word characters only, casefolded."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text)).casefold()


def strip_list_mark(text: str) -> str:
    """The text without a leading list mark ("- ", "4. ")."""
    return _LIST_MARK.sub("", text)


def _forms(text: str) -> tuple[str, str]:
    """The text's key, and its key without a leading list mark."""
    whole = link_key(text)
    bare = strip_list_mark(text)
    return whole, (whole if len(bare) == len(text) else link_key(bare))


@dataclass(slots=True)
class Placement:
    """The DOM elements of each block (by key) and the article's container."""

    keys: list[str]  # per block: the key it was looked up by
    bare_keys: list[str]  # per block: the key of its text without a leading list mark
    where: dict[str, list[etree._Element]]  # key -> elements with that text, in page order
    core: etree._Element | None  # the article's container; None when no block was found
    extra: dict[str, list[etree._Element]] = field(default_factory=dict)  # other texts looked up

    def element_inside(self, index: int) -> etree._Element | None:
        """The first element inside the container holding block index's text, if any."""
        core = self.core
        if core is None:
            return None
        for node in self.where.get(self.keys[index], ()):
            if node is core or core in node.iterancestors():
                return node
        return None

    def inside(self, index: int) -> bool:
        """Whether block index was found inside the container."""
        return self.element_inside(index) is not None


def place_blocks(tree: lxml_html.HtmlElement, texts: list[str],
                 extra: tuple[str, ...] = ()) -> Placement:
    """Look each block text up in the DOM and find the container holding most of them.

    The texts of extra (a standfirst candidate) are looked up in the same walk, by
    their keys, and do not count towards the container.
    """
    # a list mark may come from the extractor's rendering or from the page
    forms = [_forms(text) for text in texts]
    wanted = {key for pair in forms for key in pair}
    extra_keys = {link_key(text) for text in extra} - wanted
    wanted |= extra_keys
    wanted.discard("")
    where: dict[str, list[etree._Element]] = {}
    # an element whose text is far longer than every block's cannot match one (the bound
    # leaves room for markup whitespace); it spares link_key on the page's big containers
    longest = LENGTH_SLACK * max((len(text) for text in (*texts, *extra)), default=0) + LENGTH_PAD
    for node in _TEXT_ELEMENTS(tree):
        content = node.text_content()
        if len(content) > longest:
            continue
        key = link_key(content)
        if key in wanted:
            where.setdefault(key, []).append(node)
    found_extra = {key: where.pop(key) for key in extra_keys if key in where}
    keys = [whole if whole in where else bare for whole, bare in forms]
    bare = [bare for _, bare in forms]
    weight: dict[etree._Element, int] = {}
    total = 0
    for text, key in zip(texts, keys, strict=True):
        if key in where:
            total += len(text)
            for holder in (where[key][0], *where[key][0].iterancestors()):
                weight[holder] = weight.get(holder, 0) + len(text)
    if not total:
        return Placement(keys, bare, where, None, found_extra)
    core = max((holder for holder, chars in weight.items() if chars >= CORE_SHARE * total),
               key=lambda holder: sum(1 for _ in holder.iterancestors()))
    return Placement(keys, bare, where, core, found_extra)
