"""cleanwire duplicates: clusters of syndicated and near-duplicate articles."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """The duplicates command is registered here."""
