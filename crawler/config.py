"""CLEANWIRE_* environment variables override the defaults in crawler/settings.py.

crawler/settings.py holds defaults only and reads no environment; the environment is read
when a crawl's settings are built: by crawler.runner.build_settings for the cleanwire
CLI, and by NewsSpider.update_settings for `scrapy crawl news`.
"""

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


def user_agent(contact_url: str) -> str:
    """The crawler's User-Agent, naming where a site owner can reach its operators."""
    return f"cleanwire/0.1 (+{contact_url}; news research crawler)"


def _defaults() -> dict[str, Any]:
    from crawler import settings

    return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}


def environment_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The Scrapy settings the environment changes: each CLEANWIRE_* variable it sets, the
    User-Agent when it sets CLEANWIRE_CONTACT_URL. ConfigError for a mistyped value."""
    values = environment_overrides(_defaults(), environ)
    if "CLEANWIRE_CONTACT_URL" in values:
        values["USER_AGENT"] = user_agent(values["CLEANWIRE_CONTACT_URL"])
    return values


def setting(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One CLEANWIRE_* setting as the environment leaves it (else its default)."""
    defaults = _defaults()
    return environment_overrides({name: defaults[name]}, environ).get(name, defaults[name])
