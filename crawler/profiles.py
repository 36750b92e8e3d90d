"""Site profiles from sites.toml: what to crawl for a named site, and how politely.

    [sites.apnews]
    start_urls = ["https://apnews.com/"]
    feeds = []
    sitemaps = ["https://apnews.com/news-sitemap-content.xml"]
    allow = ['^/article/']          # regexes on the URL path (+query); empty = all
    deny = ['^/video/']
    noise_selectors = [".Advertisement"]
    hosts = []                      # extra hosts besides those of the start URLs
    every = "30m"                   # `cleanwire schedule` crawls it this often (90s, 2h, 1d)
    refresh_after = "2d"            # re-fetch stored articles first seen less than this ago
                                    # (conditional GET); "0s": never re-fetch stored ones
    [sites.apnews.politeness]       # any Scrapy setting overrides, lower-case names
    download_delay = 1.0
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleaners.urlkeys import host_of
from crawler.urls import is_web_url

# politeness keys a profile may set, mapped to Scrapy settings
POLITENESS_SETTINGS: dict[str, str] = {
    "download_delay": "DOWNLOAD_DELAY",
    "concurrent_requests_per_domain": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "autothrottle": "AUTOTHROTTLE_ENABLED",
    "autothrottle_target_concurrency": "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "download_timeout": "DOWNLOAD_TIMEOUT",
    "max_page_bytes": "DOWNLOAD_MAXSIZE",
    "obey_robots": "ROBOTSTXT_OBEY",
    "user_agent": "USER_AGENT",
    "retry_times": "RETRY_TIMES",
    "retry_max_wait": "CLEANWIRE_RETRY_MAX_WAIT",
}
_PROFILE_KEYS = {"start_urls", "feeds", "sitemaps", "allow", "deny", "noise_selectors", "hosts",
                 "politeness", "max_pages", "max_depth", "every", "refresh_after", "name"}


class ProfileError(ValueError):
    """sites.toml is missing, malformed, or names no such site (one-line message)."""


DEFAULT_REFRESH_AFTER = 2 * 86400.0  # "2d"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration like 90s, 30m, 2h, 1d or a bare number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 30m, 2h, 1d)")
        seconds = float(match[1]) * _UNIT_SECONDS[match[2].lower()]
    if seconds < 0:
        raise ValueError(f"not a duration: {value!r} (negative)")
    return seconds


def _duration(body: dict[str, Any], key: str, where: str, default: float | None) -> float | None:
    if key not in body:
        return default
    try:
        return parse_duration(body[key])
    except ValueError as exc:
        raise ProfileError(f"{where}: '{key}': {exc}") from exc


@dataclass(frozen=True)
class SiteProfile:
    name: str
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    noise_selectors: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    politeness: dict[str, Any] = field(default_factory=dict)
    max_pages: int = 0
    max_depth: int = 0
    every: float | None = None  # seconds between scheduled crawls (None: not scheduled)
    refresh_after: float = DEFAULT_REFRESH_AFTER  # re-fetch articles first seen this recently
    # a profile of sites.toml: its name labels the sites rows of its hosts (storage/sites.py);
    # False for the profile of a crawl by URL, named after its host
    labelled: bool = True

    @property
    def primary_host(self) -> str:
        """The host of the first start URL (else feed, else sitemap): its crawl runs' site."""
        urls = (*self.start_urls, *self.feeds, *self.sitemaps)
        return host_of(urls[0]) if urls else self.name

    def site_label(self, host: str) -> str:
        """What a stored page of host calls its site: the profile's name, or for a crawl by
        URL the host itself (which keeps a label a profile gave the host)."""
        return self.name if self.labelled else host

    @property
    def all_hosts(self) -> frozenset[str]:
        urls = (*self.start_urls, *self.feeds, *self.sitemaps)
        return frozenset({host_of(u) for u in urls} | {h.lower().removeprefix("www.")
                                                        for h in self.hosts})

    def scrapy_settings(self) -> dict[str, Any]:
        return {POLITENESS_SETTINGS[k]: v for k, v in self.politeness.items()}


@dataclass(frozen=True)
class UrlFilter:
    """allow/deny regexes on path+query; deny wins; no allow list means allow all."""

    allow: tuple[re.Pattern[str], ...]
    deny: tuple[re.Pattern[str], ...]

    @classmethod
    def from_profile(cls, profile: SiteProfile) -> UrlFilter:
        return cls(tuple(map(re.compile, profile.allow)), tuple(map(re.compile, profile.deny)))

    def accepts(self, url: str) -> bool:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if any(p.search(target) for p in self.deny):
            return False
        return not self.allow or any(p.search(target) for p in self.allow)


def sites_path(explicit: str | None) -> Path:
    """--sites, else CLEANWIRE_SITES, else ./sites.toml; made absolute against the current
    directory, so a crawl started elsewhere (schedule's subprocesses) reads the same file."""
    return Path(explicit or os.environ.get("CLEANWIRE_SITES") or "sites.toml").expanduser(
    ).absolute()


def load_profiles(path: Path) -> dict[str, SiteProfile]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"sites file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from exc
    sites = data.get("sites")
    if not isinstance(sites, dict) or not sites:
        raise ProfileError(f"{path}: no [sites.NAME] tables")
    return {name: _profile(name, body, path) for name, body in sites.items()}


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _profile(name: str, body: Any, path: Path) -> SiteProfile:
    where = f"{path}: site '{name}'"
    if not isinstance(body, dict):
        raise ProfileError(f"{where}: must be a table")
    unknown = set(body) - _PROFILE_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    politeness = body.get("politeness") or {}
    bad = set(politeness) - set(POLITENESS_SETTINGS)
    if bad:
        raise ProfileError(f"{where}: unknown politeness key(s) {', '.join(sorted(bad))}")
    profile = SiteProfile(
        name=name,
        start_urls=_strings(body.get("start_urls"), "start_urls", where),
        feeds=_strings(body.get("feeds"), "feeds", where),
        sitemaps=_strings(body.get("sitemaps"), "sitemaps", where),
        allow=_strings(body.get("allow"), "allow", where),
        deny=_strings(body.get("deny"), "deny", where),
        noise_selectors=_strings(body.get("noise_selectors"), "noise_selectors", where),
        hosts=_strings(body.get("hosts"), "hosts", where),
        politeness=dict(politeness),
        max_pages=int(body.get("max_pages", 0)),
        max_depth=int(body.get("max_depth", 0)),
        every=_duration(body, "every", where, None),
        refresh_after=_duration(body, "refresh_after", where, DEFAULT_REFRESH_AFTER) or 0.0,
    )
    if profile.every is not None and profile.every <= 0:
        raise ProfileError(f"{where}: 'every' must be longer than 0s")
    urls = (*profile.start_urls, *profile.feeds, *profile.sitemaps)
    if not urls:
        raise ProfileError(f"{where}: needs start_urls, feeds or sitemaps")
    for url in urls:
        if not is_web_url(url):
            raise ProfileError(f"{where}: not an http(s) URL: {url}")
    for pattern in (*profile.allow, *profile.deny):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ProfileError(f"{where}: bad pattern {pattern!r}: {exc}") from exc
    return profile


def adhoc_profile(urls: list[str]) -> SiteProfile:
    """A profile for plain start URLs: named after the first URL's host."""
    bad = [u for u in urls if not is_web_url(u)]
    if bad:
        raise ProfileError(f"not an http(s) URL: {bad[0]}")
    return SiteProfile(name=host_of(urls[0]), start_urls=tuple(urls), labelled=False)
