"""Errors the crawler raises for the CLI to print as one line (exit 1)."""


class WorkFailed(RuntimeError):
    """The work could not start or go on (e.g. the shared queue is unreachable)."""
