"""Which functions an analyst query may call: refused by name on PostgreSQL, listed on SQLite."""

from __future__ import annotations

from .errors import QueryError
from .sqltokens import tokens

# PostgreSQL: name prefixes (and whole names) refused before the query runs, with the reason.
PG_REFUSED_PREFIXES: tuple[tuple[str, str], ...] = (
    ("pg_advisory", "it takes locks"),
    ("pg_try_advisory", "it takes locks"),
    ("pg_read_", "it reads server files"),
    ("pg_ls_", "it lists server directories"),
    ("pg_stat_file", "it reads server files"),
    ("pg_file_", "it writes server files"),
    ("pg_logdir_ls", "it lists server directories"),
    ("pg_current_logfile", "it reads server files"),
    ("lo_", "it touches large objects or server files"),
    ("loread", "it touches large objects"),
    ("lowrite", "it touches large objects"),
    ("pg_terminate_backend", "it manages sessions"),
    ("pg_cancel_backend", "it manages sessions"),
    ("pg_reload_conf", "it manages the server"),
    ("pg_rotate_logfile", "it manages the server"),
    ("pg_logfile_rotate", "it manages the server"),
    ("pg_promote", "it manages the server"),
    ("pg_switch_", "it manages the server"),
    ("pg_backup_", "it manages the server"),
    ("pg_start_backup", "it manages the server"),
    ("pg_stop_backup", "it manages the server"),
    ("pg_create_", "it manages the server"),
    ("pg_drop_", "it manages the server"),
    ("pg_copy_", "it manages the server"),
    ("pg_replication_", "it manages the server"),
    ("pg_logical_", "it manages the server"),
    ("pg_wal_replay_", "it manages the server"),
    ("pg_stat_reset", "it manages the server"),
    ("pg_log_backend", "it manages the server"),
    ("pg_import_system_collations", "it manages the server"),
    ("pg_notify", "it signals other sessions"),
    ("dblink", "it connects to other databases"),
    ("set_config", "it changes settings (the time limit among them)"),
    ("query_to_xml", "it runs SQL from a string"),
    ("cursor_to_xml", "it runs SQL from a string"),
    ("ts_stat", "it runs SQL from a string"),
    ("ts_rewrite", "it runs SQL from a string"),
    ("nextval", "it changes a sequence"),
    ("setval", "it changes a sequence"),
)
# PostgreSQL relations that read server files or hold credentials: refused wherever named.
PG_REFUSED_RELATIONS: dict[str, str] = {
    "pg_hba_file_rules": "it reads server files",
    "pg_ident_file_mappings": "it reads server files",
    "pg_file_settings": "it reads server files",
    "pg_authid": "it holds password hashes",
    "pg_shadow": "it holds password hashes",
    "pg_user_mapping": "it holds credentials",
    "pg_user_mappings": "it holds credentials",
}

# SQLite: the functions a query may call (the authorizer denies every other one).
SQLITE_ALLOWED_FUNCTIONS = frozenset({
    # core scalar
    "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex",
    "ifnull", "if", "iif", "instr", "last_insert_rowid", "length", "like", "likelihood",
    "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length", "printf", "quote",
    "random", "randomblob", "replace", "round", "rtrim", "sign", "soundex",
    "sqlite_compileoption_get", "sqlite_compileoption_used", "sqlite_offset",
    "sqlite_source_id", "sqlite_version", "substr", "substring", "subtype", "total_changes",
    "trim", "typeof", "unhex", "unicode", "unistr", "unistr_quote", "unlikely", "upper",
    "zeroblob", "match",
    # date and time
    "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff",
    "current_date", "current_time", "current_timestamp",
    # aggregate and window
    "avg", "count", "group_concat", "string_agg", "sum", "total", "row_number", "rank",
    "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
    "last_value", "nth_value", "median", "percentile", "percentile_cont", "percentile_disc",
    # math
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos",
    "cosh", "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow",
    "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
    # JSON
    "->", "->>", "json", "jsonb", "json_array", "jsonb_array", "json_array_length",
    "json_error_position", "json_extract", "jsonb_extract", "json_insert", "jsonb_insert",
    "json_object", "jsonb_object", "json_patch", "jsonb_patch", "json_pretty", "json_remove",
    "jsonb_remove", "json_replace", "jsonb_replace", "json_set", "jsonb_set", "json_type",
    "json_valid", "json_quote", "json_group_array", "jsonb_group_array", "json_group_object",
    "jsonb_group_object", "json_each", "json_tree", "jsonb_each", "jsonb_tree",
    # full-text search (auxiliary functions; fts5() and fts3_tokenizer() hand out pointers)
    "bm25", "highlight", "snippet", "offsets", "matchinfo", "fts5_source_id",
})


def pg_refusal(sql: str) -> str | None:
    """Why a PostgreSQL query is refused before it runs (one line), or None."""
    try:
        found = list(tokens(sql))
    except ValueError as exc:
        return f"sql: refused {exc}: the query cannot be checked"
    for index, token in enumerate(found):
        if token.kind != "ident":
            continue
        if token.text in PG_REFUSED_RELATIONS:
            return f"sql: refused {token.text}: {PG_REFUSED_RELATIONS[token.text]}"
        following = found[index + 1] if index + 1 < len(found) else None
        if following is None or following.text != "(":
            continue
        for prefix, reason in PG_REFUSED_PREFIXES:
            if token.text.startswith(prefix):
                return f"sql: refused {token.text}(): {reason}"
    return None


def check_pg(sql: str) -> None:
    """QueryError naming the first refused function or relation of a PostgreSQL query."""
    reason = pg_refusal(sql)
    if reason is not None:
        raise QueryError(reason)


def sqlite_function_allowed(name: str | None) -> bool:
    """Whether SQLite's authorizer lets a query call the function name."""
    return (name or "").lower() in SQLITE_ALLOWED_FUNCTIONS
