"""The cleaning pool's forkserver: what it preloads, and starting it early.

Cleaning workers are forked from one forkserver that has imported the cleaner and
loaded the language profiles and MinHash permutations (crawler/pool/preload.py), about
1.5 s of work. This module imports nothing heavy, so the console script
(crawler/__main__.py) can start that server before the CLI's own imports (~1.4 s): the
two then load side by side on separate cores instead of one after the other.

The server listens on a Unix socket in the crawl process's multiprocessing temp directory
(a pymp-* directory in the system temp directory), which multiprocessing removes only at a
normal interpreter exit: the CLI ends with os._exit, and a killed crawl never gets there, so
every run left one behind. Now the directory is named in the environment the server
inherits (TEMP_DIR_ENV) and removed by whichever ends first: the CLI before its os._exit
(crawler/__main__.py), the crawl's interpreter at exit (multiprocessing), or the server
itself when the crawl process is gone, killed or not (crawler/pool/preload.py). Only a
SIGKILL of both at once leaves it.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from multiprocessing import forkserver, util
from multiprocessing.context import BaseContext

PRELOAD = ["cleaners.pipeline", "crawler.pool.cleaning_pool", "crawler.pool.preload"]
TEMP_DIR_ENV = "CLEANWIRE_POOL_TEMP_DIR"  # the pymp-* directory holding the server's socket


def start_forkserver() -> BaseContext:
    """The forkserver context, its server started (at once: it loads in the background)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # no effect once the server runs: same list
    os.environ[TEMP_DIR_ENV] = util.get_temp_dir()  # where the server's socket goes
    forkserver.ensure_running()
    return context


def remove_temp_dir() -> None:
    """Remove the pymp-* directory that holds the forkserver's socket (nothing happens
    when it is gone already, or was never made)."""
    path = os.environ.get(TEMP_DIR_ENV)
    if path and os.path.basename(path).startswith("pymp-"):
        shutil.rmtree(path, ignore_errors=True)
