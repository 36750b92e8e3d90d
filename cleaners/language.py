"""Language of the clean text: langdetect, made deterministic, on a bounded sample.

Short texts take the language the page declares. On a long text the evidence decides: the
detected language wins over the declared one, unless the declared one is among the
detector's own candidates (langdetect lists every language above 0.1: Norwegian declared
where Danish scores first, Spanish beside Galician) or is a language the detector has no
profile for (Icelandic, Zulu, Basque: it can neither confirm nor refute it). A declared
code that is no language ("utf", "x-default") counts as none. Codes are ISO 639-1
(plus zh-cn / zh-tw as langdetect gives them). The detection is langdetect's algorithm on
its profiles, ported for speed with the same results (cleaners/language_detector.py).
"""

from __future__ import annotations

from functools import lru_cache

from .language_detector import LanguageModel, probabilities

_MIN_CHARS = 60

# ISO 639-1, the codes a page may declare (data: the two-letter column of ISO 639-2)
_ISO_639_1_LINES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv",
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr",
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw",
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv",
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr",
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi",
    "yo za zh zu",
)
ISO_639_1 = frozenset(code for line in _ISO_639_1_LINES for code in line.split())
# withdrawn two-letter codes and the ISO 639-2 codes pages use most, as ISO 639-1
ALIASES = {"iw": "he", "in": "id", "ji": "yi", "eng": "en", "deu": "de", "ger": "de",
           "fra": "fr", "fre": "fr", "spa": "es", "ita": "it", "por": "pt", "rus": "ru",
           "nld": "nl", "dut": "nl", "pol": "pl", "swe": "sv", "jpn": "ja", "kor": "ko"}
# three letters that are no language ("utf" from a charset put in lang=, "und" undetermined)
NOT_LANGUAGES = frozenset({"utf", "und", "mul", "zxx", "mis", "nil", "all", "def", "iso"})
# declared codes the detector names otherwise: Bokmål and Nynorsk are its "no"
DETECTOR_CODE = {"nb": "no", "nn": "no"}


@lru_cache(maxsize=1)
def language_model() -> LanguageModel:
    """langdetect's profiles, loaded once per process (a process pool loads them before
    it forks its workers, which then share them)."""
    return LanguageModel.load()


def normalise_declared(code: str | None) -> str | None:
    """'en-US' -> 'en', 'zh-TW' -> 'zh-tw', 'uk_UA' -> 'uk'; None for junk ('utf')."""
    if not code:
        return None
    code = code.strip().replace("_", "-").lower()
    primary = code.split("-")[0]
    if primary == "zh":
        return "zh-tw" if any(t in code for t in ("tw", "hk", "hant")) else "zh-cn"
    primary = ALIASES.get(primary, primary)
    if primary in ISO_639_1 or (len(primary) == 3 and primary.isalpha()
                                and primary not in NOT_LANGUAGES):
        return primary
    return None


def detect_language(text: str, declared: str | None = None, sample_chars: int = 2000) -> str | None:
    """Best language code for text; the declared code decides for short text, and for a
    long one when the detector scores it too or cannot know it."""
    declared = normalise_declared(declared)
    sample = text[:sample_chars]
    if len(sample.strip()) < _MIN_CHARS:
        return declared or _detect(sample)
    ranked = _ranked(sample)
    if not ranked:
        return declared
    if declared:
        as_detected = DETECTOR_CODE.get(declared, declared)
        if as_detected in {lang for lang, _p in ranked}:
            return declared  # among the candidates: the page knows its own language
        if as_detected not in language_model().languages:
            return declared  # a language without a profile here
    return ranked[0][0]


def _ranked(sample: str) -> list[tuple[str, float]]:
    if not sample.strip():
        return []
    return probabilities(language_model(), sample, seed=0)


def _detect(sample: str) -> str | None:
    ranked = _ranked(sample)
    return ranked[0][0] if ranked else None
