"""Titles: a kicker is not glued to the headline; only the site's own name is cut as a suffix."""

from __future__ import annotations

import pytest

from cleaners.decode import decode_html
from cleaners.dom import parse_html
from cleaners.metadata import extract_metadata


def title_of(head: str, body: str, url: str = "https://news.example.org/story/1",
             lang: str = "en") -> str | None:
    html = f"<html lang='{lang}'><head>{head}</head><body>{body}</body></html>"
    return extract_metadata(parse_html(decode_html(html.encode("utf-8"))), url).title


def og(title: str, site: str = "") -> str:
    tags = f"<meta property='og:title' content='{title}'>"
    return tags + (f"<meta property='og:site_name' content='{site}'>" if site else "")


# --- kicker + headline in one <h1> -------------------------------------------------

def test_kicker_line_joined_as_the_metadata_writes_it_de() -> None:
    head = og("Ausschuss zur Ahrtal-Flut: Zwei Rücktritte", "tagesschau.de")
    body = ("<h1><span class='seitenkopf__topline'>Ausschuss zur Ahrtal-Flut</span>"
            "<span class='seitenkopf__headline--text'>Zwei Rücktritte</span></h1>")
    assert title_of(head, body, lang="de") == "Ausschuss zur Ahrtal-Flut: Zwei Rücktritte"


def test_hidden_separator_gives_no_space_before_the_colon_de() -> None:
    head = og("Entwurf des Gesetzes: Ein bisschen Fortschritt")
    body = ("<h1><span class='kicker'>Entwurf des Gesetzes</span><span class='hide'>: </span>"
            "<span>Ein bisschen Fortschritt</span></h1>")
    assert title_of(head, body, lang="de") == "Entwurf des Gesetzes: Ein bisschen Fortschritt"


def test_kicker_dropped_when_the_metadata_gives_the_headline_alone_en() -> None:
    head = (og("Why collaborative thinking beats individual smarts", "The Economist")
            + "<title>Open Progress - Why collaborative thinking beats individual smarts"
              " | The Economist</title>")
    body = ("<h1><span class='article__subheadline'>Open Progress</span><br>"
            "<span class='article__headline'>Why collaborative thinking beats individual smarts"
            "</span></h1>")
    assert title_of(head, body) == "Why collaborative thinking beats individual smarts"


def test_marked_kicker_dropped_without_metadata_fr() -> None:
    body = ("<h1><small>Élections municipales</small><br>"
            "La gauche l'emporte à Lyon après un second tour serré</h1>")
    assert title_of("", body, lang="fr") == (
        "La gauche l'emporte à Lyon après un second tour serré")


def test_kicker_span_with_class_es() -> None:
    head = "<title>Adiós al euríbor negativo | Diario Ejemplo</title>"
    body = ("<h1><span class='antetitulo'>Hipotecas</span>"
            "Adiós al euríbor negativo</h1>")
    assert title_of(head, body, lang="es") == "Adiós al euríbor negativo"


def test_kicker_in_a_block_of_its_own_is_apart_en() -> None:
    head = "<title>Klatch Coffee | Shopify App Store</title>"
    body = ("<h1><div class='tw-text-body-2xl'>Get that tech stack</div>"
            "<span>Klatch Coffee</span></h1>")
    assert title_of(head, body, "https://apps.shopify.com/stories/klatch") == "Klatch Coffee"


def test_kicker_holding_its_hidden_dash_is_apart_de() -> None:
    body = ("<h1><span class='titleheader'>Umbau des Weissen Hauses"
            "<span aria-hidden='true'> – </span></span>"
            "<span class='text'>Trump plant einen Landeplatz</span></h1>")
    assert title_of("", body, lang="de") == "Trump plant einen Landeplatz"


def test_abutting_spans_are_two_lines_nl() -> None:
    body = ("<h1><span class='t-red'>Crisis in Den Haag</span>"
            "<span class='t-xxl'>Kabinet valt over stikstofplan</span></h1>")
    assert title_of("", body, lang="nl") == "Kabinet valt over stikstofplan"


def test_spaced_spans_are_one_line_en() -> None:
    body = "<h1><span>Breaking</span> <span>Storm hits the coast overnight</span></h1>"
    assert title_of("", body) == "Breaking Storm hits the coast overnight"


# --- the only <h1> is a copy in the navigation: the <h2> the article shows ----------

def _seo_h1(text: str) -> str:
    return f"<nav class='breadcrumb'><h1 class='seotitle'>{text}</h1></nav>"


@pytest.mark.parametrize(("kicker", "headline", "h2", "lang"), [
    ("Olympische Spiele", "Deutscher Aggressor beeindruckt, Frankreich hadert",
     "<h2><span class='article__kicker'>{k}</span> <span class='article__headline'>{h}</span>"
     "</h2>", "de"),
    ("Migration", "Chiesa ruft zum Widerstand gegen die Asylpolitik auf",
     "<h2><span class='titleheader'>{k}</span><span aria-hidden='true'> – </span>"
     "<span class='text'>{h}</span></h2>", "de"),
    ("Élections", "La gauche gagne à Lyon après un second tour serré",
     "<h2><span class='surtitre'>{k}</span><span class='titre'>{h}</span></h2>", "fr"),
    ("Calcio", "Il derby finisce in parità dopo una partita tesa",
     "<h2><div class='occhiello'>{k}</div><span>{h}</span></h2>", "it"),
    ("Sport", "Norge tar gull på stafetten i Paris",
     "<h2><small>{k}</small><br>{h}</h2>", "nb"),
])
def test_shown_h2_kicker_is_not_glued(kicker: str, headline: str, h2: str, lang: str) -> None:
    glued = f"{kicker}: {headline}"
    head = f"<title>{glued}</title>" + og(headline) + (
        f"<script type='application/ld+json'>{{\"@type\": \"NewsArticle\", "
        f"\"headline\": \"{glued}\"}}</script>")
    body = _seo_h1(glued) + f"<article>{h2.format(k=kicker, h=headline)}<p>Text.</p></article>"
    assert title_of(head, body, lang=lang) == headline


def _ld(headline: str) -> str:
    return ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
            f"\"headline\": \"{headline}\"}}</script>")


def test_shown_h2_without_a_kicker_changes_nothing_de() -> None:
    head = _ld("49-Euro-Ticket: Pendler sparen 60 Prozent") + og("Pendler zahlen weniger")
    body = (_seo_h1("Pendler zahlen weniger")
            + "<article><h2>Pendler sparen 60 Prozent</h2></article>")
    assert title_of(head, body, lang="de") == "49-Euro-Ticket: Pendler sparen 60 Prozent"


def test_h2_in_a_related_list_is_not_the_headline_en() -> None:
    head = _ld("Storm: Coast braces for the worst") + og("Coast braces for the worst")
    body = (_seo_h1("Storm: Coast braces for the worst") + "<aside class='related'><h2>"
            "<span class='kicker'>Storm</span><span>Coast braces for the worst</span></h2>"
            "</aside>")
    assert title_of(head, body) == "Storm: Coast braces for the worst"


def test_inline_emphasis_is_not_a_kicker_en() -> None:
    body = "<h1>The <em>best</em> pizza in town, ranked by readers</h1>"
    assert title_of("", body) == "The best pizza in town, ranked by readers"


def test_leading_link_is_not_a_kicker_without_mark_it() -> None:
    body = "<h1><a href='/tema/draghi'>Draghi</a> lascia la Bce dopo otto anni</h1>"
    assert title_of("", body, lang="it") == "Draghi lascia la Bce dopo otto anni"


# --- suffixes: the site's name only ------------------------------------------------

@pytest.mark.parametrize(("title", "lang"), [
    ("Würde des Lebens – ein Projekt", "de"),
    ("Leudot talvet tekevät meistä väsyneempiä – näillä keinoilla torjut kaamosoireita", "fi"),
    ("Bericht zur Coronalage – worauf wartet die Politik?", "de"),
    ("Hund vertreibt Einbrecher – Zeugenaufruf", "de"),
    ("Samsung Galaxy Unpacked: Launchtermin steht fest – das erwarten wir", "de"),
])
def test_subtitle_after_a_dash_is_kept(title: str, lang: str) -> None:
    head = f"<title>{title}</title>" + og(title)
    assert title_of(head, f"<h1>{title}</h1>", lang=lang) == title


@pytest.mark.parametrize(("title", "site", "lang"), [
    ("Wybory w Krakowie – Gazeta Przykładowa", "Gazeta Przykładowa", "pl"),
    ("Il governo approva la manovra – Corriere Esempio", "Corriere Esempio", "it"),
    ("Ny vei åpnet i Bergen – Avisa Eksempel", "Avisa Eksempel", "nb"),
])
def test_site_name_after_a_dash_is_cut(title: str, site: str, lang: str) -> None:
    head = f"<title>{title}</title><meta property='og:site_name' content='{site}'>"
    assert title_of(head, "<p>x</p>", lang=lang) == title.rsplit(" – ", 1)[0]


def test_domain_suffix_in_lower_case_is_cut() -> None:
    head = "<title>Lockdown: Gottesdienste bleiben möglich › evang.at</title>"
    got = title_of(head, "<p>x</p>", "https://www.evang.at/lockdown", "de")
    assert got == "Lockdown: Gottesdienste bleiben möglich"


@pytest.mark.parametrize(("title", "url", "want", "lang"), [
    ("GAME CHANGER | Newegg.com", "https://promotions.newegg.com/zotac/1.html", "GAME CHANGER",
     "en"),
    ("Shop.example.com - Die besten Laufschuhe im Test", "https://shop.example.com/laufschuhe",
     "Die besten Laufschuhe im Test", "de"),
    ("Les meilleures recettes de crêpes | Cuisine-Facile.fr", "https://cuisine-facile.fr/crepes",
     "Les meilleures recettes de crêpes", "fr"),
    ("Le migliori spiagge della Sardegna - viaggiare.it", "https://www.viaggiare.it/sardegna",
     "Le migliori spiagge della Sardegna", "it"),
    ("Cómo podar un rosal paso a paso — jardineria.es", "https://jardineria.es/rosal",
     "Cómo podar un rosal paso a paso", "es"),
])
def test_the_pages_own_domain_written_out_is_the_site_name(title: str, url: str, want: str,
                                                           lang: str) -> None:
    assert title_of(f"<title>{title}</title>", "<p>x</p>", url, lang) == want


def test_an_h1_that_is_the_domain_is_no_headline_de() -> None:
    title = "Termine Whisky Tastings Januar – Mai 2020 in Halle und Dessau"
    head = f"<title>{title} - whisky-probe.com</title>" + og(title)
    body = "<h1><a href='/'>whisky-probe.com</a></h1><h2>Termine</h2>"
    assert title_of(head, body, "https://whisky-probe.com/termine/5805", "de") == title


def test_another_domain_is_not_cut_en() -> None:
    head = "<title>Why we moved our blog off Medium.com</title>"
    assert title_of(head, "<p>x</p>", "https://example.org/blog/moved") == (
        "Why we moved our blog off Medium.com")


def test_dangling_separator_is_removed_de() -> None:
    head = "<title>Pferdesport definitiv bei Olympia 2028 dabei -</title>"
    assert title_of(head, "<p>x</p>", lang="de") == "Pferdesport definitiv bei Olympia 2028 dabei"


def test_soft_hyphens_do_not_split_the_headline_from_its_metadata_de() -> None:
    head = og("Erinnerung an die Opfer der NS-Verbrechen", "Bundesrat")
    body = ("<h1><span class='roofline'>Holocaust-Gedenktag</span> "
            "Er\u00adin\u00adne\u00adrung an die Op\u00adfer der NS-Ver\u00adbre\u00adchen</h1>")
    assert title_of(head, body, lang="de") == "Erinnerung an die Opfer der NS-Verbrechen"


# --- code, dates and cut attributes -------------------------------------------------

def test_css_inside_the_heading_is_not_title_text_de() -> None:
    body = ("<h1><span><style>.css-umyvef{font-size:16px;display:block;}</style>"
            "Medienmitteilung</span><span class='hidden'>: </span>"
            "Impfen ist bis Ende Februar möglich</h1>")
    head = og("Impfen ist bis Ende Februar möglich")
    assert title_of(head, body, lang="de") == "Impfen ist bis Ende Februar möglich"


@pytest.mark.parametrize(("title", "want", "lang"), [
    ("23.01.2022 - Dorothea Wierer darf noch jubeln", "Dorothea Wierer darf noch jubeln", "de"),
    ("Il sindaco inaugura la nuova linea | 05/03/2024", "Il sindaco inaugura la nuova linea",
     "it"),
    ("Nowy most otwarty – 12.04.2024, 10:30", "Nowy most otwarty", "pl"),
    ("2. Februar 2022 - Raab: Neue Regeln für Familien", "Raab: Neue Regeln für Familien", "de"),
])
def test_a_date_segment_is_cut(title: str, want: str, lang: str) -> None:
    assert title_of(f"<title>{title}</title>", "<p>x</p>", lang=lang) == want


def test_a_year_is_not_a_date_segment_en() -> None:
    head = "<title>The best budget laptops - 2024</title>"
    assert title_of(head, "<p>x</p>") == "The best budget laptops - 2024"


def test_meta_title_cut_at_a_quote_gives_way_es() -> None:
    head = ("<meta property='og:title' content='Senador califica a Biden de '>"
            "<title>Senador califica a Biden de \"incapacitado\"</title>")
    assert title_of(head, "<p>x</p>", lang="es") == 'Senador califica a Biden de "incapacitado"'
