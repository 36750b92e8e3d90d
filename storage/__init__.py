"""storage: SQLAlchemy models, engines, Alembic migrations and the batch repository.

Data flows crawler -> cleaners -> storage; storage never imports the crawler.
Open a database with open_engine(resolve_database_url(...)), then write through
Repository(engine).
"""

from .engine import (
    current_revision,
    head_revision,
    migrate,
    open_engine,
    redact_url,
    resolve_database_url,
    session_factory,
    upgrade,
)
from .errors import DatabaseError, RunNotFoundError, StorageError, WriteError
from .repository import FetchRecord, PageRecord, Repository, RunCounts, parse_timestamp

__all__ = [
    "DatabaseError",
    "FetchRecord",
    "PageRecord",
    "Repository",
    "RunCounts",
    "RunNotFoundError",
    "StorageError",
    "WriteError",
    "current_revision",
    "head_revision",
    "migrate",
    "open_engine",
    "parse_timestamp",
    "redact_url",
    "resolve_database_url",
    "session_factory",
    "upgrade",
]
