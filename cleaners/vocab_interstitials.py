"""Interstitial vocabularies: the names and phrases of consent dialogs, appeals and promos.

Data only, used by interstitials.py. Class/id tokens and vendor names recognise a
container by its attributes; phrases (regular expressions over the whitespace-normalised,
case-folded text of one block) recognise it by what it says, in many languages.
"""

from __future__ import annotations

import re

# whole class/id tokens (split on space, '-', '_') of consent dialogs, newsletter and
# donation boxes, modal windows and pop-ups. Not "cmp" (Adobe's core components name
# every block "cmp-text", "cmp-container"). Not "paywall" / "subscription": those name the
# gated story itself on many sites.
INTERSTITIAL_TOKENS: frozenset[str] = frozenset({
    "cookie", "cookies", "consent", "gdpr", "ccpa", "newsletter", "newsletters",
    "signup", "optin", "subscribe", "donate", "donation", "donations", "modal", "popup",
    "interstitial",
})

# substrings of class/id values of consent-management platforms and sign-up widgets, written
# without separators so that a token match would miss them ("BorlabsCookie", "qc-cmp2-ui")
INTERSTITIAL_VENDORS: tuple[str, ...] = (
    "onetrust", "optanon", "didomi", "usercentrics", "cookiebot", "borlabs", "qc-cmp",
    "sp_message", "truste-", "trustarc", "cookielaw", "cookie-law", "cookieconsent",
    "cookienotice", "cookie-notice", "cookie-banner", "cookiebanner", "cmplz", "iubenda",
    "tarteaucitron", "axeptio", "consentmanager", "cookiefirst", "cookieyes", "cky-consent",
    "osano", "klaro", "moove_gdpr", "gdpr-consent", "mc4wp", "mailchimp", "mc_embed",
    "newsletter", "tp-modal", "piano-offer",
)

# ARIA roles of dialogs; aria-modal="true" marks one too
DIALOG_ROLES: frozenset[str] = frozenset({"dialog", "alertdialog"})

# substrings of class/id values of the follow-up story an infinite scroll appends
NEXT_STORY_NAMES: tuple[str, ...] = (
    "next-article", "nextarticle", "next_article", "next-story", "nextstory", "next_story",
    "next-post", "nextpost", "infinite-scroll", "infinitescroll", "infinite_scroll",
)

# phrases of newsletter sign-up boxes
NEWSLETTER_PHRASES: tuple[str, ...] = (
    # en
    r"\bsign(?:ing)? up (?:for|to) (?:our|the|my)\b[^.!?]{0,60}\b(?:newsletters?|mailing list"
    r"|email list)\b",
    r"\bsubscribe to (?:our|the|my)\b[^.!?]{0,60}\b(?:newsletters?|mailing list)\b",
    r"\bjoin (?:our|the|my) (?:[\w-]+ ){0,3}(?:newsletter|mailing list|email list)\b",
    r"\b(?:delivered|sent|arrives?|lands?) (?:straight|directly|right) (?:to|in|into) your "
    r"(?:e-?mail )?inbox\b",
    r"\bthanks? (?:you )?for (?:subscribing|signing up)\b",
    r"\byou(?:'|’)re (?:now |all )?(?:subscribed|signed up)\b",
    r"\bby (?:signing up|subscribing),? you (?:agree|consent)\b",
    r"\bwas this newsletter forwarded to you\b",
    r"\bdo you want to be informed\b.{0,60}\bsign up\b",
    # de
    r"\bnewsletter (?:abonnieren|bestellen)\b",
    r"\b(?:melden sie sich|melde dich|abonnieren sie|abonniere|bestellen sie|schauen sie)\b"
    r"[^.!?]{0,50}newsletter\b",
    r"\bmit unserem [\w-]*newsletter\b", r"\bzum [\w-]*newsletter anmelden\b",
    r"\bsie haben sich\b[^.!?]{0,50}\bnewsletter angemeldet\b",
    # fr
    r"\b(?:inscrivez-vous|abonnez-vous|inscris-toi)\b[^.!?]{0,50}\b(?:newsletter|lettre "
    r"d['’]information|infolettre)\b",
    r"\brecevez (?:notre|la|nos) (?:newsletter|lettre d['’]information|infolettre)\b",
    # es
    r"\b(?:suscr[ií]bete|suscr[ií]base|reg[ií]strate)\b[^.!?]{0,50}\b(?:newsletter|bolet[ií]n)"
    r"\b",
    r"\brecib[ea] (?:nuestro|nuestra|el|la) (?:newsletter|bolet[ií]n)\b",
    # it / pt / nl / pl / ru
    r"\biscriviti\b[^.!?]{0,50}\bnewsletter\b",
    r"\b(?:assine|inscreva-se|cadastre-se)\b[^.!?]{0,50}\b(?:newsletter|boletim)\b",
    r"\b(?:schrijf je in|meld je aan|abonneer je)\b[^.!?]{0,50}\bnieuwsbrief\b",
    r"\bzapisz się\b[^.!?]{0,50}\bnewslett?er",
    r"\bподпишитесь на (?:нашу |наш )?(?:рассылку|newsletter)",
)

# phrases of donation, membership and support appeals
APPEAL_PHRASES: tuple[str, ...] = (
    # en
    r"\bsupport (?:independent|our|quality|local|nonprofit|non-profit|reader-funded|public"
    r"-interest|award-winning) (?:[\w-]+ ){0,2}journalism\b",
    r"\b(?:please )?consider (?:supporting (?:us|our)|donating|making a donation"
    r"|becoming a (?:member|patron|supporter|paid subscriber))\b",
    r"\b(?:make|making) a (?:tax-deductible |one-time |monthly )?(?:donation|contribution)"
    r" (?:to|today|now)\b",
    r"^\W*donate (?:now|today)\W*$", r"\bbecome a (?:paid )?(?:member|patron|supporter) (?:of|on|to"
    r"|today)\b",
    r"\bbecome a paid subscriber\b", r"\bsupport (?:us|our work) on patreon\b",
    r"\b(?:our|this) (?:journalism|reporting|work) (?:relies|depends) on (?:readers|support"
    r"|donations|you)\b",
    r"\breader-(?:supported|funded) (?:journalism|newsroom|publication)\b",
    # de
    r"\bjetzt (?:unterstützen|spenden|mitglied werden)\b",
    r"\bunterstützen sie (?:uns|unsere (?:arbeit|aktion|redaktion)|unabhängigen journalismus)\b",
    r"\bunterstütze (?:uns|unsere arbeit)\b",
    r"\bunterstütz(?:e|en sie) [\w.-]+ (?:bereits |schon )?(?:mit|ab) \d",
    r"\bkannst du unsere arbeit unterstützen\b", r"\btaz zahl ich\b",
    # fr
    r"\bsoutenez(?:-nous| notre (?:travail|rédaction|journal)| le journalisme| l['’]information"
    r"| une information)\b",
    r"\b(?:faites|faire) un don\b", r"\baidez-nous à\b[^.!?]{0,40}\b(?:indépendant|informer)",
    # es
    r"\bap[oó]ya(?:nos)? (?:el|al|nuestro) periodismo\b", r"\bap[oó]yanos\b",
    r"\bhaz(?:te)? (?:una donación|socio|socia|miembro)\b",
    # it / pt / nl / pl / ru / scandinavian
    r"\bsostieni (?:il|la|l['’]) ?(?:nostro |nostra )?(?:giornalismo|informazione|redazione)\b",
    r"\bsostienici\b", r"\bfai una donazione\b",
    r"\bapoie o (?:nosso )?jornalismo\b", r"\bfaça uma doação\b",
    r"\bsteun (?:ons|onze journalistiek|onafhankelijke journalistiek)\b",
    r"\bwesprzyj (?:nas|niezależne|naszą)\b", r"\bподдержите (?:нас|редакцию|независим)",
    r"\bstøtt (?:oss|uavhengig)\b", r"\bstöd (?:oss|oberoende journalistik)\b",
)

# phrases of subscription prompts that stand in for the rest of a gated story
SUBSCRIPTION_PHRASES: tuple[str, ...] = (
    # en
    r"\bto (?:view|read|continue reading|access) (?:the )?(?:full|whole|entire|rest of the"
    r"|rest of this) (?:story|article)\b[^.!?]{0,40}\bsubscri",
    r"\bsubscribe (?:now )?(?:to|for)\b[^.!?]{0,60}\b(?:for the full story|to (?:continue"
    r" reading|read (?:the|this) full))\b",
    r"\bif you(?:'|’)re (?:seeing this message but you(?:'|’)re )?already a subscriber\b",
    r"\bthis (?:article|story|content) is (?:exclusive|only available|reserved) (?:to|for) "
    r"[\w+ ]{0,30}(?:subscribers|members)\b",
    r"\bunlock this (?:article|story)\b", r"\bsubscribe (?:now )?to (?:get|gain|unlock) "
    r"(?:full |unlimited )?access\b",
    r"\bread more of this content when you subscribe\b",
    # de
    r"\bum (?:den|diesen) (?:ganzen |vollständigen |kompletten )?artikel (?:zu lesen|lesen zu"
    r" können|weiterzulesen)\b[^.!?]{0,40}\b(?:abo|abonn)",
    r"\bsie sind bereits abonnent\b",
    # fr / es / it / pt
    r"\bla suite (?:de cet article )?est réservée aux abonnés\b", r"\bdéjà abonné ?\?",
    r"\b(?:contenido|artículo) (?:exclusivo|reservado) para suscriptores\b",
    r"\bsuscr[ií]bete para (?:seguir leyendo|leer)\b", r"\b¿ya eres suscriptor\b",
    r"\barticolo riservato agli abbonati\b", r"\bconteúdo exclusivo para assinantes\b",
    # ja / zh / ko
    r"この記事は(?:有料)?会員限定", r"続きを読むには[^。]{0,20}(?:会員|登録|購読|ログイン)",
    r"(?:订阅|訂閱|付费|付費)(?:后|後|即可)?(?:阅读|閱讀)全文",
    r"이 기사는 유료", r"유료\s?회원 전용",
)

# phrases of consent dialogs and of the placeholders that stand in for blocked embeds
CONSENT_PHRASES: tuple[str, ...] = (
    # en
    r"\bthis content (?:isn(?:'|’)t|is not|cannot be) (?:visible|available|shown|displayed)"
    r" (?:due to|because of) your (?:cookie|privacy|consent) (?:preferences|settings|choices)\b",
    r"\b(?:accept|allow|enable) (?:\w+ ){0,3}cookies to (?:view|see|watch|load|display)\b",
    r"\bby (?:clicking|continuing|using)\b[^.!?]{0,60}\byou (?:agree|consent) to (?:the|our) "
    r"use of cookies\b",
    r"\bdo not sell or share my personal information\b",
    # de
    r"\bich bin damit einverstanden, dass mir (?:externe )?inhalte\b",
    r"\bpersonenbezogene daten können an drittplattformen übermittelt werden\b",
    r"\bklicken sie auf den (?:unteren |folgenden )?button, um den inhalt von\b",
    r"\bwir verwenden cookies\b[^.!?]{0,80}\b(?:zustimmung|einwilligung|akzeptieren)\b",
    # fr / es / it / pt
    r"\bvous devez accepter (?:les|des) cookies\b",
    r"\bnous utilisons des cookies\b[^.!?]{0,80}\b(?:consentement|accepter)\b",
    r"\butilizamos cookies\b[^.!?]{0,80}\b(?:consentimiento|aceptar|acepta)\b",
    r"\butilizziamo (?:i )?cookie\b[^.!?]{0,80}\b(?:consenso|accetta)\b",
    r"\butilizamos cookies\b[^.!?]{0,80}\b(?:consentimento|aceitar|aceita)\b",
)

# phrases of promos: the reader told to download the app or follow the site. Not discount
# codes: deals stories tell the reader to use one as their text.
PROMO_PHRASES: tuple[str, ...] = (
    r"\bdownload (?:the|our) [\w ]{0,30}apps? for (?:ios|android|iphone)\b",
    r"\bfollow (?:us|the \w+) on (?:twitter|facebook|instagram|x|telegram|linkedin|youtube"
    r"|tiktok|whatsapp)\b",
    r"\bs[ií]guenos en (?:twitter|facebook|instagram|telegram|x|whatsapp|youtube|tiktok)\b",
    r"\bfolgen sie uns (?:auf|bei)\b", r"\bsuivez-nous sur\b", r"\bseguici su\b",
    r"\bsiga-nos (?:no|nas|em)\b",
)

# copyright and no-reprint footers of Chinese, Japanese and Korean sites
RIGHTS_PHRASES: tuple[str, ...] = (
    r"版权所有", r"版權所有",
    r"(?:未经|未經)[^。]{0,12}(?:授权|授權|许可|許可|同意)[^。]{0,12}(?:不得|禁止|严禁|嚴禁|请勿|請勿)"
    r"[^。]{0,6}(?:转载|轉載|复制|複製|使用|摘编)",
    r"(?:转载|轉載)请注明", r"无断(?:转载|転載)", r"無断転載", r"무단\s?전재", r"재배포\s?금지",
)

# the heading of a recommendation box set inside the story, alone in its block
RECOMMENDATION_HEADINGS: tuple[str, ...] = (
    "you might also like", "you may also like", "you might like", "you may like",
    "you might also enjoy", "you may also enjoy", "recommended for you", "more for you",
    "das könnte sie auch interessieren", "das könnte dich auch interessieren",
    "vous aimerez aussi", "vous pourriez aussi aimer", "también te puede interesar",
    "te puede interesar", "ti potrebbe interessare", "potrebbe interessarti anche",
    "você também pode gostar", "você pode gostar", "вам может быть интересно",
    "możesz też polubić", "猜你喜欢", "你可能喜欢", "你可能还喜欢", "你可能也喜欢",
    "こちらもおすすめ",
)
RECOMMENDATION_PHRASES: tuple[str, ...] = tuple(
    rf"^{re.escape(heading)}\W*$" for heading in RECOMMENDATION_HEADINGS)

# every phrase family, in one tuple
INTERSTITIAL_PHRASES: tuple[str, ...] = (
    NEWSLETTER_PHRASES + APPEAL_PHRASES + SUBSCRIPTION_PHRASES + CONSENT_PHRASES + PROMO_PHRASES
    + RIGHTS_PHRASES + RECOMMENDATION_PHRASES
)
