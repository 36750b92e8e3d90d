"""Duplicates: URL aliases, exact copies (duplicate_of) and near-duplicate clusters (cluster_id).

Called by Repository.store inside its one write transaction:

* resolve_urls(): before staging, every page is re-addressed to the row that already
  holds one of its URL variants (storage.urlkeys.article_key of its url, same-site
  canonical_url and redirect aliases); pages of one batch that share a key become one
  row (the first by fetched_at, url). Extra URLs land in article_urls.
* after_upsert(): MinHash signatures (article_minhash), exact-copy links by
  content_hash (duplicate_of = the group's earliest member) and near-duplicate
  clusters (cluster_id = the earliest member's id) for the batch's articles.

"Earliest" is always the smallest (first_seen_at, url): ties on the fetch time go to
the smaller url, so the result does not depend on how the input was split into batches.
Clusters are the connected components of "estimated Jaccard >= threshold" over 5-word
shingles; every pair is looked at once (when its later member arrives), so the components
do not depend on arrival order. A new article is compared with one member of each cluster
among its LSH candidates until one is near enough, and a cluster is relabelled without
reading its members: the work per article does not grow with the clusters it joins.
The LSH index (BandIndex: MinHashLSH's bands and rows, compact numpy storage) lives in
memory, built lazily from stored signatures (never from texts) and caught up with rows
other writers added.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection, select, text, update

from .models import URL_LENGTH, Article, ArticleMinHash, ArticleUrl
from .urlkeys import article_key, is_amp, same_site

if TYPE_CHECKING:
    from datasketch import MinHash

    from .repository import PageRecord

DEFAULT_NEAR_DUP_THRESHOLD = 0.5
NUM_PERM = 128
SHINGLE_WORDS = 5
MINHASH_SEED = 1
# datasketch >= 2.0 "affine32": 32-bit hash values, so a 128-permutation signature is 512 bytes
MINHASH_SCHEME = "affine32"
SIGNATURE_DTYPE = np.dtype("<u4")
CHANGED = ("new", "updated")
_NON_WORD = re.compile(r"\W+")
_IN_CHUNK = 500
_PG_DEDUP_LOCK = 0x636C_6E64  # "clnd": serialises store() transactions on PostgreSQL


# --- signatures ---------------------------------------------------------------


def words(text: str) -> list[str]:
    """The normalised words of text (as cleaners.fingerprint.content_hash sees them)."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The distinct size-word shingles of text (the whole text when shorter)."""
    tokens = words(text)
    if not tokens:
        return set()
    if len(tokens) <= size:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


class Signer:
    """MinHash signatures with one set of permutations (made once: they are costly).

    datasketch is imported here, not with the module: it loads scipy (~0.8 s of CPU),
    which a crawl process whose cleaning workers sign the articles never needs."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = MINHASH_SEED) -> None:
        from datasketch import MinHash

        self._minhash_class = MinHash
        self.num_perm, self.seed = num_perm, seed
        self._permutations = MinHash(num_perm=num_perm, seed=seed,
                                     scheme=MINHASH_SCHEME).permutations

    def minhash(self, shingle_set: Iterable[bytes]) -> MinHash:
        sketch = self._minhash_class(num_perm=self.num_perm, seed=self.seed,
                                     permutations=self._permutations, scheme=MINHASH_SCHEME)
        sketch.update_batch(list(shingle_set))
        return sketch

    def signature(self, text: str) -> np.ndarray | None:
        """The hash values of text's shingles, or None for a text without words."""
        found = shingles(text)
        return self.minhash(found).hashvalues.astype(SIGNATURE_DTYPE) if found else None

    def from_values(self, values: np.ndarray) -> MinHash:
        return self._minhash_class(num_perm=self.num_perm, seed=self.seed, hashvalues=values,
                                   permutations=self._permutations, scheme=MINHASH_SCHEME)

    def from_bytes(self, blob: bytes) -> MinHash:
        return self.from_values(from_bytes(blob))


@functools.cache
def default_signer() -> Signer:
    """The default Signer, its permutations made once per process on first use."""
    return Signer()


def text_signature(text: str) -> bytes | None:
    """The stored form (to_bytes) of text's MinHash signature with the default Signer, or
    None for a text without words.

    What Deduplicator writes to article_minhash for an article with this exact text: a
    caller that already holds the text elsewhere (a cleaning worker process) computes it
    there and hands it over as PageRecord.signature, so store() does not have to.
    """
    values = default_signer().signature(text)
    return None if values is None else to_bytes(values)


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype(SIGNATURE_DTYPE).tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=SIGNATURE_DTYPE)


def estimated_jaccard(first: np.ndarray, second: np.ndarray) -> Any:
    """The share of equal MinHash values: a float, or one per row when first is a matrix of
    signatures."""
    return np.count_nonzero(first == second, axis=-1) / first.shape[-1]


# --- the in-memory LSH index ------------------------------------------------------


# Gauss-Legendre nodes and weights on [-1, 1]: 96 nodes integrate a polynomial of degree
# up to 191 exactly, and the LSH error integrands are polynomials of degree b * r <= num_perm
_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(96)


def _integral(values: Any, low: float, high: float) -> float:
    """The integral over [low, high] of values(s), a numpy function of s."""
    if high <= low:
        return 0.0
    half = (high - low) / 2
    return float(half * np.dot(_GAUSS_WEIGHTS, values(half * _GAUSS_NODES + (high + low) / 2)))


def _lsh_error(threshold: float, bands: int, rows: int) -> float:
    """False positive plus false negative probability mass of bands x rows at threshold."""
    def missed(s: np.ndarray) -> np.ndarray:  # a pair of similarity s shares no band
        return (1 - s ** rows) ** bands

    return _integral(lambda s: 1 - missed(s), 0.0, threshold) + _integral(missed, threshold, 1.0)


@functools.cache
def bands_and_rows(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """The LSH bands and rows (b * r <= num_perm) that minimise the sum of the false
    positive and false negative probabilities at threshold: datasketch.MinHashLSH's
    choice (equal weights), computed without scipy (datasketch's integrates with
    scipy.integrate.quad; tests/test_dedup.py checks the two agree)."""
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    return min(pairs, key=lambda pair: _lsh_error(threshold, *pair))


_MIX = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime
_SEED = np.uint64(0xCBF29CE484222325)
_AVALANCHE = np.uint64(0xFF51AFD7ED558CCD)
_SHIFT, _HALF = np.uint64(33), np.uint64(32)


class BandIndex:
    """Banded MinHash LSH (datasketch's optimal bands and rows for the threshold) kept in
    sorted numpy runs: 8 bytes per band entry (a 32-bit band key and a 32-bit id), about
    200 bytes per article, where datasketch.MinHashLSH's dict-of-sets storage takes ~7.5 KB.
    A 32-bit key shared by two different bands (at 50,000 articles, about one query in a
    hundred meets one) only adds a candidate, which the caller checks against the stored
    signature like every other.

    New entries go to a small dict; full dicts become sorted runs, merged like a binary
    counter, so an insert costs amortised O(log n) and a query one searchsorted per run.
    Runs stop merging at MAX_RUN entries: merging two runs briefly needs about three
    times their size, which for one run of everything would be a memory peak growing
    with the store (~30 MB at 50,000 articles); capped, it stays under ~7 MB, for one
    searchsorted more per 10,000 articles in a query.
    Entries are never removed: a stale or rolled-back entry only yields a candidate that
    the caller verifies against the stored signature.
    """

    BUFFER = 8192  # band entries held in the dict before they become a run
    MAX_RUN = 262_144  # band entries in the largest run (2 MB; ~10,000 articles)

    def __init__(self, threshold: float, num_perm: int = NUM_PERM) -> None:
        self.bands, self.rows = bands_and_rows(threshold, num_perm)
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._buffer: dict[int, list[int]] = {}
        self._buffered = 0
        self.size = 0  # articles inserted

    def keys(self, values: np.ndarray) -> np.ndarray:
        """Band keys of one signature (or of a matrix of signatures, one per row)."""
        matrix = np.atleast_2d(values).astype(np.uint64)
        used = matrix[:, : self.bands * self.rows].reshape(len(matrix), self.bands, self.rows)
        keys = np.broadcast_to(np.arange(self.bands, dtype=np.uint64) ^ _SEED,
                               (len(matrix), self.bands)).copy()
        with np.errstate(over="ignore"):
            for column in range(self.rows):
                keys = (keys ^ used[:, :, column]) * _MIX
            keys ^= keys >> _SHIFT  # murmur3's finaliser: every bit of the band in the top 32
            keys *= _AVALANCHE
            keys ^= keys >> _SHIFT
        short = (keys >> _HALF).astype(np.uint32)
        return short if values.ndim == 2 else short[0]

    def insert(self, article_id: int, values: np.ndarray) -> None:
        for key in self.keys(values).tolist():
            self._buffer.setdefault(key, []).append(article_id)
        self._buffered += self.bands
        self.size += 1
        if self._buffered >= self.BUFFER:
            self._flush()

    def insert_many(self, ids: np.ndarray, matrix: np.ndarray) -> None:
        """Bulk insert (a rebuild): one sorted run for the lot."""
        step = max(1, self.MAX_RUN // self.bands)  # articles per run
        for start in range(0, len(ids), step):
            keys = self.keys(matrix[start:start + step]).ravel()
            self._add_run(keys, np.repeat(ids[start:start + step].astype(np.int32), self.bands))
        self.size += len(ids)

    def query(self, values: np.ndarray) -> set[int]:
        keys = self.keys(values)
        found: set[int] = set()
        for key in keys.tolist():
            found.update(self._buffer.get(key, ()))
        for run_keys, run_ids in self._runs:
            left = np.searchsorted(run_keys, keys, "left")
            right = np.searchsorted(run_keys, keys, "right")
            for start, stop in zip(left[right > left].tolist(), right[right > left].tolist(),
                                   strict=True):
                found.update(run_ids[start:stop].tolist())
        return found

    def nbytes(self) -> int:
        return sum(k.nbytes + i.nbytes for k, i in self._runs) + self._buffered * 8

    def _flush(self) -> None:
        keys = np.fromiter((k for k, ids in self._buffer.items() for _ in ids), np.uint32,
                           self._buffered)
        ids = np.fromiter((i for ids in self._buffer.values() for i in ids), np.int32,
                          self._buffered)
        self._buffer, self._buffered = {}, 0
        self._add_run(keys, ids)

    def _add_run(self, keys: np.ndarray, ids: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], ids[order]))
        while (len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0])
               and len(self._runs[-2][0]) + len(self._runs[-1][0]) <= self.MAX_RUN):
            (k1, i1), (k2, i2) = self._runs.pop(), self._runs.pop()
            keys, ids = np.concatenate((k2, k1)), np.concatenate((i2, i1))
            order = np.argsort(keys, kind="stable")
            self._runs.append((keys[order], ids[order]))


@dataclass
class LshIndex:
    """The process's BandIndex over stored signatures; loaded lazily, caught up by id."""

    threshold: float
    num_perm: int = NUM_PERM
    bands: BandIndex | None = None
    # every committed signature with article_id <= watermark is loaded (writers are
    # serialised and ids grow, so a newer row always has a larger id)
    watermark: int = 0
    pending: set[int] = field(default_factory=set)  # added by a transaction not yet seen done
    loads: int = 0  # signature rows read from the database (tests, bench)

    def reset(self) -> None:
        self.bands, self.watermark, self.pending = None, 0, set()

    def sync(self, connection: Connection, chunk: int = 50_000) -> None:
        """Make the index hold every stored signature (first use: all of them)."""
        if self.pending:
            if _existing_ids(connection, self.pending) != self.pending:
                self.reset()  # the transaction that added them rolled back
            else:
                self.watermark = max(self.watermark, *self.pending)
                self.pending = set()
        if self.bands is None:
            self.bands = BandIndex(self.threshold, self.num_perm)
        table = ArticleMinHash.__table__
        result = connection.execute(
            select(table.c.article_id, table.c.signature)
            .where(table.c.article_id > self.watermark)
            .order_by(table.c.article_id)
            .execution_options(yield_per=chunk)
        )
        for rows in result.partitions(chunk):
            ids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
            matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype=SIGNATURE_DTYPE)
            self.bands.insert_many(ids, matrix.reshape(len(rows), self.num_perm))
            self.loads += len(rows)
            self.watermark = max(self.watermark, int(ids[-1]))

    def candidates(self, values: np.ndarray) -> list[int]:
        assert self.bands is not None
        return sorted(self.bands.query(values))

    def add(self, article_id: int, values: np.ndarray) -> None:
        assert self.bands is not None
        self.bands.insert(article_id, values)
        self.pending.add(article_id)


def _given_signatures(pages: Sequence[PageRecord]) -> dict[str, bytes]:
    """text -> signature of the pages that carry one (PageRecord.signature, made by
    text_signature from page.text). Keyed by the text itself: a signature is used only for
    a stored text equal to the one it was computed from, whatever the batch's URL merging
    or the column's clean-up did; a blob of the wrong size is ignored."""
    size = NUM_PERM * SIGNATURE_DTYPE.itemsize
    return {record.page.text: record.signature for record in pages
            if record.signature is not None and len(record.signature) == size}


def _existing_ids(connection: Connection, ids: Iterable[int]) -> set[int]:
    table = ArticleMinHash.__table__
    found: set[int] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        found.update(connection.scalars(
            select(table.c.article_id).where(table.c.article_id.in_(chunk))))
    return found


# --- URL aliases ------------------------------------------------------------------


@dataclass
class _Group:
    """Pages of one batch that are one article (they share a URL key)."""

    records: list[int] = field(default_factory=list)  # indexes into the batch
    keys: set[str] = field(default_factory=set)


def _page_urls(record: PageRecord) -> list[tuple[str, str]]:
    """(url, kind) of every URL that names this page: its own, canonical, redirects."""
    page = record.page
    found = [(page.url, "primary")]
    canonical = page.canonical_url
    if (canonical and canonical != page.url and same_site(canonical, page.url)
            and "/" in article_key(canonical).split("?")[0]):  # never a home page
        found.append((canonical, "canonical"))
    found.extend((alias, "redirect") for alias in record.aliases if alias != page.url)
    return [(url, kind) for url, kind in found if len(url) <= URL_LENGTH]


def _alias_kind(url: str, kind: str) -> str:
    if kind != "primary":
        return kind
    return "amp" if is_amp(url) else "variant"


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


@dataclass
class _Member:
    id: int
    url: str
    first_seen_at: datetime
    cluster_id: int | None = None

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.first_seen_at, self.url)


# --- the deduplicator ---------------------------------------------------------------


class Deduplicator:
    """URL aliases, exact copies and near-duplicate clusters for one Repository."""

    def __init__(self, threshold: float = DEFAULT_NEAR_DUP_THRESHOLD) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.index = LshIndex(threshold)
        self.signatures_given = 0  # taken from PageRecord.signature (tests, bench)
        self.signatures_computed = 0  # computed here from the stored text
        self.signatures_read = 0  # read back from article_minhash to compare
        self.members_read = 0  # article rows read to join clusters
        self._aliases: dict[str, list[tuple[str, str]]] = {}  # row url -> (url, kind)

    # -- before staging -------------------------------------------------------

    def resolve_urls(
        self, connection: Connection, pages: Sequence[PageRecord]
    ) -> list[PageRecord]:
        """pages re-addressed to the row that holds any of their URLs (or one batch row).

        On PostgreSQL this first takes a transaction-scoped advisory lock, so store()
        transactions run one at a time there as they do on SQLite (BEGIN IMMEDIATE): URL
        keys, hash groups and clusters see every earlier batch, and ids commit in order.
        """
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": _PG_DEDUP_LOCK})
        self._aliases = {}
        urls = [_page_urls(record) for record in pages]
        # identity comes from the page's own URL and canonical; a redirect alias only
        # names the page it led to this time (a "/latest" link moves on) and is recorded
        identity = [[(u, k) for u, k in us if k != "redirect"] for us in urls]
        groups = self._group(identity)
        stored = self._stored_keys(connection,
                                   {article_key(u) for us in identity for u, _ in us})
        out = list(pages)
        for group in groups:
            order = sorted(group.records, key=lambda i: (_fetched(pages[i]), pages[i].page.url))
            matches = sorted(stored[key] for key in group.keys if key in stored)
            row_url = matches[0][1] if matches else pages[order[0]].page.url
            seen: dict[str, str] = {}
            for i in order:
                for url, kind in urls[i]:
                    if url != row_url:
                        seen.setdefault(url, _alias_kind(url, kind))
                page = pages[i].page
                if page.url != row_url:
                    out[i] = replace(pages[i], page=replace(page, url=row_url),
                                     aliases=tuple(dict.fromkeys((*pages[i].aliases, page.url))))
            self._aliases[row_url] = sorted(seen.items())
        return out

    @staticmethod
    def _group(urls: list[list[tuple[str, str]]]) -> list[_Group]:
        """Union of pages sharing a URL key, in batch order."""
        parent = list(range(len(urls)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        owner: dict[str, int] = {}
        for i, page_urls in enumerate(urls):
            for url, _kind in page_urls:
                key = article_key(url)
                if key in owner:
                    parent[find(i)] = find(owner[key])
                else:
                    owner[key] = i
        groups: dict[int, _Group] = {}
        for i, page_urls in enumerate(urls):
            group = groups.setdefault(find(i), _Group())
            group.records.append(i)
            group.keys.update(article_key(url) for url, _ in page_urls)
        return list(groups.values())

    @staticmethod
    def _stored_keys(connection: Connection, keys: set[str]) -> dict[str, tuple[int, str]]:
        """URL key -> (article id, article url) of stored rows holding that key."""
        aliases, articles = ArticleUrl.__table__, Article.__table__
        found: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(sorted(keys)):
            rows = connection.execute(
                select(aliases.c.url_key, articles.c.id, articles.c.url)
                .join(articles, articles.c.id == aliases.c.article_id)
                .where(aliases.c.url_key.in_(chunk))
            )
            for key, article_id, url in rows:
                if key not in found or (article_id, url) < found[key]:
                    found[key] = (article_id, url)
        return found

    # -- after the upsert ---------------------------------------------------------

    def after_upsert(
        self, connection: Connection, pages: Sequence[PageRecord], outcomes: Sequence[str]
    ) -> None:
        """Aliases, signatures, duplicate_of and cluster_id for the batch just upserted."""
        self.index.sync(connection)  # before this batch's signatures are written
        rows = self._batch_rows(connection, pages, outcomes)
        self._write_aliases(connection, rows)
        articles = [row for row in rows if row["page_type"] == "article"]
        changed = [row for row in articles if row["outcome"] in CHANGED]
        changed += self._unsigned(connection, [r for r in articles if r["outcome"] not in CHANGED])
        changed.sort(key=lambda row: (row["first_seen_at"], row["url"]))
        signatures = self._write_signatures(connection, changed, _given_signatures(pages))
        self._link_exact(connection, [row["id"] for row in articles])
        self._cluster(connection, changed, signatures)

    def _batch_rows(
        self, connection: Connection, pages: Sequence[PageRecord], outcomes: Sequence[str]
    ) -> list[dict[str, Any]]:
        """One dict per stored article of the batch: id, url, first_seen_at, text, ..."""
        wanted: dict[str, dict[str, Any]] = {}
        for record, outcome in zip(pages, outcomes, strict=True):
            if outcome == "skipped":
                continue
            entry = wanted.setdefault(record.page.url, {"outcome": outcome, "text": ""})
            if outcome in CHANGED or entry["outcome"] not in CHANGED:
                entry["outcome"] = outcome
            entry["page_type"] = record.page.page_type
        table = Article.__table__
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(sorted(wanted)):
            result = connection.execute(
                select(table.c.id, table.c.url, table.c.first_seen_at, table.c.text)
                .where(table.c.url.in_(chunk))
            )
            for article_id, url, first_seen_at, body in result:
                rows.append({**wanted[url], "id": article_id, "url": url,
                             "first_seen_at": first_seen_at, "text": body or ""})
        return sorted(rows, key=lambda row: (row["first_seen_at"], row["url"]))

    def _write_aliases(self, connection: Connection, rows: list[dict[str, Any]]) -> None:
        values = []
        for row in rows:
            values.append({"url": row["url"], "url_key": article_key(row["url"]),
                           "article_id": row["id"], "kind": "primary",
                           "first_seen_at": row["first_seen_at"]})
            for url, kind in self._aliases.get(row["url"], []):
                values.append({"url": url, "url_key": article_key(url)[:URL_LENGTH],
                               "article_id": row["id"], "kind": kind,
                               "first_seen_at": row["first_seen_at"]})
        if values:
            stmt = _insert(connection, ArticleUrl.__table__).on_conflict_do_nothing(
                index_elements=["url"])
            connection.execute(stmt, values)

    @staticmethod
    def _unsigned(connection: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Those of rows without a stored signature (stored before dedup existed)."""
        if not rows:
            return []
        have = _existing_ids(connection, (row["id"] for row in rows))
        return [row for row in rows if row["id"] not in have]

    def _write_signatures(
        self, connection: Connection, rows: list[dict[str, Any]],
        given: dict[str, bytes] | None = None,
    ) -> dict[int, np.ndarray]:
        """Sign rows' stored texts; a signature handed in for that exact text is used as is."""
        signatures: dict[int, np.ndarray] = {}
        usable = given or {}  # made by text_signature: the default signer's
        for row in rows:
            blob = usable.get(row["text"])
            if blob is not None:
                values = from_bytes(blob)
                self.signatures_given += 1
            else:
                values = default_signer().signature(row["text"])  # made on first use
                self.signatures_computed += 1
            if values is not None:
                signatures[row["id"]] = values
        if signatures:
            stmt = _insert(connection, ArticleMinHash.__table__)
            stmt = stmt.on_conflict_do_update(
                index_elements=["article_id"], set_={"signature": stmt.excluded.signature})
            connection.execute(stmt, [{"article_id": k, "signature": to_bytes(v)}
                                      for k, v in sorted(signatures.items())])
        return signatures

    def _link_exact(self, connection: Connection, ids: list[int]) -> None:
        """duplicate_of for every article sharing a content_hash with one of ids."""
        if not ids:
            return
        table, signed = Article.__table__, ArticleMinHash.__table__
        hashes: set[str] = set()
        for chunk in _chunks(sorted(ids)):
            hashes.update(h for h in connection.scalars(
                select(table.c.content_hash).where(table.c.id.in_(chunk))) if h)
            # copies that pointed at a batch article whose text has since changed
            hashes.update(h for h in connection.scalars(
                select(table.c.content_hash).where(table.c.duplicate_of.in_(chunk))) if h)
        groups: dict[str, list[tuple[datetime, str, int, int | None]]] = {}
        for chunk in _chunks(sorted(hashes)):
            result = connection.execute(
                select(table.c.content_hash, table.c.first_seen_at, table.c.url, table.c.id,
                       table.c.duplicate_of)
                .join(signed, signed.c.article_id == table.c.id)  # articles only
                .where(table.c.content_hash.in_(chunk))
            )
            for content_hash, first_seen_at, url, article_id, duplicate_of in result:
                groups.setdefault(content_hash, []).append((first_seen_at, url, article_id,
                                                            duplicate_of))
        changes: dict[int, int | None] = {}
        for members in groups.values():
            members.sort()
            origin = members[0][2]
            for _, _, article_id, duplicate_of in members:
                wanted = None if article_id == origin else origin
                if duplicate_of != wanted:
                    changes[article_id] = wanted
        self._clear_stale_links(connection, ids, changes)
        _apply(connection, table.c.duplicate_of, changes)

    @staticmethod
    def _clear_stale_links(
        connection: Connection, ids: list[int], changes: dict[int, int | None]
    ) -> None:
        """Batch articles (and their former copies) whose hash group no longer holds them."""
        table = Article.__table__
        origin = table.alias("origin")
        for chunk in _chunks(sorted(ids)):
            result = connection.execute(
                select(table.c.id)
                .join(origin, origin.c.id == table.c.duplicate_of)
                .where((table.c.id.in_(chunk)) | (table.c.duplicate_of.in_(chunk)))
                .where(origin.c.content_hash.is_distinct_from(table.c.content_hash))
            )
            for (article_id,) in result:
                changes.setdefault(article_id, None)

    def _cluster(
        self, connection: Connection, rows: list[dict[str, Any]], signatures: dict[int, np.ndarray]
    ) -> None:
        """Link each changed article to every cluster (or lone article) it nearly duplicates.

        An article's LSH candidates are grouped by the cluster they belong to; a group is
        compared member by member only until one is near enough (its first member, then
        the rest together), so a cluster that grows all crawl long costs each new article
        one comparison, not one per member. The components are those of every pair."""
        candidates: dict[int, list[int]] = {}
        for row in rows:  # (first_seen_at, url) order
            values = signatures.get(row["id"])
            if values is None:
                continue
            candidates[row["id"]] = [c for c in self.index.candidates(values) if c != row["id"]]
            self.index.add(row["id"], values)
        stored = {c for found in candidates.values() for c in found} - signatures.keys()
        cluster_of = _cluster_ids(connection, stored)  # this batch's articles stand alone
        pending = {(article_id, group): members for article_id, found in candidates.items()
                   for group, members in _grouped(found, cluster_of).items()}
        known = dict(signatures)
        edges: list[tuple[int, int]] = []
        for take_first in (True, False):
            wanted = {m for members in pending.values()
                      for m in (members[:1] if take_first else members)} - known.keys()
            known.update(self._signatures(connection, wanted))
            for (article_id, group), members in list(pending.items()):
                tried = [m for m in (members[:1] if take_first else members) if m in known]
                match = _first_near(known[article_id], tried, known, self.threshold)
                if match is not None:
                    edges.append((article_id, match))
                    del pending[(article_id, group)]
                else:
                    pending[(article_id, group)] = members[1:]
        if edges:
            self._merge(connection, edges)

    def _signatures(self, connection: Connection, ids: set[int]) -> dict[int, np.ndarray]:
        table = ArticleMinHash.__table__
        found: dict[int, np.ndarray] = {}
        for chunk in _chunks(sorted(ids)):
            for article_id, blob in connection.execute(
                select(table.c.article_id, table.c.signature)
                .where(table.c.article_id.in_(chunk))
            ):
                found[article_id] = from_bytes(blob)
        self.signatures_read += len(found)
        return found

    def _merge(self, connection: Connection, edges: list[tuple[int, int]]) -> None:
        """Join the clusters the edges connect; each takes its earliest member's id.

        A cluster's id is its earliest member's, so that member (read by id) stands for
        the whole cluster: a cluster whose id changes is relabelled by one UPDATE, without
        reading its members (a cluster whose earliest member is missing is read whole)."""
        members = self._read_members(connection, {i for edge in edges for i in edge})
        clusters = {m.cluster_id for m in members.values() if m.cluster_id is not None}
        members.update(self._read_members(connection, clusters - members.keys()))
        whole = {c for c in clusters if c not in members or members[c].cluster_id != c}
        members.update(self._read_members(connection, whole, column="cluster_id"))
        parent = {article_id: article_id for article_id in members}

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def union(a: int, b: int) -> None:
            parent[find(a)] = find(b)

        by_cluster: dict[int, int] = {}
        for member in members.values():  # existing clusters stay together
            if member.cluster_id is not None:
                by_cluster.setdefault(member.cluster_id, member.id)
                union(member.id, by_cluster[member.cluster_id])
        for a, b in edges:
            union(a, b)
        components: dict[int, list[_Member]] = {}
        for member in members.values():
            components.setdefault(find(member.id), []).append(member)
        changes: dict[int, int | None] = {}
        relabel: dict[int, int] = {}
        for component in components.values():
            if len(component) < 2:
                continue
            head = min(component, key=lambda m: m.order).id
            for member in component:  # a member of a cluster moves with its whole cluster
                if member.cluster_id is None:
                    changes[member.id] = head
                elif member.cluster_id != head:
                    relabel[member.cluster_id] = head
        table = Article.__table__
        for old, head in sorted(relabel.items()):  # members not read: the whole cluster
            connection.execute(update(table).where(table.c.cluster_id == old)
                               .values(cluster_id=head))
        _apply(connection, table.c.cluster_id, changes)

    def _read_members(self, connection: Connection, ids: set[int],
                      column: str = "id") -> dict[int, _Member]:
        found = _members(connection, ids, column)
        self.members_read += len(found)
        return found


def _members(connection: Connection, ids: set[int], column: str = "id") -> dict[int, _Member]:
    """The articles whose `column` (id or cluster_id) is one of ids."""
    table = Article.__table__
    found: dict[int, _Member] = {}
    for chunk in _chunks(sorted(ids)):
        for article_id, url, first_seen_at, cluster_id in connection.execute(
            select(table.c.id, table.c.url, table.c.first_seen_at, table.c.cluster_id)
            .where(table.c[column].in_(chunk))
        ):
            found[article_id] = _Member(article_id, url, first_seen_at, cluster_id)
    return found


def _cluster_ids(connection: Connection, ids: set[int]) -> dict[int, int]:
    """cluster_id of those of ids that are in a cluster."""
    table = Article.__table__
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(ids)):
        result = connection.execute(
            select(table.c.id, table.c.cluster_id)
            .where(table.c.id.in_(chunk), table.c.cluster_id.is_not(None))
        )
        found.update((article_id, cluster) for article_id, cluster in result)
    return found


def _grouped(ids: list[int], cluster_of: dict[int, int]) -> dict[tuple[str, int], list[int]]:
    """ids by cluster, in id order; an id in no cluster is a group of its own."""
    groups: dict[tuple[str, int], list[int]] = {}
    for article_id in ids:
        cluster = cluster_of.get(article_id)
        key = ("cluster", cluster) if cluster is not None else ("alone", article_id)
        groups.setdefault(key, []).append(article_id)
    return groups


def _first_near(mine: np.ndarray, others: list[int], known: dict[int, np.ndarray],
                threshold: float) -> int | None:
    """The first of others whose signature is at least threshold near mine."""
    if not others:
        return None
    matrix = np.stack([known[other] for other in others])
    near = np.flatnonzero(estimated_jaccard(matrix, mine) >= threshold)
    return others[int(near[0])] if len(near) else None


def _apply(connection: Connection, column: Any, changes: dict[int, int | None]) -> None:
    """Set column per article id, grouped by value (one UPDATE per distinct value)."""
    by_value: dict[int | None, list[int]] = {}
    for article_id, value in changes.items():
        by_value.setdefault(value, []).append(article_id)
    table = Article.__table__
    for value, ids in sorted(by_value.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        for chunk in _chunks(sorted(ids)):
            connection.execute(update(table).where(table.c.id.in_(chunk))
                               .values({column.name: value}))


def _fetched(record: PageRecord) -> datetime:
    moment = record.fetch.fetched_at
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _insert(connection: Connection, table: Any) -> Any:
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


# --- reads ------------------------------------------------------------------------


def find_article_id(connection: Connection, url: str) -> int | None:
    """The id of the article stored under url or any of its variants/aliases."""
    articles, aliases = Article.__table__, ArticleUrl.__table__
    found = connection.scalar(select(articles.c.id).where(articles.c.url == url))
    if found is None:
        found = connection.scalar(select(aliases.c.article_id).where(aliases.c.url == url))
    if found is None:
        found = connection.scalar(
            select(aliases.c.article_id).where(aliases.c.url_key == article_key(url))
            .order_by(aliases.c.article_id).limit(1))
    return found
