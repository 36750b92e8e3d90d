"""Shared pytest fixtures: the local "Fixture Times" news site on a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fixture_site import FixtureServer


@pytest.fixture
def fixture_site() -> Iterator[FixtureServer]:
    """The fixture site on http://127.0.0.1:<ephemeral port>, started for one test and stopped
    after it. The /slow/ delay is read per request: set ``fixture_site.slow_seconds`` to change
    it (default 5 s)."""
    with FixtureServer() as server:
        yield server
