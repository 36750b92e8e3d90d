"""Text-level post-clean on the extracted blocks: cut at terminal headings,
drop widget remnants and lines already captured as metadata or learned as
site boilerplate."""

from __future__ import annotations

import re
import unicodedata

from .model import Metadata
from .vocab import TERMINAL_HEADINGS

_SPACE = re.compile(r"\s+")


def normalise_line(line: str) -> str:
    """The comparison form of a line: NFKC, casefolded, single spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", line)).strip().casefold()


def postclean(blocks: list[str], meta: Metadata, boilerplate: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    title = normalise_line(meta.title or "")
    for block in blocks:
        key = normalise_line(block).rstrip(":：")
        if key in TERMINAL_HEADINGS:
            break
        if key == title or key in boilerplate:
            continue
        out.append(block)
    return out
