"""`cleanwire` (the console script) and `python -m crawler`: the CLI, started quickly.

A command that cleans pages in a process pool (crawl, scrape, worker, reclean,
import-warc) starts the pool's forkserver first (crawler/pool/forkserver.py), so the
cleaner loads there while this process imports the CLI; every other command goes straight
to crawler.cli.
"""

from __future__ import annotations

import logging
import os
import sys

_POOL_COMMANDS = frozenset({"crawl", "scrape", "worker", "reclean", "import-warc"})


def cleans_in_pool(argv: list[str]) -> bool:
    """Whether these arguments run a command that cleans pages in a pool (a guess from
    the words alone: a wrong guess costs a second or a process that exits, nothing else).
    A crawl that only seeds a shared queue (--redis without --work) cleans nothing."""
    words = set(argv)
    command = next((arg for prev, arg in zip(["", *argv], argv, strict=False)
                    if not arg.startswith("-") and prev != "--db"), None)
    if command not in _POOL_COMMANDS or words & {"-h", "--help"}:
        return False
    return not (command == "crawl" and "--redis" in words and "--work" not in words)


def run() -> None:
    if not cleans_in_pool(sys.argv[1:]):
        from crawler.cli import run as cli_run

        cli_run()
        return
    from crawler.pool.forkserver import remove_temp_dir, start_forkserver

    start_forkserver()
    from crawler.cli import main

    code = main()
    # The crawl is stored and its connections closed (SQLite has folded its log into the
    # file): what is left is tearing down the crawl's heap, ~0.2 s nobody needs.
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    remove_temp_dir()  # the forkserver's socket (multiprocessing would at a normal exit)
    os._exit(code)


if __name__ == "__main__":
    run()
