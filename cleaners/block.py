"""The typed block of extracted text: what extract produces and postclean reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of extracted text (a paragraph, heading, list item, quote, table or code)."""

    kind: str  # trafilatura tag: p, head, item, quote, table, code, ...
    text: str
    link_only: bool = False  # the page shows this text only as link(s)
    trailing: bool = False  # after the last block inside the article's container
    interruption: bool = False  # in an inline box of other stories ("Read also" + teasers)
