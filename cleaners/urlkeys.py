"""URL identity, one module for the crawler and the store: the URL to fetch and store
(clean_url: tracking parameters and fragments out), the crawl's dedup key (url_key) and
scope (host_of: www. folded), and article identity (article_key, site_host, same_site).

Three host rules, each for its purpose: a crawl of example.com stays on example.com and
www.example.com (host_of); an article is the same article on its www./m./amp./mobile.
hosts (site_host: the m. site is fetched only when a profile names it); and a page's
canonical URL speaks for it when it is on the same registrable domain (news.example.co.uk
and example.co.uk: registrable_domain), as the page type reads it.

article_key: the URL variants of one page share one key.

Folded: scheme (http/https), a leading www./m./amp./mobile. host label, default ports,
an /amp path segment (/amp/ anywhere or a trailing /amp), amp query flags (?amp, ?amp=1,
?outputType=amp), fragments, query order and a trailing slash. Other query parameters
are kept (they may name the article). Tracking parameters are stripped by clean_url
before a URL reaches storage.
"""

from __future__ import annotations

import functools
import re
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

HOST_PREFIXES: tuple[str, ...] = ("www.", "m.", "amp.", "mobile.")
# registrable domains one level further down (example.co.uk)
SECOND_LEVEL_LABELS = frozenset({
    "co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go", "gob", "nic", "ltd",
    "plc", "sch", "info", "nom", "mil", "govt", "gv", "nhs", "police", "biz", "web", "asso",
})
AMP_QUERY_FLAGS: frozenset[str] = frozenset({"amp", "amp_js_v", "usqp"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MULTISLASH = re.compile(r"/{2,}")
_AMP_SEGMENT = re.compile(r"/amp(?=/|$)", re.IGNORECASE)
_AMP_SUFFIX = re.compile(r"\.amp(\.html?)?$", re.IGNORECASE)


def site_host(url: str) -> str:
    """The host without www./m./amp./mobile. prefixes (and without a default port)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    changed = True
    while changed:
        changed = False
        for prefix in HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") > 1:
                host = host[len(prefix):]
                changed = True
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    if port and port != _DEFAULT_PORTS.get(scheme):
        return f"{host}:{port}"
    return host


def _is_amp_param(name: str, value: str) -> bool:
    name = name.lower()
    return name in AMP_QUERY_FLAGS or (name == "outputtype" and value.lower() == "amp")


@functools.lru_cache(maxsize=4096)  # a batch asks for each of its URLs' keys several times
def article_key(url: str) -> str:
    """One key for every URL variant of a page: "host/path?sorted-query" (no scheme)."""
    parts = urlsplit(url.strip())
    path = _MULTISLASH.sub("/", parts.path)
    path = _AMP_SEGMENT.sub("", path)
    path = _AMP_SUFFIX.sub(lambda m: m.group(1) or "", path)
    path = path.rstrip("/")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_amp_param(k, v)
    )
    key = site_host(url) + (path or "")
    return f"{key}?{urlencode(query)}" if query else key


def is_amp(url: str) -> bool:
    """True when url is an AMP variant (amp. host, /amp path, amp query flag)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("amp.") or _AMP_SEGMENT.search(parts.path) or _AMP_SUFFIX.search(
        parts.path
    ):
        return True
    return any(_is_amp_param(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True))


def same_site(first: str, second: str) -> bool:
    """True when both URLs are on one site (hosts equal after folding www./m./amp.)."""
    return bool(site_host(first)) and site_host(first) == site_host(second)


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


def registrable_domain(host: str) -> str:
    """The registrable part of a host name (news.example.co.uk -> example.co.uk)."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL_LABELS:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])
