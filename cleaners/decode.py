"""Bytes to text: honour the BOM, the HTTP charset, then the page's own <meta> charset.

UTF-8 comes first, whatever is declared (CMS templates keep saying windows-1252 over
UTF-8 text): a page that is valid UTF-8 is UTF-8, and so is a page that is *mostly* UTF-8,
decoded with its few invalid sequences replaced by U+FFFD, as browsers do. Mostly means:
among its non-ASCII sequences (each valid multi-byte character, and each maximal invalid
subpart as Python's decoder counts them), at most MAX_INVALID_SHARE (30%) are invalid.
Legacy code pages fall far outside: measured on news text, cp1251 and KOI8-R Russian,
latin-1 and cp1252 German or French are 99-100% invalid as UTF-8, Shift_JIS Japanese 87% and
EUC-JP 75% (their byte pairs now and then look like UTF-8; 42% at worst in a 10-character
window). A page with no valid multi-byte character at all has no UTF-8 evidence and goes to
the declared charsets and the guess.

Detection (UnicodeDammit) is the last resort, used only when the declared
charsets are missing or lie; it runs on a sample so a huge page costs little.
Well-known binary formats served as text/html are refused with NotHTMLError.
"""

from __future__ import annotations

import codecs
import logging
import re

from bs4.dammit import UnicodeDammit

from .errors import NotHTMLError

# UnicodeDammit logs a warning per undecodable page; the replacement characters say enough
logging.getLogger("bs4.dammit").setLevel(logging.ERROR)

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
MAX_INVALID_SHARE = 0.3  # invalid sequences among non-ASCII ones in a page kept as UTF-8
_ASCII = bytes(range(128))
_REPLACEMENT = "\ufffd".encode()
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "gzip data"), (b"PK\x03\x04", "a zip archive"), (b"BZh91AY", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"), (b"(\xb5/\xfd", "zstd data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"), (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"OggS", "an Ogg file"), (b"ID3\x03\x00", "an MP3 file"), (b"wOFF", "a web font"),
    (b"wOF2", "a web font"), (b"\x7fELF", "an executable"),
)


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


def binary_kind(data: bytes) -> str | None:
    """What well-known binary format data starts with, if any."""
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "a RIFF media file"
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def decode_html(html: bytes | str, http_charset: str | None = None) -> str:
    """Decode raw page bytes to str (already-decoded text passes through).

    Raises NotHTMLError when the bytes are a known binary format.
    """
    if isinstance(html, str):
        return html
    kind = binary_kind(html)
    if kind:
        raise NotHTMLError(f"binary content ({kind}), not HTML")
    for bom, name in _BOMS:
        if html.startswith(bom):
            return html[len(bom):].decode(name, errors="replace")
    utf8 = _as_utf8(html)
    if utf8 is not None and not html.isascii():
        # valid UTF-8 beyond ASCII is almost never a legacy charset's text, whatever the
        # page or the server declares (CMS templates keep saying windows-1252)
        return utf8
    if utf8 is None:
        mostly = mostly_utf8(html)
        if mostly is not None:
            return mostly
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
    if utf8 is not None:
        return utf8
    guess = UnicodeDammit(html[:65536], known_definite_encodings=candidates).original_encoding
    return html.decode(_codec(guess) or "utf-8", errors="replace")


def mostly_utf8(html: bytes) -> str | None:
    """html decoded as UTF-8 with its invalid sequences replaced, when at most
    MAX_INVALID_SHARE of its non-ASCII sequences are invalid (and some are valid); else None."""
    text = html.decode("utf-8", errors="replace")
    ascii_bytes = len(html) - len(html.translate(None, _ASCII))
    non_ascii = len(text) - ascii_bytes  # characters from multi-byte sequences, and U+FFFDs
    invalid = text.count("\ufffd") - html.count(_REPLACEMENT)  # U+FFFDs the page did not hold
    valid = non_ascii - invalid
    if valid <= 0 or invalid > MAX_INVALID_SHARE * non_ascii:
        return None
    return text


def _as_utf8(html: bytes) -> str | None:
    """html as strict UTF-8 (a multi-byte character cut off at the very end allowed)."""
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(html) - 3 and exc.reason == "unexpected end of data":
            return html.decode("utf-8", errors="replace")
        return None
