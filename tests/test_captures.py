"""Raw captures (issue 23): a crawl of the local fixture site writes WARC files that warcio
reads back record by record, holding what the server sent; the captures table and the
articles point at them; rotation, --captures none, a SIGKILL mid-crawl, export --format warc.
"""

from __future__ import annotations

import gzip
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_helpers import (
    POLITE_PROFILE,
    assert_one_line_error,
    cleanwire,
    kill_when,
    rows,
)
from fixture_site import FEED_PATH, FixtureServer
from sqlalchemy import Engine, select
from test_storage import T0, make_page, make_record
from warcio.archiveiterator import ArchiveIterator

from cleaners import CleanOptions
from cleaners.pipeline import clean_page
from crawler.capture.component import captures_dir
from crawler.capture.warc import Exchange, WarcFileWriter
from storage.captures import CaptureRecord, read_capture, scan_warc
from storage.contract import CaptureSource
from storage.models import Article, ArticleVersion, Capture, Fetch
from storage.repository import FetchRecord, Repository

pytestmark = pytest.mark.slow

BOUNDS = ["--timeout", "1", "--max-page-bytes", "1000000", "--workers", "1"]
DEFAULT = {"CLEANWIRE_CAPTURES": ""}  # the tests' environment turns captures off


def warc_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.warc.gz"))


def records(path: Path) -> list[dict]:
    """Every record of a WARC file as warcio reads it: type, headers, raw payload bytes."""
    out = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            http = record.http_headers
            out.append({
                "type": record.rec_type,
                "id": record.rec_headers.get_header("WARC-Record-ID"),
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "concurrent": record.rec_headers.get_header("WARC-Concurrent-To"),
                "status": http.get_statuscode() if http and record.rec_type == "response"
                else None,
                "firstline": f"{http.protocol} {http.statusline}" if http else None,
                "headers": list(http.headers) if http else [],
                "raw": record.raw_stream.read(),
            })
    return out


def capture_rows(db: Path) -> list[CaptureRecord]:
    found = rows(db, "select url, warc_path, offset, length, fetched_at, source, record_id, "
                     "payload_digest, status, content_type, site_id, fetch_id from captures "
                     "order by id")
    return [CaptureRecord(url=u, warc_path=p, offset=o, length=n,
                          fetched_at=datetime.fromisoformat(t), source=CaptureSource(s),
                          record_id=r, payload_digest=d, status=st, content_type=ct,
                          site_id=si, fetch_id=fi)
            for u, p, o, n, t, s, r, d, st, ct, si, fi in found]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FixtureServer, Path]]:
    """One crawl of the fixture site with captures on (the default), shared by the tests
    that only read what it left."""
    server = FixtureServer(slow_seconds=3).start()
    db = tmp_path_factory.mktemp("captured") / "news.db"
    proc = cleanwire("crawl", server.url("/"), "--db", str(db), *BOUNDS, env=DEFAULT)
    assert proc.returncode == 0, proc.stderr
    captured = rows(db, "select count(*), sum(length) from captures")[0]
    assert f"captured            {captured[0]}  ({captured[1] / 1e3:.0f} kB of WARC" in proc.stdout
    try:
        yield server, db
    finally:
        server.stop()


def test_captures_hold_what_the_server_sent(crawled: tuple[FixtureServer, Path]) -> None:
    server, db = crawled
    files = warc_files(db.parent / "captures")  # the default: beside the SQLite file
    assert len(files) == 1
    found = records(files[0])
    assert found[0]["type"] == "warcinfo"
    responses = [r for r in found if r["type"] == "response"]
    assert len(responses) >= 25
    by_id = {r["id"]: r for r in found}
    for response in responses:
        full = response["uri"].removeprefix(server.base_url)
        resource = server._page(full, full.split("?")[0])
        assert resource is not None, full
        # names compared without case: Scrapy title-cases them (ETag arrives as Etag)
        headers = {name.lower(): value for name, value in response["headers"]}
        # the body exactly as sent: Scrapy asked for gzip, the server sent gzip, kept so
        assert headers["content-encoding"] == "gzip"
        assert response["raw"] == resource.gzipped
        assert gzip.decompress(response["raw"]) == resource.body
        assert response["firstline"] == "HTTP/1.1 200 OK"
        assert headers["content-type"] == resource.content_type
        assert headers["etag"] == resource.etag
        assert headers["content-length"] == str(len(resource.gzipped))
        assert set(headers) == {"server", "date", "content-type", "vary", "content-encoding",
                                "etag", "last-modified", "content-length"}
    # each response is followed by its request, concurrent to it
    requests = [r for r in found if r["type"] == "request"]
    assert len(requests) == len(responses)
    for request in requests:
        response = by_id[request["concurrent"]]
        assert response["uri"] == request["uri"]
        target = response["uri"].removeprefix(server.base_url)
        assert request["firstline"] == f"GET {target} HTTP/1.1"
        assert any(n == "Accept-Encoding" and "gzip" in v for n, v in request["headers"])
        assert ("Host", server.host) in request["headers"]
    # discovery documents, failures and redirects are not captured
    uris = {r["uri"] for r in responses}
    for path in ("/robots.txt", FEED_PATH, "/sitemap.xml", "/missing/", "/broken/", "/moved/"):
        assert server.url(path) not in uris


def test_captures_table_and_articles_point_at_the_records(
        crawled: tuple[FixtureServer, Path]) -> None:
    _, db = crawled
    captured = capture_rows(db)
    assert captured and all(c.source == CaptureSource.CRAWL for c in captured)
    assert all(c.fetch_id is not None and c.site_id is not None for c in captured)
    # every capture's fetch row is its own page's, and it is a page that was cleaned
    fetches = dict(((i, (u, o)) for i, u, o in rows(db, "select id, url, outcome from fetches")))
    assert {fetches[c.fetch_id][1] for c in captured} <= {"new", "listing", "other"}
    for capture in captured:
        assert fetches[capture.fetch_id][0] == capture.url.split("?")[0] or \
            capture.url.startswith(fetches[capture.fetch_id][0])
    scanned = {r.offset: r for r in scan_warc(captured[0].warc_path).records}
    articles = rows(db, "select a.url, a.text, a.capture_id from articles a")
    assert articles and all(capture_id is not None for _, _, capture_id in articles)
    by_id = dict(rows(db, "select id, offset from captures"))
    options = CleanOptions(listing_text=False)
    for url, text, capture_id in articles:
        capture = next(c for c in captured if c.offset == by_id[capture_id])
        assert scanned[capture.offset].record_id == capture.record_id
        assert scanned[capture.offset].length == capture.length
        response = read_capture(capture)
        assert response.status == 200 and response.record_id == capture.record_id
        # the capture cleans again to exactly the stored text
        again = clean_page(response.body, url, options, http_charset="utf-8")
        assert again.text == text, url


def test_export_warc_writes_the_selected_articles_captures(
        crawled: tuple[FixtureServer, Path], tmp_path: Path) -> None:
    server, db = crawled
    out = tmp_path / "corpus.warc.gz"
    proc = cleanwire("export", "--format", "warc", "-o", str(out), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    articles = dict(rows(db, "select a.url, c.record_id from articles a "
                             "join captures c on c.id = a.capture_id"))
    assert f"{len(articles)} captures written" in proc.stdout
    found = records(out)
    assert found[0]["type"] == "warcinfo"
    responses = [r for r in found[1:]]
    assert {r["type"] for r in responses} == {"response"}
    assert sorted(r["id"] for r in responses) == sorted(articles.values())
    for response in responses:
        full = response["uri"].removeprefix(server.base_url)
        assert response["raw"] == server._page(full, full.split("?")[0]).gzipped
    # the format follows the file name, as for the other formats; a stream is refused
    named = tmp_path / "named.warc.gz"
    proc = cleanwire("export", "-o", str(named), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in records(named)[1:]] == [r["id"] for r in found[1:]]
    proc = cleanwire("export", "--format", "warc", "-o", "-", "--db", str(db))
    assert proc.returncode == 2 and "written to a file" in proc.stderr
    assert proc.stdout == ""
    # the filters of every export select which captures
    again = tmp_path / "none.warc.gz"
    proc = cleanwire("export", "--format", "warc", "-o", str(again), "--db", str(db),
                     "--since", "2999-01-01")
    assert proc.returncode == 0, proc.stderr
    assert [r["type"] for r in records(again)] == ["warcinfo"]
    # an existing file is not replaced without --force
    proc = cleanwire("export", "--format", "warc", "-o", str(out), "--db", str(db))
    assert proc.returncode != 0 and "exists" in proc.stderr


def test_captures_none_writes_nothing(fixture_site: FixtureServer, tmp_path: Path) -> None:
    fixture_site.slow_seconds = 3
    db = tmp_path / "news.db"
    proc = cleanwire("crawl", fixture_site.url("/"), "--db", str(db), *BOUNDS,
                     "--max-pages", "8", "--captures", "none", env=DEFAULT)
    assert proc.returncode == 0, proc.stderr
    assert "captured" not in proc.stdout
    assert rows(db, "select count(*) from articles")[0][0] > 0
    assert not (tmp_path / "captures").exists()
    assert not list(tmp_path.rglob("*.warc*"))
    assert rows(db, "select count(*) from captures") == [(0,)]
    assert rows(db, "select count(capture_id) from articles") == [(0,)]
    # the environment turns them off too
    proc = cleanwire("crawl", fixture_site.url("/"), "--db", str(tmp_path / "b.db"), *BOUNDS,
                     "--max-pages", "8", env={"CLEANWIRE_CAPTURES": "none"})
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "captures").exists()


def test_rotation_at_a_size_limit_makes_several_readable_files(
        fixture_site: FixtureServer, tmp_path: Path) -> None:
    fixture_site.slow_seconds = 3
    db = tmp_path / "news.db"
    folder = tmp_path / "elsewhere"
    proc = cleanwire("crawl", fixture_site.url("/"), "--db", str(db), *BOUNDS,
                     "--max-pages", "12", "--captures", str(folder),
                     env={"CLEANWIRE_CAPTURE_MAX_BYTES": "9000"})
    assert proc.returncode == 0, proc.stderr
    files = warc_files(folder)
    assert len(files) >= 3, files
    assert not (tmp_path / "captures").exists()
    total = 0
    for path in files:
        scan = scan_warc(path)
        assert scan.truncated == 0
        assert scan.records[0].rec_type == "warcinfo"
        total += sum(r.rec_type == "response" for r in scan.records)
        # a file is closed once past the limit: only its last record pair may cross it
        responses = [r for r in scan.records if r.rec_type == "response"]
        assert responses[-1].offset < 9000
    captured = capture_rows(db)
    assert total == len(captured)
    assert {c.warc_path for c in captured} == {str(p) for p in files}
    for capture in captured:
        assert read_capture(capture).url == capture.url




def test_a_sigkilled_crawl_leaves_readable_captures(
        fixture_site: FixtureServer, tmp_path: Path) -> None:
    fixture_site.slow_seconds = 5
    sites = tmp_path / "sites.toml"
    sites.write_text(POLITE_PROFILE.format(start=fixture_site.url("/")))
    db = tmp_path / "news.db"
    folder = tmp_path / "captures"
    def six_captured() -> bool:
        files = warc_files(folder) if folder.exists() else []
        return bool(files) and sum(r.rec_type == "response"
                                   for r in scan_warc(files[0]).records) >= 6

    kill_when(six_captured, "crawl", "fixture", "--sites", str(sites), "--db", str(db),
              "--workers", "1", env={"CLEANWIRE_BATCH_SECONDS": "0.3", **DEFAULT}, limit_s=120)

    files = warc_files(folder)
    assert len(files) == 1
    scan = scan_warc(files[0])
    assert scan.truncated in (0, 1)
    responses = [r for r in scan.records if r.rec_type == "response"]
    assert len(responses) >= 6
    # every whole record reads, one by one, by offset
    for record in responses:
        capture = CaptureRecord(url=record.url or "", warc_path=str(files[0]),
                                offset=record.offset, length=record.length,
                                fetched_at=datetime.now(UTC), source=CaptureSource.CRAWL)
        assert read_capture(capture).status == 200
    # and every capture the database registered before the kill is one of them
    registered = capture_rows(db)
    assert {c.offset for c in registered} <= {r.offset for r in responses}
    # a record cut in the middle, as a kill mid-write leaves it, is skipped and counted
    data = files[0].read_bytes()
    last = responses[-1]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:last.offset + last.length // 2])
    damaged = scan_warc(cut)
    assert damaged.truncated == 1
    assert [r.offset for r in damaged.records if r.rec_type == "response"] == [
        r.offset for r in responses[:-1]]


# ---- the writer against a server of our own: headers byte for byte, a chunked body ----------

RAW_HEADERS = (b"HTTP/1.1 200 OK\r\n"
               b"content-type: text/html; charset=iso-8859-1\r\n"
               b"Set-Cookie: a=1\r\n"
               b"X-Odd: caf\xe9\r\n"
               b"Set-Cookie: b=2\r\n"
               b"Transfer-Encoding: chunked\r\n"
               b"Connection: close\r\n\r\n")
RAW_HTML = ("<html><head><title>Caf\xe9 news</title></head><body><article><h1>Caf\xe9 opens"
            "</h1>" + "<p>The caf\xe9 on the corner opened its doors to the town today, and "
            "many people came to see it and to drink coffee there.</p>" * 8
            + "</article></body></html>").encode("latin-1")


def _serve_chunked(listener: socket.socket) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            half = len(RAW_HTML) // 2
            chunks = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n"
                              for part in (RAW_HTML[:half], RAW_HTML[half:]))
            conn.sendall(RAW_HEADERS + chunks + b"0\r\n\r\n")


def test_scrape_captures_header_values_as_received_and_a_chunked_body(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    thread = threading.Thread(target=_serve_chunked, args=(listener,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/cafe"
    db = tmp_path / "news.db"
    try:
        proc = cleanwire("scrape", url, "--db", str(db), *BOUNDS, env=DEFAULT)
    finally:
        listener.close()
    assert proc.returncode == 0, proc.stderr
    (path,) = warc_files(tmp_path / "captures")
    (response,) = [r for r in records(path) if r["type"] == "response"]
    # the head byte for byte: status line, names' case, order, repeated fields, latin-1
    # values, Connection; the body is held de-chunked (Twisted decodes it), so its
    # Transfer-Encoding line is kept under another name and the record does not claim it
    with path.open("rb") as handle:
        (block,) = [r.raw_stream.read() for r in ArchiveIterator(handle, no_record_parse=True)
                    if r.rec_type == "response"]
    head = RAW_HEADERS.replace(b"Transfer-Encoding:", b"X-Cleanwire-Orig-Transfer-Encoding:")
    assert block == head + RAW_HTML
    assert response["headers"] == [
        ("content-type", "text/html; charset=iso-8859-1"), ("Set-Cookie", "a=1"),
        ("X-Odd", "caf\xe9"), ("Set-Cookie", "b=2"),
        ("X-Cleanwire-Orig-Transfer-Encoding", "chunked"), ("Connection", "close")]
    assert response["raw"] == RAW_HTML
    (capture,) = capture_rows(db)
    assert read_capture(capture).body == RAW_HTML
    assert rows(db, "select count(*) from articles where capture_id is not null") == [(1,)]


def test_a_captures_folder_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = cleanwire("crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "news.db"),
                     "--captures", str(blocker / "captures"), env=DEFAULT)
    assert_one_line_error(proc, 2, f"--captures {blocker / 'captures'}: Not a directory")


# ---- units -------------------------------------------------------------------------------------

def test_captures_folder_defaults_beside_the_database(tmp_path: Path) -> None:
    assert captures_dir(None, "sqlite:///news.db", cwd=tmp_path) == tmp_path / "captures"
    assert captures_dir("", f"{tmp_path}/sub/x.db", cwd="/") == tmp_path / "sub" / "captures"
    assert captures_dir(None, "postgresql://u@h/db", cwd=tmp_path) == tmp_path / "captures"
    assert captures_dir("none", "sqlite:///news.db", cwd=tmp_path) is None
    assert captures_dir("NONE", None, cwd=tmp_path) is None
    assert captures_dir("w", "sqlite:///news.db", cwd=tmp_path) == tmp_path / "w"


def test_writer_names_files_apart_and_rotates(tmp_path: Path) -> None:
    first, second = WarcFileWriter(tmp_path, max_bytes=1), WarcFileWriter(tmp_path, max_bytes=1)
    exchange = Exchange(url="http://a.example/x", method="GET", request_headers=[],
                        protocol="HTTP/1.1", status=200, headers=[(b"Content-Type", b"text/html")],
                        body=b"<html>x</html>", fetched_at=datetime.now(UTC))
    written = [writer.write(exchange) for writer in (first, second, first, second)]
    for writer in (first, second):
        writer.close()
    assert len({w.warc_path for w in written}) == 4  # two writers, one record per file each
    assert len(warc_files(tmp_path)) == 4
    for capture in written:
        assert read_capture(capture).body == b"<html>x</html>"
        assert str(os.getpid()) in Path(capture.warc_path).name


# ---- the store: capture rows in the batch's transaction, on SQLite and PostgreSQL --------------

def _capture_at(url: str, offset: int, at: datetime) -> CaptureRecord:
    return CaptureRecord(url=url, warc_path="/captures/x.warc.gz", offset=offset, length=100,
                         fetched_at=at, source=CaptureSource.CRAWL, record_id=f"<urn:{offset}>",
                         status=200, content_type="text/html")


def test_store_registers_captures_with_their_fetch_and_article(
        repo: Repository, engine: Engine) -> None:
    run_id = repo.start_run("crawl", {}, "example", "news.example")
    url = "https://news.example/a"
    first = make_record(make_page(url, text="old words"), T0,
                        capture=_capture_at(url, 10, T0))
    listing_at = T0.replace(minute=5)
    listing = FetchRecord("https://news.example/", 200, None, "listing", fetched_at=listing_at,
                          capture=_capture_at("https://news.example/", 200, listing_at))
    assert repo.store(run_id, [first], [listing]) == ["new"]
    later = T0.replace(hour=T0.hour + 1)
    second = make_record(make_page(url, text="new words entirely"), later,
                         capture=_capture_at(url, 400, later))
    assert repo.store(run_id, [second]) == ["updated"]
    uncaptured = make_record(make_page("https://news.example/b"), T0)
    assert repo.store(run_id, [uncaptured]) == ["new"]

    with engine.connect() as conn:
        captures = {row.offset: row for row in conn.execute(select(Capture))}
        fetches = {row.id: row for row in conn.execute(select(Fetch))}
        articles = {row.url: row for row in conn.execute(select(Article))}
        versions = list(conn.execute(select(ArticleVersion)))
    assert sorted(captures) == [10, 200, 400]
    site_id = articles[url].site_id
    for offset, capture in captures.items():
        fetch = fetches[capture.fetch_id]  # the fetch row of the same page and time
        assert fetch.url == capture.url and fetch.fetched_at == capture.fetched_at
        assert capture.site_id == site_id  # the listing's from the crawl run
        assert capture.source == "crawl" and capture.record_id == f"<urn:{offset}>"
    assert fetches[captures[200].fetch_id].outcome == "listing"
    # the article points at the capture of its current text, the archived version at its own
    assert articles[url].capture_id == captures[400].id
    assert [(v.version, v.capture_id) for v in versions] == [(1, captures[10].id)]
    assert articles["https://news.example/b"].capture_id is None
    # storing the same batch again registers nothing twice
    repo.store(run_id, [second])
    with engine.connect() as conn:
        assert len(list(conn.execute(select(Capture)))) == 3
