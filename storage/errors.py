"""Storage exception types: callers catch StorageError (or a subclass) and nothing broader.

Every message is one line, fit to print without a traceback; the database
password never appears in it.
"""


class StorageError(Exception):
    """Base class of everything storage raises on purpose."""


class DatabaseError(StorageError):
    """The database cannot be opened, reached, migrated or is not a database at all."""


class WriteError(StorageError):
    """A write (batch, run start/finish) failed and was rolled back."""


class RunNotFoundError(StorageError):
    """No crawl_runs row has the given id."""


class QueryError(StorageError):
    """An analyst's query (search, sql, export) was refused or failed; the database is unchanged."""


class QueryTimeout(QueryError):
    """An analyst's query ran past its time limit and was cancelled where it ran."""


class QueryInterrupted(StorageError):
    """A signal (Ctrl-C, SIGTERM) stopped an analyst's query, which was cancelled where it ran."""

    def __init__(self, signum: int) -> None:
        super().__init__("interrupted: the query was cancelled")
        self.signum = signum


class MissingDependency(StorageError, ImportError):
    """An optional package (pandas, pyarrow) is not installed; the message names the extra."""
