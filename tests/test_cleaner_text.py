"""Main-text quality of the cleaner: noise families in many languages, the shared
fixture pages' body/noise lists, site boilerplate lines, and a WCXB regression bar.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import pytest

from cleaners import CleanOptions, clean_page
from cleaners.block import Block
from cleaners.extract import extract_blocks
from cleaners.model import Metadata
from cleaners.postclean import (
    is_author_bio,
    is_bio_heading,
    is_byline,
    is_cookie_notice,
    is_copyright_line,
    is_dateline,
    is_disclaimer,
    is_read_also,
    is_terminal_heading,
    is_ticker_line,
    is_widget_line,
    normalise_line,
    postclean,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = SHARED / "fixtures" / "pages"
WCXB = SHARED / "data" / "wcxb" / "dev"
EVAL_SCRIPT = SHARED / "eval" / "eval_extract.py"

# 120 WCXB dev articles (every 6th in id order) score F1 0.9633 (P 0.957, R 0.970) with the
# headings trafilatura dropped put back (0.9609 without); trafilatura.extract
# (include_comments=False) scores 0.9396 on them. The bar sits just under that.
WCXB_SAMPLE_EVERY = 6
WCXB_SAMPLE_SIZE = 120
WCXB_MIN_F1 = 0.960


def _typed(*texts: str) -> list[Block]:
    """Paragraph blocks with no flags: what postclean gets for text the page shows as prose."""
    return [Block("p", text) for text in texts]


def story_page(body: str, lang: str = "en", title: str = "Story", head: str = "") -> bytes:
    """A page with hashed classes: only the text and the DOM's shape can tell the noise in it
    (also tests/test_body_rules.py's pages)."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f'{head}</head><body><div id="root"><main><div class="css-k2j4x"><h1>{title}</h1>'
        f'<div class="css-9xq1w">{body}</div></div></main></div></body></html>'
    ).encode()


def _clean(body: str, lang: str = "en", options: CleanOptions | None = None) -> str:
    return clean_page(story_page(body, lang), "https://news.example.org/story/1", options).text


def _paras(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def _links(*titles: str) -> str:
    return "".join(f'<p><a href="/s/{i}">{t}</a></p>' for i, t in enumerate(titles))


EN = (
    "The city council voted on Tuesday to expand the bus network to the northern districts, "
    "a plan that officials say will shorten commutes for about forty thousand residents.",
    "The project will be paid for by a regional transport fund and a small increase in parking "
    "fees, according to the budget documents published by the council last week.",
    "Residents who spoke at the meeting welcomed the decision but asked for more frequent "
    "evening services, which the transport department promised to study before the summer.",
)
DE = (
    "Der Stadtrat hat am Dienstag beschlossen, das Busnetz in die nördlichen Bezirke "
    "auszubauen, was nach Angaben der Verwaltung die Wege für rund vierzigtausend Menschen "
    "verkürzt.",
    "Finanziert wird das Vorhaben aus einem regionalen Verkehrsfonds und einer leichten Erhöhung "
    "der Parkgebühren, wie aus den in der vergangenen Woche veröffentlichten Unterlagen "
    "hervorgeht.",
    "Anwohner begrüßten die Entscheidung in der Sitzung, forderten aber häufigere Verbindungen "
    "am Abend, die das Verkehrsamt bis zum Sommer prüfen will.",
)
FR = (
    "Le conseil municipal a voté mardi l'extension du réseau de bus vers les quartiers nord, "
    "un projet qui doit raccourcir les trajets d'environ quarante mille habitants.",
    "Le chantier sera financé par un fonds régional des transports et par une légère hausse "
    "des tarifs de stationnement, selon les documents budgétaires publiés la semaine dernière.",
    "Les habitants présents ont salué la décision mais réclamé davantage de bus le soir, une "
    "demande que le service des transports promet d'étudier avant l'été.",
)
UK = (
    "Міська рада у вівторок проголосувала за розширення автобусної мережі до північних районів, "
    "що, за словами посадовців, скоротить дорогу для близько сорока тисяч мешканців.",
    "Проєкт фінансуватимуть з регіонального транспортного фонду та за рахунок невеликого "
    "підвищення плати за паркування, йдеться в бюджетних документах, оприлюднених минулого тижня.",
    "Мешканці, які виступили на засіданні, підтримали рішення, але попросили частіших вечірніх "
    "рейсів, і транспортний департамент пообіцяв вивчити це питання до літа.",
)
RU = (
    "Городской совет во вторник проголосовал за расширение автобусной сети в северные районы, "
    "что, по словам чиновников, сократит дорогу примерно для сорока тысяч жителей.",
    "Проект будет финансироваться из регионального транспортного фонда и за счет небольшого "
    "повышения платы за парковку, говорится в бюджетных документах, опубликованных "
    "на прошлой неделе.",
    "Жители, выступившие на заседании, поддержали решение, но попросили чаще пускать автобусы "
    "по вечерам, и транспортный департамент обещал изучить этот вопрос до лета.",
)
KO = (
    "시의회는 화요일 북부 지역까지 버스 노선을 확대하는 안을 의결했으며, 시 관계자는 이번 조치로 "
    "약 4만 명의 주민이 출퇴근 시간을 줄일 수 있을 것이라고 밝혔다.",
    "사업비는 지역 교통기금과 주차 요금 소폭 인상으로 충당되며, 지난주 공개된 예산 문서에 따르면 "
    "내년 상반기부터 단계적으로 집행될 예정이다.",
    "회의에 참석한 주민들은 결정을 환영하면서도 저녁 시간대 배차 간격을 줄여 달라고 요청했고, "
    "교통국은 여름 전까지 이를 검토하겠다고 약속했다.",
)
JA = (
    "市議会は火曜日、北部地区へのバス路線の拡大を可決した。市の担当者によると、約四万人の住民の"
    "通勤時間が短くなる見通しだという。",
    "事業費は地域の交通基金と駐車料金のわずかな値上げでまかなわれる。先週公表された予算資料に"
    "よると、来年度の前半から段階的に執行される予定だ。",
    "会議に出席した住民は決定を歓迎する一方で、夜間の便を増やすよう求めた。交通局は夏までに"
    "検討すると約束した。",
)
ES = (
    "El concejo municipal aprobó el martes ampliar la red de autobuses hacia los barrios del "
    "norte, un plan que según las autoridades acortará los trayectos de unos cuarenta mil vecinos.",
    "La obra se financiará con un fondo regional de transporte y una leve subida de las tarifas "
    "de estacionamiento, según los documentos presupuestarios publicados la semana pasada.",
    "Los vecinos que intervinieron en la sesión celebraron la decisión, pero pidieron más "
    "servicios nocturnos, algo que el departamento de transporte prometió estudiar antes "
    "del verano.",
)
AR = (
    "صوّت المجلس البلدي يوم الثلاثاء على توسيع شبكة الحافلات لتشمل الأحياء الشمالية، وهي خطة يقول "
    "المسؤولون إنها ستختصر رحلات نحو أربعين ألف ساكن.",
    "وسيُموَّل المشروع من صندوق إقليمي للنقل ومن زيادة طفيفة في رسوم مواقف السيارات، بحسب وثائق "
    "الميزانية التي نُشرت الأسبوع الماضي.",
    "ورحّب السكان الذين تحدثوا في الاجتماع بالقرار لكنهم طالبوا بمزيد من الرحلات المسائية، ووعدت "
    "إدارة النقل بدراسة الطلب قبل الصيف.",
)


def _assert_clean(text: str, body: tuple[str, ...], noise: list[str]) -> None:
    for paragraph in body:
        assert paragraph in text, f"body paragraph lost: {paragraph[:60]!r}"
    for string in noise:
        assert string not in text, f"noise kept: {string!r}"


# --- terminal headings that open teaser lists or comment areas -----------------------

TERMINAL_CASES = [
    ("en", EN, "Related News", ["Mayor unveils new cycling strategy", "Rail strike called off"]),
    ("en", EN, "More News", ["Storm closes mountain pass", "Library reopens after repairs"]),
    ("en", EN, "More from Reuters", ["Storm closes mountain pass", "Library reopens"]),
    ("de", DE, "Mehr zum Thema", ["Neue Radwege für die Innenstadt", "Bahnstreik abgesagt"]),
    ("fr", FR, "Sur le même sujet", ["Le maire présente son plan vélo", "Grève du rail annulée"]),
    ("uk", UK, "Читайте також", ["Мер представив велостратегію", "Страйк залізниці скасовано"]),
    ("ru", RU, "Читайте также", ["Мэр представил новую стратегию", "Забастовка отменена"]),
    ("ko", KO, "관련 뉴스", ["시장, 새 자전거 전략 발표", "철도 파업 철회"]),
    ("ja", JA, "関連記事", ["市長が新たな自転車戦略を発表", "鉄道ストが中止に"]),
    ("es", ES, "Noticias relacionadas", ["El alcalde presenta su plan ciclista",
                                         "Se suspende la huelga"]),
    ("ar", AR, "اقرأ أيضاً", ["رئيس البلدية يعلن خطة للدراجات", "إلغاء إضراب السكك الحديدية"]),
]


@pytest.mark.parametrize(("lang", "body", "heading", "teasers"), TERMINAL_CASES)
def test_terminal_heading_cuts_teaser_list(
    lang: str, body: tuple[str, ...], heading: str, teasers: list[str]
) -> None:
    html = _paras(*body) + f"<p><strong>{heading}</strong></p>" + _links(*teasers)
    _assert_clean(_clean(html, lang), body, [heading, *teasers])


@pytest.mark.parametrize(
    ("lang", "body", "widget"),
    [
        ("en", EN, "<p>Comments (12)</p><p>Be the first to comment</p><p>200 characters</p>"),
        ("en", EN, "<h3>Leave a Reply</h3><p>Your email address will not be published.</p>"),
        ("de", DE, "<h3>Kommentare</h3><p>Jetzt kommentieren</p>"),
        ("fr", FR, "<h3>Commentaires (3)</h3><p>Ajouter un commentaire</p>"),
        ("uk", UK, "<h3>Коментарі (0)</h3><p>Додати коментар</p>"),
        ("ko", KO, "<p>댓글 0</p><p>로그인 후 댓글을 작성할 수 있습니다.</p>"),
        ("es", ES, "<h3>Comentarios</h3><p>Sé el primero en comentar</p>"),
    ],
)
def test_comment_widgets_removed(lang: str, body: tuple[str, ...], widget: str) -> None:
    text = _clean(_paras(*body) + widget, lang)
    _assert_clean(text, body, [])
    assert text.rstrip().endswith(body[-1]), text[-200:]


def test_comment_heading_cuts_user_comments() -> None:
    comments = (
        "<h3>Comments</h3><p>realist_1950: This plan will never be finished on time, "
        "mark my words, they said the same about the tram line ten years ago.</p>"
    )
    text = _clean(_paras(*EN) + comments)
    _assert_clean(text, EN, ["Comments", "realist_1950", "mark my words"])


# --- inline noise inside the body -----------------------------------------------------

@pytest.mark.parametrize(
    ("lang", "body", "inline"),
    [
        ("en", EN, '<p>Read also: <a href="/x">Mayor unveils new cycling strategy</a></p>'),
        ("de", DE, '<p>Lesen Sie auch: <a href="/x">Neue Radwege für die Innenstadt</a></p>'),
        ("fr", FR, '<p>Lire aussi : <a href="/x">Le maire présente son plan vélo</a></p>'),
        ("uk", UK, '<p><a href="/x">Читайте також: Мер представив нову велостратегію</a></p>'),
        ("es", ES, '<p>Lee también: <a href="/x">El alcalde presenta su plan ciclista</a></p>'),
        ("en", EN, '<p><a href="/x">Mayor unveils new cycling strategy for the centre</a></p>'),
    ],
)
def test_inline_related_link_removed(lang: str, body: tuple[str, ...], inline: str) -> None:
    html = _paras(body[0]) + inline + _paras(*body[1:])
    text = _clean(html, lang)
    _assert_clean(text, body, ["cycling strategy", "Radwege", "plan vélo", "велостратегію",
                               "plan ciclista"])


@pytest.mark.parametrize(
    ("lang", "body", "line"),
    [
        ("en", EN, "Published January 13, 2025"),
        ("en", EN, "Updated: 13 Jan 2025, 09:42 GMT"),
        ("de", DE, "Veröffentlicht am 13.01.2025, 09:42 Uhr"),
        ("fr", FR, "Publié le 13 janvier 2025 à 09h42"),
        ("uk", UK, "12 січня 2025, 14:05"),
        ("ko", KO, "송고시간 2025-01-13 06:21"),
        ("ja", JA, "2025年1月13日 10:00"),
        ("es", ES, "Publicado el 13 de enero de 2025"),
    ],
)
def test_dateline_removed(lang: str, body: tuple[str, ...], line: str) -> None:
    text = _clean(f'<div class="css-d8a1">{line}</div>' + _paras(*body), lang)
    _assert_clean(text, body, [line])


@pytest.mark.parametrize(
    ("lang", "body", "line"),
    [
        ("en", EN, "© 2025 Example Media Group. All rights reserved."),
        ("de", DE, "© 2025 Beispiel Verlag GmbH. Alle Rechte vorbehalten."),
        ("fr", FR, "© Exemple Médias 2025 – Tous droits réservés"),
        ("ru", RU, "© 2025 Пример Медиа. Все права защищены."),
        ("ko", KO, "<저작권자(c) 한반도일보, 무단 전재-재배포 금지>"),
        ("ja", JA, "記事・写真の無断転載を禁じます"),
        ("es", ES, "Todos los derechos reservados © 2025 Ejemplo"),
        ("ar", AR, "جميع الحقوق محفوظة © 2025"),
    ],
)
def test_copyright_line_removed(lang: str, body: tuple[str, ...], line: str) -> None:
    text = _clean(_paras(*body, line), lang)
    _assert_clean(text, body, [line])


def test_ticker_lines_removed() -> None:
    ticker = "".join(
        f'<div class="css-t1"><span>{sym}</span> {price} Decreased By ▼ {chg} ({pct}%)</div>'
        for sym, price, chg, pct in [("AIRLINK", "165.36", "-10.19", "-5.8"),
                                     ("KSE100", "114,909", "-3882.2", "-3.27"),
                                     ("HUBC", "135.28", "-7.04", "-4.95")]
    )
    text = _clean(ticker + _paras(*EN))
    _assert_clean(text, EN, ["AIRLINK", "KSE100", "HUBC", "Decreased By"])


def test_truncated_standfirst_removed() -> None:
    standfirst = f'<p class="css-s0j8">{EN[0][:80]}...</p>'
    text = _clean(standfirst + _paras(*EN))
    _assert_clean(text, EN, [EN[0][:80] + "..."])
    assert text.count(EN[0][:60]) == 1


@pytest.mark.parametrize("line", ["By Jane Doe", "Von Anna Schmidt", "김민수 기자 minsu@ex.kr"])
def test_byline_removed(line: str) -> None:
    text = _clean(f"<p>{line}</p>" + _paras(*EN))
    _assert_clean(text, EN, [line])


# --- site-level boilerplate -------------------------------------------------------------

def test_boilerplate_lines_dropped() -> None:
    promo = "Get the Morning Briefing delivered to your inbox every weekday at six."
    html = _paras(EN[0], promo, *EN[1:])
    assert promo in _clean(html)  # not noise by itself ...
    options = CleanOptions(boilerplate_lines=frozenset({normalise_line(promo)}))
    text = _clean(html, options=options)  # ... but learned as recurring on the site
    _assert_clean(text, EN, [promo])


def test_boilerplate_matches_normalised_form() -> None:
    blocks = ["  Follow  US on   Ｔwitter  ", EN[0], f"{EN[1]}\nFollow us on Twitter:"]
    kept = postclean(_typed(*blocks), Metadata(), frozenset({"follow us on twitter"}))
    assert kept == [EN[0], EN[1]]


# --- rule units (cheap, and they document the edges) ---------------------------------

def test_line_rules_keep_prose() -> None:
    prose = [
        "March 25, 2025 was the day the council finally approved the plan.",
        "By the end of the year, the network will reach the northern districts.",
        "$10,000 – $20,000",
        "Copyright law protects the expression of ideas, not the ideas themselves.",
        "Stocks fell 3% on Monday after the central bank raised rates.",
        "Read more about the history of the city in our guide to its districts and parks.",
        "Discussion",
        "Tagsüber blieb es in der ganzen Region trocken und mild.",
    ]
    for line in prose:
        assert not is_dateline(line), line
        assert not is_copyright_line(line), line
        assert not is_ticker_line(line), line
        assert not is_widget_line(line), line
        assert not is_read_also(line), line
        assert not is_terminal_heading(line), line
    assert not is_byline("By the end of the year, the network will reach the north.")


def test_phone_numbers_are_not_datelines() -> None:
    for line in ("+81 158-23-2012", "Tel. 030 12-34-567", "+49 (0)89 123-45-678"):
        assert not is_dateline(line), line
    for line in ("12.12.2024", "2024-12-12", "3.1.22", "2024年12月12日", "03/04/2025 10:30"):
        assert is_dateline(line), line


def test_line_rules_catch_noise() -> None:
    assert is_dateline("Published January 13, 2025")
    assert is_dateline("March 25, 2025 6:57 pm Full News")
    assert is_ticker_line("AIRLINK 165.36 Decreased By ▼ -10.19 (-5.8%)")
    assert is_ticker_line("코스피 2,521.90 ▼ 14.50 (-0.57%)")
    assert is_widget_line("200 characters")
    assert is_widget_line("Comments (12)")
    assert is_widget_line("5 min read")
    assert is_widget_line("Tags: North Korea, Ukraine, prisoners of war")
    assert is_terminal_heading("Related News:")
    assert is_terminal_heading("Коментарі (0)")
    assert is_copyright_line("Усі права захищено.")


def test_extract_blocks_are_typed() -> None:
    from cleaners.dom import parse_html

    headline = "Mayor unveils new cycling strategy for the centre"
    html = _paras(EN[0]) + _links(headline) + _paras(*EN[1:])
    blocks = extract_blocks(parse_html(story_page(html).decode()), "")
    assert all(isinstance(b, Block) and isinstance(b.text, str) for b in blocks)
    assert [b.text for b in blocks if b.link_only] == [headline]
    assert {b.kind for b in blocks} == {"head", "p"}


# --- tail furniture: author bios, consent banners ------------------------------------

BIO = ("Jane Doe covers transport and city politics for the paper. She joined the newsroom in "
       "2015 after ten years at regional radio stations.")


@pytest.mark.parametrize(
    ("lang", "body", "heading"),
    [("en", EN, "About the author"), ("en", EN, "Reviewed by"), ("de", DE, "Über den Autor"),
     ("fr", FR, "À propos de l'auteur"), ("es", ES, "Sobre el autor"), ("ru", RU, "Об авторе")],
)
def test_bio_heading_cuts_tail(lang: str, body: tuple[str, ...], heading: str) -> None:
    html = _paras(*body) + f"<h3>{heading}</h3>" + _paras(BIO)
    _assert_clean(_clean(html, lang), body, [heading, "Jane Doe covers"])


def test_bio_heading_early_in_text_does_not_cut() -> None:
    # a profile that opens with the heading: the heading sits in the first half of the text
    html = "<h2>About the author</h2>" + _paras(*EN)
    _assert_clean(_clean(html), EN, [])
    assert is_bio_heading("About the authors:")
    assert not is_bio_heading("About the author of the new transport plan and her critics")


def test_cookie_notice_removed_at_end() -> None:
    banner = ("This website uses cookies to improve your experience while you navigate through "
              "the website. Necessary cookies are stored on your browser.")
    text = _clean(_paras(*EN, banner))
    _assert_clean(text, EN, [banner])


def test_cookie_words_in_prose_are_kept() -> None:
    recipe = "If necessary, let the cookies cool on a rack; the cookies keep for a week in a tin."
    assert not is_cookie_notice(recipe)
    assert not is_cookie_notice("The site sells cookies.")
    assert is_cookie_notice("Сайт использует куки. Продолжая, вы соглашаетесь на куки.")
    text = _clean(_paras(*EN, recipe))
    _assert_clean(text, (*EN, recipe), [])


@pytest.mark.parametrize(("lang", "body", "disclaimer"), [
    ("en", EN, "The information included here is designed for informational purposes only. "
               "It is not legal, tax, financial or investment advice."),
    ("en", EN, "The views expressed by the authors of this blog are their own and do not "
               "necessarily reflect the views of the association."),
    ("de", DE, "Dieser Artikel dient ausschließlich der allgemeinen Information und stellt "
               "keine Rechtsberatung dar."),
    ("fr", FR, "Cet article est fourni à titre informatif et ne constitue pas un conseil "
               "juridique."),
])
def test_disclaimer_removed_at_end(lang: str, body: tuple[str, ...], disclaimer: str) -> None:
    _assert_clean(_clean(_paras(*body, disclaimer), lang), body, [disclaimer])


def test_disclaimer_words_early_in_the_story_are_kept() -> None:
    lead = ("Regulators said the leaflets were for informational purposes only, which critics "
            "called a loophole that lets lenders avoid responsibility.")
    _assert_clean(_clean(_paras(lead, *EN)), (lead, *EN), [])
    assert not is_disclaimer("The council's advice on parking is available online.")
    assert not is_disclaimer("The poll does not necessarily reflect the mood of all voters.")
    assert is_disclaimer("Dieser Text stellt keine medizinische Beratung dar.")


def test_author_bio_after_the_story_removed() -> None:
    bio = ("Jane Doe is a transport reporter who has covered city hall since 2015. She lives "
           "in the northern districts.")
    meta = Metadata(authors=["Jane Doe"])
    assert postclean(_typed(*EN, bio), meta) == list(EN)
    assert is_author_bio("Jane Doe, a reporter at the Daily, covers transport.", ["Jane Doe"])
    # the name opening a paragraph of the story itself, or an unknown name, is not a bio
    quote = "Jane Doe is among the residents who asked for evening buses at the meeting."
    assert postclean(_typed(quote, *EN), meta) == [quote, *EN]
    assert postclean(_typed(*EN, bio), Metadata(authors=["John Roe"])) == [*EN, bio]
    assert not is_author_bio("Jane Doesn't like buses.", ["Jane Doe"])


@pytest.mark.parametrize("name", [
    "by-author-container", "elementor-author-box__bio", "post_author bio", "affiliate-disclosure",
    "entry-disclaimer",
])
def test_author_box_and_disclaimer_containers_pruned(name: str) -> None:
    from cleaners.dom import parse_html
    from cleaners.preclean import prune_noise

    box = "Jane Doe × Senior Contributor · 867 published articles · we may earn a commission"
    html = (f'<html><body><main><h1>Story</h1>{_paras(*EN)}<div class="{name}"><p>{box}</p>'
            f'</div></main></body></html>')
    tree = parse_html(html)
    prune_noise(tree)
    text = " ".join(tree.text_content().split())
    assert "Senior Contributor" not in text
    assert all(p in text for p in EN)


def test_quotation_in_a_figure_is_text() -> None:
    quote = ("Optimizing for search engines is not that different from what it used to be: be "
             "original, answer the question people asked, and show your own data.")
    html = (f'<!DOCTYPE html><html lang="en"><head><title>Story</title></head><body><main>'
            f'<article><h1>Story</h1>{_paras(EN[0])}<figure class="quote"><img src="a.png" '
            f'alt=""><blockquote><p>{quote}</p></blockquote><figcaption>Pat Lee, analyst'
            f'</figcaption></figure>{_paras(*EN[1:])}</article></main></body></html>').encode()
    text = clean_page(html, "https://news.example.org/story/1").text
    _assert_clean(text, (*EN, quote), [])


def test_embedded_post_in_a_figure_stays_a_figure() -> None:
    from cleaners.dom import parse_html
    from cleaners.preclean import prune_noise

    html = ('<html><body><main><figure class="wp-block-embed-twitter"><blockquote '
            'class="twitter-tweet"><p>Tweet text</p></blockquote></figure><figure><blockquote>'
            '<p>A quotation.</p></blockquote></figure></main></body></html>')
    tree = parse_html(html)
    prune_noise(tree)
    assert [f.get("class") for f in tree.iter("figure")] == ["wp-block-embed-twitter"]


# --- text after the article's container ------------------------------------------------

TRAILING_CASES = [
    ("en", EN, "Ready to modernise your fleet? Our consultants have helped more than two hundred "
               "operators plan new routes, and a first call with the team costs nothing at all."),
    ("de", DE, "Sie planen neue Linien? Unsere Berater haben schon mehr als zweihundert "
               "Verkehrsbetriebe begleitet, und das erste Gespräch mit dem Team ist kostenlos."),
]


def _split_page(lang: str, before: str, body: tuple[str, ...], after: str) -> bytes:
    """A story in its own container, with a paragraph in a sibling container before/after."""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>Story</title></head><body>'
            f'<div class="css-a1"><div class="css-p0">{before}</div><div class="css-b2">'
            f'<h1>Story</h1>{_paras(*body)}</div><div class="css-c3">{after}</div></div>'
            f'</body></html>').encode()


@pytest.mark.parametrize(("lang", "body", "promo"), TRAILING_CASES)
def test_text_after_the_article_container_dropped(
    lang: str, body: tuple[str, ...], promo: str
) -> None:
    text = clean_page(_split_page(lang, "", body, f"<p>{promo}</p>"),
                      "https://news.example.org/story/1").text
    _assert_clean(text, body, [promo[:40]])


def test_lead_before_the_article_container_kept() -> None:
    lead = ("Buses will reach the northern districts from next spring, after a long campaign by "
            "residents who had waited more than a decade for a direct connection to the centre.")
    text = clean_page(_split_page("en", f"<p>{lead}</p>", EN, ""),
                      "https://news.example.org/story/1").text
    _assert_clean(text, (lead, *EN), [])


def test_faq_after_the_article_container_kept() -> None:
    answer = ("Every ten minutes at peak hours and every twenty minutes in the evening, the "
              "transport department said, with night buses on Fridays and Saturdays.")
    promo = TRAILING_CASES[0][2]
    faq = (f'<div class="faq-block"><h3>How often will the buses run?</h3><p>{answer}</p></div>'
           f'<p>{promo}</p>')
    body = (*EN, *_long(EN))
    text = clean_page(_split_page("en", "", body, faq), "https://news.example.org/story/1").text
    _assert_clean(text, (*body, answer), [promo[:40]])


def test_mark_trailing_keeps_blocks_not_found_in_the_page() -> None:
    from cleaners.dom import parse_html
    from cleaners.extract import mark_trailing

    tree = parse_html(_split_page("en", "", EN, "<p>A promotion after the story.</p>").decode())
    blocks = [Block("p", t) for t in (*EN, "Not in the page.", "A promotion after the story.")]
    mark_trailing(tree, blocks)
    assert [b.trailing for b in blocks] == [False, False, False, False, True]
    blocks = [Block("p", t) for t in (*EN, "A promotion after the story.", "Not in the page.")]
    mark_trailing(tree, blocks)
    assert [b.trailing for b in blocks] == [False, False, False, True, True]


# --- collapsed accordion and FAQ panels ---------------------------------------------------

ACCORDION_CASES = [
    ("en", "How often will the new buses run?",
     "Every ten minutes at peak hours and every twenty minutes in the evening, the transport "
     "department said, with night buses on Fridays and Saturdays."),
    ("fr", "À quelle fréquence passeront les nouveaux bus ?",
     "Toutes les dix minutes aux heures de pointe et toutes les vingt minutes le soir, selon le "
     "service des transports, avec des bus de nuit le vendredi et le samedi."),
]


@pytest.mark.parametrize(("lang", "question", "answer"), ACCORDION_CASES)
@pytest.mark.parametrize("panel", [
    '<div class="faq-item"><button aria-expanded="false">{q}</button>'
    '<div class="faq-answer" aria-hidden="true" style="height:0;overflow:hidden"><p>{a}</p></div>'
    '</div>',
    '<div class="accordion"><h3>{q}</h3><div class="accordion-panel hidden"><p>{a}</p></div></div>',
    '<details class="expandable"><summary>{q}</summary><p>{a}</p></details>',
])
def test_collapsed_accordion_answers_kept(
    lang: str, question: str, answer: str, panel: str
) -> None:
    body = {"en": EN, "fr": FR}[lang]
    html = story_page(_paras(*body) + panel.format(q=question, a=answer), lang)
    text = clean_page(html, "https://news.example.org/story/1").text
    _assert_clean(text, (*body, answer), [])


# --- custom-HTML blocks named as embeds ---------------------------------------------------

def test_custom_html_block_named_embed_is_text() -> None:
    block = ("The new timetable, published in a table on the council's site, shows buses every "
             "ten minutes between seven and nine in the morning on all three new lines.")
    html = story_page(_paras(EN[0]) + f'<div class="html-embed w-embed"><p>{block}</p></div>'
                 + _paras(*EN[1:]))
    text = clean_page(html, "https://news.example.org/story/1").text
    _assert_clean(text, (*EN, block), [])


def test_real_embed_keeps_its_name() -> None:
    from cleaners.dom import parse_html
    from cleaners.preclean import prune_noise

    html = ('<html><body><main><div class="video-embed"><iframe src="https://v.example/1">'
            '</iframe><p>Watch the council meeting in full, recorded on Tuesday evening.</p></div>'
            '<div class="w-embed"><p>The council published the full timetable on Tuesday.</p>'
            '</div></main></body></html>')
    tree = parse_html(html)
    prune_noise(tree)
    assert [d.get("class") for d in tree.iter("div")] == ["video-embed", ""]


# --- sidebars inside the story --------------------------------------------------------------

def test_callout_aside_inside_the_article_is_text() -> None:
    note = ("How the vote works: the council needs a two-thirds majority for any change to the "
            "regional transport fund, which is why the opposition's support mattered. The "
            "fund was set up in 2009 to pay for rail and bus projects across the region, and "
            "each of the twelve member towns pays into it according to its population. Changes "
            "to its rules also need the approval of the regional assembly, which meets again "
            "in the autumn and is expected to confirm the plan without a vote.")
    links = ('<aside class="more"><a href="/a">Bus fares rise</a> <a href="/b">New tram line</a>'
             '</aside>')
    html = (f'<!DOCTYPE html><html lang="en"><head><title>Story</title></head><body><main><article>'
            f'<h1>Story</h1>{_paras(EN[0])}<aside class="css-q1"><p>{note}</p></aside>'
            f'{_paras(*EN[1:])}{links}</article></main></body></html>').encode()
    text = clean_page(html, "https://news.example.org/story/1").text
    _assert_clean(text, (*EN, note), ["Bus fares rise", "New tram line"])


# --- second extractor when trafilatura misses the prose ----------------------------------

def _long(body: tuple[str, ...]) -> tuple[str, ...]:
    """Paragraphs of two sentences: long enough for jusText to call them good."""
    return tuple(f"{body[i]} {body[(i + 1) % len(body)]}" for i in range(len(body)))


def _prose_tree(lang: str, body: tuple[str, ...]):
    from cleaners.dom import parse_html

    return parse_html(story_page(_paras(*_long(body)), lang).decode())


def test_justext_fallback_replaces_a_short_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaners import extract

    # trafilatura settles on a one-line box: the page's prose is many times longer
    monkeypatch.setattr(extract, "_extract", lambda tree, url, knobs: [Block("p", "Menu")])
    blocks = extract.extract_blocks(_prose_tree("de", DE), "")
    text = "\n".join(b.text for b in blocks)
    _assert_clean(text, _long(DE), ["Menu"])


def test_justext_fallback_keeps_trafilatura_when_not_much_better(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cleaners import extract

    kept = [Block("p", DE[0]), Block("p", DE[1])]
    monkeypatch.setattr(extract, "_extract", lambda tree, url, knobs: list(kept))
    blocks = extract.extract_blocks(_prose_tree("de", DE), "")
    assert [b.text for b in blocks] == [DE[0], DE[1]]


def test_justext_fallback_needs_a_stoplist(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaners import extract, fallback

    assert fallback.justext_paragraphs(_prose_tree("ja", JA), "ja") == []
    monkeypatch.setattr(extract, "_extract", lambda tree, url, knobs: [Block("p", "x")])
    blocks = extract.extract_blocks(_prose_tree("ja", JA), "")
    assert [b.text for b in blocks] == ["x"]


def test_fallback_trigger_measures_prose_not_links() -> None:
    from cleaners import fallback
    from cleaners.dom import parse_html

    teasers = "".join(f'<p><a href="/{i}">{EN[i % 3]}</a></p>' for i in range(6))
    tree = parse_html(story_page(teasers + _paras(EN[0])).decode())
    assert fallback.prose_length(tree) == len(EN[0])
    assert fallback.needs_fallback(tree, 10, 10_000) == 0  # too little prose to matter
    tree = _prose_tree("en", EN)
    prose = fallback.prose_length(tree)
    assert fallback.needs_fallback(tree, 10, 10_000) == prose
    assert fallback.needs_fallback(tree, prose, 10_000) == 0


def test_single_blob_is_recognised() -> None:
    from cleaners.extract import _is_blob

    assert _is_blob([Block("p", " ".join(EN * 8))])
    assert not _is_blob([Block("p", "\n".join(EN * 8))])
    assert not _is_blob([Block("p", EN[0]), Block("p", EN[1])])


# --- shared fixture pages ---------------------------------------------------------------

def _fixture_articles() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    out = []
    for path in sorted(FIXTURES.glob("*.json")):
        spec = json.loads(path.read_text("utf-8"))
        if spec.get("page_type") == "article" and spec.get("body"):
            out.append(path)
    return out


def _fixture_norm(text: str) -> str:
    """The comparison form of fixtures/score.py: NFKC, plain quotes, single spaces, casefold."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"',
                                         "\u201d": '"'}))
    return re.sub(r"\s+", " ", text).strip().casefold()


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"shared fixtures not found at {FIXTURES}")
@pytest.mark.parametrize("spec_path", _fixture_articles(), ids=lambda p: p.stem)
def test_fixture_body_kept_and_noise_gone(spec_path: Path) -> None:
    spec = json.loads(spec_path.read_text("utf-8"))
    html = spec_path.with_suffix(".html").read_bytes()
    text = _fixture_norm(clean_page(html, spec["url"]).text)
    lost = [p for p in spec["body"] if _fixture_norm(p) not in text]
    kept = [n for n in spec.get("must_exclude", []) if _fixture_norm(n) in text]
    assert not lost, f"body paragraphs lost: {lost}"
    assert not kept, f"noise kept: {kept}"


# --- WCXB regression ------------------------------------------------------------------

def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_extract", EVAL_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (WCXB.is_dir() and EVAL_SCRIPT.is_file()),
                    reason=f"WCXB dev data or eval script not found under {SHARED}")
def test_wcxb_sample_f1_does_not_regress() -> None:
    ev = _eval_module()
    scores = []
    articles = []
    for path in sorted((WCXB / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        page_type = ((record.get("_internal") or {}).get("page_type") or {})
        if isinstance(page_type, dict) and page_type.get("primary", "article") != "article":
            continue
        articles.append((path.stem, record))
    sample = articles[::WCXB_SAMPLE_EVERY][:WCXB_SAMPLE_SIZE]
    assert len(sample) == WCXB_SAMPLE_SIZE
    for page_id, record in sample:
        with gzip.open(WCXB / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8",
                       errors="replace") as fh:
            html = fh.read()
        text = clean_page(html.encode("utf-8"), record.get("url") or "").text
        truth = (record.get("ground_truth") or {}).get("main_content") or ""
        scores.append(ev.shingle_tp_fp_fn(truth, text))
    metrics = ev.aggregate(scores)
    assert metrics["f1"] >= WCXB_MIN_F1, metrics
