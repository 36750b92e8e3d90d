"""Serve the fixture news site by hand: `cd tests && python -m fixture_site [--port 8000]`.

Useful to try cleanwire without the internet:
    cleanwire crawl http://127.0.0.1:8000/ --db demo.db
Ctrl-C (or SIGTERM: `kill PID`) stops it; a port already in use is one line and exit 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from .server import FixtureServer


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the Fixture Times test site.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # kill PID: stop like Ctrl-C
    try:
        server = FixtureServer(slow_seconds=args.slow_seconds, port=args.port).start()
    except OSError as exc:
        sys.exit(f"fixture_site: cannot listen on 127.0.0.1:{args.port}: {exc.strerror} "
                 "(is a demo server running already? stop it, or pass --port N)")
    print(f"Fixture Times at {server.base_url}/ (pid {os.getpid()}; Ctrl-C or "
          f"`kill {os.getpid()}` stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
