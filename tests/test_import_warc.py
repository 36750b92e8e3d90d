"""`cleanwire import-warc`: WARC files written with warcio's WARCWriter (gzip per record and
plain, chunked and gzip payloads, revisits, non-HTML, non-200, a 50 MB record, a cut last
record, a CC-NEWS-like layout), imported by the real command into a real SQLite file; a
kill half-way and a resume; the --site/--lang/--since filters; a URL input served from a
local server; bad inputs."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import sqlite3
import threading
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_helpers import assert_one_line_error, cleanwire, cleanwire_process, cli, rows
from fixture_site.site import FixtureSite
from sqlalchemy.orm import Session
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warcimport.reader import open_input, read_entries, resolve_input
from storage.captures import CaptureRecord, captures_for, read_capture
from storage.contract import CaptureSource
from storage.engine import open_engine
from storage.errors import WriteError
from storage.models import Capture
from storage.repository import FetchRecord, PageRecord, Repository, SiteCapture
from storage.warcimports import FileProgress, file_progress, mark_read

SITE = FixtureSite()
PAGES = SITE.render("http://placeholder")
ARTICLES = list(SITE.articles)
ENV = {"CLEANWIRE_BATCH_SIZE": "10"}


def _html(path: str) -> bytes:
    return PAGES[path].body


def _response(writer: WARCWriter, url: str, body: bytes, headers: list[tuple[str, str]],
              status: str = "200 OK", date: str | None = None) -> object:
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": date} if date else None
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                     http_headers=http, warc_headers_dict=warc_headers)


def _chunked(body: bytes, size: int = 1000) -> bytes:
    parts = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


HTML = [("Content-Type", "text/html; charset=utf-8")]


def write_mixed(path: Path, host: str, compress: bool = True) -> dict[str, object]:
    """A WARC as crawlers write them: warcinfo first, request+response pairs (CC-NEWS), a
    chunked and a gzip-encoded payload, a revisit, a 404, a redirect, an image, a PDF, a
    50 MB HTML record, and a last record cut in half. Returns what a test checks."""
    articles = ARTICLES[:8]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {
            "software": "test", "format": "WARC File Format 1.1"}))
        for i, spec in enumerate(articles):
            url = f"https://{host}{spec.path}"
            request = writer.create_warc_record(url, "request", http_headers=StatusAndHeaders(
                f"GET {spec.path} HTTP/1.1", [("Host", host)], is_http_request=True))
            body, headers = _html(spec.path), list(HTML)
            if i == 1:
                body, headers = _chunked(body), [*HTML, ("Transfer-Encoding", "chunked")]
            elif i == 2:
                body, headers = gzip.compress(body), [*HTML, ("Content-Encoding", "gzip")]
            elif i == 3:
                body = _chunked(gzip.compress(body))
                headers = [*HTML, ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
            response = _response(writer, url, body, headers)
            request.rec_headers.add_header("WARC-Concurrent-To",
                                           response.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(request)
            writer.write_record(response)
        writer.write_record(_response(writer, f"https://{host}/", _html("/"), HTML))
        first = f"https://{host}{articles[0].path}"
        writer.write_record(writer.create_revisit_record(
            first, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", first, "2025-01-01T00:00:00Z",
            http_headers=StatusAndHeaders("200 OK", HTML, protocol="HTTP/1.1")))
        writer.write_record(_response(writer, f"https://{host}/gone/", b"<html>gone</html>",
                                      HTML, status="404 Not Found"))
        writer.write_record(_response(writer, f"https://{host}/old/", b"", [
            ("Location", f"https://{host}/")], status="301 Moved Permanently"))
        writer.write_record(_response(writer, f"https://{host}/logo.jpg", b"\xff\xd8\xff" * 50,
                                      [("Content-Type", "image/jpeg")]))
        writer.write_record(_response(writer, f"https://{host}/report.pdf", b"%PDF-1.4 x",
                                      [("Content-Type", "application/pdf")]))
        big = b"<html><body>" + b"<p>filler text</p>" * (50 * 1024 * 1024 // 18) + b"</body></html>"
        writer.write_record(_response(writer, f"https://{host}/huge/", big, HTML))
        del big
        cut_at = out.tell()
        writer.write_record(_response(writer, f"https://{host}{ARTICLES[9].path}",
                                      _html(ARTICLES[9].path), HTML))
        end = out.tell()
    with path.open("r+b") as handle:  # the download stopped half-way through the last record
        handle.truncate(cut_at + (end - cut_at) // 2)
    return {"articles": articles, "host": host}


def _counts(db: Path, run: int) -> dict[str, object]:
    (counts,) = rows(db, "SELECT counts FROM crawl_runs WHERE id = ?", run)[0]
    return json.loads(counts)


def test_import_of_mixed_warcs_stores_each_page_once_with_its_capture(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    gz = write_mixed(tmp_path / "crawl.warc.gz", "www.one.example")
    plain = write_mixed(tmp_path / "crawl.warc", "two.example", compress=False)
    ran = cleanwire("import-warc", str(tmp_path / "crawl.warc.gz"), str(tmp_path / "crawl.warc"),
                    "--db", str(db), env=ENV)
    assert ran.returncode == 0, ran.stderr
    assert "import of WARC files (run 1)" in ran.stdout
    run = rows(db, "SELECT command, outcome, articles_new, non_articles, skipped, failed "
                   "FROM crawl_runs")
    assert run == [("import-warc", "ok", 16, 2, 14, 0)]
    reasons = _counts(db, 1)["failures_by_reason"]
    assert reasons == {"skipped: revisit record": 2, "skipped: http 404": 2,
                       "skipped: http 301": 2, "skipped: not html": 4,
                       "skipped: too large": 2, "skipped: truncated record": 2}
    assert _counts(db, 1)["warc_records"] == 2 * (1 + 16 + 1 + 7)
    engine = open_engine(f"sqlite:///{db}")
    try:
        for source, name in ((gz, "crawl.warc.gz"), (plain, "crawl.warc")):
            for spec in source["articles"]:  # type: ignore[attr-defined]
                url = f"https://{source['host']}{spec.path}"
                stored = rows(db, "SELECT a.title, a.language, a.capture_id, c.warc_path, "
                                  "c.source, c.url, s.name FROM articles a JOIN captures c ON "
                                  "c.id = a.capture_id JOIN sites s ON s.id = a.site_id "
                                  "WHERE a.url = ?", url)
                assert len(stored) == 1, url
                title, language, capture_id, warc_path, kind, captured_url, site = stored[0]
                assert spec.title in title and language == spec.language
                assert (warc_path, kind, captured_url) == (str(tmp_path / name), "import", url)
                assert site == source["host"].removeprefix("www.")  # type: ignore[union-attr]
                with Session(engine) as session:
                    record = captures_for(session, [capture_id])[capture_id]
                raw = read_capture(record)  # one seek: the offset and length are right
                assert (raw.url, raw.status, raw.body) == (url, 200, _html(spec.path))
    finally:
        engine.dispose()
    # the home page is a listing: no article, but its capture and fetch row are there
    assert rows(db, "SELECT outcome FROM fetches WHERE url = 'https://two.example/'") == [
        ("listing",)]
    assert rows(db, "SELECT count(*) FROM captures") == [(18,)]
    # each file is read to its end: importing them again reads nothing, stores nothing
    again = cleanwire("import-warc", str(tmp_path / "crawl.warc.gz"), str(tmp_path / "crawl.warc"),
                      "--db", str(db), env=ENV)
    assert again.returncode == 0, again.stderr
    assert rows(db, "SELECT articles_new, articles_unchanged, pages_fetched FROM crawl_runs "
                    "WHERE id = 2") == [(0, 0, 0)]
    assert rows(db, "SELECT count(*) FROM articles") == [(16,)]
    assert rows(db, "SELECT count(*) FROM captures") == [(18,)]


def _many(path: Path, hosts: int) -> int:
    """A gzip WARC of every fixture article under `hosts` hosts; returns the record count."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for h in range(hosts):
            for spec in ARTICLES:
                writer.write_record(_response(writer, f"https://h{h}.example{spec.path}",
                                              _html(spec.path), HTML))
    return hosts * len(ARTICLES)


def _stop_half_way(db: Path, warc: Path, signum: int) -> tuple[int | None, str]:
    """Run import-warc on warc, send signum once its first batch is committed; returns
    (its exit code, its stderr)."""
    process = cleanwire_process("import-warc", str(warc), "--db", str(db),
                                env={**ENV, "CLEANWIRE_CLEAN_WORKERS": "1"})
    try:
        deadline = time.monotonic() + 120
        committed = 0
        while time.monotonic() < deadline and process.poll() is None:
            if db.exists():
                try:
                    found = rows(db, "SELECT next_offset, finished_at FROM warc_imports")
                except sqlite3.OperationalError:
                    found = []
                if found and found[0][0] > 0 and found[0][1] is None:
                    committed = found[0][0]
                    break
            time.sleep(0.05)
        assert process.poll() is None and committed, "the import ended before it was stopped"
        os.kill(process.pid, signum)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        _, err = process.communicate()
    return process.returncode, err


def test_an_import_killed_half_way_resumes_without_storing_anything_twice(
        tmp_path: Path) -> None:
    db, warc = tmp_path / "k.db", tmp_path / "many.warc.gz"
    total = _many(warc, 5)
    assert _stop_half_way(db, warc, signal.SIGKILL)[0] == -signal.SIGKILL
    first = rows(db, "SELECT count(*) FROM articles")[0][0]
    assert 0 < first < total
    assert rows(db, "SELECT outcome FROM crawl_runs") == [("running",)]  # killed: no finish
    ran = cleanwire("import-warc", str(warc), "--db", str(db), env=ENV)
    assert ran.returncode == 0, ran.stderr
    new, unchanged = rows(db, "SELECT articles_new, articles_unchanged FROM crawl_runs "
                              "WHERE id = 2")[0]
    stored_first = rows(db, "SELECT count(*) FROM articles WHERE crawl_run_id = 1")[0][0]
    assert unchanged == 0 and new == total - stored_first  # nothing read twice
    assert rows(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(total, total)]
    assert rows(db, "SELECT count(*), count(DISTINCT url) FROM captures") == [(total, total)]
    assert rows(db, "SELECT count(*) FROM articles WHERE capture_id IS NULL") == [(0,)]
    assert rows(db, "SELECT count(*) FROM fetches") == [(total,)]
    assert rows(db, "SELECT records, finished_at IS NOT NULL FROM warc_imports") == [(total, 1)]


def test_filters_keep_the_sites_languages_and_dates_asked_for(tmp_path: Path) -> None:
    db, warc = tmp_path / "f.db", tmp_path / "f.warc.gz"
    with warc.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for host in ("www.keep.example", "news.keep.example", "other.example"):
            for year, spec in zip((2024, 2025) * 20, ARTICLES, strict=False):
                writer.write_record(_response(writer, f"https://{host}{spec.path}",
                                              _html(spec.path), HTML,
                                              date=f"{year}-06-01T12:00:00Z"))
    ran = cleanwire("import-warc", str(warc), "--db", str(db), "--site", "keep.example",
                    "--lang", "en", "--since", "2025-01-01", env=ENV)
    assert ran.returncode == 0, ran.stderr
    wanted = {f"https://{host}{spec.path}" for host in ("www.keep.example", "news.keep.example")
              for i, spec in enumerate(ARTICLES) if i % 2 == 1 and spec.language == "en"}
    assert {url for (url,) in rows(db, "SELECT url FROM articles")} == wanted
    counts = _counts(db, 1)
    assert counts["warc_filtered"] == 3 * len(ARTICLES) - len(wanted)
    assert {site for (site,) in rows(db, "SELECT name FROM sites")} == {
        "keep.example", "news.keep.example"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/elsewhere.warc.gz":  # a redirect to a private address
            self.send_response(302)
            self.send_header("Location", "http://10.255.255.1/x.warc.gz")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def warc_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "served"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


def test_a_warc_url_is_streamed_from_a_local_server(tmp_path: Path,
                                                    warc_server: tuple[str, Path]) -> None:
    base, folder = warc_server
    _many(folder / "remote.warc.gz", 1)
    db = tmp_path / "u.db"
    url = f"{base}/remote.warc.gz"
    ran = cleanwire("import-warc", url, "--db", str(db), env=ENV)
    assert ran.returncode == 0, ran.stderr
    assert rows(db, "SELECT count(*) FROM articles") == [(len(ARTICLES),)]
    assert rows(db, "SELECT DISTINCT warc_path FROM captures") == [(url,)]
    assert rows(db, "SELECT warc_path, finished_at IS NOT NULL FROM warc_imports") == [(url, 1)]
    missing = cleanwire("import-warc", f"{base}/nothing.warc.gz", "--db", str(db), env=ENV)
    assert_one_line_error(missing, 1, "http 404")
    refused = cleanwire("import-warc", f"{base}/elsewhere.warc.gz", "--db", str(db), env=ENV)
    assert_one_line_error(refused, 1, "refused: private address")
    assert rows(db, "SELECT outcome FROM crawl_runs ORDER BY id") == [
        ("ok",), ("failed",), ("failed",)]


def test_a_url_resumes_at_its_offset_even_from_a_server_without_ranges(
        warc_server: tuple[str, Path]) -> None:
    base, folder = warc_server
    _many(folder / "r.warc.gz", 1)
    data = (folder / "r.warc.gz").read_bytes()
    source = resolve_input(f"{base}/r.warc.gz")
    with open_input(source, 0, timeout=5, user_agent="test") as stream:
        offsets = [entry.offset for entry in read_entries(stream, 1 << 20)]
    middle = offsets[len(offsets) // 2]
    with open_input(source, middle, timeout=5, user_agent="test") as stream:
        assert stream.tell() == middle
        rest = [(entry.offset, entry.kind) for entry in read_entries(stream, 1 << 20)]
    assert rest == [(offset, "page") for offset in offsets[len(offsets) // 2:]]
    assert rest[-1][0] < len(data)


def test_bad_inputs_are_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    db = str(tmp_path / "b.db")
    (tmp_path / "notes.txt").write_text("not a warc\n")
    for given, text in ((str(tmp_path / "absent.warc.gz"), "no such file"),
                        (str(tmp_path), "is a directory"),
                        (str(tmp_path / "notes.txt"), "is not a WARC file"),
                        ("ftp://example.org/x.warc", "not a WARC file path or an http(s) URL")):
        assert_one_line_error(cli("import-warc", given, "--db", db), 2, text)  # type: ignore[arg-type]
    assert_one_line_error(cli("import-warc", str(tmp_path / "notes.txt"), "--db", db,  # type: ignore[arg-type]
                                    "--since", "yesterday"), 2, "--since: not a date")


def test_a_50_mb_record_is_read_through_in_bounded_memory(tmp_path: Path) -> None:
    """The reader holds at most the page cap of a payload: a 50 MB HTML record is skipped
    as too large while its bytes stream past, and the record after it is read."""
    warc = tmp_path / "big.warc.gz"
    with warc.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        # random text: a repetitive one inflates ~1000 times, so one 16 KB block read
        # would decode to 16 MB at once and hide what the cap does
        big = b"<html><body><p>" + os.urandom(25 * 1024 * 1024).hex().encode()
        writer.write_record(_response(writer, "https://x.example/huge/", big, HTML))
        del big
        writer.write_record(_response(writer, "https://x.example/a/", _html(ARTICLES[0].path),
                                      HTML))
    source = resolve_input(str(warc))
    tracemalloc.start()
    try:
        stream = open_input(source, 0, timeout=5, user_agent="test")
        entries = [(e.url, e.kind, e.reason, len(e.body))
                   for e in read_entries(stream, 5 * 1024 * 1024)]
        stream.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert entries == [("https://x.example/huge/", "skip", "too large", 0),
                       ("https://x.example/a/", "page", None, len(_html(ARTICLES[0].path)))]
    assert peak < 16 * 1024 * 1024, peak  # the cap (5 MB) twice and buffers, not 50 MB


def test_store_registers_captures_and_the_file_progress_in_one_transaction(
        repo: Repository) -> None:
    """On SQLite and PostgreSQL: an article's capture, a listing's capture and the file's
    offset commit with the batch, or (the progress hook failing) none of them does."""
    from cleaners.pipeline import clean_page

    spec = ARTICLES[0]
    url = f"https://imp.example{spec.path}"
    fetched = datetime(2025, 1, 2, tzinfo=UTC)

    def capture(offset: int, at: str) -> CaptureRecord:
        return CaptureRecord(url=at, warc_path="/data/x.warc.gz", offset=offset, length=100,
                             fetched_at=fetched, source=CaptureSource.IMPORT, status=200)

    page = PageRecord(page=clean_page(_html(spec.path), url), site_name="imp.example",
                      site_host="imp.example",
                      fetch=FetchRecord(url=url, status=200, fetched_at=fetched,
                                        capture=capture(0, url)))
    listing = SiteCapture(capture(100, "https://imp.example/"), "imp.example", "imp.example")

    def fail(connection: object) -> None:
        raise WriteError("progress could not be written")

    with pytest.raises(WriteError):
        repo.store(None, [page], [], captures=[listing], after=fail)
    with repo.engine.connect() as connection:
        assert file_progress(connection, "/data/x.warc.gz") == FileProgress(0, 0, False)
        assert connection.scalar(sa.select(sa.func.count()).select_from(Capture)) == 0
    assert repo.count_articles() == 0

    def progress(connection: sa.Connection) -> None:
        mark_read(connection, "/data/x.warc.gz", 200, 2, None)

    assert repo.store(None, [page], [], captures=[listing], after=progress) == ["new"]
    with repo.engine.connect() as connection:
        assert file_progress(connection, "/data/x.warc.gz") == FileProgress(200, 2, False)
        captured = dict(connection.execute(sa.select(Capture.url, Capture.id)).all())
        # the page's capture points at the page's fetch row, as a crawl's does
        linked = connection.scalar(sa.select(Capture.fetch_id).where(Capture.url == url))
        fetch_url = connection.scalar(sa.text("SELECT url FROM fetches WHERE id = :i"),
                                      {"i": linked})
    assert fetch_url == url
    article = repo.get_article(url)
    assert article is not None and article.capture_id == captured[url]
    assert set(captured) == {url, "https://imp.example/"}


def test_ctrl_c_stores_the_pages_in_hand_and_records_the_run_interrupted(
        tmp_path: Path) -> None:
    db, warc = tmp_path / "i.db", tmp_path / "many.warc.gz"
    total = _many(warc, 5)
    code, err = _stop_half_way(db, warc, signal.SIGINT)
    assert code == 130, err
    assert "Traceback" not in err and "stopping" in err
    (outcome, new), = rows(db, "SELECT outcome, articles_new FROM crawl_runs")
    assert outcome == "interrupted: SIGINT"
    stored = rows(db, "SELECT count(*) FROM articles")[0][0]
    records, finished = rows(db, "SELECT records, finished_at FROM warc_imports")[0]
    assert 0 < new == stored == records < total and finished is None  # all in hand stored
    ran = cleanwire("import-warc", str(warc), "--db", str(db), env=ENV)
    assert ran.returncode == 0, ran.stderr
    assert rows(db, "SELECT articles_new, articles_unchanged FROM crawl_runs WHERE id = 2") == [
        (total - stored, 0)]
