"""Site identity: one sites row per normalised host, labelled by the profile that crawls it.

sites.host is the key (unique): lower-case, no leading "www.", the port kept when it is not
the scheme's default (cleaners.urlkeys.host_of). sites.name is a label: the name of the
profile (sites.toml) that last crawled the host, else the host itself. A crawl by URL of a
host a profile labelled keeps the label; a profile's crawl adopts the row of a host crawled
by URL before and labels it. A profile with several hosts has one row per host, all with
its name, so `--site NAME` selects every one of them and `--site HOST` just that host's.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, false, or_, select, update

from cleaners.urlkeys import host_of

from .errors import WriteError
from .models import Site
from .sqlhelp import dialect_insert

NAME_LENGTH = Site.__table__.c.name.type.length or 200
HOST_LENGTH = Site.__table__.c.host.type.length or 255


def normal_host(value: str) -> str:
    """The site key of a host or URL: 'WWW.Example.com' -> 'example.com' (a URL's default
    port dropped; a bare host's port kept as written)."""
    text = value.strip()
    if "://" in text:
        return host_of(text)
    return text.lower().rstrip(".").removeprefix("www.")


def site_condition(key: str, hosts: Iterable[str] = ()) -> ColumnElement[bool]:
    """The sites rows a user's `--site key` means: those labelled key, and the row of host key
    (normalised); plus the rows of hosts (normalised), when given."""
    table = Site.__table__
    wanted = sorted({normal_host(key), *(normal_host(h) for h in hosts)} - {""})
    return or_(table.c.name == key, table.c.host.in_(wanted) if wanted else false())


def label_of(name: str | None, host: str) -> str | None:
    """The label a stored page or run gives its host's row: None when name is empty or the
    host itself (a crawl by URL: an existing label is kept)."""
    if not name or normal_host(name) == host:
        return None
    return name[:NAME_LENGTH]


def site_row_id(connection: Connection, host: str, label: str | None) -> int:
    """Get-or-create the row of host (normalised; the caller's transaction); label, when
    given, becomes its name (a label set earlier is replaced)."""
    key = normal_host(host)[:HOST_LENGTH]
    if not key:
        raise WriteError("a site needs a host")
    table = Site.__table__
    connection.execute(dialect_insert(connection, table).values(name=(label or key)[:NAME_LENGTH],
                                                                host=key)
                       .on_conflict_do_nothing(index_elements=["host"]))
    if label:
        connection.execute(update(table).where(table.c.host == key, table.c.name != label)
                           .values(name=label))
    found = connection.scalar(select(table.c.id).where(table.c.host == key))
    if found is None:  # pragma: no cover - just inserted or already there
        raise WriteError(f"site {key!r} vanished while being stored")
    return int(found)


def adopt_hosts(connection: Connection, hosts: Iterable[str], label: str) -> None:
    """Label the existing rows of a profile's hosts (rows first made by crawls by URL)."""
    keys = sorted({normal_host(h)[:HOST_LENGTH] for h in hosts} - {""})
    if keys and label:
        table = Site.__table__
        connection.execute(update(table).where(table.c.host.in_(keys), table.c.name != label)
                           .values(name=label[:NAME_LENGTH]))

