"""The cleaner's own exception types: callers catch CleanError and nothing broader."""


class CleanError(Exception):
    """A page that cannot be cleaned; the message is one line for the user."""


class NotHTMLError(CleanError):
    """The bytes are not an HTML document (binary, feed, empty)."""
