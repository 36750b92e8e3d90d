"""`cleanwire export` targets and conventions: every kind of target, read back.

The format and compression come from the file name; `-` is standard output; a regular
file is replaced atomically (and only with --force); /dev/stdout, /dev/null and a FIFO are
written directly and stay what they are; a directory is refused in one line; every OS
error is one line. A small real SQLite database (Cyrillic names) is made once per module.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard
from cli_helpers import ROOT, assert_one_line_error, cleanwire, cli_env

from cleaners.model import CleanPage
from storage.engine import open_engine
from storage.repository import FetchRecord, PageRecord, Repository

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ROWS = 7


def page_record(i: int) -> PageRecord:
    body = f"текст статьи номер {i} " * 20
    page = CleanPage(
        url=f"https://site.example/news/{i}", canonical_url=None, page_type="article",
        title=f"Заголовок {i}", authors=["Лида Иванова"], published=T0, modified=None,
        language="ru", section=None, tags=["новости"], description=None, image=None,
        sitename=None, text=body, word_count=len(body.split()), content_hash=f"h{i}",
    )
    return PageRecord(page, FetchRecord(page.url, 200, fetched_at=T0), "site", "site.example")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "news.db"
    engine = open_engine(f"sqlite:///{path}")
    try:
        Repository(engine).store(None, [page_record(i) for i in range(ROWS)])
    finally:
        engine.dispose()
    return path


def export(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cleanwire("export", "--db", str(db), "--fields", "article_id,title,authors", *args)


def assert_rows(records: list[dict]) -> None:
    assert [r["article_id"] for r in records] == list(range(1, ROWS + 1))
    assert records[0]["title"] == "Заголовок 0"
    authors = records[0]["authors"]
    assert (json.loads(authors) if isinstance(authors, str) else list(authors)) == [
        "Лида Иванова"]


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize(("name", "read"), [
    ("a.jsonl", lambda p: jsonl(p.read_text())),
    ("a.json", lambda p: json.loads(p.read_text())),
    ("a.csv", lambda p: list(csv.DictReader(io.StringIO(p.read_text())))),
    ("a.jsonl.gz", lambda p: jsonl(gzip.decompress(p.read_bytes()).decode())),
    ("a.csv.gz", lambda p: list(csv.DictReader(io.StringIO(
        gzip.decompress(p.read_bytes()).decode())))),
    ("a.json.zst", lambda p: json.loads(zstandard.ZstdDecompressor().stream_reader(
        io.BytesIO(p.read_bytes())).read())),
])
def test_format_and_compression_follow_the_file_name(db: Path, tmp_path: Path, name: str,
                                                      read) -> None:
    out = tmp_path / name
    proc = export(db, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{ROWS} rows written to {out}")
    records = read(out)
    if name.startswith("a.csv"):
        for r in records:
            r["article_id"] = int(r["article_id"])
    assert_rows(records)
    assert "\\u" not in out.read_bytes().decode("latin-1")  # UTF-8, never \u escapes


def test_parquet_from_the_name(db: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "a.parquet"
    assert export(db, "-o", str(out)).returncode == 0
    assert_rows(pq.read_table(out).to_pylist())


def test_unknown_name_or_compressed_parquet_is_one_line(db: Path, tmp_path: Path) -> None:
    assert_one_line_error(export(db, "-o", str(tmp_path / "a.txt")), 1,
                          "cannot tell the format from the name 'a.txt'")
    assert_one_line_error(export(db, "-o", str(tmp_path / "a.parquet.gz")), 1,
                          "parquet is compressed inside already")
    assert list(tmp_path.iterdir()) == []
    # --format still decides when given
    assert export(db, "-o", str(tmp_path / "a.txt"), "--format", "csv").returncode == 0


def test_existing_file_without_and_with_force(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    out.write_text("keep me\n")
    assert_one_line_error(export(db, "-o", str(out)), 1, "exists: use --force")
    assert out.read_text() == "keep me\n"
    proc = export(db, "-o", str(out), "--force")
    assert proc.returncode == 0, proc.stderr
    assert_rows(jsonl(out.read_text()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]  # no temp file left


def test_directory_is_refused_in_one_line(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "dir.csv"
    target.mkdir()
    for extra in ((), ("--force",)):
        assert_one_line_error(export(db, "-o", str(target), *extra), 1, "is a directory")
    assert target.is_dir() and list(target.iterdir()) == []


def test_dash_streams_to_stdout(db: Path) -> None:
    proc = export(db, "-o", "-")
    assert proc.returncode == 0, proc.stderr
    assert_rows(jsonl(proc.stdout))  # JSON Lines by default, nothing else on stdout
    assert f"{ROWS} rows written to standard output" in proc.stderr
    assert not (ROOT / "-").exists()
    as_csv = export(db, "-o", "-", "--format", "csv")
    assert next(csv.reader(io.StringIO(as_csv.stdout))) == ["article_id", "title", "authors"]


def test_dash_in_process_with_a_text_stdout(db: Path) -> None:
    from cli_helpers import cli  # sys.stdout is a StringIO there, as in a notebook

    ran = cli("export", "--db", str(db), "-o", "-", "--fields", "article_id,title,authors")
    assert ran.returncode == 0, ran.stderr
    assert_rows(jsonl(ran.stdout))
    binary = cli("export", "--db", str(db), "-o", "-", "--format", "parquet")
    assert binary.returncode == 1 and "takes text only" in binary.stderr


def test_dev_stdout_is_written_not_replaced(db: Path, tmp_path: Path) -> None:
    # as root, a rename would replace the device node: it must be written through
    before = os.stat("/dev/stdout", follow_symlinks=False)
    for extra in ((), ("--force",)):
        proc = export(db, "-o", "/dev/stdout", *extra)
        assert proc.returncode == 0, proc.stderr
        assert_rows(jsonl(proc.stdout))
    after = os.stat("/dev/stdout", follow_symlinks=False)
    assert (after.st_ino, stat.S_ISLNK(after.st_mode)) == (before.st_ino,
                                                          stat.S_ISLNK(before.st_mode))
    null = os.stat("/dev/null")
    assert export(db, "-o", "/dev/null", "--force", "--format", "csv").returncode == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and os.stat("/dev/null").st_ino == (
        null.st_ino)


def test_fifo_is_written_directly(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    proc = export(db, "-o", str(fifo))
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a FIFO
    records = list(csv.DictReader(io.StringIO(got[0].decode())))
    for r in records:
        r["article_id"] = int(r["article_id"])
    assert_rows(records)


def test_os_errors_are_one_line(db: Path, tmp_path: Path) -> None:
    assert_one_line_error(export(db, "-o", "/proc/x.csv"), 1, "cannot write /proc/x.csv")
    assert_one_line_error(export(db, "-o", str(tmp_path / "no" / "a.csv")), 1,
                          "no such directory")
    if os.path.exists("/dev/full"):
        assert_one_line_error(export(db, "-o", "/dev/full", "--format", "csv"), 1,
                              "cannot write /dev/full: No space left on device")
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_broken_pipe_on_stdout_is_quiet(db: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "export", "--db", str(db),
                             "-o", "-"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=cli_env())
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err


def test_missing_zstandard_names_the_extra(db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocked" / "zstandard"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'zstandard'\", name='zstandard')\n")
    out = tmp_path / "a.jsonl.zst"
    proc = cleanwire("export", "--db", str(db), "-o", str(out),
                     env={"PYTHONPATH": f"{blocker.parent}:{ROOT}"})
    assert_one_line_error(proc, 1, "pip install 'cleanwire[analyst]'")
    assert not out.exists()
