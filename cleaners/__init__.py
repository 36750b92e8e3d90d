"""cleaners: pure functions from HTML bytes + URL to a clean article.

No I/O and no database here: whatever a caller knows about a site (extra
noise selectors, learned boilerplate lines) comes in through CleanOptions.
"""

from typing import Any

from .errors import CleanError, NotHTMLError
from .model import CleanOptions, CleanPage, Metadata

#: The cleaner's version, stored with every article it cleaned (articles.cleaner_version,
#: article_versions.cleaner_version). Bump it in any change that alters what clean_page
#: returns for some page (text, title, authors, dates, language, page type, sources...):
#: `cleanwire reclean --only-changed-cleaner` re-cleans exactly the articles cleaned by
#: another version. A change that leaves every output alike (speed, refactoring) keeps it.
CLEANER_VERSION = "2026.12.1"

__all__ = ["CLEANER_VERSION", "CleanError", "CleanOptions", "CleanPage", "Metadata",
           "NotHTMLError", "clean_page", "clean_page_and_links"]


def __getattr__(name: str) -> Any:
    """clean_page and clean_page_and_links, imported on first use: the cleaner (trafilatura,
    the language profiles) loads in the cleaning processes, not in a crawl process that
    only passes CleanOptions and receives CleanPages."""
    if name in ("clean_page", "clean_page_and_links"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
