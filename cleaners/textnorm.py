"""Invisible characters out of every text field: soft hyphens, zero-width spaces, word joiners.

Kept: a zero-width (non-)joiner between two letters that are not ASCII, where it shapes
the script (Persian "می‌خواهم", Indic conjuncts, emoji sequences); dropped next to ASCII,
spaces or the ends of the text, where it only breaks words apart for search and matching.
"""

from __future__ import annotations

import re

# soft hyphen, zero-width space, word joiner, invisible times/separator/plus, BOM (zero-width
# no-break space), Mongolian vowel separator: never part of the words a reader sees
_ALWAYS = re.compile("[\u00ad\u200b\u2060-\u2064\ufeff\u180e]")
# a joiner or non-joiner with an ASCII character, a space or nothing on either side
_LOOSE_JOINER = re.compile(
    r"(?:(?<=[\x00-\x7f\s])|^)[\u200c\u200d]+|[\u200c\u200d]+(?=[\x00-\x7f\s]|$)")


def strip_invisible(text: str) -> str:
    """'Welt\\u00adernährung\\u200b' -> 'Welternährung'; 'می\\u200cخواهم' unchanged."""
    if not text or text.isascii():
        return text
    text = _ALWAYS.sub("", text)
    if "\u200c" in text or "\u200d" in text:
        text = _LOOSE_JOINER.sub("", text)
    return text
