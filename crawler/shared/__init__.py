"""Shared crawls in Redis: many workers, one queue per site (docs/scaling.md)."""
