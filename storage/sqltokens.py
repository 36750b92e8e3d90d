"""A PostgreSQL lexer for analyst queries: identifiers and punctuation outside strings and comments.

It follows PostgreSQL's own scanner where that decides what is code: '' and E'\\'' strings,
$tag$ dollar quotes, "quoted" identifiers, -- and nested /* */ comments. Where it cannot
be sure (U&"..." identifiers with escapes, an unterminated quote or comment) it raises
ValueError and the query is refused rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_IDENT_START = re.compile(r"[A-Za-z_\u0080-\U0010ffff]")
_IDENT = re.compile(r"[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_$\u0080-\U0010ffff]*")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_\u0080-\U0010ffff]*)?\$")
_NUMBER = re.compile(r"[0-9][0-9_.]*(?:[eE][+-]?[0-9]+)?")
_PARAM = re.compile(r"\$[0-9]+")


@dataclass(frozen=True)
class Token:
    """One piece of code: kind is 'ident' (quoted or not), 'string' or 'punct'."""

    kind: str
    text: str
    quoted: bool = False


def tokens(sql: str) -> Iterator[Token]:
    """The query's tokens, comments and white space left out; ValueError where unsure."""
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _block_comment_end(sql, i)
        elif c == "'":
            i = _string_end(sql, i + 1, backslashes=False)
            yield Token("string", "")
        elif c == '"':
            i, name = _quoted_identifier(sql, i + 1)
            yield Token("ident", name, quoted=True)
        elif c == "$":
            tag = _DOLLAR_TAG.match(sql, i)
            param = _PARAM.match(sql, i)
            if param:
                i = param.end()
                yield Token("punct", param.group(0))
            elif tag:
                end = sql.find(tag.group(0), tag.end())
                if end < 0:
                    raise ValueError("an unterminated dollar-quoted string")
                i = end + len(tag.group(0))
                yield Token("string", "")
            else:
                i += 1
                yield Token("punct", "$")
        elif _IDENT_START.match(c):
            word = _IDENT.match(sql, i)
            assert word is not None
            text, i = word.group(0), word.end()
            lower = text.lower()
            if i < n and sql[i] == "'" and lower in ("e", "x", "b", "n"):
                i = _string_end(sql, i + 1, backslashes=lower == "e")
                yield Token("string", "")
            elif lower == "u" and sql.startswith("&'", i):
                i = _string_end(sql, i + 2, backslashes=False)
                yield Token("string", "")
            elif lower == "u" and sql.startswith('&"', i):
                raise ValueError('U&"..." identifiers')
            else:
                yield Token("ident", lower)
        elif c.isdigit():
            number = _NUMBER.match(sql, i)
            assert number is not None
            i = number.end()
            yield Token("punct", number.group(0))
        else:
            i += 1
            yield Token("punct", c)


def _block_comment_end(sql: str, i: int) -> int:
    """PostgreSQL's block comments nest."""
    depth, i = 0, i
    while i < len(sql):
        if sql.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif sql.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise ValueError("an unterminated comment")


def _string_end(sql: str, i: int, *, backslashes: bool) -> int:
    """The index after the closing quote of a string whose body starts at i."""
    while i < len(sql):
        c = sql[i]
        if backslashes and c == "\\":
            i += 2
        elif c == "'":
            if sql.startswith("''", i):
                i += 2
            else:
                return i + 1
        else:
            i += 1
    raise ValueError("an unterminated string")


def _quoted_identifier(sql: str, i: int) -> tuple[int, str]:
    parts: list[str] = []
    while i < len(sql):
        end = sql.find('"', i)
        if end < 0:
            break
        parts.append(sql[i:end])
        if sql.startswith('""', end):
            parts.append('"')
            i = end + 2
        else:
            return end + 1, "".join(parts).lower()
    raise ValueError("an unterminated quoted identifier")
