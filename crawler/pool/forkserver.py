"""The cleaning pool's forkserver: what it preloads, and starting it early.

Cleaning workers are forked from one forkserver that has imported the cleaner and
loaded the language profiles and MinHash permutations (crawler/pool/preload.py), about
1.5 s of work. This module imports nothing heavy, so the console script
(crawler/__main__.py) can start that server before the CLI's own imports (~1.4 s): the
two then load side by side on separate cores instead of one after the other.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver
from multiprocessing.context import BaseContext

PRELOAD = ["cleaners.pipeline", "crawler.pool.cleaning_pool", "crawler.pool.preload"]


def start_forkserver() -> BaseContext:
    """The forkserver context, its server started (at once: it loads in the background)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # no effect once the server runs: same list
    forkserver.ensure_running()
    return context
