"""cleanwire schedule / history: scheduled crawls and article edit history."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Scheduling commands are registered here."""
