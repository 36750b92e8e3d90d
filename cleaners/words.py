"""Word counts for every script: spaces where a script has them, characters where it has none.

The rule (docs/schema.md, "word_count"): a run of letters or digits between spaces is one
word, except in the scripts written without spaces between words, whose letters are
counted in characters and turned into words at a fixed rate:

- Han, Hiragana, Katakana (Chinese, Japanese): CJK_CHARS_PER_WORD characters a word, close to
  the mean word length of segmented Chinese and Japanese news text;
- Thai, Lao, Khmer, Myanmar (and Tibetan): SEA_CHARS_PER_WORD code points a word, vowel
  signs and tone marks included.

Hangul is written with spaces and counts as any spaced script. A token that mixes scripts
("GDP増加") counts its spaced part as one word and its characters at their rate. Every length
threshold of the cleaner that counts words goes through count_words, so a 300-character
Japanese story weighs like a 150-word English one; a threshold in characters goes through
text_length, which weighs an unspaced script's character by the words it stands for.
"""

from __future__ import annotations

import re

CJK_CHARS_PER_WORD = 2.0
SEA_CHARS_PER_WORD = 5.0
#: characters of a spaced script per word, its space included (English news: 4.9 letters + 1);
#: text_length() weighs a character of an unspaced script by this over its own rate
LATIN_CHARS_PER_WORD = 6.0
#: Hangul syllables per Korean word (eojeol), its space included: Korean is spaced, so
#: count_words splits it on spaces, but its words are short in characters
HANGUL_CHARS_PER_WORD = 4.0

# scripts without spaces between words (ranges of their letters and marks)
_CJK = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u31f0-\u31ff"  # Katakana extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
_SEA = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u19e0-\u19ff"  # Khmer symbols
    "\uaa60-\uaa7f"  # Myanmar extended-A
)
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"  # Jamo, compatibility Jamo, syllables
_CJK_CHAR = re.compile(f"[{_CJK}]")
_HANGUL_CHAR = re.compile(f"[{_HANGUL}]")
_WEIGHTED = re.compile(f"[{_CJK}{_SEA}{_HANGUL}]")
_SEA_CHAR = re.compile(f"[{_SEA}]")
_UNSPACED = re.compile(f"[{_CJK}{_SEA}]+")
_SPACED_WORD = re.compile(r"[^\W_]")  # a token with a letter or digit of a spaced script


def count_words(text: str) -> int:
    """Words in text by the rule of the module docstring (0 for empty text)."""
    if not text:
        return 0
    if not _UNSPACED.search(text):
        return len(text.split())
    spaced = 0
    for token in text.split():
        rest = _UNSPACED.sub(" ", token)
        if rest == token or _SPACED_WORD.search(rest):
            spaced += 1 if rest == token else len(rest.split())
    cjk = len(_CJK_CHAR.findall(text))
    sea = len(_SEA_CHAR.findall(text))
    return spaced + round(cjk / CJK_CHARS_PER_WORD + sea / SEA_CHARS_PER_WORD)


def text_length(text: str) -> int:
    """Length of text in characters of a Latin-script text of as many words: a Han or kana
    character counts LATIN_CHARS_PER_WORD / CJK_CHARS_PER_WORD (3), a Hangul syllable
    LATIN_CHARS_PER_WORD / HANGUL_CHARS_PER_WORD (1.5), a Thai, Lao, Khmer or Myanmar one
    LATIN_CHARS_PER_WORD / SEA_CHARS_PER_WORD (1.2), every other character 1. Character
    thresholds (a prose paragraph, a headline link) compare this, so 100 Japanese characters
    weigh like 300 English ones, the same 50 words."""
    if not text or not _WEIGHTED.search(text):
        return len(text)
    cjk = len(_CJK_CHAR.findall(text))
    sea = len(_SEA_CHAR.findall(text))
    hangul = len(_HANGUL_CHAR.findall(text))
    return round(len(text) - cjk - sea - hangul
                 + cjk * LATIN_CHARS_PER_WORD / CJK_CHARS_PER_WORD
                 + sea * LATIN_CHARS_PER_WORD / SEA_CHARS_PER_WORD
                 + hangul * LATIN_CHARS_PER_WORD / HANGUL_CHARS_PER_WORD)


def has_unspaced_script(text: str) -> bool:
    """True when text holds letters of a script written without spaces between words."""
    return bool(_UNSPACED.search(text))
