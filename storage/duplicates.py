"""Reading duplicate groups back: near-duplicate clusters and exact-copy groups, member by member.

One row per member of each group: near-duplicate clusters (articles.cluster_id) and
exact-copy groups (articles.duplicate_of) that no cluster holds. The earliest member,
by first_seen_at then url, is the "likely origin" (it is also the one row of the
group that `unique` keeps); every other member is an "exact copy" (same content_hash)
or a "near copy" (same cluster, other text), as storage.dedup.CopyRole names them; copy_of
is the article it copies (an exact copy: the earliest with its text; a near copy: the
origin) and jaccard the estimated Jaccard similarity of the two texts (MinHash). A group's
kind is "exact copies" when all its copies are exact, else "near copies". Used by
`cleanwire duplicates` and cleanwire.Database.duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, or_, select

from cleaners.minhash import SCHEME, estimated_jaccard, from_bytes

from .dedup import CopyRole
from .models import Article, ArticleMinHash, Site
from .sites import normal_host
from .sqlhelp import chunks

COLUMNS = ("group", "kind", "role", "copy_of", "jaccard", "article_id", "site",
           "first_seen_at", "url", "title")
EXACT_GROUP, NEAR_GROUP = "exact copies", "near copies"


@dataclass
class Member:
    id: int
    url: str
    title: str | None
    site: str | None
    host: str | None
    first_seen_at: datetime
    duplicate_of: int | None
    cluster_id: int | None

    @property
    def group(self) -> int:
        return self.cluster_id or self.duplicate_of or self.id

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.first_seen_at, self.url)


@dataclass(frozen=True)
class DuplicateRow:
    """One member of a duplicate group, as `cleanwire duplicates` lists it (COLUMNS)."""

    group: int
    kind: str
    role: str
    copy_of: int | None
    jaccard: float | None
    article_id: int
    site: str | None
    first_seen_at: datetime
    url: str
    title: str | None


def duplicate_groups(engine: Engine, site: str | None = None,
                     since: datetime | None = None) -> list[list[Member]]:
    """Every group with two or more members, each sorted earliest first."""
    articles, sites = Article.__table__, Site.__table__
    origins = select(articles.c.duplicate_of).where(articles.c.duplicate_of.is_not(None))
    query = (
        select(articles.c.id, articles.c.url, articles.c.title, sites.c.name, sites.c.host,
               articles.c.first_seen_at, articles.c.duplicate_of, articles.c.cluster_id)
        .select_from(articles.outerjoin(sites, sites.c.id == articles.c.site_id))
        .where(or_(articles.c.cluster_id.is_not(None), articles.c.duplicate_of.is_not(None),
                   articles.c.id.in_(origins)))
    )
    grouped: dict[int, list[Member]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            member = Member(*row)
            grouped.setdefault(member.group, []).append(member)
    out = []
    host = normal_host(site) if site else None
    for members in grouped.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: m.order)
        if site and not any(site == m.site or host == m.host for m in members):
            continue
        if since and not any(m.first_seen_at >= since for m in members):
            continue
        out.append(members)
    return sorted(out, key=lambda members: members[0].order)


def role(members: list[Member], index: int) -> CopyRole:
    """The member's role in its group (members sorted earliest first)."""
    if index == 0:
        return CopyRole.ORIGIN
    return CopyRole.EXACT if members[index].duplicate_of is not None else CopyRole.NEAR


def copy_of(members: list[Member], index: int) -> int | None:
    """The id of the article the member copies: its exact origin, else the group's origin."""
    if index == 0:
        return None
    return members[index].duplicate_of or members[0].id


def jaccard_to_copied(engine: Engine, groups: list[list[Member]]) -> dict[int, float]:
    """article id -> estimated Jaccard similarity of its text to the text of the article it
    copies (copy_of), from the stored MinHash signatures; left out when one has none."""
    pairs = {m.id: copy_of(g, i) for g in groups for i, m in enumerate(g) if i}
    wanted = sorted(set(pairs) | {c for c in pairs.values() if c is not None})
    signatures: dict[int, Any] = {}
    table = ArticleMinHash.__table__
    with engine.connect() as connection:
        for chunk in chunks(wanted):
            for article_id, blob in connection.execute(
                    select(table.c.article_id, table.c.signature)
                    .where(table.c.article_id.in_(chunk), table.c.scheme == SCHEME)):
                signatures[article_id] = from_bytes(blob)
    found: dict[int, float] = {}
    for article_id, copied in pairs.items():
        mine, theirs = signatures.get(article_id), signatures.get(copied or -1)
        if mine is not None and theirs is not None and len(mine) == len(theirs):
            found[article_id] = round(float(estimated_jaccard(mine, theirs)), 3)
    return found


def group_rows(groups: list[list[Member]],
               similarity: dict[int, float] | None = None) -> list[DuplicateRow]:
    """One DuplicateRow per member of each group, groups and members in their order;
    similarity: jaccard_to_copied's estimates (an exact copy without one counts 1.0)."""
    rows = []
    similarity = similarity or {}
    for members in groups:
        roles = [role(members, i) for i in range(len(members))]
        kind = EXACT_GROUP if all(r != CopyRole.NEAR for r in roles) else NEAR_GROUP
        for index, (member, member_role) in enumerate(zip(members, roles, strict=True)):
            jaccard = similarity.get(member.id)
            if jaccard is None and member_role == CopyRole.EXACT:
                jaccard = 1.0  # the same text, signature or not
            rows.append(DuplicateRow(members[0].id, kind, str(member_role),
                                     copy_of(members, index), jaccard, member.id, member.site,
                                     member.first_seen_at, member.url, member.title))
    return rows
