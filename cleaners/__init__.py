"""cleaners: pure functions from HTML bytes + URL to a clean article.

No I/O and no database here: whatever a caller knows about a site (extra
noise selectors, learned boilerplate lines) comes in through CleanOptions.
"""

from .errors import CleanError, NotHTMLError
from .model import CleanOptions, CleanPage, Metadata
from .pipeline import clean_page, clean_page_and_links

__all__ = ["CleanError", "CleanOptions", "CleanPage", "Metadata", "NotHTMLError", "clean_page",
           "clean_page_and_links"]
