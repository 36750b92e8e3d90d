"""Authors are names: one validator for every source (JSON-LD, meta tags, bylines on the page)."""

from __future__ import annotations

import json

import pytest

from cleaners.authors import is_author_name, split_byline
from cleaners.decode import decode_html
from cleaners.dom import parse_html
from cleaners.metadata import extract_metadata


def authors_of(head: str, body: str, lang: str = "en",
               url: str = "https://news.example.org/2025/story") -> list[str]:
    html = f"<html lang='{lang}'><head>{head}</head><body>{body}</body></html>"
    return extract_metadata(parse_html(decode_html(html.encode("utf-8"))), url).authors


def ld(article: dict[str, object]) -> str:
    obj = {"@context": "https://schema.org", "@type": "NewsArticle", **article}
    return f"<script type='application/ld+json'>{json.dumps(obj)}</script>"


@pytest.mark.parametrize("name", [
    "Jane Doe", "Ana de la Cruz", "Ludwig van Beethoven", "Thanh Le",  # persons
    "Associated Press", "Redaktion hessenschau.de", "BR24 Redaktion", "ORF.at", "mbl.is",
    "The Currency editors", "Dieter Hogen with Uta Pippig", "wegewerk GmbH", "freeman1984",
    "Perry Bacon Jr.", "Bundesverband für Windenergie",  # organisations, handles
    "Jürgen Müller", "Łukasz Brzeziński", "Иван Петров", "김민수", "王小明", "محمد علي",
])
def test_names_in_any_script_pass(name: str) -> None:
    assert is_author_name(name)


@pytest.mark.parametrize("junk", [
    "Syrian defense ministries",  # en, a sentence fragment
    "window._folmq.push {TFT.Ext.FOL.loadInlineSvgSprite(",  # code
    "Deutsche Welle (",  # dangling punctuation
    "Veröffentlicht am",  # de, a date label
    "Beitrag von",  # de, a byline label
    "Publié le",  # fr
    "Pétition soutenue par un Super contributeur",  # fr, a sentence
    "Leavitt stellt Zusammenhang zu Revolutionsgarden her",  # de, a sentence
    "Фото из Инстаграма Лукаша Подольски",  # ru, a photo credit
    "Copier", "kontaktieren", "Nachrichten",  # a button, a section
    "mdelatorreq6vkpg2ma0ci",  # a generated id
    "27.04.2024",
])
def test_what_is_not_a_name_fails(junk: str) -> None:
    assert not is_author_name(junk)


def test_sentence_split_at_its_joiner_gives_no_names_en() -> None:
    assert split_byline("The Russian and Syrian defense ministries", page_text=True) == []


@pytest.mark.parametrize(("byline", "name"), [
    ("Deutsche Welle (", "Deutsche Welle"),  # de
    ("r23 »", "r23"),  # a forum handle and its link arrow
    ("« Jean Dupont", "Jean Dupont"),  # fr
    ("Mario Rossi,", "Mario Rossi"),  # it
])
def test_dangling_punctuation_trimmed(byline: str, name: str) -> None:
    assert split_byline(byline) == [name]


@pytest.mark.parametrize(("byline", "names"), [
    ("Zeige alle Beiträge von Cem Basman", ["Cem Basman"]),  # de
    ("Houzz Deutschland vor", ["Houzz Deutschland"]),  # de, "vor 3 Tagen" cut at its digit
    ("Por Juan Carlos Muñoz C.", ["Juan Carlos Muñoz C."]),  # es, an initial keeps its dot
    ("Voir tous les articles de Marie Dupont", ["Marie Dupont"]),  # fr
    ("Christoph Hein Chefredakteur", ["Christoph Hein"]),  # de, a job title after the name
    ("Kristen Falc'hon Kristen Falc'hon", ["Kristen Falc'hon"]),  # a name printed twice
])
def test_bylines_cut_to_names(byline: str, names: list[str]) -> None:
    assert split_byline(byline, page_text=True) == names


def test_declared_organisation_beats_a_date_label_in_the_byline_slot_de() -> None:
    head = ld({"headline": "Job-Turbo hilft", "author": [
        {"@type": "NewsMediaOrganization", "name": "Redaktion hessenschau.de"}]})
    body = ("<article><h1>Job-Turbo hilft</h1><p class='c-contentHeader__byline text__byline'>"
            "<time>Veröffentlicht am 27.04.24 um 07:39 Uhr</time></p><p>Text.</p>"
            "<figure><span class='mediaBox__byline text__byline'>Roman Warschauer</span>"
            "</figure></article>")
    assert authors_of(head, body, "de") == ["Redaktion hessenschau.de"]


def test_organisation_with_digits_from_jsonld_de() -> None:
    head = ld({"headline": "Nahost-Ticker", "author": [{"@type": "Person",
                                                         "name": "BR24 Redaktion"}]})
    assert authors_of(head, "<h1>Nahost-Ticker</h1>", "de") == ["BR24 Redaktion"]


def test_domain_organisation_from_jsonld_is() -> None:
    head = ld({"headline": "Íslenskar konur", "author": {"@type": "NewsMediaOrganization",
                                                         "name": "mbl.is"}})
    assert authors_of(head, "<h1>Íslenskar konur</h1>", "is",
                      "https://www.mbl.is/frettir/innlent/2025/02/11/x/") == ["mbl.is"]


def test_reportage_article_type_is_read_en() -> None:
    obj = {"@context": "https://schema.org", "@type": "ReportageNewsArticle",
           "headline": "What's next for Gaza",
           "author": [{"@type": "Person", "name": "Yasmine Hassan"}]}
    head = (f"<script type='application/ld+json'>{json.dumps(obj)}</script>"
            "<script type='application/ld+json'>{\"@type\": \"WebPage\"}</script>")
    assert authors_of(head, "<h1>What's next for Gaza</h1>") == ["Yasmine Hassan"]


def test_copy_button_class_is_not_a_byline_fr() -> None:
    body = ("<article><h1>Réforme</h1><div class='clipboard-copyline'>Copier</div>"
            "<div class='article-author'>Anna Kubišta</div><p>Texte.</p></article>")
    assert authors_of("", body, "fr") == ["Anna Kubišta"]


def test_code_in_a_byline_element_gives_nothing_en() -> None:
    body = ("<article><h1>Story</h1><div class='byline'>window._folmq.push "
            "{TFT.Ext.FOL.loadInlineSvgSprite(</div><p>Text.</p></article>")
    assert authors_of("", body) == []


# --- a byline printed as a paragraph of bold names ---------------------------------

def _site_author(name: str) -> str:
    return ld({"headline": "Story", "author": {"@type": "Organization", "name": name},
               "publisher": {"@type": "Organization", "name": name}})


def test_bold_name_opening_the_text_beats_the_site_as_author_en() -> None:
    body = ("<article><h1>From adversity to advocacy</h1><p>&nbsp;</p>"
            "<p><strong>Mohloai Mpesi</strong></p><p><strong>I</strong>N the heart of "
            "Lesotho, where tales of struggle and resilience are woven into everyday life, "
            "one young lawyer stands as a beacon of hope.</p></article>")
    got = authors_of(_site_author("Lesotho Times"), body, url="https://lestimes.com/x/")
    assert got == ["Mohloai Mpesi"]


def test_bold_sign_off_set_right_beats_the_site_as_author_vi() -> None:
    paragraphs = "".join(
        f"<p class='Normal'>Nội soi và tầm soát sức khỏe định kỳ giúp phát hiện sớm các bệnh "
        f"lý ác tính đường tiêu hóa, đoạn {i}.</p>" for i in range(4))
    body = (f"<article><h1>Đau bụng kéo dài</h1>{paragraphs}<p class='Normal' "
            "style='text-align:right;'><strong>Lê Phương</strong></p></article>")
    got = authors_of(_site_author("VnExpress"), body, "vi", "https://vnexpress.net/x.html")
    assert got == ["Lê Phương"]


def test_bold_subheading_is_not_a_byline_de() -> None:
    body = ("<article><h1>Neue Radwege</h1><p>Die Stadt baut in diesem Jahr zwölf Kilometer "
            "neue Radwege, wie der Stadtrat am Dienstag in einer langen Sitzung beschlossen hat, "
            "nach einer Debatte über Kosten und Nutzen.</p><p><strong>Kosten und Nutzen</strong>"
            "</p><p>Der Bau kostet vier Millionen Euro.</p></article>")
    assert authors_of("", body, "de") == []


def test_a_person_named_by_the_byline_cue_is_kept_es() -> None:
    body = ("<article><h1>Guía de fotografía</h1><p>Por Jon Norris</p>"
            "<p><strong>Explore Landscapes</strong></p><p>Texto.</p></article>")
    assert authors_of("", body, "es", "https://jonnorrisphoto.com/guia/") == ["Jon Norris"]


@pytest.mark.parametrize(("declared", "byline", "lang", "want"), [
    ("Todd", "By Todd Bates", "en", ["Todd Bates"]),
    ("Katrin", "Von Katrin Vogel", "de", ["Katrin Vogel"]),
    ("Katrin", "Von Anna Vogel", "de", ["Katrin"]),  # another person: the declared name stays
])
def test_a_first_name_declared_takes_the_full_name_printed(declared: str, byline: str,
                                                           lang: str, want: list[str]) -> None:
    head = ld({"headline": "Der Bericht", "author": {"@type": "Person", "name": declared}})
    body = f"<article><h1>Der Bericht</h1><p>{byline}</p><p>Text.</p></article>"
    assert authors_of(head, body, lang) == want


@pytest.mark.parametrize("blurb", [
    "Jane Doe is a reporter covering health, science and climate.",  # en
    "Max Muster schreibt seit Jahren über Politik und Wirtschaft.",  # de
    "Marie Dupont est journaliste au service politique, spécialiste des questions européennes.",
    "Ana Souza é repórter de política e economia, com passagens por jornais do Rio.",  # pt
    "Jan Kowalski jest dziennikarzem działu krajowego i pisze o polityce.",  # pl
])
def test_an_author_profile_blurb_gives_no_names(blurb: str) -> None:
    assert split_byline(blurb) == []
    assert split_byline(blurb, page_text=True) == []


def test_names_with_particles_are_not_a_sentence_es() -> None:
    assert split_byline("Por Ana de la Cruz y Pedro de los Santos") == [
        "Ana de la Cruz", "Pedro de los Santos"]


@pytest.mark.parametrize(("byline", "names"), [
    ("Munich, Germany", []),  # en: a dateline in the author meta tag
    ("Jane Doe, Munich, Germany", ["Jane Doe"]),
    ("Marie Dupont, Lyon, France", ["Marie Dupont"]),  # fr
    ("Jan Kowalski, Polska", ["Jan Kowalski"]),  # pl
    ("Hans Meier, Zürich, Schweiz", ["Hans Meier"]),  # de
    ("India Knight", ["India Knight"]),  # a name that holds a country
])
def test_a_dateline_is_not_an_author(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names
