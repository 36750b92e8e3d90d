"""URL hygiene: tracking parameters out, fragments out, one key per page, host checks."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# query parameters that only track the visitor (exact names, lower-case)
TRACKING_PARAMS: frozenset[str] = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id",
    "oly_enc_id", "vero_id", "wickedid", "ref_src", "ref_url", "s_cid", "cmpid", "ncid",
    "ocid", "sr_share", "spm", "smid", "share", "at_medium", "at_campaign", "ito", "cid_source",
    "guccounter", "guce_referrer", "guce_referrer_sig",
})
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_", "at_custom")

# file extensions that are never HTML pages: not worth a request
BINARY_EXTENSIONS: frozenset[str] = frozenset({
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff",
    ".mp3", ".mp4", ".m4a", ".m4v", ".mov", ".avi", ".webm", ".ogg", ".wav", ".flac",
    ".zip", ".gz", ".tgz", ".bz2", ".7z", ".rar", ".exe", ".dmg", ".apk", ".iso",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".csv", ".json",
    ".css", ".js", ".woff", ".woff2", ".ttf", ".eot",
})
WEB_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MULTISLASH = re.compile(r"/{2,}")


def is_tracking_param(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def clean_url(url: str) -> str:
    """The URL to fetch and store: scheme/host lower-cased, default port,
    fragment and tracking parameters removed (other parameters kept in order)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and parts.port != _DEFAULT_PORTS.get(scheme) else None
    netloc = f"{host}:{port}" if port else host
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not is_tracking_param(k)]
    path = _MULTISLASH.sub("/", parts.path) or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def url_key(url: str) -> str:
    """Dedup key: clean_url with sorted query and no trailing slash difference."""
    parts = urlsplit(clean_url(url))
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def host_of(url: str) -> str:
    """host[:port] of url, lower-cased, without a leading 'www.'."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme) else None
    return f"{host}:{port}" if port else host


def is_web_url(url: str) -> bool:
    return urlsplit(url).scheme.lower() in WEB_SCHEMES


class UrlSet:
    """A set of URLs (or URL keys) for a long crawl, held as their 64-bit hashes.

    A crawl remembers every URL it has claimed and every link target it has looked
    at: hundreds of thousands of strings. A hash takes about half the memory of
    the string; two URLs sharing one among a million (odds below 1e-7) would only
    cost one page not fetched.

    With a limit it is a cache rather than a record: full, it starts afresh (for the
    link targets a spider has looked at, where forgetting costs one more look).
    """

    __slots__ = ("_hashes", "limit")

    def __init__(self, limit: int = 0) -> None:
        self._hashes: set[int] = set()
        self.limit = limit

    def __contains__(self, url: str) -> bool:
        return hash(url) in self._hashes

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, url: str) -> None:
        self._make_room()
        self._hashes.add(hash(url))

    def new(self, urls: Iterable[str]) -> list[str]:
        """Those of urls not in the set, in order and once each; all of them are in it after."""
        self._make_room()
        hashes, found = self._hashes, []
        for url in urls:
            key = hash(url)
            if key not in hashes:
                hashes.add(key)
                found.append(url)
        return found

    def _make_room(self) -> None:
        if self.limit and len(self._hashes) >= self.limit:
            self._hashes.clear()


def looks_binary(url: str) -> bool:
    """True when the path ends in an extension that is never an HTML page."""
    ext = posixpath.splitext(urlsplit(url).path)[1].lower()
    return ext in BINARY_EXTENSIONS
