"""Content fingerprint: a stable hash of the normalised clean text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"\W+")


def content_hash(text: str) -> str | None:
    """Hash of the words of text (case, punctuation and spacing ignored)."""
    words = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()
    if not words:
        return None
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).hexdigest()
