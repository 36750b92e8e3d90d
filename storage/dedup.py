"""Duplicates: URL aliases, exact copies (duplicate_of) and near-duplicate clusters (cluster_id).

Called by Repository.store inside its one write transaction:

* resolve_urls(): before staging, every page is re-addressed to the row that already
  holds one of its URL variants (cleaners.urlkeys.article_key of its url, same-site
  canonical_url and redirect aliases); pages of one batch that share a key become one
  row (the first by fetched_at, url). Extra URLs land in article_urls.
* after_upsert(): MinHash signatures (article_minhash), exact-copy links by
  content_hash (duplicate_of = the group's earliest member) and near-duplicate
  clusters (cluster_id = the earliest member's id) for the batch's articles;
  after_update() does the same for articles `cleanwire reclean` updated in place.

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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, and_, select, text, update

from cleaners.minhash import (
    NUM_PERM,
    SCHEME,
    SIGNATURE_DTYPE,
    default_signer,
    estimated_jaccard,
    from_bytes,
    to_bytes,
)
from cleaners.urlkeys import article_key, clean_url, is_amp, same_site

from .contract import Outcome
from .lsh import LshIndex, existing_ids
from .models import URL_LENGTH, Article, ArticleMinHash, ArticleUrl
from .sqlhelp import aware_utc, chunks, dialect_insert

if TYPE_CHECKING:
    from .repository import PageRecord

DEFAULT_NEAR_DUP_THRESHOLD = 0.5


class CopyRole(StrEnum):
    """The one vocabulary of duplicates (`duplicates`, the crawl summary, `stats`,
    docs/schema.md): an exact copy has the same content_hash as an earlier article
    (duplicate_of is set); a near copy is in an earlier article's near-duplicate cluster
    (estimated Jaccard >= the threshold) without being an exact copy."""

    ORIGIN = "likely origin"
    EXACT = "exact copy"
    NEAR = "near copy"


def is_exact_copy(articles: Any) -> ColumnElement[bool]:
    """SQL: the article (of table articles) is an exact copy."""
    return articles.c.duplicate_of.is_not(None)


def is_near_copy(articles: Any) -> ColumnElement[bool]:
    """SQL: the article is a near copy (in a cluster it does not head, not an exact copy)."""
    return and_(articles.c.duplicate_of.is_(None), articles.c.cluster_id.is_not(None),
                articles.c.cluster_id != articles.c.id)


CHANGED = (Outcome.NEW, Outcome.UPDATED)

_PG_DEDUP_LOCK = 0x636C_6E64  # "clnd": serialises store() transactions on PostgreSQL


def _given_signatures(pages: Sequence[PageRecord]) -> dict[str, bytes]:
    """text -> signature of the pages that carry one (PageRecord.signature, made by
    text_signature from page.text). Keyed by the text itself: a signature is used only for
    a stored text equal to the one it was computed from, whatever the batch's URL merging
    or the column's clean-up did; a blob of the wrong size is ignored."""
    size = NUM_PERM * SIGNATURE_DTYPE.itemsize
    return {record.page.text: record.signature for record in pages
            if record.signature is not None and len(record.signature) == size}


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



@dataclass
class _Member:
    id: int
    url: str
    first_seen_at: datetime
    cluster_id: int | None = None

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.first_seen_at, self.url)


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
        self.lock(connection)
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
    def lock(connection: Connection) -> None:
        """Serialise this transaction with every other store() (and reclean) transaction on
        PostgreSQL (a transaction-scoped advisory lock); SQLite's BEGIN IMMEDIATE does it."""
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": _PG_DEDUP_LOCK})

    def after_update(self, connection: Connection, pages: Sequence[PageRecord]) -> None:
        """after_upsert for stored articles whose text was updated in place (`cleanwire
        reclean`: their URLs stay, no alias is new): signatures, duplicate_of, clusters.
        The caller has taken lock() in the same transaction."""
        self._aliases = {}
        self.after_upsert(connection, pages, [Outcome.UPDATED] * len(pages))

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
        for chunk in chunks(sorted(keys)):
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
            if outcome == Outcome.SKIPPED:
                continue
            entry = wanted.setdefault(record.page.url, {"outcome": outcome, "text": ""})
            if outcome in CHANGED or entry["outcome"] not in CHANGED:
                entry["outcome"] = outcome
            entry["page_type"] = record.page.page_type
        table = Article.__table__
        rows: list[dict[str, Any]] = []
        for chunk in chunks(sorted(wanted)):
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
            stmt = dialect_insert(connection, ArticleUrl.__table__).on_conflict_do_nothing(
                index_elements=["url"])
            connection.execute(stmt, values)

    @staticmethod
    def _unsigned(connection: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Those of rows without a stored signature (stored before dedup existed)."""
        if not rows:
            return []
        have = existing_ids(connection, (row["id"] for row in rows))
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
            stmt = dialect_insert(connection, ArticleMinHash.__table__)
            stmt = stmt.on_conflict_do_update(
                index_elements=["article_id"],
                set_={"signature": stmt.excluded.signature, "scheme": stmt.excluded.scheme})
            connection.execute(stmt, [{"article_id": k, "signature": to_bytes(v), "scheme": SCHEME}
                                      for k, v in sorted(signatures.items())])
        return signatures

    def _link_exact(self, connection: Connection, ids: list[int]) -> None:
        """duplicate_of for every article sharing a content_hash with one of ids."""
        if not ids:
            return
        table, signed = Article.__table__, ArticleMinHash.__table__
        hashes: set[str] = set()
        for chunk in chunks(sorted(ids)):
            hashes.update(h for h in connection.scalars(
                select(table.c.content_hash).where(table.c.id.in_(chunk))) if h)
            # copies that pointed at a batch article whose text has since changed
            hashes.update(h for h in connection.scalars(
                select(table.c.content_hash).where(table.c.duplicate_of.in_(chunk))) if h)
        groups: dict[str, list[tuple[datetime, str, int, int | None]]] = {}
        for chunk in chunks(sorted(hashes)):
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
        for chunk in chunks(sorted(ids)):
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
        for chunk in chunks(sorted(ids)):
            for article_id, blob in connection.execute(
                select(table.c.article_id, table.c.signature)
                .where(table.c.article_id.in_(chunk), table.c.scheme == SCHEME)
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
    for chunk in chunks(sorted(ids)):
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
    for chunk in chunks(sorted(ids)):
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
        for chunk in chunks(sorted(ids)):
            connection.execute(update(table).where(table.c.id.in_(chunk))
                               .values({column.name: value}))


def _fetched(record: PageRecord) -> datetime:
    return aware_utc(record.fetch.fetched_at)



def stored_url_form(url: str) -> str:
    """url as the crawler stores it (cleaners.urlkeys.clean_url: tracking parameters and
    fragment out, scheme and host lower-cased); a URL it cannot parse, as given."""
    try:
        return clean_url(url)
    except ValueError:
        return url.strip()


def find_article_id(connection: Connection, url: str) -> int | None:
    """The id of the article stored under url or any of its variants/aliases, url read as
    the crawl reads it: tracking parameters, www./m./amp. hosts, http/https, a trailing
    slash, amp forms and redirect or canonical aliases all lead to the same article."""
    articles, aliases = Article.__table__, ArticleUrl.__table__
    for candidate in dict.fromkeys((url, stored_url_form(url))):
        found = connection.scalar(select(articles.c.id).where(articles.c.url == candidate))
        if found is None:
            found = connection.scalar(
                select(aliases.c.article_id).where(aliases.c.url == candidate)
                .order_by(aliases.c.article_id).limit(1))
        if found is not None:
            return found
    return connection.scalar(
        select(aliases.c.article_id)
        .where(aliases.c.url_key == article_key(stored_url_form(url)))
        .order_by(aliases.c.article_id).limit(1))
