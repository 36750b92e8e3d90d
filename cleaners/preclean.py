"""DOM pre-clean on the lxml tree: drop page furniture known by its semantics.

Roles, aria labels, class/id vocabularies (vocab.py), forms and site selectors.
Works in place on the tree that metadata extraction has already read.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html
from lxml.cssselect import CSSSelector
from lxml.etree import XPath

from .vocab import NOISE_ROLES, NOISE_TOKENS

_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_CANDIDATES = XPath("//*[@class or @id or @role]")
_ALWAYS = XPath("//form|//textarea|//nav|//footer|//aside|//button|//select")
_KEEP = frozenset({"html", "body", "main", "article"})


def _tokens(node: lxml_html.HtmlElement) -> set[str]:
    raw = f"{node.get('class', '')} {node.get('id', '')}".lower()
    return {t for t in _TOKEN_SPLIT.split(raw) if t}


def _drop(node: lxml_html.HtmlElement) -> None:
    parent = node.getparent()
    if parent is not None:
        node.drop_tree()


def prune_noise(tree: lxml_html.HtmlElement, extra_selectors: tuple[str, ...] = ()) -> None:
    """Remove noise containers from tree, in place."""
    for selector in extra_selectors:
        for node in CSSSelector(selector)(tree):
            _drop(node)
    for node in _ALWAYS(tree):
        _drop(node)
    for node in _CANDIDATES(tree):
        if node.tag in _KEEP or node.getparent() is None:
            continue
        if node.get("role", "").lower() in NOISE_ROLES or _tokens(node) & NOISE_TOKENS:
            _drop(node)
