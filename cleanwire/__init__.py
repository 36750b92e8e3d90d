"""cleanwire's Python API for analysts: `db = cleanwire.connect("news.db")`, then
db.articles(), db.search(), db.history(), db.duplicates(), db.stats() (docs/analysis.md).

This package only re-exports; the implementation is storage.analysis, which calls the
same storage functions as the CLI's commands.
"""

from importlib.metadata import PackageNotFoundError, version

from storage.analysis import ArticleRow, Database, connect
from storage.duplicates import DuplicateRow
from storage.errors import (
    DatabaseError,
    MissingDependency,
    QueryError,
    QueryTimeout,
    StorageError,
)
from storage.search import SearchHit
from storage.stats import SiteStats
from storage.versions import UnknownArticle, Version

try:
    __version__ = version("cleanwire")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "ArticleRow",
    "Database",
    "DatabaseError",
    "DuplicateRow",
    "MissingDependency",
    "QueryError",
    "QueryTimeout",
    "SearchHit",
    "SiteStats",
    "StorageError",
    "UnknownArticle",
    "Version",
    "__version__",
    "connect",
]
