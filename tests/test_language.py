"""Language tags: the port of langdetect (cleaners/language_detector.py) gives langdetect's
own probabilities, bit for bit, and detect_language's rules around it hold."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from cleaners.language import detect_language, language_model, normalise_declared
from cleaners.language_detector import probabilities

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WCXB_TRUTH = SHARED / "data" / "wcxb" / "dev" / "ground-truth"
SEEDS = SHARED / "seeds"

# texts in many scripts and shapes: words, capitals, digits, URLs, e-mail, odd spacing
SAMPLES = [
    "The council approved the tram network extension on Tuesday after a decade of debate.",
    "Der Stadtrat hat am Dienstag die Verlängerung des Straßenbahnnetzes beschlossen.",
    "Le conseil municipal a approuvé mardi l'extension du réseau de tramway.",
    "El ayuntamiento aprobó el martes la ampliación de la red de tranvía.",
    "Міська рада у вівторок схвалила розширення трамвайної мережі.",
    "Городской совет во вторник одобрил расширение трамвайной сети.",
    "市議会は火曜日、路面電車網の延伸を承認した。",
    "시의회는 화요일 트램 노선 연장을 승인했다.",
    "市议会周二批准了有轨电车网络的扩建计划。",
    "市議會週二批准了有軌電車網絡的擴建計劃。",
    "وافق مجلس المدينة يوم الثلاثاء على توسيع شبكة الترام.",
    "Hội đồng thành phố đã phê duyệt việc mở rộng mạng lưới xe điện vào thứ Ba.",
    "Consiliul local a aprobat marți extinderea rețelei de tramvai.",
    "NATO AND THE EU SAID ON TUESDAY THAT TALKS WOULD RESUME IN MAY",
    "Read more at https://news.example/story?id=7 or write to desk@news.example today",
    "  spaced   out    text\twith\ttabs\nand\nnew lines  ",
    "2025-03-25 18:57 +1.2% 4,321.00 ▲ 12 · 3 · $",
    "", " ", "x", "ÀÉÎ", "Ab", "AB CD",
]


def _langdetect(text: str) -> list[tuple[str, float]]:
    factory = _factory()
    detector = factory.create()
    detector.append(text)
    try:
        return [(found.lang, found.prob) for found in detector.get_probabilities()]
    except LangDetectException:
        return []


_FACTORIES: list[DetectorFactory] = []


def _factory() -> DetectorFactory:
    if not _FACTORIES:
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        factory.set_seed(0)
        _FACTORIES.append(factory)
    return _FACTORIES[0]


def _corpus() -> list[str]:
    texts = list(SAMPLES)
    if WCXB_TRUTH.is_dir():
        for path in sorted(WCXB_TRUTH.glob("*.json"))[::6]:
            text = json.loads(path.read_text(encoding="utf-8"))["ground_truth"].get(
                "main_content") or ""
            texts.append(text[:2000])
    if SEEDS.is_dir():
        texts += [p.read_text(encoding="utf-8")[:2000] for p in sorted(SEEDS.glob("*.txt"))]
    rng = random.Random(7)
    for text in list(texts):  # cut anywhere: mid-word starts, short tails (three cuts a
        if len(text) > 40:     # text, so the built-in samples alone make a corpus of 50+)
            for _ in range(3):
                start = rng.randrange(len(text) - 20)
                texts.append(text[start:start + rng.choice((5, 30, 120, 600))])
    return texts


def test_the_port_gives_langdetects_probabilities_bit_for_bit() -> None:
    texts = _corpus()
    assert len(texts) > 50
    model = language_model()
    different = [t[:60] for t in texts if probabilities(model, t) != _langdetect(t)]
    assert different == []


def test_word_memory_does_not_change_answers() -> None:
    model = language_model()
    text = SAMPLES[1] + " " + SAMPLES[0]
    first = probabilities(model, text)
    model.word_rows.clear()
    assert probabilities(model, text) == first == _langdetect(text)


@pytest.mark.parametrize("text, code", [(SAMPLES[0] * 3, "en"), (SAMPLES[1] * 3, "de"),
                                        (SAMPLES[4] * 3, "uk"), (SAMPLES[7] * 3, "ko")])
def test_detect_language_names_the_language(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_short_text_takes_the_declared_language_and_long_text_its_own() -> None:
    assert detect_language("Kurzer Text.", "en-GB") == "en"
    assert detect_language(SAMPLES[1] * 3, "en-GB") == "de"
    assert detect_language("", None) is None
    assert detect_language("12345 67890", None) is None


# --- declared against detected: the evidence decides on a long text --------------------

PT = ("O governo federal anunciou nesta terça-feira um novo pacote de medidas para conter a "
      "inflação, que inclui cortes de impostos sobre alimentos e combustíveis. ") * 3
DE = ("Die Bundesregierung hat am Dienstag ein neues Maßnahmenpaket gegen die Inflation "
      "beschlossen, das Steuersenkungen auf Lebensmittel und Kraftstoffe vorsieht. ") * 3
NB = ("Regjeringen la tirsdag fram en ny pakke med tiltak mot prisveksten, som blant annet "
      "inneholder kutt i avgiftene på mat og drivstoff til husholdningene. ") * 3
IS = ("Við komum til Noregs til að styðja við þá fyrrverandi votta sem eru að fara að bera "
      "vitni fyrir norska ríkinu, segir hún í samtali við blaðamann og bætir við að málið "
      "skipti miklu fyrir fjölskyldurnar. ") * 3
FR_MIXED = ("Taper vos mots clés. Match en direct. Stade Yves Allainmat. Arbitre. Lorient. "
            "Olympique Lyonnais. Match. Compositions. Effectif. Live. Statistics. Goals. "
            "Substitutions. Yellow cards.") * 2  # a French live page, scored en 0.71, fr 0.29


@pytest.mark.parametrize(("text", "declared", "code"), [
    (PT, "en-US", "pt"),  # a wrong declared lang on a Portuguese article does not win
    (DE, "en", "de"),  # a WordPress default en-US on a German blog
    (NB, "nb-NO", "nb"),  # Bokmål declared, the detector's "no": the page's code stays
    (IS, "is", "is"),  # Icelandic has no profile: the detector cannot refute it
    (PT, "utf", "pt"),  # a charset in lang= is no declaration
    (DE, None, "de"),
])
def test_declared_and_detected_language_on_a_long_text(text: str, declared: str | None,
                                                       code: str) -> None:
    assert detect_language(text, declared) == code


def test_declared_language_among_the_candidates_wins_a_mixed_text() -> None:
    ranked = {lang for lang, _p in probabilities(language_model(), FR_MIXED)}
    assert "fr" in ranked and "en" in ranked
    assert detect_language(FR_MIXED, "fr-FR") == "fr"
    assert detect_language(FR_MIXED, None) == "en"


@pytest.mark.parametrize(("declared", "code"), [
    ("pt-BR", "pt"), ("iw", "he"), ("in", "id"), ("deu", "de"), ("fil", "fil"),
    ("utf", None), ("x-default", None), ("und", None), ("", None),
])
def test_declared_codes_are_normalised(declared: str, code: str | None) -> None:
    assert normalise_declared(declared) == code
