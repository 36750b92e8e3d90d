"""Paths mean what the user typed: --db, --sites and a relative sqlite:/// URL are resolved
against the directory cleanwire was started in, before any subprocess starts: for
`schedule` (whose crawls are subprocesses), `schedule --once`, `crawl --all`, a worker of
a shared crawl and `scrapy crawl news`, each run from a temporary directory, with the code
imported from the checkout or from a regular (non-editable) `pip install` of it in a fresh
virtualenv."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import ROOT, cli_env, count_articles, rows

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
    assert count_articles(db) > 0
    assert not (ROOT / "sched.db").exists()


def test_schedule_reads_relative_environment_paths_from_where_it_was_started(workdir):
    """CLEANWIRE_SITES and CLEANWIRE_DATABASE_URL=sqlite:///relative.db are the user's too."""
    proc = run_in(workdir, "schedule", "--once", "--workers", "1",
                  env={"CLEANWIRE_SITES": "sites.toml",
                       "CLEANWIRE_DATABASE_URL": "sqlite:///env-sched.db"})
    assert proc.returncode == 0, proc.stderr
    assert count_articles(workdir / "env-sched.db") > 0
    assert not (ROOT / "env-sched.db").exists()


def test_crawl_all_writes_where_it_was_started(workdir):
    proc = run_in(workdir, "crawl", "--all", "--sites", "sites.toml", "--db",
                  "sqlite:///all.db", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert f"database: sqlite:///{workdir / 'all.db'}" in proc.stdout  # where it went
    assert count_articles(workdir / "all.db") > 0


def test_scrapy_crawl_news_reads_and_writes_where_it_was_started(workdir):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=fixture",
         "-a", "sites=sites.toml", "-s", "CLEANWIRE_DATABASE_URL=sqlite:///native.db",
         "-s", "LOG_LEVEL=WARNING"],
        cwd=workdir, capture_output=True, text=True, timeout=240,
        env=cli_env({"PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert count_articles(workdir / "native.db") > 0


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
    assert count_articles(workdir / "w.db") > 0


INSTALL_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.pyc", "build",
                                        "*.egg-info", "*.db", "*.db-*", ".*_cache", ".hypothesis",
                                        "out", "state")


@dataclass(frozen=True)
class Installed:
    """A virtualenv holding a regular (non-editable) `pip install` of this checkout."""

    venv: Path
    site_packages: Path

    def run(self, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """The installed `cleanwire` console script started in cwd, without PYTHONPATH."""
        env = {k: v for k, v in cli_env().items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        return subprocess.run([str(self.venv / "bin" / "cleanwire"), *args], cwd=cwd,
                              capture_output=True, text=True, timeout=240, env=env)

    def files(self) -> set[tuple[str, int]]:
        """Every file of site-packages but bytecode, with its size."""
        return {(str(p.relative_to(self.site_packages)), p.stat().st_size)
                for p in self.site_packages.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """`pip install --no-deps` of a copy of the checkout (setuptools builds in the source
    tree) into a fresh venv of this interpreter, without pip of its own; the dependencies
    come from this interpreter's site-packages, appended by a .pth line, whose own .pth
    files (an editable cleanwire's finder) are not run."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=INSTALL_IGNORE)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip())
    ours = [p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir()]
    (site_packages / "zz_cleanwire_test_deps.pth").write_text(
        "".join(f"{p}\n" for p in ours), encoding="utf-8")
    # with `wheel` here setuptools builds offline; else pip fetches setuptools and wheel
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("wheel") else []
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-cache-dir", "--disable-pip-version-check",
                           *isolation, str(source)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        if not isolation and any(word in proc.stderr for word in (
                "NewConnectionError", "No matching distribution found")):
            pytest.skip("pip install . needs setuptools and wheel from the package index "
                        "(unreachable) or `wheel` installed here")
        pytest.fail(f"pip install failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return Installed(venv, site_packages)


def test_the_installed_copy_is_what_runs(installed, tmp_path):
    """cleanwire, its packages and their migrations come from the venv's site-packages (not
    the checkout), as a regular install: no editable finder, direct_url not editable."""
    probe = ("import json, importlib.metadata as m, cleaners, cleanwire, crawler, storage\n"
             "from storage.engine import MIGRATIONS_DIR\n"
             "d = m.distribution('cleanwire')\n"
             "print(json.dumps({'files': [cleaners.__file__, cleanwire.__file__, "
             "crawler.__file__, storage.__file__, str(MIGRATIONS_DIR)], "
             "'dist': str(d.locate_file('')), 'direct_url': d.read_text('direct_url.json')}))")
    env = {k: v for k, v in cli_env().items() if k != "PYTHONPATH"}
    proc = subprocess.run([str(installed.venv / "bin" / "python"), "-c", probe], cwd=tmp_path,
                          capture_output=True, text=True, check=True, env=env)
    found = json.loads(proc.stdout)
    for path in found["files"]:
        assert Path(path).is_relative_to(installed.site_packages), path
    assert Path(found["dist"]) == installed.site_packages
    assert '"editable": true' not in found["direct_url"]
    migrations = installed.site_packages / "storage" / "migrations"
    shipped = {p.name for p in migrations.rglob("*") if p.is_file()}
    assert {"alembic.ini", "script.py.mako", "env.py"} <= shipped
    assert ({p.name for p in (ROOT / "storage/migrations/versions").glob("0*.py")}
            <= shipped)  # every migration of the checkout
    assert not (installed.site_packages.parent / "metadata.yml").exists()  # not in the wheel
    db = installed.run(tmp_path, "db", "upgrade", "--db", "fresh.db")
    assert db.returncode == 0, db.stderr
    assert rows(tmp_path / "fresh.db", "select count(*) from alembic_version")[0][0] == 1


def test_installed_schedule_and_crawl_all_write_where_they_were_started(installed, workdir):
    """From a directory outside the checkout, the installed `cleanwire` (and the crawl
    subprocesses of `schedule`) write the databases named relatively there, and nothing
    beside the code or in the checkout."""
    before, checkout = installed.files(), sorted(ROOT.iterdir())
    proc = installed.run(workdir, "schedule", "--once", "--sites", "sites.toml", "--db",
                         "rel.db", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "fixture: crawl ended (ok)" in proc.stdout
    assert count_articles(workdir / "rel.db") > 0
    proc = installed.run(workdir, "crawl", "--all", "--sites", "sites.toml", "--db", "rel2.db",
                         "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert f"database: sqlite:///{workdir / 'rel2.db'}" in proc.stdout
    assert count_articles(workdir / "rel2.db") > 0
    assert installed.files() == before
    assert not list(installed.venv.rglob("*.db"))
    assert sorted(ROOT.iterdir()) == checkout
    assert not (ROOT / "rel.db").exists() and not (ROOT / "rel2.db").exists()
    if importlib.util.find_spec("datasette"):  # no metadata.yml in a wheel: generated queries
        page = installed.run(workdir, "datasette", "rel.db", "--get", "/rel.json")
        assert page.returncode == 0, page.stderr
        assert '"report_articles_per_day"' in page.stdout, page.stdout[:2000]


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
