"""Language check on the peers' non-English pages: does the language found match the country?

    .venv/bin/python bench/eval_language.py         # Fundus (info.country), evaldata (info.region)
    .venv/bin/python bench/eval_language.py --show  # and list the pages that do not match

Fundus gives each publisher's country, trafilatura's evaldata a region for most pages. A
country accepts its main languages (COUNTRY_LANGUAGES: Switzerland de/fr/it/rm, Canada
en/fr, ...); a page in another language is not always wrong (a German weekly in Paraguay),
so the list is for reading, the rate for comparing before and after. Printed per set and per
half (publisher / domain hashed, as bench/devsets.py), with the page's declared language
(<html lang>, og:locale, JSON-LD inLanguage) beside: how often declared and found disagree,
and which of them matched the country when they did.
"""

from __future__ import annotations

import argparse
import os
import sys
from multiprocessing import Pool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devsets

# ISO 3166 alpha-2 or alpha-3 (lower case) -> languages (ISO 639-1, langdetect's codes)
COUNTRY_LANGUAGES: dict[str, frozenset[str]] = {
    code: frozenset(langs.split()) for codes, langs in (
        ("de deu at aut li lie", "de"),
        ("ch che", "de fr it rm"),
        ("de/ch", "de fr it"),
        ("us usa uk gbr gb au aus cym vir", "en"),
        ("ca can", "en fr"),
        ("za zaf", "en af"),
        ("ls lso", "en st"),
        ("tz tza", "sw en"),
        ("es esp", "es ca gl eu"),
        ("chl cl col co ven ve arg ar per pe bol bo", "es"),
        ("pry py", "es gn"),
        ("bra br", "pt"),
        ("fr fra", "fr"),
        ("be bel", "nl fr de"),
        ("lu lux", "lb de fr en"),
        ("it ita", "it"),
        ("pl pol", "pl"),
        ("cz cze", "cs"),
        ("ua ukr", "uk ru"),
        ("se swe", "sv"),
        ("no nor", "no nb nn"),
        ("isl is", "is"),
        ("lt ltu", "lt"),
        ("gl grl", "kl da"),
        ("jp jpn", "ja"),
        ("kr kor", "ko"),
        ("cn chn", "zh-cn"),
        ("vn vnm", "vi"),
        ("id idn", "id"),
        ("abw aw", "nl pap en es"),
    ) for code in codes.split()
}


def country_of(page: dict[str, Any]) -> str | None:
    info = page.get("info") or {}
    code = str(info.get("country") or info.get("region") or "").strip().lower()
    return code if code in COUNTRY_LANGUAGES else None


def _run(job: tuple[str, str, str]) -> tuple[str, str | None, str | None]:
    from cleaners import clean_page
    from cleaners.errors import CleanError
    from cleaners.language import normalise_declared
    from cleaners.metadata import extract_metadata
    from cleaners.pipeline import DEFAULT_OPTIONS, _parse

    key, url, html = job
    try:
        page = clean_page(html.encode("utf-8"), url)
        declared = extract_metadata(_parse(html.encode("utf-8"), DEFAULT_OPTIONS, None),
                                    url).declared_language
    except CleanError:
        return key, None, None
    return key, page.language, normalise_declared(declared)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="fundus,evaldata")
    parser.add_argument("--show", action="store_true", help="list the pages that do not match")
    args = parser.parse_args(argv)
    pages = [p for p in devsets.load_sets(args.sets.split(",")) if country_of(p)]
    for page in pages:
        page["key"] = f"{page['set']}/{page['id']}"
    with Pool(os.cpu_count() or 2) as pool:
        found = {k: (lang, dec) for k, lang, dec in pool.imap_unordered(
            _run, [(p["key"], p.get("url") or "", p["html"]) for p in pages], chunksize=8)}
    print(f"{'':10s}{'half':>5s}{'pages':>7s}{'matches':>9s}{'declared':>10s}"
          f"{'disagree':>10s}{'found ok':>10s}{'decl ok':>9s}")
    for name in args.sets.split(","):
        for half in ("all", "A", "B"):
            chosen = [p for p in pages if p["set"] == name and half in ("all", p["half"])]
            if not chosen:
                continue
            ok = [found[p["key"]][0] in COUNTRY_LANGUAGES[country_of(p) or ""] for p in chosen]
            dec_ok = [found[p["key"]][1] in COUNTRY_LANGUAGES[country_of(p) or ""]
                      for p in chosen]
            split = [i for i, p in enumerate(chosen) if found[p["key"]][1]
                     and found[p["key"]][1] != found[p["key"]][0]]
            print(f"{name:10s}{half:>5s}{len(chosen):7d}{sum(ok) / len(chosen):9.3f}"
                  f"{sum(dec_ok) / len(chosen):10.3f}{len(split):10d}"
                  f"{sum(ok[i] for i in split):10d}{sum(dec_ok[i] for i in split):9d}")
    if args.show:
        for page in pages:
            lang, declared = found[page["key"]]
            if lang not in COUNTRY_LANGUAGES[country_of(page) or ""] or lang != declared:
                print(f"{page['key']:40s} [{page['half']}] country={country_of(page)} "
                      f"found={lang} declared={declared} {str(page.get('url'))[:70]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
