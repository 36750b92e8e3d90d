"""Serve the fixture news site by hand: `cd tests && python -m fixture_site [--port 8000]`.

Useful to try cleanwire without the internet:
    cleanwire crawl http://127.0.0.1:8000/ --db demo.db
"""

from __future__ import annotations

import argparse
import time

from .server import FixtureServer


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the Fixture Times test site.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    args = parser.parse_args()
    with FixtureServer(slow_seconds=args.slow_seconds, port=args.port) as server:
        print(f"Fixture Times at {server.base_url}/ (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
