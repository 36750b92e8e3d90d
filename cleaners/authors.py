"""Authors as a list of clean names: JSON-LD, meta tags, then bylines on the page.

Order: JSON-LD author (with @id references resolved) and meta tags first;
then a byline cue ("By", "Von", "Автор:") next to the headline; then
itemprop/rel=author/byline-classed elements outside comments and sidebars.
A declared author that is only the site or an Organization gives way to a
person's byline shown on the page.  A byline string is cut into names:
prefixes and job suffixes ("기자", "記者") go, joiners ("and", "und", "и", ",")
split, emails, dates, credentials ("MD", "PhD") and job titles are dropped.
An organisation counts when it is the byline ("Reuters").

Every name, whatever its source, passes one validator (is_author_name): a person
or an organisation in any script, not code ("window._x.push {"), not a label
("Veröffentlicht am", "Beitrag von"), not a sentence fragment ("Syrian defense
ministries"), without dangling punctuation ("Deutsche Welle (" -> "Deutsche Welle").
A byline that is mostly fragments is a sentence, and gives no names at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from .metadata_dom import (
    ClassIndex,
    JsonLd,
    clean_text,
    in_noise_region,
    spaced_text,
    text_of,
    text_window,
    types_of,
)
from .metadata_vocab import (
    BYLINE_CUES,
    BYLINE_PREFIXES,
    COUNTRIES,
    CREDENTIALS,
    DANGLING_WORDS,
    JUNK_AUTHORS,
    MODIFIED_LABELS,
    NAME_JOINERS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    PUBLISHED_LABELS,
    ROLE_TITLES,
    ROLE_WORDS,
)
from .metadata_vocab import MONTHS as _MONTHS
from .model import SOURCE_BYLINE, SOURCE_JSON_LD, SOURCE_META, SOURCE_MICRODATA

AUTHOR_META = (
    "author", "article:author", "og:article:author", "parsely-author", "sailthru.author",
    "dc.creator", "dcterms.creator", "citation_author", "byl", "authors", "article:author_name",
    "author_name", "cxenseparse:author",
)
# Keys repeated once per author, each value one "Last, First" name.
ONE_NAME_PER_VALUE = frozenset({"citation_author", "dc.creator", "dcterms.creator"})
# Yoast-style "twitter:label1 = Written by" / "twitter:data1 = Jane Doe" pairs.
LABELLED_META = (("twitter:label1", "twitter:data1"), ("twitter:label2", "twitter:data2"))
AUTHOR_LABELS = ("written by", "author", "by", "geschrieben von", "verfasst von", "écrit par",
                 "escrito por", "автор")
MAX_NAME_WORDS = 6
ORGANISATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation",
                                "educationalorganization", "governmentorganization",
                                "localbusiness", "ngo", "medicalorganization"})
MAX_NAME_CHARS = 60
MAX_BYLINE_CHARS = 150
MAX_LD_DEPTH = 6
_GLUED_BY = re.compile(r"^(?:[Bb]y|[Vv]on|[Pp]ar|[Pp]or)(?=[A-ZÀ-ÖØ-Þ])")
_STOP_PARTS = frozenset(NAME_JOINERS) | frozenset(BYLINE_PREFIXES)
_CAPS = re.compile(r"[A-Z]{1,6}(?:-[A-Z]{1,6})?\d*")
_CUE = re.compile(
    r"^(?:" + "|".join(re.escape(c) for c in sorted(BYLINE_CUES, key=len, reverse=True))
    + r")(?:\s*[:：]\s*|\s+|$)(.*)$", re.IGNORECASE | re.DOTALL)
_JOINER_PIECE = re.compile(
    r"^(?:[,;&]|" + "|".join(re.escape(j) for j in NAME_JOINERS) + r")$", re.IGNORECASE)
BEFORE_HEADLINE_CHARS = 200
AFTER_HEADLINE_CHARS = 500
MAX_CUE_DISTANCE = 12

_REL_AUTHOR = etree.XPath("//a[@rel='author' or contains(concat(' ', @rel, ' '), ' author ')]")
_ITEMPROP_AUTHOR = etree.XPath("//*[@itemprop='author' or @itemprop='creator']")
_ITEMPROP_NAME = etree.XPath(".//*[@itemprop='name']")
_BYLINE_CLASSED = re.compile(r"[Bb][Yy]-?[Ll]ine|uthor|writer|reporter|contributor|posted-by")
_NOT_BYLINE_TAGS = frozenset({"script", "style", "meta", "link", "img", "body", "html",
                              "article", "main", "svg", "picture", "source"})
_AUTHOR_LINKS = etree.XPath(
    ".//a[@rel='author' or contains(@href, '/author/') or contains(@href, '/authors/') "
    "or contains(@href, '/autor/') or contains(@href, '/auteur/') or contains(@href, '/profile/')"
    " or contains(@href, '/people/') or contains(@href, '/staff/') or contains(@href, '/writer')]")

_PREFIX = re.compile(
    r"^(?:" + "|".join(re.escape(p) for p in sorted(BYLINE_PREFIXES, key=len, reverse=True))
    + r")(?:\s*[:：\-–—]\s*|\s+)", re.IGNORECASE)
_SUFFIX = re.compile(
    r"\s*(?:" + "|".join(re.escape(s) for s in sorted(NAME_SUFFIXES, key=len, reverse=True))
    + r")\s*$")
_JOINERS = re.compile(
    r"\s*(?:[,;&/|·•、，；]|\s[-–—]\s|\s(?:" + "|".join(re.escape(j) for j in NAME_JOINERS)
    + r")\s)\s*")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NUMBER = re.compile(r"(?:^|\s)[^\s\w]*\d")  # a token that starts with a digit (a date)
# code, markup or template syntax: never in a name
_CODE = re.compile(r"[{}<>=\\`$]|\w\(|\(\)|\w\.\w+\.\w+\(|\b(?:function|var|window|document|"
                   r"null|undefined|true|false)\b[.(]|__")
_DANGLING_PUNCT = re.compile(r"[\s(\[{,;:/&+\-–—·•|»«›‹→]+$|^[\s)\]},;:/&+·•|»«›‹→]+")
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2}|com|net|org|info|news|online|media|blog)$",
                     re.IGNORECASE)
# three lower-case words in a row (cased scripts): a sentence, not a byline
_SENTENCE = re.compile(r"(?:\b[^\W\d_A-Z]*[a-zà-ÿ][^\W\d_]*\b[\s,]+){3}", re.UNICODE)
_GENERATED = re.compile(r"\d[^\W\d_]")  # a letter after a digit: a generated id
_BRANDLIKE = re.compile(r"[-.\d_]\w|\w[A-Z]")  # "revamp-it", "hessenschau.de", "eBay"
_KEEP_DOT = frozenset({"jr", "sr", "st"})
_LABELS = frozenset(PUBLISHED_LABELS) | frozenset(MODIFIED_LABELS)
_CUT = re.compile(
    r"\s+(?:[-–—|·•]\s+)?(?:(?:updated|published|posted|on|last updated|at)\b|[^\s\w]*\d|"
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d).*$",
    re.IGNORECASE)


def _is_credential(part: str) -> bool:
    """'MD', 'Ph.D.', 'RD', 'M.D. FACLM', 'E-RYT 200': every token a credential."""
    tokens = [t.strip(" .®") for t in part.replace(".", ". ").split() if t.strip(" .®")]
    if part.strip(" .®").lower() in CREDENTIALS:
        return True
    return bool(tokens) and all(
        t.lower() in CREDENTIALS or _CAPS.fullmatch(t) or t.isdigit() or len(t) == 1
        for t in tokens) and any(len(t) > 1 for t in tokens)


def _is_role(part: str) -> bool:
    """'Senior Editor', 'Head of Marketing', 'Trial Attorney': a job title, not a person."""
    return any(w.strip(",.").casefold() in ROLE_WORDS for w in part.split())


_ROLE_GLUE = frozenset({"of", "the", "and", "&", "for", "in", "at", "de", "der", "des", "du"})


def _only_role(name: str) -> bool:
    """'Head of Marketing', 'Senior Editor': every word a job word (or 'of', 'the')."""
    words = [w.strip(",.").casefold() for w in name.split()]
    return any(w in ROLE_WORDS for w in words) and all(
        w in ROLE_WORDS or w in _ROLE_GLUE for w in words)


def _trim_role(name: str) -> str:
    """'Zackery Cuevas Writer' -> 'Zackery Cuevas' (keeps 'Staff Reporter')."""
    words = name.split()
    while len(words) > 2 and words[-1].strip(",.").casefold() in ROLE_WORDS and (
            words[-1].strip(",.").casefold() in ROLE_TITLES
            or words[-2].strip(",.").casefold() in ROLE_WORDS):
        words.pop()
    return " ".join(words)


def _drop_initials(name: str) -> str:
    """'CM Craig McCarthy' (an avatar's initials glued on) -> 'Craig McCarthy'."""
    words = name.split()
    if len(words) >= 3 and words[0].isupper() and 1 < len(words[0]) <= 3:
        initials = "".join(w[0] for w in words[1:]).upper()
        if initials.startswith(words[0]):
            return " ".join(words[1:])
    return name


def _flip(name: str) -> str:
    """'Roy, Aniruddha' (citation style) -> 'Aniruddha Roy'."""
    last, _, first = name.partition(",")
    if first.strip() and len(last.split()) <= 2 and len(first.split()) <= 3:
        return f"{first.strip()} {last.strip()}"
    return name


def _balanced(name: str) -> str:
    """'Deutsche Welle (' -> 'Deutsche Welle'; '(AP)' and 'Jane Doe (AFP)' are kept."""
    for _ in range(3):
        trimmed = _DANGLING_PUNCT.sub("", name)
        if name.count("(") != name.count(")"):
            trimmed = trimmed.replace("(", " ").replace(")", " ")
        trimmed = " ".join(trimmed.split())
        if trimmed == name:
            break
        name = trimmed
    return name


def _with_dot(name: str, raw: str) -> str:
    """'Perry Bacon Jr.', 'Joe S.': the dot after a last initial or 'Jr' stays."""
    last = name.split()[-1] if name.split() else ""
    if raw.rstrip(" \"'”’*").endswith(".") and len(name.split()) > 1 and (
            (len(last) == 1 and last.isalpha()) or last.casefold() in _KEEP_DOT):
        return name + "."
    return name


def is_author_name(name: str) -> bool:
    """A person or an organisation, in any script: not code, a label, a lone small word,
    a sentence fragment (a lower-case word after a capitalised one) or a number."""
    words = name.split()
    if not words or _CODE.search(name) or _NUMBER.search(name) or _balanced(name) != name:
        return False
    folded = name.casefold().strip(" .:")
    if folded in _LABELS or folded in _STOP_PARTS or folded in JUNK_AUTHORS or (
            folded in COUNTRIES):
        return False
    last = words[-1]
    if last.casefold() in DANGLING_WORDS and last == last.lower():
        return False  # "Beitrag von", "Published on"
    if _DOMAIN.match(name):
        return True  # "mbl.is", "ORF.at"
    if len(words) == 1:
        return not _GENERATED.search(name)  # a handle, not "mdelatorreq6vkpg2ma0ci"
    cased = [w for w in words if w[:1].isalpha() and w[:1].upper() != w[:1].lower()]
    lower = [w for w in cased[1:] if w[:1].islower() and w.casefold() not in NAME_PARTICLES
             and w.casefold() not in _ORG_GLUE and w.casefold() not in ROLE_WORDS
             and not _BRANDLIKE.search(w)]
    # "jane doe" typed in lower case is a name, "wegewerk GmbH" a brand in lower case;
    # more than two lower-case words are a phrase ("spécialiste des questions européennes")
    if all(w[:1].islower() for w in cased):
        return len([w for w in cased if w.casefold() not in NAME_PARTICLES]) <= 2
    return not lower


# lower-case words that organisation names carry ("Redaktion hessenschau.de",
# "Bundesverband für Wald", "Museum of Art")
_ORG_GLUE = frozenset({"of", "for", "the", "and", "für", "und", "der", "die", "das", "des",
                       "de", "du", "la", "le", "les", "et", "del", "y", "di", "e", "van", "och",
                       "og", "i", "w", "z", "na", "&", "with", "mit", "avec", "con", "com",
                       "editors", "team", "desk", "staff", "redaktion", "reporters", "writers"})


def _clean_name(part: str, page_text: bool = False) -> str | None:
    if part.strip(" .:").casefold() in _STOP_PARTS:
        return None
    name = _SUFFIX.sub("", _GLUED_BY.sub("", part.strip(" .:-–—\"'“”‘’*")))
    name = _PREFIX.sub("", name).strip(" .:-–—\"'“”")
    name = _balanced(_SUFFIX.sub("", name).strip())
    if not name or _NUMBER.search(name):
        return None
    if ":" in name or "：" in name:
        return None  # "design: Scott McDaniel", a credit line, not a byline
    if page_text:
        name = _drop_initials(_trim_role(name))
    folded = name.casefold().rstrip(".")
    if folded in JUNK_AUTHORS or folded in _MONTHS or len(name) > MAX_NAME_CHARS:
        return None
    if "." in name and " " not in name and not name.endswith(".") and not _DOMAIN.match(name):
        return None  # 'page.head.author', a template placeholder ('mbl.is' is a site)
    if len(name.split()) > MAX_NAME_WORDS:
        return None
    return _with_dot(_doubled(name), part)


def _doubled(name: str) -> str:
    """"Kristen Falc'hon Kristen Falc'hon" (a name printed twice) -> once."""
    words = name.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half and words[:half] == words[half:]:
        return " ".join(words[:half])
    return name


def split_byline(raw: str, page_text: bool = False) -> list[str]:
    """'By Jane Doe and John Roe, MD · Jan 5, 2025' -> ['Jane Doe', 'John Roe'].

    A byline whose parts are mostly not names ("The Russian and Syrian defense
    ministries said") is a sentence: no names."""
    text = clean_text(raw)
    if _CODE.search(text):
        return []
    text = _URL.sub(" ", _EMAIL.sub(" ", text))
    text = " ".join(_HANDLE.sub(" ", _BRACKETS.sub(" ", text)).split())
    text = _PREFIX.sub("", text)
    text = _CUT.sub("", text)
    names: list[str] = []
    fragments = 0
    for index, part in enumerate(_without_dateline(_JOINERS.split(text))):
        name = _clean_name(part, page_text)
        if name and not is_author_name(name):
            name, fragments = _trim_dangling(name), fragments + 1
            if not is_author_name(name):
                if index == 0:
                    return []  # it opens with a sentence: a blurb or the text itself
                continue
            fragments -= 1
        elif not name and (_SENTENCE.search(part) or len(part.split()) > MAX_NAME_WORDS):
            if index == 0:
                return []  # "Jane Doe is a reporter covering health, science and climate"
            fragments += 1
        if not name or (names and (_is_credential(name) or _is_role(name))):
            continue
        if page_text and _only_role(name):
            continue  # "Head of Marketing" printed where a byline name would be
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names if fragments * 2 < len(names) + fragments or not fragments else []


def _without_dateline(parts: list[str]) -> list[str]:
    """'Jane Doe, Munich, Germany' -> ['Jane Doe']: a country and the one-word city before
    it are where the byline was written, not who wrote it."""
    out: list[str] = []
    for part in parts:
        if part.strip(" .").casefold() in COUNTRIES:
            if out and len(out[-1].split()) == 1 and len(out) > 0:
                out.pop()
            continue
        out.append(part)
    return out


def _trim_dangling(name: str) -> str:
    """'Houzz Deutschland vor' (before "3 Tagen") -> 'Houzz Deutschland'; a label of one
    word and its preposition ('Researched by') stays whole, and is no name."""
    words = name.split()
    while len(words) > 2 and words[-1] == words[-1].lower() and (
            words[-1].casefold() in DANGLING_WORDS):
        words.pop()
    return " ".join(words)


def _ld_names(value: Any, ld: JsonLd, depth: int = 0) -> list[str]:
    if depth > MAX_LD_DEPTH:
        return []
    value = ld.resolve(value)
    if isinstance(value, str):
        return [] if value.startswith(("http://", "https://", "/")) else split_byline(value)
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            name = " ".join(n for n in name if isinstance(n, str))
        if not isinstance(name, str) or not name.strip():
            given = clean_text(value.get("givenName"))
            family = clean_text(value.get("familyName"))
            name = f"{given} {family}".strip()
        return split_byline(name) if name else []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(n for n in _ld_names(item, ld, depth + 1) if n not in out)
        return out
    return []


def _from_jsonld(ld: JsonLd) -> list[str]:
    for obj in (ld.article, ld.page):
        for key in ("author", "creator"):
            if key in obj and (names := _ld_names(obj[key], ld)):
                return names
    return []


def _from_meta(meta: dict[str, list[str]]) -> list[str]:
    for label_key, data_key in LABELLED_META:
        label = (meta.get(label_key) or [""])[0].casefold()
        if label in AUTHOR_LABELS and (names := split_byline((meta.get(data_key) or [""])[0])):
            return names
    for key in AUTHOR_META:
        values = [v for v in meta.get(key, ()) if not v.startswith(("http://", "https://"))]
        if key in ONE_NAME_PER_VALUE:
            values = [_flip(v) for v in values]
        names: list[str] = []
        for value in values:
            names.extend(n for n in split_byline(value) if n not in names)
        if names:
            return names
    return []


def _node_names(node: HtmlElement) -> list[str]:
    inner = _ITEMPROP_NAME(node)
    if inner:
        return split_byline(inner[0].get("content") or text_of(inner[0]), page_text=True)
    if node.tag == "meta":
        return split_byline(node.get("content", ""))
    links = [text_of(a) for a in _AUTHOR_LINKS(node)]
    links = [t for t in links if t]
    if links:
        return [n for t in links for n in split_byline(t, page_text=True)]
    text = spaced_text(node)
    return split_byline(text, page_text=True) if len(text) <= MAX_BYLINE_CHARS else []


def looks_like_name(name: str) -> bool:
    """Capitalised words (particles allowed) or a single handle; no sentence."""
    words = name.split()
    if not words or len(words) > MAX_NAME_WORDS - 1 or name.endswith(("?", "!")):
        return False
    if len(words) == 1:
        return len(name) >= 2
    caps = [w for w in words if w[:1].isupper() or not w[:1].isalpha()]
    rest = [w for w in words if w not in caps and w.lower() not in NAME_PARTICLES]
    return not rest


def _after_cue(pieces: list[str], start: int, rest: str) -> str:
    """The byline text following a cue: the rest of its piece, or the next pieces
    while they are names and joiners ("By", "Jane Doe", "and", "John Roe")."""
    if rest.strip():
        chunks = [rest]
    elif start + 1 < len(pieces):
        chunks = [pieces[start + 1]]
        start += 1
    else:
        return ""
    index = start + 1
    while index + 1 < len(pieces) and _JOINER_PIECE.match(pieces[index].strip()):
        chunks += [pieces[index], pieces[index + 1]]
        index += 2
    return " ".join(chunks)


def from_headline(headline: HtmlElement | None) -> list[str]:
    """Names after a byline cue ("By", "Von", "Автор:") printed next to the headline."""
    if headline is None:
        return []
    before, after = text_window(headline, BEFORE_HEADLINE_CHARS, AFTER_HEADLINE_CHARS)
    pieces = after[:MAX_CUE_DISTANCE * 2] + before[-MAX_CUE_DISTANCE:]
    for index, piece in enumerate(pieces):
        match = _CUE.match(piece.strip())
        if not match:
            continue
        byline = _after_cue(pieces, index, match[1])
        names = [n for n in split_byline(byline, page_text=True) if looks_like_name(n)]
        if names:
            return names
    return []


def _BYLINE_SLOT(node: HtmlElement) -> bool:
    """A byline-classed element with words in it (not an avatar box or a lone button)."""
    return len(_LETTERS.findall(spaced_text(node)[:MAX_BYLINE_CHARS])) >= 2


_LETTERS = re.compile(r"[^\W\d_]{3}")


def _from_dom(tree: HtmlElement, index: ClassIndex) -> tuple[list[str], str]:
    """Names from itemprop=author (microdata), rel=author and byline-classed elements."""
    finders = (_ITEMPROP_AUTHOR, _REL_AUTHOR, lambda _tree: index.find(_BYLINE_CLASSED))
    sources = (SOURCE_MICRODATA, SOURCE_BYLINE, SOURCE_BYLINE)
    for finder, source in zip(finders, sources, strict=True):
        names: list[str] = []
        for node in finder(tree):
            if node.tag in _NOT_BYLINE_TAGS or in_noise_region(node):
                continue
            found = _node_names(node)
            for name in found:
                if name.casefold() not in {n.casefold() for n in names}:
                    names.append(name)
            if finder is finders[-1] and (names or (not found and _BYLINE_SLOT(node))):
                return names, source  # the first byline shown: its names, or none
        if names:
            return names, source
    return [], SOURCE_BYLINE


def _is_organisation(names: list[str], ld: JsonLd, is_site: Callable[[str], bool]) -> bool:
    """The byline is the site itself or a JSON-LD Organization."""
    if all(is_site(n) for n in names):
        return True
    author = ld.resolve(ld.article.get("author")) if ld.article else None
    if isinstance(author, list) and len(author) == 1:
        author = ld.resolve(author[0])
    kinds = {k.lower() for k in types_of(author)} if isinstance(author, dict) else set()
    return bool(kinds & ORGANISATION_TYPES)


def authors_and_source(tree: HtmlElement, meta: dict[str, list[str]], ld: JsonLd,
                       headline: HtmlElement | None = None,
                       is_site: Callable[[str], bool] = lambda _name: False,
                       index: ClassIndex | None = None) -> tuple[list[str], str | None]:
    """Clean author names, strongest source first, and where they were read (a model.SOURCE_*
    value; None when there are none: JSON-LD or meta when declared, else the byline the page
    shows, itemprop names: microdata).

    JSON-LD and meta authors come first, then a byline next to the headline,
    then rel/itemprop/class bylines, then a paragraph of bold names opening the text
    or signing it off (when those gave nothing but the site's name).  When the
    declared author is only the site or an organisation, a person's byline shown on
    the page wins; the site's own name listed next to people's names is dropped.
    """
    from_ld = _from_jsonld(ld)
    declared_source = SOURCE_JSON_LD if from_ld else SOURCE_META
    declared = _without_site(from_ld or _from_meta(meta), is_site)
    if declared and not _is_organisation(declared, ld, is_site):
        if any(len(name.split()) == 1 for name in declared):
            return _fuller(declared, from_headline(headline)), declared_source
        return declared, declared_source
    shown = _without_site(from_headline(headline), is_site)
    shown_source = SOURCE_BYLINE
    if not shown:  # no "By ..." next to the headline: a byline element, else a bold line
        in_dom, shown_source = _from_dom(tree, index or ClassIndex(tree))
        shown = _without_site(in_dom, is_site)
        if (not shown or all(is_site(n) for n in shown)) and (bold := _bold_line(headline)):
            shown, shown_source = bold, SOURCE_BYLINE
    if declared and shown and all(is_site(n) for n in shown):
        return declared, declared_source
    if shown:
        return shown, shown_source
    return declared, (declared_source if declared else None)


_PARAGRAPHS_AFTER = etree.XPath("following::p[position() <= 40]")
BOLD_TAGS = frozenset({"strong", "b"})
MAX_BOLD_LINE_WORDS = 4
LEAD_PARAGRAPHS = 3  # a bold name after the headline, under a short standfirst or two
MAX_DECK_WORDS = 25
MIN_BODY_PARAGRAPHS = 3  # a sign-off comes after at least this many paragraphs


def _bold_name(p: HtmlElement) -> list[str]:
    """'<p><strong>Mohloai Mpesi</strong></p>': a paragraph that is bold names only."""
    if len(p) != 1 or p[0].tag not in BOLD_TAGS or (p.text or "").strip() or (
            p[0].tail or "").strip():
        return []
    names = split_byline(clean_text(text_of(p)), page_text=True)
    if names and all(2 <= len(n.split()) <= MAX_BOLD_LINE_WORDS and looks_like_name(n)
                     for n in names):
        return names
    return []


def _bold_line(headline: HtmlElement | None) -> list[str]:
    """A byline printed as a paragraph of its own, bold names only: first after the
    headline (under a short standfirst), or a sign-off set to the right under the text."""
    if headline is None:
        return []
    paragraphs = [p for p in _PARAGRAPHS_AFTER(headline) if not in_noise_region(p)]
    texts = [p for p in paragraphs if text_of(p)]
    for p in texts[:LEAD_PARAGRAPHS]:
        if names := _bold_name(p):
            return names
        if len(text_of(p).split()) > MAX_DECK_WORDS:
            break  # the text has begun
    for index, p in enumerate(texts):
        if index >= MIN_BODY_PARAGRAPHS and _ALIGNED_RIGHT.search(
                f"{p.get('style', '')} {p.get('align', '')}") and (names := _bold_name(p)):
            return names  # a sign-off set to the right under the text
    return []


_ALIGNED_RIGHT = re.compile(r"text-align\s*:\s*right|^\s*right\b|\bright\s*$", re.IGNORECASE)


def _fuller(declared: list[str], shown: list[str]) -> list[str]:
    """'Todd' declared, 'By Todd Bates' shown: the name as the byline prints it in full."""
    out = []
    for name in declared:
        longer = [s for s in shown if len(name.split()) == 1 and len(s.split()) > 1
                  and s.split()[0].casefold() == name.casefold()]
        out.append(longer[0] if len(longer) == 1 else name)
    return out


def _without_site(names: list[str], is_site: Callable[[str], bool]) -> list[str]:
    """'Jane Doe, The Daily Example' -> ['Jane Doe']: the outlet next to a person's name."""
    people = [n for n in names if not is_site(n)]
    return people if people and len(people) < len(names) else names
