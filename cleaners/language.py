"""Language of the clean text: langdetect, made deterministic, on a bounded sample.

Short texts fall back to the language the page declares. Codes are ISO 639-1
(plus zh-cn / zh-tw as langdetect gives them). The detection is langdetect's
algorithm on its profiles, ported for speed with the same results
(cleaners/language_detector.py).
"""

from __future__ import annotations

from functools import lru_cache

from .language_detector import LanguageModel, probabilities

_MIN_CHARS = 60


@lru_cache(maxsize=1)
def language_model() -> LanguageModel:
    """langdetect's profiles, loaded once per process (a process pool loads them before
    it forks its workers, which then share them)."""
    return LanguageModel.load()


def normalise_declared(code: str | None) -> str | None:
    """'en-US' -> 'en', 'zh-TW' -> 'zh-tw', 'uk_UA' -> 'uk'; None for junk."""
    if not code:
        return None
    code = code.strip().replace("_", "-").lower()
    primary = code.split("-")[0]
    if primary == "zh":
        return "zh-tw" if any(t in code for t in ("tw", "hk", "hant")) else "zh-cn"
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def detect_language(text: str, declared: str | None = None, sample_chars: int = 2000) -> str | None:
    """Best language code for text; the declared code decides for short text."""
    declared = normalise_declared(declared)
    sample = text[:sample_chars]
    if len(sample.strip()) < _MIN_CHARS:
        return declared or _detect(sample)
    return _detect(sample) or declared


def _detect(sample: str) -> str | None:
    if not sample.strip():
        return None
    ranked = probabilities(language_model(), sample, seed=0)
    return ranked[0][0] if ranked else None
