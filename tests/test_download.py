"""The download handler's header cap (crawler/download.py), on twisted's protocol as the
connection pool builds it, fed bytes through an in-memory transport.

A crawl of a server that sends header lines forever: tests/test_hostile_servers.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.web._newclient import Request, ResponseFailed
from twisted.web.http_headers import Headers

from crawler import settings as cw_settings
from crawler.download import HeadersTooLarge, _CappedFactory
from crawler.failures import failure_reason
from storage.contract import Outcome, Reason

CAP = 4096


def _answer(data: bytes, cap: int = CAP, chunk: int = 1000) -> tuple[Any, StringTransport]:
    """What a request's Deferred gives when the server answers data (in chunks)."""
    protocol = _CappedFactory(lambda _: None, "test", max_header_bytes=cap).buildProtocol(None)
    transport = StringTransport()
    protocol.makeConnection(transport)
    results: list[Any] = []
    protocol.request(Request(b"GET", b"/", Headers({b"host": [b"x.example"]}), None,
                             persistent=True)
                     ).addBoth(results.append)
    for start in range(0, len(data), chunk):
        if transport.disconnecting:
            break
        protocol.dataReceived(data[start:start + chunk])
    assert results, "no answer"
    return results[0], transport


def _headers_too_large(result: Any) -> bool:
    return (isinstance(result, Failure) and result.check(ResponseFailed) is not None
            and any(reason.check(HeadersTooLarge) for reason in result.value.reasons))


def test_headers_under_the_cap_make_a_response():
    lines = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 100) for i in range(30))  # ~3.5 KB
    result, transport = _answer(b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 0\r\n\r\n")
    assert result.code == 200 and result.headers.getRawHeaders(b"x-filler-29") == [b"a" * 100]
    assert not transport.disconnecting


def test_one_header_line_longer_than_twisteds_16_kb_limit_is_fine_under_the_cap():
    value = b"v" * 20_000
    data = b"HTTP/1.1 200 OK\r\nX-Big: " + value + b"\r\nContent-Length: 0\r\n\r\n"
    result, _ = _answer(data, cap=32_768)
    assert result.headers.getRawHeaders(b"x-big") == [value]


@pytest.mark.parametrize("headers", [
    b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 1000) for i in range(100)),  # many lines
    b"X-Big: " + b"v" * 10_000 + b"\r\n",  # one line past the cap
    b"X-Folded: a\r\n" + b" continued\r\n" * 1000,  # one header folded over many lines
    b"X-Unended: " + b"v" * 10_000,  # a line that never ends
])
def test_headers_past_the_cap_fail_and_drop_the_connection(headers: bytes):
    result, transport = _answer(b"HTTP/1.1 200 OK\r\n" + headers)
    assert _headers_too_large(result), result
    assert transport.disconnecting  # the connection is closed, not read on


def test_a_status_line_past_the_cap_fails_too():
    result, transport = _answer(b"HTTP/1.1 200 " + b"O" * 10_000 + b"\r\n\r\n")
    assert _headers_too_large(result), result
    assert transport.disconnecting


def test_the_body_does_not_count():
    body = b"b" * 100_000
    data = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    result, _ = _answer(data)
    assert result.code == 200 and result.length == len(body)


def test_too_large_headers_is_a_failure_reason_not_retried():
    assert failure_reason(Failure(HeadersTooLarge("x"))) == (
        Reason.TOO_LARGE_HEADERS, None, Outcome.FAILED)
    assert Reason.TOO_LARGE_HEADERS == "too large headers"
    retried = {name.rsplit(".", 1)[-1] for name in map(str, _retry_exceptions())}
    assert "HeadersTooLarge" not in retried


def test_settings_install_the_handler_for_http_and_https():
    for scheme in ("http", "https"):
        assert cw_settings.DOWNLOAD_HANDLERS[scheme] == (
            "crawler.download.HeaderCappedDownloadHandler")
    assert cw_settings.CLEANWIRE_MAX_HEADER_BYTES == 256 * 1024


def _retry_exceptions() -> list[Any]:
    from scrapy.settings import Settings

    from crawler.config import environment_settings

    settings = Settings()
    settings.setmodule(cw_settings, priority="project")
    settings.setdict(environment_settings({}), priority="project")
    return settings.getlist("RETRY_EXCEPTIONS")
