"""Bytes to text: honour the BOM, the HTTP charset, then the page's own <meta> charset.

Detection (UnicodeDammit) is the last resort, used only when the declared
charsets are missing or lie; it runs on a sample so a huge page costs little.
"""

from __future__ import annotations

import codecs
import re

from bs4.dammit import UnicodeDammit

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_SNIFF_BYTES = 4096


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def declared_charset(html: bytes) -> str | None:
    """The charset named by a <meta> tag in the first bytes, if Python knows it."""
    match = _META_CHARSET.search(html[:_SNIFF_BYTES])
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def decode_html(html: bytes | str, http_charset: str | None = None) -> str:
    """Decode raw page bytes to str (already-decoded text passes through)."""
    if isinstance(html, str):
        return html
    for bom, name in _BOMS:
        if html.startswith(bom):
            return html[len(bom):].decode(name, errors="replace")
    candidates = [c for c in (_codec(http_charset), declared_charset(html)) if c]
    # A page that declares utf-16 but has no BOM is almost always lying (meta
    # tags are ASCII-compatible), so utf-16 only counts with a BOM, above.
    for name in candidates:
        if name.startswith(("utf-16", "utf-32")):
            continue
        try:
            return html.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = UnicodeDammit(html[:65536], known_definite_encodings=candidates).original_encoding
    return html.decode(_codec(guess) or "utf-8", errors="replace")
