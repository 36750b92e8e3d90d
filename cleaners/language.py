"""Language of the clean text: langdetect, made deterministic, on a bounded sample.

Short texts fall back to the language the page declares. Codes are ISO 639-1
(plus zh-cn / zh-tw as langdetect gives them).
"""

from __future__ import annotations

from functools import lru_cache

from langdetect import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

_MIN_CHARS = 60


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    from langdetect.detector_factory import PROFILES_DIRECTORY

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory


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
    detector = _factory().create()
    detector.append(sample)
    try:
        return detector.detect()
    except LangDetectException:
        return None
