"""HTML text to an lxml tree, once per page, with bounds on hostile documents; the small tree
helpers the pruning stages share (text length, attached, drop).

libxml2 stops at 256 levels of nesting and silently drops everything after
the deepest point (the nesting is flattened, innermost structure kept), gives up at a
comment over 10 MB (long comments are cut out first), and checks duplicate attributes in
quadratic time; all are defused here before parsing. Feeds, sitemaps, SVG and binary junk served as
text/html are refused with NotHTMLError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from .errors import NotHTMLError

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# </body> and </html> are optional, and libxml2 drops everything after them, while
# browsers keep it in the body: templates that close early would lose the article
_EARLY_CLOSE = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
# every element an HtmlElement, chosen in C: lxml.html's own lookup is a Python call per
# element proxy (form controls get their own classes), which nothing here uses; proxies are
# made thousands of times a page (trafilatura walks the tree again and again): 0.65 -> 0.35 us
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
    pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity))

# the first element of a document that is XML of another kind than HTML
_FIRST_TAG = re.compile(r"<([a-zA-Z][\w:.-]*)")
_NOT_HTML_ROOTS = {"rss": "an RSS feed", "feed": "an Atom feed", "rdf:rdf": "an RDF feed",
                   "svg": "an SVG image", "urlset": "a sitemap", "sitemapindex": "a sitemap"}
_SKIP_PROLOG = re.compile(r"\s*(?:<!--.*?-->|<!doctype[^>]*>|<\?[^>]*>)\s*",
                          re.IGNORECASE | re.DOTALL)

# binary junk decoded as text: C0 controls (but tab, LF, FF, CR) and U+FFFD replacement chars
_JUNK = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_JUNK_SAMPLE = 65536
_JUNK_SHARE = 0.10

# characters XML (and so lxml's API: XPath variables, attribute values) refuses
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# tags so long they may carry thousands of attributes (lxml dedups them in O(n^2))
_LONG_TAG = re.compile(r"<([a-zA-Z][^\s<>/]*+)([^<>]{8000,}+)>")
_ATTRIBUTE = re.compile(r"""[^\s=<>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?""")
MAX_ATTRIBUTES = 200

# tags, for the nesting cap applied when libxml2 hit its depth limit
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s<>/]*+)[^<>]*+>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "frame", "keygen"})
LIBXML_DEPTH_LIMIT = 256
FLATTEN_DEPTH = 120  # open elements kept when flattening; implied ones (tbody...) add a few
KEEP_OUTER = 8  # outermost levels (html, body, the layout) always kept when flattening
LONG_COMMENT = 1_000_000  # characters: longer comments are cut before parsing


def parse_html(text: str, max_nodes: int = 200_000, max_depth: int = 400) -> lxml_html.HtmlElement:
    """Parse to an <html> element; raise NotHTMLError for empty or non-HTML input.

    Documents over max_nodes elements are cut (the rest dropped) and nesting
    deeper than max_depth (or libxml2's own limit) is flattened, so later stages
    stay bounded and no text after a deep spot is lost.
    """
    text = _EARLY_CLOSE.sub("", _XML_DECL.sub("", text.replace("\x00", ""), count=1))
    if not text.strip():
        raise NotHTMLError("empty document")
    _refuse_other_documents(text)
    text = _NOT_XML_CHARS.sub("", text).replace("\x0c", " ")
    if not text.strip():
        raise NotHTMLError("empty document")
    text = _cap_attributes(strip_long_comments(text))
    tree = _parse(text)
    if _hit_depth_limit():
        tree = _parse(flatten_nesting(text, FLATTEN_DEPTH))
    _bound(tree, max_nodes, max_depth)
    return tree


def _parse(text: str) -> lxml_html.HtmlElement:
    try:
        tree = lxml_html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise NotHTMLError(f"unparseable document: {exc}") from exc
    if tree is None or not isinstance(tree.tag, str):
        raise NotHTMLError("no HTML element")
    return tree


def _hit_depth_limit() -> bool:
    return any(e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message
               for e in _PARSER.error_log)


def _refuse_other_documents(text: str) -> None:
    """NotHTMLError for binary junk and for feeds, sitemaps or SVG served as HTML."""
    sample = text[:_JUNK_SAMPLE]
    if len(_JUNK.findall(sample)) > _JUNK_SHARE * len(sample):
        raise NotHTMLError("binary content, not HTML")
    start = 0
    while prolog := _SKIP_PROLOG.match(sample, start):
        start = prolog.end()
    first = _FIRST_TAG.match(sample, start)
    if first:
        kind = _NOT_HTML_ROOTS.get(first.group(1).lower())
        if kind:
            raise NotHTMLError(f"{kind}, not HTML")


def _cap_attributes(text: str) -> str:
    """Keep the first MAX_ATTRIBUTES attributes of very long tags."""
    def cap(match: re.Match[str]) -> str:
        attributes = _ATTRIBUTE.findall(match.group(2), 0)
        if len(attributes) <= MAX_ATTRIBUTES:
            return match.group(0)
        return f"<{match.group(1)} " + " ".join(attributes[:MAX_ATTRIBUTES]) + ">"
    return _LONG_TAG.sub(cap, text)


def flatten_nesting(text: str, limit: int, keep_outer: int = KEEP_OUTER) -> str:
    """Drop tags (never text) so that no element opens deeper than limit, keeping the
    innermost structure: when an element would open past limit, the outermost open element
    below the first keep_outer levels loses its tags instead (its text joins its parent).
    An article wrapped in 100,000 <div>s keeps its own paragraphs, headings and the noise
    around it, which the later stages need to tell the text from the rest.

    A rough tree builder over the tag stream: end tags close up to the nearest
    open element of their name, unknown end tags are ignored, and the end tag of
    a dropped element is dropped with it. It over-counts depth (unclosed <p>,
    <li>), which only flattens a little more of an already pathological page.
    Linear in the tags: each open element is on one stack and in one list per name.
    """
    stack: list[_Open] = []  # every open element, kept or not, outermost first
    by_name: dict[str, list[int]] = {}  # tag name -> positions in stack, innermost last
    kept: list[_Open] = []  # the open elements whose tags stay, outermost first
    out: list[str] = []
    last = 0
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        out.append(text[last:match.start()])
        last = match.end()
        if closing:
            positions = by_name.get(name)
            if not positions:
                out.append(match.group(0))
                continue
            target = positions[-1]
            while len(stack) > target:
                element = stack.pop()
                by_name[element.name].pop()
                if element.kept:
                    kept.pop()
            out.append(match.group(0) if element.kept else "")
        elif name in _VOID or match.group(0).endswith("/>"):
            out.append(match.group(0))
        else:
            element = _Open(name, len(out))
            by_name.setdefault(name, []).append(len(stack))
            stack.append(element)
            kept.append(element)
            out.append(match.group(0))
            if len(kept) > limit:
                victim = kept.pop(min(keep_outer, limit - 1))
                victim.kept = False
                out[victim.index] = ""
    out.append(text[last:])
    return "".join(out)


@dataclass(slots=True)
class _Open:
    """An element flatten_nesting saw open: its name, where its start tag is in the output,
    and whether its tags are kept."""

    name: str
    index: int
    kept: bool = True


def strip_long_comments(text: str, longest: int = LONG_COMMENT) -> str:
    """text without its comments longer than longest characters (the parser drops every
    comment anyway; libxml2 gives up on one over 10 MB and loses the rest of the page).
    Shorter comments and an unterminated one stay as they are, for the parser to read."""
    if len(text) <= longest:
        return text
    parts: list[str] = []
    last = start = 0
    while (start := text.find("<!--", start)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        if end - start > longest:
            parts.append(text[last:start])
            last = end + 3
        start = end + 3
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


_NODES = etree.XPath("count(//*)")


@lru_cache(maxsize=8)
def _reaches(depth: int) -> etree.XPath:
    """Is there an element `depth` levels below the root element (its children: 1)?"""
    return etree.XPath("boolean(/" + "/".join(["*"] * (depth + 1)) + ")")


def _bound(tree: lxml_html.HtmlElement, max_nodes: int, max_depth: int) -> None:
    # counted and measured by libxml2 first (the walk below, in Python, costs ~1 ms a
    # page): nothing to do without too many elements or one below the depth cap
    if _NODES(tree) <= max_nodes and not _reaches(max_depth + 1)(tree):
        return
    count = 0
    too_deep: list[etree._Element] = []
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > max_nodes:
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
            continue
        if depth >= max_depth:
            too_deep.append(node)
            continue
        stack.extend((child, depth + 1) for child in reversed(node))
    for node in too_deep:
        # keep the text, drop the structure below the cap
        text = node.text_content() if hasattr(node, "text_content") else ""
        for child in list(node):
            node.remove(child)
        node.text = text


# ---- helpers the pruning stages (preclean, interstitials) share -------------------------------

ANCHORS = etree.XPath(".//a")
BODY = etree.XPath("//body")
_TEXT_LEN = etree.XPath("string-length(normalize-space(.))")


def text_len(node: lxml_html.HtmlElement) -> int:
    """Characters of node's text, whitespace runs counted once."""
    return int(_TEXT_LEN(node))


def attached(node: lxml_html.HtmlElement, root: lxml_html.HtmlElement) -> bool:
    """node is still in root's tree (an ancestor of it may have been dropped)."""
    parent = node.getparent()
    while parent is not None:
        node, parent = parent, parent.getparent()
    return node is root


def drop(node: lxml_html.HtmlElement) -> None:
    """Remove node and its text, keeping its tail; nothing when it is detached already."""
    if node.getparent() is not None:
        node.drop_tree()
