"""Interstitials: consent dialogs, sign-up and donation appeals, follow-ups, rights footers."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from cleaners import clean_page
from cleaners.interstitials import is_interstitial_name, is_interstitial_text, prune_interstitials

STORY = {
    "en": "The river authority opened the new flood gates on Monday morning after a week of rain.",
    "de": "Die Stadtwerke haben am Montag die neuen Schleusentore nach einer Woche Regen geöffnet.",
    "fr": "La régie du fleuve a ouvert lundi matin les nouvelles vannes après la pluie.",
    "es": "La autoridad del río abrió el lunes por la mañana las nuevas compuertas tras la lluvia.",
    "it": "L'autorità del fiume ha aperto lunedì mattina le nuove chiuse dopo la pioggia.",
    "pt": "A autoridade do rio abriu na segunda-feira as novas comportas depois da chuva.",
    "ja": "河川管理局は一週間続いた雨を受けて、月曜日の朝に新しい水門を開いた。",
    "zh": "河流管理局在连续一周降雨后，于周一上午开启了新的水闸，沿岸居民纷纷表示松了一口气。",
}


def _page(lang: str, extra: str, *, paragraphs: int = 6) -> str:
    body = "".join(f"<p>{STORY[lang]} {i}</p>" for i in range(paragraphs))
    return (f"<html lang='{lang}'><head><title>Flood gates</title></head><body>"
            f"<header><nav><a href='/'>Home</a></nav></header><main><article><h1>Flood gates</h1>"
            f"{body}{extra}</article></main><footer>Footer</footer></body></html>")


def _pruned_text(html: str) -> str:
    tree = lxml_html.fromstring(html)
    prune_interstitials(tree)
    return " ".join(tree.text_content().split())


# (language, an appeal box inside the article, a phrase of it that must go)
APPEALS = [
    ("en", "<div class='box'><h3>Support independent journalism</h3><p>We rely on readers like "
           "you. Please consider supporting us with a monthly gift.</p><a>Donate</a></div>",
     "rely on readers"),
    ("de", "<div class='tzi'><h3>Links lesen</h3><p>Eine offene Gesellschaft braucht guten "
           "Journalismus. Dann machen Sie mit und unterstützen Sie unsere Aktion.</p>"
           "<a>Jetzt unterstützen</a></div>", "offene Gesellschaft"),
    ("fr", "<div class='encart'><p>Soutenez le journalisme indépendant : faites un don dès "
           "aujourd'hui.</p></div>", "faites un don"),
    ("es", "<div class='help'><h4>Apoya el periodismo incómodo</h4><p>Si te parece valioso "
           "nuestro trabajo, apóyanos.</p></div>", "valioso nuestro trabajo"),
    ("it", "<div class='cta'><p>Sostieni il nostro giornalismo: fai una donazione.</p></div>",
     "fai una donazione"),
    ("pt", "<section><p>Apoie o jornalismo independente? Faça uma doação hoje.</p></section>",
     "Faça uma doação"),
]


@pytest.mark.parametrize(("lang", "box", "phrase"), APPEALS)
def test_donation_appeal_box_goes_story_stays(lang: str, box: str, phrase: str) -> None:
    text = _pruned_text(_page(lang, box))
    assert phrase not in text
    assert text.count(STORY[lang][:40]) == 6


NEWSLETTERS = [
    ("en", "<div><h3>Join our newsletter</h3><p>The best stories, delivered straight to your "
           "inbox every week.</p><form><input type='email'></form></div>", "best stories"),
    ("de", "<div><p>Mit unserem Newsletter erhalten Sie monatlich Informationen und Angebote!"
           "</p></div>", "monatlich Informationen"),
    ("fr", "<div><p>Inscrivez-vous à notre newsletter pour recevoir l'essentiel.</p></div>",
     "l'essentiel"),
    ("es", "<div><p>Suscríbete a nuestro boletín y recibe las noticias del día.</p></div>",
     "noticias del día"),
    ("it", "<div><p>Iscriviti alla nostra newsletter settimanale.</p></div>", "settimanale"),
]


@pytest.mark.parametrize(("lang", "box", "phrase"), NEWSLETTERS)
def test_newsletter_sign_up_goes(lang: str, box: str, phrase: str) -> None:
    text = _pruned_text(_page(lang, box))
    assert phrase not in text
    assert text.count(STORY[lang][:40]) == 6


CONSENT = [
    ("en", "This content isn't visible due to your cookie preferences. Click Allow to load it."),
    ("de", "Ich bin damit einverstanden, dass mir Inhalte von YouTube angezeigt werden."),
    ("fr", "Vous devez accepter les cookies pour afficher cette vidéo."),
    ("es", "Utilizamos cookies propias y de terceros; pulse aceptar para dar su consentimiento."),
    ("it", "Utilizziamo i cookie per migliorare il sito: accetta per continuare."),
]


@pytest.mark.parametrize(("lang", "notice"), CONSENT)
def test_consent_placeholder_goes(lang: str, notice: str) -> None:
    text = _pruned_text(_page(lang, f"<div class='embed-box'><p>{notice}</p><button>OK</button>"
                                    f"</div>"))
    assert notice[:30] not in text
    assert text.count(STORY[lang][:40]) == 6


def test_long_ccpa_dialog_named_by_role_goes() -> None:
    """A consent dialog of ~480 words is neither short nor link-dense: role=dialog names it."""
    notice = " ".join(["We and our partners process personal data such as identifiers to "
                       "personalise content and measure audiences under the CCPA."] * 20)
    for attrs in ("role='dialog' aria-label='Privacy'", "aria-modal='true'",
                  "id='onetrust-banner-sdk'", "class='sp_message_container_123'",
                  "class='didomi-popup'"):
        html = _page("en", "", paragraphs=60).replace(
            "<footer>", f"<div {attrs}><h2>Your privacy choices</h2><p>{notice}</p>"
                        f"<button>Accept</button></div><footer>")
        text = _pruned_text(html)
        assert "personalise content" not in text, attrs
        assert text.count(STORY["en"][:40]) == 60


def test_subscription_prompts_go() -> None:
    prompts = [
        ("en", "To view the full story, please subscribe to The Daily. Choose an annual plan."),
        ("de", "Um den ganzen Artikel zu lesen, schließen Sie ein Abo ab."),
        ("fr", "La suite de cet article est réservée aux abonnés."),
        ("es", "Contenido exclusivo para suscriptores."),
        ("ja", "この記事は会員限定です。無料で会員登録できます。"),
    ]
    for lang, prompt in prompts:
        text = _pruned_text(_page(lang, f"<p class='note'>{prompt}</p>"))
        assert prompt[:12] not in text, lang
        assert text.count(STORY[lang][:20]) == 6


def test_rights_footers_go() -> None:
    footers = [
        ("zh", "本网站所有内容版权所有，未经授权禁止转载。"),
        ("zh", "未经许可，不得转载、摘编或利用其它方式使用上述作品。"),
        ("ja", "記事・写真の無断転載を禁じます。"),
        ("ko", "저작권자 © 한국일보 무단전재 및 재배포 금지"),
    ]
    for lang, footer in footers:
        story = STORY.get(lang, STORY["zh"])
        html = _page("zh" if lang == "ko" else lang, f"<p>{footer}</p>")
        text = _pruned_text(html)
        assert footer[:6] not in text, footer
        assert text.count(story[:10]) == 6


def test_follow_promos_go() -> None:
    lines = [
        ("en", "Follow us on Twitter and Instagram for breaking news."),
        ("es", "Síguenos en Telegram, Instagram, Facebook y Twitter para recibir las noticias."),
        ("de", "Folgen Sie uns auf Facebook und Instagram."),
        ("fr", "Suivez-nous sur Facebook et Twitter."),
        ("it", "Seguici su Facebook e Instagram."),
    ]
    for lang, line in lines:
        text = _pruned_text(_page(lang, f"<p>{line}</p>"))
        assert line[:15] not in text, lang


def test_short_story_with_an_appeal_keeps_its_text() -> None:
    """The box never grows into the story: a two-paragraph story with a sign-up line in the
    same container loses the line only."""
    html = _page("en", "<p>Sign up for our newsletter to get the latest news.</p>", paragraphs=2)
    text = _pruned_text(html)
    assert text.count(STORY["en"][:40]) == 2
    assert "Sign up" not in text


def test_prose_paragraph_next_to_an_appeal_is_kept() -> None:
    """A box holding a paragraph of the story besides the appeal is not removed whole."""
    prose = ("She was fifteen and could not vote, but she followed the campaign closely, her "
             "sister recalled, and argued about it with her classmates every day at school.")
    html = _page("en", f"<section><p>{prose}</p><p>Please bookmark our site and sign up for our "
                       f"daily newsletter, Posted, here.</p></section>")
    text = _pruned_text(html)
    assert prose in text
    assert "daily newsletter" not in text


def test_named_box_holding_the_story_is_kept() -> None:
    """A wrapper named 'modal-enabled' or 'newsletter-article' around the story stays."""
    for attrs in ("class='box article modal-enabled'", "class='newsletter-article'",
                  "role='dialog'"):
        html = (f"<html><body><div {attrs}><h1>Flood gates</h1>"
                + "".join(f"<p>{STORY['en']} {i}</p>" for i in range(8))
                + "</div><div class='side'><p>Short aside text here.</p></div></body></html>")
        text = _pruned_text(html)
        assert text.count(STORY["en"][:40]) == 8, attrs


def test_article_prose_quoting_a_phrase_is_not_a_box() -> None:
    """Long paragraphs are never matched; story text mentioning newsletters stays."""
    long_para = ("The council said residents could sign up for our newsletter at the town hall, "
                 "the mayor added, " + "and the plan was discussed at length. " * 40)
    assert not is_interstitial_text(long_para)
    assert not is_interstitial_text("The newsletter industry grew fast last year.")
    assert not is_interstitial_text("Die Regierung will die Ukraine weiter unterstützen.")
    assert is_interstitial_text("Jetzt unterstützen")
    assert is_interstitial_text("Thanks for subscribing! Look out for your first newsletter.")
    assert is_interstitial_text("Schauen Sie mal in unseren Musiknewsletter!")
    assert is_interstitial_text("Do you want to be informed of our actions? Sign up here")
    assert is_interstitial_text("Links to the lesson sent directly to your email inbox.")
    assert not is_interstitial_text("Get the Morning Briefing delivered to your inbox.")


def test_interstitial_names() -> None:
    def node(attrs: str) -> lxml_html.HtmlElement:
        return lxml_html.fromstring(f"<div {attrs}>x</div>")
    assert is_interstitial_name(node("class='BorlabsCookie'"))
    assert is_interstitial_name(node("id='qc-cmp2-container'"))
    assert is_interstitial_name(node("class='newsletter-signup'"))
    assert is_interstitial_name(node("role='alertdialog'"))
    assert not is_interstitial_name(node("class='cmp-text cmp-container'"))  # Adobe components
    assert not is_interstitial_name(node("class='paywall article-body'"))
    assert not is_interstitial_name(node("class='subscription-price'"))


def test_infinite_scroll_follow_up_article_goes() -> None:
    first = "".join(f"<p>{STORY['en']} {i}</p>" for i in range(8))
    second = "".join(f"<p>Another story about the city budget, paragraph {i} of it.</p>"
                     for i in range(5))
    html = (f"<html><head><title>Flood gates</title></head><body><main>"
            f"<article><h1>Flood gates</h1><p class='byline'>By Ann Lee</p>{first}</article>"
            f"<article><h1>City budget</h1><p class='byline'>By Bo Chan</p>{second}</article>"
            f"<div class='next-article'><h2>Next article</h2><p>Yet another story.</p></div>"
            f"</main></body></html>")
    text = _pruned_text(html)
    assert text.count(STORY["en"][:40]) == 8
    assert "city budget" not in text and "Yet another" not in text
    page = clean_page(html.encode(), "https://river.example/news/flood-gates")
    assert "city budget" not in page.text
    assert page.text.count(STORY["en"][:40]) == 8


def test_listing_of_articles_with_h2_is_untouched() -> None:
    cards = "".join(f"<article><h2>Story {i}</h2><p>{STORY['en']} {i}</p></article>"
                    for i in range(6))
    text = _pruned_text(f"<html><body><main><h1>News</h1>{cards}</main></body></html>")
    assert text.count(STORY["en"][:40]) == 6


def test_clean_page_drops_appeal_end_to_end() -> None:
    box = ("<div class='tzi-bottom'><h3>Links lesen, Rechts bekämpfen</h3><p>Gerade jetzt "
           "braucht es Zusammenhalt. Dann machen Sie mit und unterstützen Sie unsere Aktion. "
           "Noch bis Ende Oktober gehen die Einnahmen aus taz zahl ich an das Netzwerk.</p>"
           "<a href='/zahl'>Jetzt unterstützen</a></div>")
    page = clean_page(_page("de", box).encode(), "https://zeitung.example/politik/artikel")
    assert "Zusammenhalt" not in page.text and "Links lesen" not in page.text
    assert page.text.count(STORY["de"][:40]) == 6


@pytest.mark.parametrize(("lang", "heading"), [
    ("en", "You might also like"), ("de", "Das könnte Sie auch interessieren"),
    ("fr", "Vous aimerez aussi"), ("es", "También te puede interesar"), ("zh", "猜你喜欢"),
])
def test_recommendation_box_inside_the_story_goes(lang: str, heading: str) -> None:
    """A "You might also like" box between paragraphs: its heading and its headlines go, the
    paragraphs after it stay."""
    box = (f"<div class='box'><h3>{heading}</h3><ul>"
           + "".join(f"<li><a href='/s{i}'>Other headline number {i} about the city</a></li>"
                     for i in range(4)) + "</ul></div>")
    html = _page(lang, "").replace(f"{STORY[lang]} 2</p>", f"{STORY[lang]} 2</p>{box}")
    text = _pruned_text(html)
    assert heading not in text and "Other headline" not in text
    assert text.count(STORY[lang][:10]) == 6


def test_recommendation_words_in_prose_stay() -> None:
    assert not is_interstitial_text("We have all seen those 'You might also like' suggestions.")
