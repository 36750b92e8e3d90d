"""Content fingerprint: a stable hash of the normalised clean text (exact copies)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"\W+")


def words(text: str) -> list[str]:
    """The normalised words of text: NFKC, casefolded, split on anything but letters/digits."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()


def content_hash(text: str) -> str | None:
    """Hash of the words of text (case, punctuation and spacing ignored)."""
    found = words(text)
    if not found:
        return None
    return hashlib.blake2b(" ".join(found).encode("utf-8"), digest_size=16).hexdigest()
