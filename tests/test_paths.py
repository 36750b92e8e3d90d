"""Paths mean what the user typed: --db, --sites and a relative sqlite:/// URL are resolved
against the directory cleanwire was started in, before any subprocess starts: for
`schedule` (whose crawls are subprocesses), `schedule --once`, `crawl --all`, a worker of
a shared crawl and `scrapy crawl news`, each run from a temporary directory, with the code
imported from the checkout or from a copy laid out as an installed package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import ROOT, cli_env, rows

from storage.engine import absolute_database_url

pytestmark = pytest.mark.slow


def run_in(cwd: Path, *args: str, env: dict[str, str] | None = None,
           python_path: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`python -P -m crawler ARGS` started in cwd, importing cleanwire from python_path."""
    full_env = cli_env({"PYTHONPATH": str(python_path), **(env or {})})
    return subprocess.run([sys.executable, "-P", "-m", "crawler", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=240, env=full_env)


def write_sites(path: Path, url: str) -> None:
    path.write_text(f'[sites.fixture]\nstart_urls = ["{url}"]\nevery = "1h"\n'
                    "[sites.fixture.politeness]\ndownload_timeout = 2\n"
                    "max_page_bytes = 1000000\n", encoding="utf-8")


@pytest.fixture
def workdir(tmp_path: Path, fixture_site) -> Path:
    """A directory outside the project holding a relative sites.toml for the fixture site."""
    fixture_site.slow_seconds = 0.1
    work = tmp_path / "work"
    work.mkdir()
    write_sites(work / "sites.toml", fixture_site.url("/"))
    return work


def stored(db: Path) -> int:
    return rows(db, "select count(*) from articles")[0][0]


def test_relative_sqlite_urls_are_made_absolute(tmp_path):
    assert absolute_database_url("sqlite:///news.db", tmp_path) == f"sqlite:///{tmp_path}/news.db"
    assert (absolute_database_url("sqlite+pysqlite:///a/../b.db", tmp_path)
            == f"sqlite+pysqlite:///{tmp_path}/b.db")
    for unchanged in ("sqlite:////abs/x.db", "sqlite://", "sqlite:///:memory:",
                      "sqlite:///file:x.db?mode=ro&uri=true", "postgresql+psycopg://u@h/db",
                      "not a url"):
        assert absolute_database_url(unchanged, tmp_path) == unchanged


def test_schedule_once_writes_where_it_was_started(workdir):
    db = workdir / "sched.db"
    proc = run_in(workdir, "schedule", "--once", "--sites", "sites.toml", "--db", "sched.db",
                  "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "fixture: crawl ended (ok)" in proc.stdout
    assert stored(db) > 0
    assert not (ROOT / "sched.db").exists()


def test_schedule_reads_relative_environment_paths_from_where_it_was_started(workdir):
    """CLEANWIRE_SITES and CLEANWIRE_DATABASE_URL=sqlite:///relative.db are the user's too."""
    proc = run_in(workdir, "schedule", "--once", "--workers", "1",
                  env={"CLEANWIRE_SITES": "sites.toml",
                       "CLEANWIRE_DATABASE_URL": "sqlite:///env-sched.db"})
    assert proc.returncode == 0, proc.stderr
    assert stored(workdir / "env-sched.db") > 0
    assert not (ROOT / "env-sched.db").exists()


def test_crawl_all_writes_where_it_was_started(workdir):
    proc = run_in(workdir, "crawl", "--all", "--sites", "sites.toml", "--db",
                  "sqlite:///all.db", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert f"database: sqlite:///{workdir / 'all.db'}" in proc.stdout  # where it went
    assert stored(workdir / "all.db") > 0


def test_scrapy_crawl_news_reads_and_writes_where_it_was_started(workdir):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=fixture",
         "-a", "sites=sites.toml", "-s", "CLEANWIRE_DATABASE_URL=sqlite:///native.db",
         "-s", "LOG_LEVEL=WARNING"],
        cwd=workdir, capture_output=True, text=True, timeout=240,
        env=cli_env({"PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert stored(workdir / "native.db") > 0


def test_a_worker_writes_where_it_was_started(workdir, fixture_site):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    queue = "redis://127.0.0.1:6379/0"
    prefix = {"CLEANWIRE_REDIS_PREFIX": f"cleanwire-test-paths-{os.getpid()}"}
    seed = run_in(workdir, "crawl", fixture_site.url("/"), "--redis", queue, "--db", "w.db",
                  env=prefix)
    assert seed.returncode == 0, seed.stderr
    work = run_in(workdir, "worker", "--redis", queue, "--db", "w.db", "--idle", "2",
                  "--workers", "1", env=prefix)
    assert work.returncode == 0, work.stderr
    assert f"database: sqlite:///{workdir / 'w.db'}" in work.stdout
    assert stored(workdir / "w.db") > 0


def installed_copy(target: Path) -> Path:
    """The packages laid out as `pip install .` puts them in site-packages (the
    [tool.setuptools] packages and their migrations), away from the checkout."""
    for package in ("crawler", "cleaners", "storage"):
        shutil.copytree(ROOT / package, target / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def test_schedule_with_the_code_installed_elsewhere_writes_where_it_was_started(
        workdir, tmp_path):
    """The crawl subprocesses import the same copy as the scheduler, and none of them writes
    beside the code (a regular install's site-packages) or in the checkout."""
    site_packages = installed_copy(tmp_path / "site-packages")
    proc = run_in(workdir, "schedule", "--once", "--sites", "sites.toml", "--db", "inst.db",
                  "--workers", "1", python_path=site_packages)
    assert proc.returncode == 0, proc.stderr
    assert stored(workdir / "inst.db") > 0
    assert not (site_packages / "inst.db").exists() and not (ROOT / "inst.db").exists()


def test_crawl_subprocesses_import_the_schedulers_cleanwire(monkeypatch, tmp_path):
    """Its directory goes first on PYTHONPATH, unless it is a site-packages directory (a
    regular install), which the interpreter finds after the standard library anyway."""
    import site

    from crawler import scheduler

    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setattr(scheduler, "ROOT", tmp_path / "checkout")
    assert scheduler.crawl_environment()["PYTHONPATH"].split(os.pathsep) == [
        str(tmp_path / "checkout"), str(tmp_path)]
    monkeypatch.setattr(scheduler, "ROOT", Path(site.getsitepackages()[0]))
    monkeypatch.delenv("PYTHONPATH")
    assert "PYTHONPATH" not in scheduler.crawl_environment()
    assert scheduler.crawl_command()[1:] == ["-P", "-m", "crawler"]  # not the user's folder
