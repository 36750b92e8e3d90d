"""Items that travel from the spider through the pipelines (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cleaners.model import CleanPage
from storage.captures import CaptureRecord


@dataclass
class PageItem:
    """A fetched HTML page on its way to the cleaner and the store."""

    url: str  # after redirects, tracking parameters stripped
    status: int
    body: bytes
    content_type: str
    http_charset: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    elapsed_ms: float
    site: str
    site_host: str
    bytes: int = 0  # body size as received (after decompression)
    aliases: tuple[str, ...] = ()  # URLs that redirected here
    clean: CleanPage | None = None
    error: str | None = None  # set by the cleaner stage: why it has no clean page
    signature: bytes | None = None  # set by the cleaner stage: cleaners.minhash.text_signature
    capture: CaptureRecord | None = None  # its WARC record as received (crawler/capture/)


@dataclass
class FetchItem:
    """A fetch that yields no page: discovery documents, skips and failures."""

    url: str
    status: int | None
    error: str | None  # reason text; None for a successful discovery fetch
    outcome: str  # "feed", "sitemap", "robots", "skipped", "failed"
    content_type: str | None
    bytes: int | None
    elapsed_ms: float | None
    fetched_at: datetime
    site: str
