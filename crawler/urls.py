"""The crawler's URL checks: web schemes, binary file extensions, and a compact set of URLs
seen; URL identity (clean URLs, keys, hosts) is cleaners/urlkeys.py, shared with storage."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from urllib.parse import urlsplit

import numpy as np

# file extensions that are never HTML pages: not worth a request
BINARY_EXTENSIONS: frozenset[str] = frozenset({
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff",
    ".mp3", ".mp4", ".m4a", ".m4v", ".mov", ".avi", ".webm", ".ogg", ".wav", ".flac",
    ".zip", ".gz", ".tgz", ".bz2", ".7z", ".rar", ".exe", ".dmg", ".apk", ".iso",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".csv", ".json",
    ".css", ".js", ".woff", ".woff2", ".ttf", ".eot",
})
WEB_SCHEMES = frozenset({"http", "https"})










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
