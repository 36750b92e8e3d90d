"""cleanwire search / export / sql / stats: the analysts' commands (read-only)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Analyst commands are registered here."""
