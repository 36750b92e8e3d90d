"""Issue 18 body-text rules: inline "read also" boxes are interruptions, not endings; date and
byline labels go in many languages; the standfirst and the later chunks of a split story come
back. Snippets in many languages; each test also checks what must stay.
"""

from __future__ import annotations

import pytest
from test_cleaner_text import story_page

from cleaners import clean_page
from cleaners.block import Block
from cleaners.model import Metadata
from cleaners.postclean import (
    is_author_line,
    is_byline,
    is_interruption_label,
    is_label,
    is_meta_line,
    is_noise_line,
    postclean,
)

URL = "https://news.example.org/2025/03/12/story"

# six paragraphs of one story per language (each a sentence or two, >= 15 words)
STORIES: dict[str, tuple[str, ...]] = {
    "en": (
        "The city council voted on Tuesday to expand the bus network to the northern districts, "
        "a plan that officials say will shorten commutes for about forty thousand residents.",
        "The project will be paid for by a regional transport fund and a small increase in "
        "parking fees, according to the budget documents published by the council last week.",
        "Residents who spoke at the meeting welcomed the decision but asked for more frequent "
        "evening services, which the transport department promised to study before the summer.",
        "Work on the first new line is due to start in the autumn, once the tender for the "
        "electric buses has been decided by the regional procurement office.",
        "Opposition members argued that the money would be better spent on cycle lanes, but "
        "their amendment was rejected by a clear majority after a two-hour debate.",
        "The mayor said she expected the first buses to run on the new routes within eighteen "
        "months, and promised regular reports to the council on the progress of the works.",
    ),
    "de": (
        "Der Stadtrat hat am Dienstag beschlossen, das Busnetz in die nördlichen Bezirke "
        "auszubauen, was nach Angaben der Verwaltung die Wege für rund vierzigtausend Menschen "
        "verkürzt.",
        "Finanziert wird das Vorhaben aus einem regionalen Verkehrsfonds und einer leichten "
        "Erhöhung der Parkgebühren, wie aus den vergangene Woche veröffentlichten Unterlagen "
        "hervorgeht.",
        "Anwohner begrüßten die Entscheidung in der Sitzung, forderten aber häufigere "
        "Verbindungen am Abend, die das Verkehrsamt bis zum Sommer prüfen will.",
        "Die Arbeiten an der ersten neuen Linie sollen im Herbst beginnen, sobald die "
        "Ausschreibung für die elektrischen Busse von der Vergabestelle entschieden ist.",
        "Die Opposition hielt das Geld in Radwegen für besser angelegt, ihr Änderungsantrag "
        "wurde nach einer zweistündigen Debatte aber mit klarer Mehrheit abgelehnt.",
        "Die Bürgermeisterin rechnet damit, dass die ersten Busse in achtzehn Monaten auf den "
        "neuen Strecken fahren, und versprach dem Rat regelmäßige Berichte über die Arbeiten.",
    ),
    "fr": (
        "Le conseil municipal a voté mardi l'extension du réseau de bus vers les quartiers "
        "nord, un projet qui doit raccourcir les trajets d'environ quarante mille habitants.",
        "Le chantier sera financé par un fonds régional des transports et par une légère hausse "
        "des tarifs de stationnement, selon les documents budgétaires publiés la semaine passée.",
        "Les habitants présents ont salué la décision mais réclamé davantage de bus le soir, "
        "une demande que le service des transports promet d'étudier avant l'été prochain.",
        "Les travaux de la première ligne doivent commencer à l'automne, une fois l'appel "
        "d'offres pour les bus électriques attribué par le service régional des achats.",
        "L'opposition estimait que cet argent serait mieux investi dans les pistes cyclables, "
        "mais son amendement a été rejeté à une large majorité après deux heures de débat.",
        "La maire a dit attendre les premiers bus sur les nouvelles lignes d'ici dix-huit mois "
        "et a promis au conseil des rapports réguliers sur l'avancement des travaux.",
    ),
    "es": (
        "El concejo municipal aprobó el martes ampliar la red de autobuses hacia los barrios "
        "del norte, un plan que según las autoridades acortará los trayectos de miles de vecinos.",
        "La obra se financiará con un fondo regional de transporte y una leve subida de las "
        "tarifas de estacionamiento, según los documentos presupuestarios de la semana pasada.",
        "Los vecinos que intervinieron en la sesión celebraron la decisión, pero pidieron más "
        "servicios nocturnos, algo que el departamento prometió estudiar antes del verano.",
        "Las obras de la primera línea comenzarán en otoño, cuando la oficina regional de "
        "compras haya adjudicado el concurso para los nuevos autobuses eléctricos.",
        "La oposición sostuvo que el dinero estaría mejor invertido en carriles para bicicletas, "
        "pero su enmienda fue rechazada por amplia mayoría tras dos horas de debate.",
        "La alcaldesa dijo que espera ver los primeros autobuses en las nuevas rutas dentro de "
        "dieciocho meses y prometió informes periódicos al concejo sobre el avance de las obras.",
    ),
    "ru": (
        "Городской совет во вторник проголосовал за расширение автобусной сети в северные "
        "районы, что, по словам чиновников, сократит дорогу примерно для сорока тысяч жителей.",
        "Проект будет финансироваться из регионального транспортного фонда и за счет "
        "небольшого повышения платы за парковку, говорится в бюджетных документах совета.",
        "Жители, выступившие на заседании, поддержали решение, но попросили чаще пускать "
        "автобусы по вечерам, и транспортный департамент обещал изучить этот вопрос до лета.",
        "Работы на первой новой линии начнутся осенью, после того как региональное управление "
        "закупок подведет итоги конкурса на поставку электрических автобусов для города.",
        "Оппозиция считала, что деньги лучше потратить на велосипедные дорожки, но ее поправка "
        "была отклонена подавляющим большинством после двухчасовых дебатов в совете.",
        "Мэр заявила, что ожидает запуска первых автобусов по новым маршрутам в течение "
        "полутора лет, и пообещала совету регулярно отчитываться о ходе работ на линиях.",
    ),
    "pl": (
        "Rada miasta zagłosowała we wtorek za rozbudową sieci autobusowej w północnych "
        "dzielnicach, co według urzędników skróci dojazdy około czterdziestu tysięcy mieszkańców.",
        "Projekt zostanie sfinansowany z regionalnego funduszu transportowego i niewielkiej "
        "podwyżki opłat za parkowanie, wynika z dokumentów budżetowych opublikowanych niedawno.",
        "Mieszkańcy obecni na sesji poparli decyzję, ale poprosili o częstsze kursy wieczorem, "
        "a wydział transportu obiecał przeanalizować tę sprawę jeszcze przed latem.",
        "Prace na pierwszej nowej linii mają ruszyć jesienią, gdy regionalne biuro zamówień "
        "rozstrzygnie przetarg na dostawę nowych autobusów elektrycznych dla miasta.",
        "Opozycja przekonywała, że pieniądze lepiej wydać na drogi rowerowe, ale jej poprawka "
        "została odrzucona zdecydowaną większością głosów po dwugodzinnej debacie.",
        "Prezydent miasta zapowiedziała, że pierwsze autobusy wyjadą na nowe trasy w ciągu "
        "półtora roku, i obiecała radzie regularne sprawozdania z postępu prac.",
    ),
    "ja": (
        "市議会は火曜日、北部地区へのバス路線の拡大を可決した。市の担当者によると、約四万人の住民の"
        "通勤時間が短くなる見通しだという。",
        "事業費は地域の交通基金と駐車料金のわずかな値上げでまかなわれる。先週公表された予算資料に"
        "よると、来年度の前半から段階的に執行される予定だ。",
        "会議に出席した住民は決定を歓迎する一方で、夜間の便を増やすよう求めた。交通局は夏までに"
        "検討すると約束した。",
        "最初の新路線の工事は秋に始まる予定で、電気バスの入札が地域の調達事務所で決まり次第、"
        "車両の発注が行われるという。",
        "野党は自転車道の整備に予算を回すべきだと主張したが、二時間の議論の末、修正案は大差で"
        "否決された。",
        "市長は一年半以内に新しい路線で最初のバスを走らせたいと述べ、工事の進み具合を定期的に"
        "議会へ報告すると約束した。",
    ),
}

# the label of an inline "read also" box, per language
LABELS = {"en": "Read next:", "de": "Lesen Sie auch", "fr": "Lire aussi", "es": "Lee también",
          "ru": "Читайте также", "pl": "Czytaj też", "ja": "関連記事"}
HEADLINES = ("Storm closes the mountain pass for a week", "Library reopens after repairs",
             "Rail strike called off at the last minute", "New bridge opens to cyclists")


def _paras(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def _links(*titles: str) -> str:
    return "".join(f'<p><a href="/s/{i}">{t}</a></p>' for i, t in enumerate(titles))


def _text(body: str, lang: str = "en", head: str = "") -> str:
    return clean_page(story_page(body, lang, head=head), URL).text


# --- 3. an interruption is not an ending --------------------------------------------------

@pytest.mark.parametrize("lang", sorted(LABELS))
def test_read_also_line_and_linked_headlines_between_paragraphs_are_dropped(lang: str) -> None:
    story = STORIES[lang]
    html = _paras(*story[:3]) + f"<p>{LABELS[lang]}</p>" + _links(*HEADLINES) + _paras(*story[3:])
    text = _text(html, lang)
    for paragraph in story:
        assert paragraph in text, f"story paragraph lost after the box: {paragraph[:50]!r}"
    for noise in (LABELS[lang], *HEADLINES):
        assert noise not in text


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_read_also_box_at_the_end_still_ends_the_story(lang: str) -> None:
    story = STORIES[lang]
    text = _text(_paras(*story) + f"<p>{LABELS[lang]}</p>" + _links(*HEADLINES), lang)
    assert text.endswith(story[-1])
    assert not any(headline in text for headline in HEADLINES)


@pytest.mark.parametrize(("lang", "label"), [
    ("pl", "Czytaj więcej"), ("de", "Lesen Sie auch"), ("en", "Related"), ("es", "Lee también"),
    ("fr", "À lire aussi"), ("ru", "Читайте также"),
])
def test_read_also_box_with_a_teaser_excerpt_is_dropped_by_its_dom_box(
        lang: str, label: str) -> None:
    # the excerpt is no link: only the box around the label tells it from the story
    story = STORIES[lang]
    excerpt = ("Drivers face long detours as snow keeps falling over the weekend, and the "
               "road authority says the pass will stay closed until at least Friday.")
    box = (f'<div class="css-r3x"><div class="css-a1"><p>{label}</p></div>'
           f'<div class="css-a2"><a href="/other"><img src="x.jpg" alt=""></a>'
           f'<p>{excerpt}</p></div></div>')
    text = _text(_paras(*story[:3]) + box + _paras(*story[3:5]), lang)
    for paragraph in story[:5]:
        assert paragraph in text
    assert label not in text and excerpt not in text


@pytest.mark.parametrize(("lang", "label"), [
    ("en", "Related"), ("de", "Mehr zum Thema"), ("fr", "Lire aussi"), ("ru", "Читайте также"),
    ("pl", "Czytaj też"), ("ja", "関連記事"),
])
def test_a_label_whose_box_is_empty_goes_and_the_story_stays(lang: str, label: str) -> None:
    # the page fills the box by script: a label over story paragraphs, nothing else
    story = STORIES[lang]
    text = _text(_paras(*story[:2]) + f"<h2>{label}</h2>" + _paras(*story[2:]), lang)
    assert text == "\n\n".join(story)


def test_a_read_more_button_is_not_a_box_opener() -> None:
    story = STORIES["en"]
    assert is_interruption_label("Read more")
    blocks = [*story[:3], "Read more", *HEADLINES[:2], *story[3:]]
    kept = postclean([Block("p", text) for text in blocks], Metadata())
    assert kept[:3] == list(story[:3]) and kept[-3:] == list(story[3:])


def test_interruption_labels_in_many_languages() -> None:
    for label in ("Read next:", "Lesen Sie auch", "Lire aussi :", "Leer más", "Leia também",
                  "Читайте также", "Czytaj też", "関連記事", "相关阅读", "Les også", "Läs också"):
        assert is_interruption_label(label), label
    for line in ("Read the full report on the council's website before the vote.", "Discussion",
                 "Lesen", "Related to this, the council also voted on parking."):
        assert not is_interruption_label(line), line


# --- 4. labels and bylines go ----------------------------------------------------------------

@pytest.mark.parametrize(("lang", "line"), [
    ("en", "Published"), ("en", "Updated:"), ("de", "Veröffentlicht"), ("de", "- -Aktualisiert am"),
    ("fr", "Publié le"), ("fr", "Mis à jour"), ("es", "Publicado"), ("it", "Pubblicato"),
    ("sv", "Publicerad"), ("nl", "Gepubliceerd op"), ("pl", "Opublikowano"),
])
def test_bare_date_labels_removed(lang: str, line: str) -> None:
    assert is_label(line) and is_noise_line(line)


@pytest.mark.parametrize("line", [
    "12.12.2024, 10:30 Uhr · Von Katrin Vogel",
    "Uppdaterad 15.59 | Publicerad 14.14",
    "Publié le 12/12/2024 à 10h30 | Par Jean Dupont",
    "Por María López · 12 de diciembre de 2024",
    "Опубликовано 12.12.2024 | Автор: Иван Петров",
    "By Jane Doe | January 13, 2025",
])
def test_label_date_and_byline_lines_removed(line: str) -> None:
    assert is_meta_line(line), line
    story = STORIES["en"]
    text = _text(f'<div class="css-d8a1">{line}</div>' + _paras(*story[:3]))
    assert line not in text and text.startswith(story[0])


@pytest.mark.parametrize("line", [
    "Von Katrin Vogel", "By Jane Doe and John Smith", "Par Jean Dupont", "Por Redacción",
    "Di Mario Rossi", "Door Jan de Vries", "Av Anna Svensson", "Af Mette Jensen",
    "Przez Jan Kowalski", "Автор: Иван Петров", "Von dpa", "by Jacob Trussell—10 min read",
])
def test_bylines_in_many_languages_removed(line: str) -> None:
    assert is_byline(line), line


@pytest.mark.parametrize("line", [
    "Von Berlin aus fuhr der Zug weiter nach Hamburg",
    "Von den Plänen hielt der Rat wenig",
    "By the numbers",
    "By the end of the year",
    "Par ailleurs, le maire a annoncé",
    "Por la tarde llegó la lluvia",
    "Di notte la città dorme",
    "Door de regen bleef het stil",
    "Przez cały dzień padał deszcz",
])
def test_sentences_opening_like_a_byline_stay(line: str) -> None:
    assert not is_byline(line), line
    assert not is_noise_line(line), line


def test_a_german_dateline_and_byline_between_headline_and_story_go() -> None:
    story = STORIES["de"]
    text = _text('<p class="css-m1">12.12.2024, 10:30 Uhr · Von Katrin Vogel</p>'
                 + _paras(*story), "de")
    assert "Katrin Vogel" not in text and "10:30" not in text
    assert text == "\n\n".join(story)


def test_a_line_naming_only_the_authors_goes_near_the_edges() -> None:
    authors = ["Mathatisi Sebusi", "Mohalenyane Phakela"]
    assert is_author_line("Mathatisi Sebusi/Mohalenyane Phakela", authors)
    assert is_author_line("Ярослав Кузишин, Карина Гасимова",
                          ["Ярослав Кузишин", "Карина Гасимова"])
    assert not is_author_line("Mathatisi Sebusi said the plan was late", authors)
    assert not is_author_line("Mathatisi", authors)  # no whole name
    story = list(STORIES["en"])
    kept = postclean([Block("p", text) for text in ("Mathatisi Sebusi", *story)],
                     Metadata(authors=authors))
    assert kept == story


def test_fixture_site_articles_clean_to_their_paragraphs() -> None:
    from fixture_site.site import FixtureSite

    site = FixtureSite()
    base = "http://127.0.0.1:8000"
    for article in site.articles:
        page = clean_page(site.article_html(base, article).encode(), article.url(base))
        assert page.text == "\n\n".join(article.paragraphs), article.url(base)


# --- the standfirst and the chunks of a split story come back ------------------------------

@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "ru", "ja"])
def test_standfirst_showing_the_meta_description_comes_back(lang: str) -> None:
    story = STORIES[lang]
    lead = story[5]
    head = f'<meta property="og:description" content="{lead}">'
    # trafilatura drops the header's paragraph; the lead sits before the story's container
    body = (f'<header class="css-h"><p class="css-lead">{lead}</p></header>'
            f'<div class="css-body">{_paras(*story[:5])}</div>')
    text = _text(body, lang, head)
    assert text.startswith(lead), text[:80]
    assert text.count(lead) == 1


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "pl", "ja"])
def test_standfirst_named_teaser_showing_the_meta_description_is_kept(lang: str) -> None:
    story = STORIES[lang]
    lead = story[5]
    head = f'<meta property="og:description" content="{lead}">'
    # CMS templates (TYPO3 news, Drupal) call the standfirst "teaser-text", a furniture word
    body = (f'<div class="news-single"><div class="teaser-text"><p>{lead}</p></div>'
            f'<div class="news-text-wrap">{_paras(*story[:5])}</div></div>')
    text = _text(body, lang, head)
    assert text.startswith(lead), text[:80]
    assert text.count(lead) == 1


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "ru", "ja"])
def test_standfirst_named_teaser_before_the_story_body_is_kept(lang: str) -> None:
    story = STORIES[lang]
    lead = story[5]
    # no meta description; the body is the element the extractor keeps to (itemprop)
    body = (f'<div class="news-single"><div class="teaser-text"><p>{lead}</p></div>'
            f'<div class="news-media"><img src="/a.jpg" alt=""></div>'
            f'<div class="news-text-wrap" itemprop="articleBody">{_paras(*story[:5])}</div></div>')
    text = _text(body, lang)
    assert text.startswith(lead), text[:80]
    assert text.count(lead) == 1
    for paragraph in story[:5]:
        assert paragraph in text


@pytest.mark.parametrize(("lang", "name"), [
    ("en", "article-intro"), ("de", "article-teaser"), ("fr", "uk-text-lead"),
    ("es", "entry-standfirst"), ("pl", "article-intro"), ("ru", "text-lead")])
def test_standfirst_paragraph_before_the_story_container_joins_it(lang: str, name: str) -> None:
    story = STORIES[lang]
    lead = story[5]
    # a <p> (not a furniture container) that the extractor leaves out of the article body
    body = (f'<article><p class="{name}">{lead}</p>'
            f'<div class="article-body" itemprop="articleBody">{_paras(*story[:5])}</div>'
            f'</article>')
    text = _text(body, lang)
    assert text.startswith(lead), text[:80]
    assert text.count(lead) == 1


def test_a_linked_intro_or_one_after_the_story_is_not_a_standfirst() -> None:
    story = STORIES["en"]
    body = (f'<div class="intro"><p><a href="/other">{story[5]}</a></p></div>'
            f'<div class="article-body" itemprop="articleBody">{_paras(*story[:4])}</div>'
            f'<p class="lead">{story[4]}</p>')
    from cleaners.dom import parse_html
    from cleaners.preclean import join_standfirsts

    tree = parse_html(story_page(body).decode())
    join_standfirsts(tree)
    container = tree.xpath("//*[@itemprop='articleBody']")[0]
    assert [p.text_content() for p in container.iter("p")] == list(story[:4])


def test_teasers_of_other_stories_after_the_story_stay_out() -> None:
    story = STORIES["de"]
    # link-free teaser cards, but after the story: no story follows them
    body = (f'<div class="news-text-wrap">{_paras(*story[:5])}</div>'
            f'<div class="teaser"><p>{story[5]}</p></div>')
    assert story[5] not in _text(body, "de")


def test_a_linked_teaser_showing_the_description_is_still_furniture() -> None:
    story = STORIES["de"]
    lead = story[5]
    head = f'<meta name="description" content="{lead}">'
    # a card of another story: its text is a link
    body = (f'<div class="story">{_paras(*story[:5])}</div>'
            f'<div class="teaser"><a href="/other"><p>{lead}</p></a></div>')
    assert lead not in _text(body, "de", head)


def test_a_description_shown_only_in_a_teaser_elsewhere_stays_out() -> None:
    story = STORIES["en"]
    lead = story[5]
    head = f'<meta name="description" content="{lead}">'
    body = (f'<div class="css-body">{_paras(*story[:5])}</div>'
            f'<aside class="css-more"><p>{lead}</p></aside>')
    assert lead not in _text(body, "en", head)


def test_a_story_split_into_chunks_between_ads_is_whole() -> None:
    story = STORIES["en"]
    chunk = '<div class="story-chunk">{}</div>'
    ad = '<div class="css-ad"><div class="slot"></div></div>'
    # the chunks sit in separate grid rows: no element holds all of them but the page's wrapper
    body = "".join(
        f'<div class="row"><div class="col">{chunk.format(_paras(*part))}</div></div>{ad}'
        for part in (story[:2], story[2:4], story[4:]))
    text = clean_page(
        f'<html><head><title>Story</title></head><body><article><h1>Story</h1>{body}'
        f'</article></body></html>'.encode(), URL).text
    for paragraph in story:
        assert paragraph in text


def test_posts_of_a_list_are_not_chunks_of_one_story() -> None:
    from cleaners.dom import parse_html
    from cleaners.extract import mark_trailing
    from cleaners.recover import missing_chunks

    story = STORIES["fr"]
    pairs = [(story[i], story[(i + 1) % 6]) for i in range(6)]

    def chunks(html: str) -> list[str]:
        tree = parse_html(html)
        placed = mark_trailing(tree, [Block("p", story[0]), Block("p", story[1])])
        assert placed.core is not None and placed.core.get("class") in ("entry", "chunk")
        found = missing_chunks(tree, placed, [story[0], story[1]])
        return [text for chunk in found for _, text in chunk.blocks]

    posts = "".join(f'<div class="post"><h2>Post {i}</h2><div class="entry">{_paras(*pair)}'
                    f'</div></div>' for i, pair in enumerate(pairs))
    assert chunks(f"<html><body>{posts}</body></html>") == []  # six containers named alike
    parts = "".join(f'<div class="row"><div class="chunk">{_paras(*story[i:i + 2])}</div></div>'
                    for i in (0, 2, 4))
    assert chunks(f"<html><body><article><h1>T</h1>{parts}</article></body></html>") == list(
        story[2:])


@pytest.mark.parametrize(("lang", "heading"), [
    ("en", "More from The Nation"), ("de", "Mehr zum Thema"), ("fr", "Sur le même sujet"),
    ("es", "Noticias relacionadas"), ("ru", "Читайте также"),
])
def test_a_list_heading_over_cards_ends_the_story(lang: str, heading: str) -> None:
    # cards: a headline (no link the page marks) and a one-sentence deck, three or more
    story = STORIES[lang]
    cards = "".join(f"<h3>{title}</h3><p>{title} is the subject of this short deck.</p>"
                    for title in HEADLINES)
    text = _text(_paras(*story) + f"<h2>{heading}</h2>" + cards, lang)
    assert text == "\n\n".join(story)


def test_one_heading_and_its_paragraph_after_a_box_are_no_cards() -> None:
    story = STORIES["de"]
    blocks = [*story[:4], "Lesen Sie auch", "Europol nimmt Plattform hops", story[4], "(dmk)"]
    kinds = ["p"] * 4 + ["head", "head", "p", "p"]
    typed = [Block(kind, text) for kind, text in zip(kinds, blocks, strict=True)]
    kept = postclean(typed, Metadata())
    assert story[4] in kept


@pytest.mark.parametrize("name", ["takeover-ad-content-container", "article-ads-wrapper",
                                  "sidebar-grid__container", "promo-layout"])
def test_a_wrapper_named_like_furniture_around_the_story_is_kept(name: str) -> None:
    # the wrapper also holds the site's menus, so it is link-dense like furniture, and the page's
    # state script makes it a small share of the body's text
    story = STORIES["de"]
    state = "<script>window.__STATE__ = '" + "ab " * 20000 + "';</script>"
    menu = "".join(f'<a href="/r/{i}">Ressort Nummer {i} mit langem Namen</a> ' for i in range(60))
    html = (f'<html lang="de"><head><title>T</title></head><body><div class="{name}">'
            f'<div class="menu-x">{menu}</div><article><h1>Der Titel</h1>{_paras(*story)}'
            f'</article></div>{state}</body></html>')
    text = clean_page(html.encode(), URL).text
    for paragraph in story:
        assert paragraph in text
