"""storage.sqlguard and storage.sqltokens: calls the PostgreSQL lexer sees, what SQLite may call."""

from __future__ import annotations

import pytest

from storage.sqlguard import SQLITE_ALLOWED_FUNCTIONS, pg_refusal, sqlite_function_allowed
from storage.sqltokens import tokens

# (query, the refused name the one-line refusal must name, or None: allowed)
PG_CASES = [
    ("select pg_read_file('/etc/passwd')", "pg_read_file()"),
    ('select "pg_read_file"(\'/etc/passwd\')', "pg_read_file()"),
    ("select PG_READ_FILE('/etc/passwd')", "pg_read_file()"),
    ("select pg_catalog.pg_ls_dir('.')", "pg_ls_dir()"),
    ("select pg_catalog . /* c */ pg_ls_dir -- c\n ('.')", "pg_ls_dir()"),
    ("select pg_advisory_xact_lock(1), pg_sleep(25)", "pg_advisory_xact_lock()"),
    ("select pg_try_advisory_lock_shared(1)", "pg_try_advisory_lock_shared()"),
    ("select lo_import('/etc/passwd')", "lo_import()"),
    ("select loread(0, 1)", "loread()"),
    ("select set_config('statement_timeout', '0', false)", "set_config()"),
    ("select dblink_connect('host=x')", "dblink_connect()"),
    ("select query_to_xml('select pg_read_file(''/etc/passwd'')', true, true, '')",
     "query_to_xml()"),
    # a naive lexer would take the call for the inside of a string
    ("select E'\\'', pg_ls_dir('.')", "pg_ls_dir()"),
    ("select e'\\\\', pg_ls_dir('.')", "pg_ls_dir()"),
    ("select $a$ $$ $a$, pg_ls_dir('.')", "pg_ls_dir()"),
    ("select $$ ' $$, pg_ls_dir('.')", "pg_ls_dir()"),
    ("select '\\', pg_ls_dir('.')", "pg_ls_dir()"),  # standard strings: \ is a character
    ("select 1 /* /* */ */, pg_ls_dir('.')", "pg_ls_dir()"),  # comments nest
    ("select 1pg_ls_dir('.')", "pg_ls_dir()"),
    ("select * from pg_hba_file_rules", "pg_hba_file_rules"),
    ("select passwd from pg_catalog.pg_shadow", "pg_shadow"),
    ('select U&"\\0070g_ls_dir"(\'.\')', 'U&"..." identifiers'),
    ("select 'unterminated", "an unterminated string"),
    ("select 1 /* unterminated", "an unterminated comment"),
    ("select $x$ unterminated", "an unterminated dollar-quoted string"),
    # allowed: the names are data, or the function is harmless
    ("select 'pg_read_file(' as s, $$ lo_import( $$ as t", None),
    ("select 1 /* pg_read_file( /* nested */ still a comment */", None),
    ("select \"pg_read_file\" from (select 1 as \"pg_read_file\") t", None),
    ("select current_setting('statement_timeout'), pg_sleep(0)", None),
    ("select $1::text", None),
    ("select count(*) as lo_count from articles", None),
    ("select U&'\\0041' as a", None),
]


@pytest.mark.parametrize(("sql", "refused"), PG_CASES)
def test_pg_refusal(sql: str, refused: str | None) -> None:
    reason = pg_refusal(sql)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None and f"refused {refused}" in reason
        assert "\n" not in reason


def test_lexer_keeps_quoted_identifiers_and_leaves_strings_out() -> None:
    found = [(t.kind, t.text) for t in tokens('select "A""b" from t where x = \'pg_ls_dir(\'')]
    assert ("ident", 'a"b') in found
    assert ("ident", "pg_ls_dir") not in found
    assert ("string", "") in found


@pytest.mark.parametrize("name", ["fts3_tokenizer", "load_extension", "fts5", "sqlite_log",
                                  "rtreenode", "optimize", "writefile", "readfile", "edit"])
def test_sqlite_functions_outside_the_list(name: str) -> None:
    assert not sqlite_function_allowed(name)


def test_sqlite_list_keeps_what_analysts_use() -> None:
    assert {"count", "json_each", "snippet", "bm25", "strftime", "group_concat", "->>",
            "match", "randomblob"} <= SQLITE_ALLOWED_FUNCTIONS
    assert sqlite_function_allowed("COUNT")
