"""CLEANWIRE_* environment variables override the defaults in crawler/settings.py."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


class ConfigError(ValueError):
    """A CLEANWIRE_* variable with a value of the wrong type (one-line message)."""


def _convert(name: str, raw: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if raw.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if raw.strip().lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r}: expected {type(default).__name__}") from exc
    return raw


def environment_overrides(defaults: Mapping[str, Any],
                          environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Values for every CLEANWIRE_* setting that the environment sets."""
    environ = os.environ if environ is None else environ
    return {name: _convert(name, environ[name], default)
            for name, default in defaults.items()
            if name.startswith("CLEANWIRE_") and name in environ}
