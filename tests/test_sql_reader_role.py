"""`cleanwire db create-reader`: the analysts' PostgreSQL role reads, and can do nothing else."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator

import pytest
from cli_helpers import ROOT, cleanwire
from pg_helpers import pg_admin_url, scratch_database

from storage.reader import reader_role_sql

pytestmark = pytest.mark.timeout(120)


@pytest.fixture()
def reader() -> Iterator[tuple[str, str, str]]:
    """(admin URL, reader URL, role) on a scratch database; the role dropped afterwards."""
    import psycopg

    from storage.engine import open_engine

    base = pg_admin_url()
    role = f"cleanwire_reader_{uuid.uuid4().hex[:8]}"
    try:
        with scratch_database(base) as url:
            open_engine(url).dispose()
            with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
                conn.execute("INSERT INTO sites (name, host) VALUES ('a', 'a.example')")
            host_db = url.split("@", 1)[1]
            yield url, f"postgresql+psycopg://{role}:secret@{host_db}", role
            with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
                conn.execute(f'DROP OWNED BY "{role}"')
    finally:
        admin = base.replace("postgresql+psycopg://", "postgresql://") + "/test"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_reader_reads_and_nothing_else(reader: tuple[str, str, str]) -> None:
    import psycopg

    admin_url, reader_url, role = reader
    made = cleanwire("db", "create-reader", "--role", role, "--db", admin_url,
                     env={"CLEANWIRE_READER_PASSWORD": "secret"})
    assert made.returncode == 0 and f"role {role} created" in made.stdout, made.stderr
    again = cleanwire("db", "create-reader", "--role", role, "--db", admin_url)
    assert again.returncode == 0 and f"role {role} updated" in again.stdout, again.stderr

    ran = cleanwire("sql", "SELECT count(*) AS n FROM sites", "--db", reader_url,
                    "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == [{"n": 1}]
    # without cleanwire's guard: the server itself says no
    with psycopg.connect(reader_url.replace("+psycopg", ""), autocommit=True) as conn:
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        assert conn.execute("SHOW statement_timeout").fetchone() == ("30s",)
        for statement in ("BEGIN READ WRITE; INSERT INTO sites (name, host) VALUES ('b', 'b')",
                          "BEGIN READ WRITE; DELETE FROM sites",
                          "BEGIN READ WRITE; CREATE TABLE evil (a int)",
                          "SELECT pg_read_file('/etc/passwd')",
                          "SELECT pg_ls_dir('.')",
                          "SELECT lo_import('/etc/passwd')",
                          "SELECT rolpassword FROM pg_authid"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.execute("ROLLBACK")
        conn.execute("SET default_transaction_read_only = off")  # its own setting, not a grant
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM sites")
    with psycopg.connect(admin_url.replace("+psycopg", "")) as conn:
        assert conn.execute("SELECT count(*) FROM sites").fetchone() == (1,)


def test_docs_give_the_same_statements() -> None:
    text = (ROOT / "docs" / "analyst-sql.md").read_text(encoding="utf-8")
    documented = " ".join(text.split())
    for statement in reader_role_sql("cleanwire_reader", "news", "cleanwire",
                                     password="change me"):
        statement = re.sub(r'"([a-z_ ]+)"', r"\1", statement)
        assert " ".join(statement.split()) in documented, statement


def test_create_reader_on_sqlite_is_one_line(tmp_path) -> None:
    from storage.engine import open_engine

    db = tmp_path / "news.db"
    open_engine(f"sqlite:///{db}").dispose()
    proc = cleanwire("db", "create-reader", "--db", str(db))
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "PostgreSQL" in proc.stderr
