"""URL hygiene: tracking parameters out, fragments out, one key per page, host checks."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

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
    at: hundreds of thousands of strings. The newest hashes sit in a small Python set;
    every RECENT of them are merged into one sorted numpy array, 8 bytes a hash, where
    a Python set of ints costs ~75 (a 50,000-page crawl: ~0.4 MB a set instead of ~4).
    Two URLs sharing a hash among a million (odds below 1e-7) would only cost one page
    not fetched.

    With a limit it is a cache rather than a record: full, it starts afresh (for the
    link targets a spider has looked at, where forgetting costs one more look).
    """

    RECENT = 4096  # hashes held in the Python set before they join the sorted array

    __slots__ = ("_recent", "_sorted", "limit")

    def __init__(self, limit: int = 0) -> None:
        self._recent: set[int] = set()
        self._sorted = _NO_HASHES
        self.limit = limit

    def __contains__(self, url: str) -> bool:
        key = hash(url)
        return key in self._recent or self._in_sorted(key)

    def __len__(self) -> int:
        return len(self._recent) + len(self._sorted)

    def add(self, url: str) -> None:
        self._make_room()
        key = hash(url)
        if not self._in_sorted(key):
            self._recent.add(key)
            self._settle()

    def new(self, urls: Iterable[str]) -> list[str]:
        """Those of urls not in the set, in order and once each; all of them are in it after."""
        self._make_room()
        urls = list(urls)
        keys = [hash(url) for url in urls]
        old = self._in_sorted_many(keys)
        recent, found = self._recent, []
        for url, key, known in zip(urls, keys, old, strict=True):
            if not known and key not in recent:
                recent.add(key)
                found.append(url)
        self._settle()
        return found

    def _in_sorted(self, key: int) -> bool:
        hashes = self._sorted
        if not len(hashes):
            return False
        at = int(hashes.searchsorted(key))
        return at < len(hashes) and int(hashes[at]) == key

    def _in_sorted_many(self, keys: list[int]) -> list[bool]:
        hashes = self._sorted
        if not len(hashes) or not keys:
            return [False] * len(keys)
        wanted = np.array(keys, dtype=np.int64)
        at = np.minimum(hashes.searchsorted(wanted), len(hashes) - 1)
        return (hashes[at] == wanted).tolist()

    def _settle(self) -> None:
        if len(self._recent) >= self.RECENT:
            merged = np.concatenate((self._sorted, np.fromiter(self._recent, np.int64)))
            merged.sort(kind="stable")  # two sorted runs: timsort merges them in O(n)
            self._sorted, self._recent = merged, set()

    def _make_room(self) -> None:
        if self.limit and len(self) >= self.limit:
            self._recent, self._sorted = set(), _NO_HASHES


_NO_HASHES = np.empty(0, dtype=np.int64)


def looks_binary(url: str) -> bool:
    """True when the path ends in an extension that is never an HTML page."""
    ext = posixpath.splitext(urlsplit(url).path)[1].lower()
    return ext in BINARY_EXTENSIONS
