"""sites.toml profiles: loading, validation errors, allow/deny filters, the shipped example."""

import re
from pathlib import Path

import pytest

from crawler.config import ConfigError, environment_overrides
from crawler.profiles import ProfileError, UrlFilter, adhoc_profile, load_profiles

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_loads_with_politeness_and_hosts(tmp_path):
    path = write(tmp_path, """
[sites.demo]
start_urls = ["https://www.demo.example/"]
feeds = ["https://feeds.demo.example/rss"]
allow = ['^/news/']
deny = ['/live/']
noise_selectors = [".promo"]
[sites.demo.politeness]
download_delay = 1.5
""")
    profile = load_profiles(path)["demo"]
    assert profile.all_hosts == {"demo.example", "feeds.demo.example"}
    assert profile.scrapy_settings() == {"DOWNLOAD_DELAY": 1.5}
    assert profile.noise_selectors == (".promo",)
    rule = UrlFilter.from_profile(profile)
    assert rule.accepts("https://demo.example/news/a")
    assert not rule.accepts("https://demo.example/news/live/a")
    assert not rule.accepts("https://demo.example/sport/a")


def test_a_site_crawler_takes_as_many_requests_as_its_hosts_may_fetch_at_once(tmp_path):
    """More would queue in Scrapy's downloader in arrival order, past the scheduler's
    priorities (robots.txt, feeds, sitemaps first)."""
    from crawler.runner import build_settings, site_concurrency

    settings = build_settings({})
    profile = load_profiles(write(tmp_path, """
[sites.demo]
start_urls = ["https://www.demo.example/"]
feeds = ["https://feeds.demo.example/rss"]
[sites.demo.politeness]
concurrent_requests_per_domain = 3
"""))["demo"]
    assert site_concurrency(profile, settings, profile.scrapy_settings()) == 6  # 3 x 2 hosts
    one_host = adhoc_profile(["https://demo.example/"])
    assert site_concurrency(one_host, settings, {}) == settings.getint(
        "CONCURRENT_REQUESTS_PER_DOMAIN") == 4
    busy = {"CONCURRENT_REQUESTS_PER_DOMAIN": 50}
    assert site_concurrency(profile, settings, busy) == settings.getint("CONCURRENT_REQUESTS")


@pytest.mark.parametrize("text, message", [
    ("[sites.x]\nstart_urls = ['ftp://a/']", "not an http(s) URL"),
    ("[sites.x]\nfeeds = []", "needs start_urls"),
    ("[sites.x]\nstart_urls = ['https://a/']\ncolour = 'red'", "unknown key"),
    ("[sites.x]\nstart_urls = ['https://a/']\nallow = ['(']", "bad pattern"),
    ("[sites.x]\nstart_urls = ['https://a/']\n[sites.x.politeness]\nspeed = 3", "politeness"),
    ("not toml [", "not valid TOML"),
])
def test_bad_profiles_raise_one_line_errors(tmp_path, text, message):
    with pytest.raises(ProfileError, match=re.escape(message)) as info:
        load_profiles(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_missing_file_is_a_profile_error(tmp_path):
    with pytest.raises(ProfileError, match="not found"):
        load_profiles(tmp_path / "nope.toml")


def test_shipped_example_profiles_are_valid():
    profiles = load_profiles(ROOT / "sites.example.toml")
    assert len(profiles) >= 4
    for profile in profiles.values():
        assert profile.start_urls or profile.feeds or profile.sitemaps


def test_adhoc_profile_rejects_non_web_urls():
    assert adhoc_profile(["https://a.example/x"]).name == "a.example"
    with pytest.raises(ProfileError):
        adhoc_profile(["file:///etc/passwd"])


def test_environment_overrides_are_typed():
    defaults = {"CLEANWIRE_BATCH_SIZE": 100, "CLEANWIRE_STORE": True, "OTHER": 1}
    env = {"CLEANWIRE_BATCH_SIZE": "7", "CLEANWIRE_STORE": "no", "OTHER": "2"}
    assert environment_overrides(defaults, env) == {"CLEANWIRE_BATCH_SIZE": 7,
                                                    "CLEANWIRE_STORE": False}
    with pytest.raises(ConfigError):
        environment_overrides(defaults, {"CLEANWIRE_BATCH_SIZE": "many"})


def test_the_settings_module_reads_no_environment(monkeypatch: pytest.MonkeyPatch):
    """Importing crawler.settings gives its defaults whatever the environment says; the
    environment is read when a crawl's settings are built (CLI and `scrapy crawl` alike)."""
    import importlib

    from crawler import settings as module
    from crawler.runner import build_settings
    from crawler.spiders.news import NewsSpider

    monkeypatch.setenv("CLEANWIRE_BATCH_SIZE", "7")
    monkeypatch.setenv("CLEANWIRE_CONTACT_URL", "https://ops.example/contact")
    monkeypatch.setenv("CLEANWIRE_REDIS_URL", "redis://127.0.0.1:6379/0")
    module = importlib.reload(module)
    assert module.CLEANWIRE_BATCH_SIZE == 100 and module.CLEANWIRE_REDIS_URL is None
    assert "SCHEDULER" not in vars(module) and "ops.example" not in module.USER_AGENT

    built = build_settings({"CLEANWIRE_MAX_PAGES": 5})
    assert built.getint("CLEANWIRE_BATCH_SIZE") == 7 and built.getint("CLEANWIRE_MAX_PAGES") == 5
    assert "ops.example/contact" in built.get("USER_AGENT")
    assert built.get("SCHEDULER") == module.SHARED_QUEUE_SETTINGS["SCHEDULER"]

    from scrapy.settings import Settings

    scrapy_way = Settings()
    scrapy_way.setmodule(module, priority="project")
    scrapy_way.set("CLEANWIRE_BATCH_SIZE", 3, priority="cmdline")  # scrapy crawl -s ...
    NewsSpider.update_settings(scrapy_way)
    assert scrapy_way.getint("CLEANWIRE_BATCH_SIZE") == 3  # -s wins over the environment
    assert "ops.example/contact" in scrapy_way.get("USER_AGENT")
    assert scrapy_way.get("SCHEDULER") == module.SHARED_QUEUE_SETTINGS["SCHEDULER"]
    monkeypatch.setenv("CLEANWIRE_BATCH_SIZE", "many")
    with pytest.raises(ConfigError):
        build_settings({})
