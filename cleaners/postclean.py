"""Text-level post-clean on the extracted blocks.

Owns the line rules that need the text rather than the DOM (and drops the blocks
extract.py found after the article's container): cut at terminal
headings (a "Related News" / "Comments" heading that opens teasers or a
comment area, an "About the author" heading in the second half of the text),
drop cookie-consent and disclaimer paragraphs in the second half, an author
bio opening with the byline's name among the last blocks, link-only headlines, "read
also" paragraphs, widget remnants, ticker lines, datelines, bylines, copyright
lines, a truncated copy of the first paragraph, the title, repeated runs of
blocks and lines learned as site boilerplate. Vocabularies are data in
vocab.py. Blocks are typed (cleaners.block.Block: text, kind and extract's flags);
the line rules read their text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .block import Block
from .model import Metadata
from .vocab import (
    BIO_HEADINGS,
    BIO_VERBS,
    BYLINE_AGENCIES,
    BYLINE_NAME_WORDS,
    BYLINE_PREFIXES,
    BYLINE_SUFFIXES,
    COMMENT_HEADINGS,
    COOKIE_CONTEXT,
    COOKIE_WORDS,
    COPYRIGHT_MARKERS,
    COPYRIGHT_SIGNS,
    DATE_LABELS,
    DATE_WORDS,
    DISCLAIMER_PATTERNS,
    INTERRUPTION_LABELS,
    READ_ALSO_PREFIXES,
    TERMINAL_HEADINGS,
    TERMINAL_PREFIXES,
    WIDGET_PATTERNS,
)
from .words import count_words

_SPACE = re.compile(r"\s+")
_HEADING_TRIM = re.compile(r"[\s:：|»›>\-–—•·.…!]+$|^[\s|»›>\-–—•·]+")
_COUNT = re.compile(r"\s*[(\[]?\s*\d+\s*[)\]]?\s*$")
_WIDGET = re.compile(r"^(?:" + "|".join(WIDGET_PATTERNS) + r")[\s.!:]*$")
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_ELLIPSIS_ENDS = ("...", "…", "[…]", "[...]", "(…)")
_ELLIPSIS = re.compile(r"(?:\.{3,}|…|\[…\]|\[\.\.\.\]|\(…\))$")
_TICKER = re.compile(
    r"[▲▼△▽↑↓]|(?:^|\s)\(?[-+−]\s?\d+(?:[.,]\d+)?\s?%\)?|\(\s?[-+−]?\d+(?:[.,]\d+)?\s?%\s?\)"
)
_NUMBER = re.compile(r"[-+−]?\d[\d,.]*%?")
_YEAR = re.compile(r"(?:19|20)\d\d")
# a numeric date's parts: a year of four digits or a day/month of one or two, on both ends
# ("158-23-2012" is part of a phone number)
_NUMERIC_DATE = re.compile(
    r"(?<!\d)(?:\d{4}|\d{1,2})\s?[-./年]\s?\d{1,2}\s?[-./月]\s?(?:\d{4}|\d{1,2})(?!\d)")
_MONTHS = "|".join(sorted((w for w in DATE_WORDS if len(w) > 2 and w.isalpha()), key=len,
                          reverse=True))
_LEADING_DATE = re.compile(
    r"^(?:\w+,?\s+)?(?:(?:" + _MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}\.?\s+(?:" + _MONTHS + r")\.?,?\s+\d{4}"
    r"|\d{4}\s?[-./年]\s?\d{1,2}\s?[-./月]\s?\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})"
)
# after a leading date, a dateline may carry this many more words (a place, a section)
DATELINE_EXTRA_WORDS = 2
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_DATE_LABEL = re.compile(
    r"^(?:" + "|".join(re.escape(x) for x in sorted(DATE_LABELS, key=len, reverse=True))
    + r")\b\s*:?\s*", re.IGNORECASE,
)
_READ_ALSO = re.compile(
    r"^(?:" + "|".join(re.escape(x) for x in sorted(READ_ALSO_PREFIXES, key=len, reverse=True))
    + r")\s*[:：\-–—»›>]"
)
# a multi-word label run straight into a linked headline ("Les også En far for ...")
_READ_ALSO_BARE = re.compile(
    r"^(?:" + "|".join(re.escape(x) for x in sorted(
        (p for p in READ_ALSO_PREFIXES if " " in p), key=len, reverse=True))
    + r")\s+(?=[^\W\d_])", re.IGNORECASE
)
_BYLINE = re.compile(
    r"^(?:" + "|".join(re.escape(x) for x in sorted(BYLINE_PREFIXES, key=len, reverse=True))
    + r")\s*:?\s+\S", re.IGNORECASE
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
# the names of a byline end at the first of these ("Jane Doe — 10 min read", "Jane Doe, Reuters")
_NAMES_END = re.compile(r"\s*(?:[—–|·•/,(]|\s-\s)")
# the parts of a line of labels, dates and bylines ("12.12.2024, 10:30 Uhr · Von Katrin Vogel")
_META_SEPARATOR = re.compile(r"\s*[·|•]\s*|\s+[-–—]\s+")
_LABEL_KEYS = frozenset(DATE_LABELS) | frozenset(BYLINE_PREFIXES)

_COOKIE_CONTEXT = re.compile(
    r"(?<!\w)(?:"
    + "|".join(map(re.escape, sorted(set(COOKIE_CONTEXT), key=len, reverse=True)))
    + r")(?!\w)"
)

_DISCLAIMER = re.compile("|".join(DISCLAIMER_PATTERNS))
_BIO_VERB = re.compile(
    r"\s*(?:,[^,.]{1,80},)?\s*(?:" + "|".join(map(re.escape, BIO_VERBS)) + r")\b")

# a heading is at most this many words
HEADING_WORDS = 8
# a byline is at most this many words
BYLINE_WORDS = 8
# after a terminal heading, cut when at least this share of the following blocks
# are link-only or teaser-like
TEASER_SHARE = 0.5
# short lines (widgets, datelines, bylines, copyright) have at most this many characters
SHORT_LINE = 120
# a run of at least this many blocks that repeats an earlier run is dropped
REPEAT_RUN = 3
# a block of story text after an inline "read also" box has at least this many words (counted
# by cleaners.words, so that scripts without spaces count too); the story goes on after the
# box when at least STORY_AFTER_BLOCKS such blocks follow it, holding at least
# STORY_AFTER_SHARE of the characters before it
PROSE_WORDS = 15
STORY_AFTER_BLOCKS = 2
STORY_AFTER_SHARE = 0.2
# a card after a list heading: a heading of at most CARD_WORDS words, and the deck of at most
# DECK_CHARS characters under it
CARD_WORDS = 24
DECK_CHARS = 200
# ... when at least CARD_MIN such headings follow the list heading
CARD_MIN = 3
# a terminal heading followed by at most this many short blocks ends the story too
TAIL_BLOCKS = 2
TAIL_CHARS = 300
# a run of at least this many link-only blocks at the very end is a link list
TRAILING_LINKS = 2
# a bio heading cuts the text when at least this share of the text's characters precedes it
BIO_CUT_SHARE = 0.5
# the standfirst is compared with the next this many blocks
STANDFIRST_LOOKAHEAD = 3
# a disclaimer is a paragraph of at most this many characters
DISCLAIMER_CHARS = 800
# an author bio is one of the last BIO_TAIL_BLOCKS blocks, at most BIO_CHARS long
BIO_TAIL_BLOCKS = 3
BIO_CHARS = 1000
# a line naming only the page's authors is dropped among the first and last this many blocks
AUTHOR_LINE_BLOCKS = 3


@lru_cache(maxsize=8192)
def normalise_line(line: str) -> str:
    """The comparison form of a line: NFKC, casefolded, single spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", line)).strip().casefold()


def _heading_key(line: str) -> str:
    """A candidate heading in the vocabulary form: no trailing ':' or count."""
    key = _COUNT.sub("", normalise_line(line))
    return _HEADING_TRIM.sub("", key)


def _is_link_only(block: Block) -> bool:
    return block.link_only


def _is_trailing(block: Block) -> bool:
    return block.trailing


def _is_interruption(block: Block) -> bool:
    return block.interruption


def _kind(block: Block) -> str:
    return block.kind


def _ends_with_ellipsis(block: str) -> bool:
    return block.rstrip().endswith(_ELLIPSIS_ENDS)


def _is_teaser(block: Block) -> bool:
    return _is_link_only(block) or _ends_with_ellipsis(block.text)


def is_terminal_heading(line: str) -> bool:
    if len(line.split()) > HEADING_WORDS:
        return False
    key = _heading_key(line)
    if key in TERMINAL_HEADINGS or key in COMMENT_HEADINGS:
        return True
    return key.startswith(TERMINAL_PREFIXES) and len(key.split()) <= HEADING_WORDS // 2 + 2


def is_bio_heading(line: str) -> bool:
    """"About the author", "Reviewed by": a heading over a bio, not over story text."""
    return len(line.split()) <= HEADING_WORDS and _heading_key(line) in BIO_HEADINGS


def is_interruption_label(line: str) -> bool:
    """"Read next", "Lesen Sie auch", "Czytaj więcej", "関連記事": the label of a box of other
    stories, alone on its line."""
    if len(line.split()) > HEADING_WORDS:
        return False
    key = _heading_key(line)
    return key in INTERRUPTION_LABELS or (key in TERMINAL_HEADINGS and key not in COMMENT_HEADINGS)


def _opens_list(block: str) -> bool:
    """A heading over other stories; a "Read more" button label is not one."""
    return is_terminal_heading(block) or (is_interruption_label(block)
                                          and not is_widget_line(block))


def _is_prose(block: Block) -> bool:
    return (_kind(block) != "head" and count_words(block.text) >= PROSE_WORDS
            and not _is_teaser(block))


def _listy(block: Block) -> bool:
    return _is_teaser(block) or _opens_list(block.text) or _is_interruption(block)


def _box_end(blocks: list[Block], i: int) -> int:
    """End of the box opened at i: the blocks extract flagged with it, else its run of teasers."""
    end = i + 1
    if _is_interruption(blocks[i]):
        while end < len(blocks) and _is_interruption(blocks[end]):
            end += 1
        return end
    while end < len(blocks) and (_listy(blocks[end])
                                 or is_read_also(blocks[end].text, blocks[end].link_only)):
        end += 1
    return end


def _story_follows(blocks: list[Block], i: int, end: int) -> bool:
    """Story text after the box blocks[i:end]: enough prose, not mostly teasers."""
    rest = blocks[end:]
    prose = [b for b in rest if _is_prose(b)]
    if (len(prose) < STORY_AFTER_BLOCKS
            or sum(len(b.text) for b in prose)
            < STORY_AFTER_SHARE * sum(len(b.text) for b in blocks[:i])):
        return False  # no story after the box: a promotion, a bio, the site's blurb
    return sum(1 for b in rest if _listy(b)) < TEASER_SHARE * len(rest)


def _teasers(rest: list[Block]) -> int:
    """Teasers after a list heading: links, cut-off decks, list headings, and, when CARD_MIN
    short headings follow, cards (a short heading, or the one-sentence deck under one)."""
    cards = sum(1 for b in rest if _kind(b) == "head" and len(b.text.split()) <= CARD_WORDS)
    if cards < CARD_MIN:  # one heading and its paragraph are no list of cards
        return sum(1 for b in rest if _is_teaser(b) or _opens_list(b.text))
    count = 0
    for j, block in enumerate(rest):
        if _is_teaser(block) or _opens_list(block.text) or (
                _kind(block) == "head" and len(block.text.split()) <= CARD_WORDS) or (
                j > 0 and _kind(rest[j - 1]) == "head" and len(block.text) <= DECK_CHARS):
            count += 1
    return count


def _story_span(blocks: list[Block]) -> tuple[int, set[int]]:
    """Where the story ends, and the inline boxes of other stories to drop before it.

    A list heading ("Related", "Lesen Sie auch") whose teasers, or whose box (extract's
    interruption flags), are followed by story text is an interruption: it and its teasers
    go. Else the story ends at the first terminal heading that opens teasers or comments, or
    at a bio heading in the last part of the text.
    """
    total = sum(len(b.text) for b in blocks)
    seen = 0
    dropped: set[int] = set()
    i = 0
    while i < len(blocks):
        block = blocks[i]
        seen += len(block.text)
        if i > 0 and seen - len(block.text) >= BIO_CUT_SHARE * total and is_bio_heading(block.text):
            return i, dropped
        if i == 0 or not (_opens_list(block.text) or _is_interruption(block)):
            i += 1
            continue
        if _heading_key(block.text) in COMMENT_HEADINGS:
            return i, dropped
        end = _box_end(blocks, i)
        if end > i + 1 and _story_follows(blocks, i, end):
            dropped.update(range(i, end))
            seen += sum(len(b.text) for b in blocks[i + 1:end])
            i = end
            continue
        rest = blocks[i + 1:]
        if len(rest) <= TAIL_BLOCKS and sum(len(b.text) for b in rest) <= TAIL_CHARS:
            return i, dropped
        if _teasers(rest) >= TEASER_SHARE * len(rest):
            return i, dropped
        if _is_interruption(block):  # extract's box, with some text after it: the box goes
            dropped.update(range(i, end))
            seen += sum(len(b.text) for b in blocks[i + 1:end])
            i = end
            continue
        if _story_follows(blocks, i, i + 1):  # a label whose box the page left empty
            dropped.add(i)
        i += 1
    return len(blocks), dropped


def is_widget_line(line: str) -> bool:
    return len(line) <= SHORT_LINE and bool(_WIDGET.match(normalise_line(line)))


def is_ticker_line(line: str) -> bool:
    """SYMBOL price change (percent) lines of a market ticker."""
    if len(line) > SHORT_LINE or not _TICKER.search(line):
        return False
    numbers = _NUMBER.findall(line)
    words = [w for w in _WORD.findall(_NUMBER.sub(" ", line)) if not w.isdigit()]
    return len(numbers) >= 2 and len(words) <= 4


def is_dateline(line: str) -> bool:
    """A line that is only a date, possibly behind a label ("Published January 13, 2025")."""
    if len(line) > SHORT_LINE // 2 or not _DIGIT.search(line):
        return False
    key = normalise_line(line)
    rest = _DATE_LABEL.sub("", key, count=1)
    dated = _LEADING_DATE.match(rest)
    if dated:
        extra = [w for w in _WORD.findall(rest[dated.end():])
                 if not _DIGIT.search(w) and w not in DATE_WORDS]
        if len(extra) <= DATELINE_EXTRA_WORDS:
            return True
    words = [w for w in _WORD.findall(rest) if not w.isdigit()]
    if not all(w in DATE_WORDS or _DIGIT.search(w) for w in words):
        return False
    # a date needs a month name, a numeric date or a label: not "$10,000 – $20,000"
    return rest != key or bool(_NUMERIC_DATE.search(rest)) or any(
        w in DATE_WORDS and len(w) > 2 for w in words
    )


def is_copyright_line(line: str) -> bool:
    """"© 2025 Example News", "All rights reserved", "무단 전재-재배포 금지"."""
    if len(line) > SHORT_LINE * 2:
        return False
    key = normalise_line(line).lstrip("<([ ")
    if any(marker in key for marker in COPYRIGHT_MARKERS):
        return True
    return key.startswith(COPYRIGHT_SIGNS) and bool(_YEAR.search(key))


def _name_shaped(text: str) -> bool:
    """Words of names up to the first separator: capitalised (or in a script without case),
    initials, joiners, particles and lower-case agency names; at least one name word."""
    words = _NAME_WORD.findall(_NAMES_END.split(text, maxsplit=1)[0])
    named = False
    for word in words:
        folded = word.casefold().rstrip(".")
        if folded in BYLINE_AGENCIES:
            named = True
            continue
        if folded in BYLINE_NAME_WORDS:
            continue
        if word[0].islower():
            return False
        named = True
    return named


def is_byline(line: str) -> bool:
    """"By Jane Doe", "Von Katrin Vogel", "Автор: Иван Петров", "김민수 기자 minsu@example.kr".

    After its prefix a byline holds names only (_name_shaped): "Von Berlin aus fuhr er" and
    "By the end of the year" are sentences."""
    if len(line) > SHORT_LINE // 2:
        return False
    key = normalise_line(_EMAIL.sub("", line))
    words = key.split()
    if not words or len(words) > BYLINE_WORDS:
        return False
    if _BYLINE.match(key):
        text = _SPACE.sub(" ", unicodedata.normalize("NFKC", _EMAIL.sub("", line))).strip()
        prefix = _BYLINE.match(text)
        return (not key.endswith((".", "!", "?")) and prefix is not None
                and _name_shaped(text[prefix.end() - 1:]))
    return any(words[i] in BYLINE_SUFFIXES for i in range(min(len(words), 3)))


def is_label(line: str) -> bool:
    """A date or byline label alone: "Published", "Veröffentlicht", "- Aktualisiert am", "Von"."""
    return len(line) <= SHORT_LINE // 2 and _heading_key(line) in _LABEL_KEYS


def is_meta_line(line: str) -> bool:
    """A line of labels, dates, times and bylines only, in parts ("Uppdaterad 15.59 |
    Publicerad 14.14", "12.12.2024, 10:30 Uhr · Von Katrin Vogel")."""
    if len(line) > SHORT_LINE or (not _DIGIT.search(line) and not _BYLINE.match(line.strip())):
        return False
    parts = [part for part in _META_SEPARATOR.split(line.strip()) if part.strip()]
    return len(parts) >= 2 and all(
        is_dateline(part) or is_label(part) or is_byline(part) or is_widget_line(part)
        for part in parts)


def is_author_line(block: str, authors: list[str]) -> bool:
    """A short line naming only the page's authors ("Mohloai Mpesi", "A. Kuzyshyn, K. Hasymova")."""
    if not authors or len(block) > SHORT_LINE:
        return False
    names = [[w.casefold() for w in _NAME_WORD.findall(name)] for name in authors]
    known = {w for name in names for w in name}
    words = [w.casefold() for w in _NAME_WORD.findall(block)]
    words = [w for w in words if w not in BYLINE_NAME_WORDS]
    if not words or _DIGIT.search(block) or not all(w in known for w in words):
        return False
    present = set(words)
    return any(name and all(w in present for w in name) for name in names)


def is_cookie_notice(block: str) -> bool:
    """A consent banner's paragraph: cookies named twice or more, next to site/consent words."""
    key = normalise_line(block)
    if sum(key.count(word) for word in COOKIE_WORDS) < 2:
        return False
    return bool(_COOKIE_CONTEXT.search(key))


def is_read_also(block: str, link_only: bool = False) -> bool:
    """An inline "Read also: <headline>" paragraph (link_only: the page shows it as a link)."""
    key = normalise_line(block)
    if _READ_ALSO.match(key):
        return link_only or len(block) <= SHORT_LINE
    # a label run into a headline: short, no sentence, the headline capitalised
    if len(block) > SHORT_LINE or block.rstrip().endswith((".", "!", "?", "。")):
        return False
    line = _SPACE.sub(" ", unicodedata.normalize("NFKC", block)).strip()
    label = _READ_ALSO_BARE.match(line)
    return label is not None and not line[label.end()].islower()


def _repeated_runs(keys: list[str]) -> set[int]:
    """Indexes of blocks inside a run of REPEAT_RUN blocks already seen earlier."""
    first: dict[tuple[str, ...], int] = {}
    drop: set[int] = set()
    for i in range(len(keys) - REPEAT_RUN + 1):
        run = tuple(keys[i:i + REPEAT_RUN])
        start = first.setdefault(run, i)
        if start + REPEAT_RUN <= i:
            drop.update(range(i, i + REPEAT_RUN))
    return drop


def _is_link_paragraph(block: Block) -> bool:
    """A paragraph that is nothing but a link: an inline related headline."""
    return _is_link_only(block) and _kind(block) == "p"


def _trailing_links(blocks: list[Block]) -> int:
    """Start of the run of link-only blocks that ends the text (a link list after the story)."""
    end = len(blocks)
    while end > 0 and _is_link_only(blocks[end - 1]):
        end -= 1
    return end if len(blocks) - end >= TRAILING_LINKS else len(blocks)


def _is_standfirst_copy(block: str, following: list[str]) -> bool:
    """A truncated copy ('...') of a paragraph that follows."""
    if not _ends_with_ellipsis(block):
        return False
    stem = normalise_line(_ELLIPSIS.sub("", block.rstrip()))
    if len(stem) < 20:
        return False
    return any(normalise_line(b).startswith(stem) for b in following)


def is_disclaimer(block: str) -> bool:
    """"For informational purposes only", "does not constitute legal advice", "views ...
    do not necessarily reflect ...": the site's disclaimer paragraph."""
    return len(block) <= DISCLAIMER_CHARS and bool(_DISCLAIMER.search(normalise_line(block)))


def is_author_bio(block: str, authors: list[str]) -> bool:
    """A paragraph opening with a byline's full name and a bio verb ("Jane Doe is ...")."""
    if len(block) > BIO_CHARS:
        return False
    for name in authors:
        if len(name.split()) >= 2 and block.startswith(name) and _BIO_VERB.match(
                block[len(name):]):
            return True
    return False


def is_noise_line(block: str, link_only: bool = False) -> bool:
    """Site-independent one-line noise: widgets, tickers, datelines, bylines, rights
    (link_only: the page shows the line as a link)."""
    return (
        is_widget_line(block)
        or is_ticker_line(block)
        or is_dateline(block)
        or is_byline(block)
        or is_label(block)
        or is_meta_line(block)
        or is_copyright_line(block)
        or is_read_also(block, link_only)
    )


def _is_boilerplate(key: str, boilerplate: frozenset[str]) -> bool:
    return key in boilerplate or key.rstrip(":：") in boilerplate


def drop_boilerplate_lines(block: str, boilerplate: frozenset[str]) -> str:
    """A multi-line block (table, <br> lines) without its learned boilerplate lines."""
    if not boilerplate or "\n" not in block:
        return block
    lines = [ln for ln in block.split("\n") if not _is_boilerplate(normalise_line(ln), boilerplate)]
    return "\n".join(lines).strip()


def postclean(
    blocks: list[Block], meta: Metadata, boilerplate: frozenset[str] = frozenset()
) -> list[str]:
    """The texts of the story's blocks, noise removed, in order.

    boilerplate holds normalise_line() forms of lines learned as recurring on the
    site; they are dropped whole, and from inside multi-line blocks.
    """
    blocks = [block for block in blocks if not _is_trailing(block)]
    end, boxes = _story_span(blocks)
    blocks = [block for i, block in enumerate(blocks[:end]) if i not in boxes]
    blocks = blocks[:_trailing_links(blocks)]
    title = normalise_line(meta.title or "")
    texts = [block.text for block in blocks]
    keys = [normalise_line(text) for text in texts]
    repeated = _repeated_runs(keys)
    out: list[str] = []
    for i, (block, text, key) in enumerate(zip(blocks, texts, keys, strict=True)):
        if not key or key == title or _is_boilerplate(key, boilerplate):
            continue
        if i in repeated or _is_link_paragraph(block) or is_noise_line(text, block.link_only):
            continue
        if i >= len(blocks) // 2 and (is_cookie_notice(text) or is_disclaimer(text)):
            continue
        if i >= len(blocks) - BIO_TAIL_BLOCKS and is_author_bio(text, meta.authors):
            continue
        if (i < AUTHOR_LINE_BLOCKS or i >= len(blocks) - AUTHOR_LINE_BLOCKS) and is_author_line(
                text, meta.authors):
            continue
        if _is_standfirst_copy(text, texts[i + 1:i + 1 + STANDFIRST_LOOKAHEAD]):
            continue
        text = drop_boilerplate_lines(text, boilerplate)
        if text:
            out.append(text)
    return out
