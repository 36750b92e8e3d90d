"""URL fields of a clean page: only absolute http(s) URLs, resolved against the page's URL."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
# what browsers strip before they read a URL: C0 controls and spaces around it, tabs and
# newlines anywhere in it ("java\tscript:" is javascript:)
_EDGES = "".join(map(chr, range(0x21)))
_INSIDE = re.compile(r"[\t\n\r]")


def web_url(value: str | None, base: str = "") -> str | None:
    """value resolved against base, when that is an absolute http(s) URL with a host; else
    None (javascript:, data:, file:, mailto:, a relative URL without a base, ...)."""
    if not value:
        return None
    value = _INSIDE.sub("", value.strip(_EDGES))
    if not value:
        return None
    try:
        url = urljoin(base, value) if base else value
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:  # an invalid IPv6 host, a port out of range
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return url


def web_urls(base: str, *values: str | None) -> tuple[list[str | None], int]:
    """web_url of each value, and how many non-empty values were dropped."""
    kept = [web_url(value, base) for value in values]
    return kept, sum(1 for value, url in zip(values, kept, strict=True)
                     if url is None and value and value.strip(_EDGES))
