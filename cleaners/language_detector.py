"""langdetect's detection, computed the same way at about half the cost.

langdetect (1.0.9, its last release) walks the text one character at a time in
Python several times over and updates 55 probabilities in index loops. This port
runs the same algorithm on langdetect's own profiles and gives the same
probabilities, bit for bit (tests/test_language.py compares it with
langdetect.Detector on many texts):

* the text prepared as langdetect does (URLs and e-mail addresses blanked,
  Vietnamese marks folded, 10,000 characters at most, runs of spaces collapsed),
  Latin letters counted and removed by regular expressions (langdetect's test
  against "Latin Extended Additional" compares a block number with a name and is
  always true: every character from U+0300 counts as non-Latin, here as there);
* characters normalised by langdetect's NGram.normalize through a translation
  table filled as characters are met; n-grams cut word by word, in the same order;
* the profiles held as one float64 matrix (shared by forked workers, no Python
  float objects), each step's update one vectorised multiply of the same
  products, sums taken left to right as Python's sum() does, and the same random
  draws (a seeded gauss per trial, a choice per step) in the same order.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.utils.ngram import NGram

_SPACES = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', the six signs between included
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")
_WORD_CACHE = 20_000  # words whose n-gram rows are remembered (a few MB)


class _Normalised(dict[int, str]):
    """str.translate table: code point -> NGram.normalize(character), filled on demand."""

    def __missing__(self, code: int) -> str:
        value = self[code] = NGram.normalize(chr(code))
        return value


@dataclass(frozen=True)
class LanguageModel:
    """langdetect's profiles: the languages and, per n-gram, its row of probabilities."""

    languages: tuple[str, ...]
    rows: dict[str, int]
    matrix: np.ndarray  # (n-grams, languages)
    normalised: _Normalised
    word_rows: dict[str, tuple[int, ...]]  # " word " -> its n-grams' rows, filled as met

    @classmethod
    def load(cls) -> LanguageModel:
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        table = factory.word_lang_prob_map
        matrix = np.array(list(table.values()), dtype=np.float64)
        return cls(tuple(factory.langlist), {gram: i for i, gram in enumerate(table)}, matrix,
                   _Normalised(), {})


def prepare(text: str, max_length: int = 10_000) -> str:
    """Detector.append + Detector.cleaning_text."""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = _SPACES.sub(" ", NGram.normalize_vi(text)[:max_length])
    if len(_LATIN.findall(text)) * 2 < len(_NON_LATIN.findall(text)):
        text = _LATIN.sub("", text)
    return text


def ngram_rows(model: LanguageModel, text: str) -> list[int]:
    """Detector._extract_ngrams, as profile rows: the 1-3-grams of each word (a space
    before it, one after unless it ends the text) that the profiles know, in text
    order; nothing at a capital that follows a capital. A word's n-grams depend on it
    alone, so they are cut once per word and remembered (model.word_rows)."""
    normal = text.translate(model.normalised)
    words = [word for word in normal.split(" ") if word]
    last = len(words) - 1
    cache = model.word_rows
    found: list[int] = []
    for index, word in enumerate(words):
        padded = f" {word} " if index < last or normal.endswith(" ") else f" {word}"
        rows = cache.get(padded)
        if rows is None:
            if len(cache) >= _WORD_CACHE:
                cache.clear()
            rows = cache[padded] = _word_rows(model.rows, padded)
        found.extend(rows)
    return found


def _word_rows(known: dict[str, int], padded: str) -> tuple[int, ...]:
    found: list[int] = []
    before_upper = False
    for i in range(1, len(padded)):
        ch = padded[i]
        upper = ch.isupper()
        if upper and before_upper:
            continue
        before_upper = upper
        for gram in (ch, padded[i - 1:i + 1], padded[i - 2:i + 1] if i >= 2 else ""):
            row = known.get(gram) if gram != " " else None
            if row is not None:
                found.append(row)
    return tuple(found)


def probabilities(model: LanguageModel, text: str, seed: int = 0) -> list[tuple[str, float]]:
    """Detector.get_probabilities on text (languages over 0.1, most likely first);
    [] when the text has no n-gram the profiles know."""
    rows = ngram_rows(model, prepare(text))  # choice() draws from them as from the n-grams
    if not rows:
        return []
    matrix, trials = model.matrix, 7
    rng = random.Random()
    rng.seed(seed)
    total_prob = [0.0] * len(model.languages)
    start = np.full(len(model.languages), 1.0 / len(model.languages))
    for _ in range(trials):
        prob = start
        alpha = Detector.ALPHA_DEFAULT + rng.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        weight = alpha / Detector.BASE_FREQ
        i = 0
        while True:
            prob = prob * (weight + matrix[rng.choice(rows)])
            if i % 5 == 0:
                values = prob.tolist()
                total = sum(values)
                prob = prob / total
                if max(values) / total > Detector.CONV_THRESHOLD or (
                        i >= Detector.ITERATION_LIMIT):
                    break
            i += 1
        total_prob = [acc + p / trials for acc, p in zip(total_prob, prob.tolist(), strict=True)]
    ranked = [(lang, p) for lang, p in zip(model.languages, total_prob, strict=True)
              if p > Detector.PROB_THRESHOLD]
    ranked.sort(key=lambda pair: pair[1], reverse=True)
    return ranked
