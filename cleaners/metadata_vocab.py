"""Word lists for metadata extraction: byline prefixes, joiners, date labels, months.

Data only (month names come from vocab_dates), so that adding a language is a
one-line change.  Every entry is lower case; matching code casefolds its input.
"""

from __future__ import annotations

from .vocab_dates import WEEKDAY_NAMES, month_numbers, names

# Words that introduce a byline ("By Jane Doe", "Von Max Muster", "Автор: ...").
BYLINE_PREFIXES: tuple[str, ...] = (
    "written by", "words by", "posted by", "published by", "reported by", "reporting by",
    "story by", "text by", "article by", "authored by", "compiled by", "contributed by",
    "updated by", "reviewed by", "edited by", "by", "from",
    "view all posts by", "see all posts by", "all posts by", "more posts by", "posts by",
    "more articles by", "articles by", "more from", "more by",
    "alle beiträge von", "tous les articles de", "todos los artículos de",
    "tutti gli articoli di", "zeige alle beiträge von", "alle artikel von", "weitere artikel von",
    "mehr artikel von", "mehr von", "artikel von", "beitrag von", "beiträge von",
    "voir tous les articles de", "articles de", "ver todos los artículos de", "artículos de",
    "articoli di", "see more by", "view posts by", "more stories by",
    "author", "authors", "writer", "byline", "posted", "written",
    "von", "text", "autor", "autorin", "autoren", "verfasst von",
    "par", "rédigé par", "publié par", "auteur", "auteure",
    "por", "escrito por", "publicado por", "redacción", "autora",
    "di", "scritto da", "a cura di",
    "door", "geschreven door",
    "av", "af", "skrevet af", "skrevet av", "tekst",
    "przez", "napisał", "napisała",
    "автор", "авторка", "автори", "от", "від", "текст",
    "yazar", "yazan",
    "작성자", "글쓴이", "기자명",
    "作者", "文", "记者", "記者", "撰文",
)

# Byline cues strong enough to trust in running text next to the headline.
BYLINE_CUES: tuple[str, ...] = (
    "by", "written by", "words by", "posted by", "reported by", "story by", "article by",
    "authored by", "author", "authors", "written", "von", "text", "autor", "autorin", "par",
    "rédigé par", "por", "escrito por", "di", "door", "av", "af", "przez", "автор", "авторка",
    "автори", "텍스트", "작성자", "글", "作者", "文", "記者",
)

# Lower-case name particles ("Ludwig van Beethoven", "Ana de la Cruz").
NAME_PARTICLES: frozenset[str] = frozenset({
    "van", "der", "den", "de", "da", "di", "del", "della", "des", "du", "la", "le", "von", "zu",
    "bin", "ibn", "al", "el", "y", "dos", "das", "ter", "ten", "af", "st.", "los", "las",
    "do", "ben", "op", "vom", "zum", "zur", "'t", "lo", "e",
})

# Trailing job titles that are not part of a name (Korean/Japanese/Chinese news).
NAME_SUFFIXES: tuple[str, ...] = (
    "기자", "특파원", "선임기자", "전문기자", "객원기자", "인턴기자", "논설위원", "편집위원",
    "記者", "特派員", "編集委員", "记者", "特约记者", "通讯员",
)

# Words joining several names in one byline.
NAME_JOINERS: tuple[str, ...] = (
    "and", "und", "et", "y", "e", "i", "и", "і", "та", "en", "og", "och", "ve", "oraz",
)

# Parts of a byline that are credentials or roles, never names.
CREDENTIALS: frozenset[str] = frozenset({
    "md", "m.d", "phd", "ph.d", "ph. d", "dr", "do", "rn", "rd", "rdn", "ld", "ldn", "ms", "m.s",
    "ma", "m.a", "ba", "b.a", "bs", "b.s", "bsc", "msc", "mba", "mph", "mpa", "dvm", "vmd", "cfp",
    "cpa", "cfa", "jr", "sr", "esq", "lcsw", "lpc", "np", "pa-c", "facs", "facp", "faan", "frcp",
    "dds", "dmd", "psyd", "edd", "ed.d", "cde", "cdces", "cscs", "pharmd", "mhs", "msn", "bsn",
    "aprn", "fnp", "fnp-c", "cpp", "psp", "lvt", "vts", "dacvb", "fand", "e-ryt", "ryt",
    "cepf", "mfa", "llm", "jd", "j.d", "iii", "ii",
})

# Author values that say nothing about who wrote the page.
JUNK_AUTHORS: frozenset[str] = frozenset({
    "admin", "administrator", "administrador", "user", "guest", "unknown", "anonymous",
    "anonym", "wordpress", "webmaster", "null", "none", "undefined", "author", "by",
    "editor", "webadmin", "site admin", "superuser", "root", "default", "test",
    "posted by", "written by", "share", "facebook", "twitter", "email", "print",
    "link", "contact", "contact us", "about", "about the author", "about us", "read more",
    "more", "view all posts", "all posts", "profile", "others", "home", "menu", "search",
    "follow", "subscribe", "login", "log in", "sign in", "comments", "reply", "team member",
    "super user", "user unknown", "public domain", "domena publiczna", "unbekannt", "inconnu",
    "anónimo", "anonimo", "anonyme", "anonymous user",
    # buttons and section names printed where a byline would be
    "copier", "copy", "copy link", "kontakt", "kontaktieren", "teilen", "drucken", "partager",
    "imprimer", "compartir", "imprimir", "condividi", "stampa", "delen", "dela", "udostępnij",
    "news", "nachrichten", "noticias", "actualités", "notizie", "nieuws", "nyheter", "nyheder",
    "wiadomości", "новости", "новини", "notícias",
    "today", "yesterday",
}) | names(WEEKDAY_NAMES, ("en",))

# Job titles glued after a name in page bylines ("Zackery Cuevas Writer");
# trimmed only from bylines read off the page, never from declared names.
ROLE_TITLES: frozenset[str] = frozenset({
    "writer", "editor", "reporter", "founder", "co-founder", "cofounder", "director", "manager",
    "ceo", "cto", "cfo", "coo", "president", "attorney", "lawyer", "contributor",
    "correspondent", "columnist", "winemaker", "journalist", "producer", "redakteur",
    "redakteurin", "korrespondent", "journaliste", "rédacteur", "redactor", "periodista",
    "chefredakteur", "chefredakteurin", "reporterin", "korrespondentin", "journalistin",
})

# Job titles that follow a name in bylines ("Jane Doe, Senior Editor"); a
# byline part made of these is a role, not a person.
ROLE_WORDS: frozenset[str] = frozenset({
    "writer", "editor", "reporter", "founder", "co-founder", "cofounder", "director", "manager",
    "ceo", "cto", "cfo", "coo", "president", "attorney", "lawyer", "expert", "specialist",
    "contributor", "correspondent", "columnist", "head", "officer", "consultant", "engineer",
    "designer", "analyst", "strategist", "coach", "nutritionist", "dietitian", "educator",
    "educators", "lead", "professor", "researcher", "grader", "winemaker", "photographer",
    "journalist", "producer", "chief", "senior", "sr.", "associate", "assistant", "intern",
    "freelance", "staff", "marketing", "development", "operations", "content", "partner",
    "owner", "advisor", "adviser", "counsel", "scientist", "developer", "redakteur",
    "redakteurin", "korrespondent", "journaliste", "rédacteur", "redactor", "periodista",
    "кореспондент", "корреспондент", "журналіст", "журналист", "chefredakteur",
    "chefredakteurin", "reporterin", "korrespondentin", "journalistin",
})

# Countries (English and own names, some German/French/Spanish): the end of a dateline
# ("Munich, Germany") printed where a byline would be, never an author.
COUNTRIES: frozenset[str] = frozenset({
    "germany", "deutschland", "allemagne", "alemania", "austria", "österreich", "autriche",
    "switzerland", "schweiz", "suisse", "svizzera", "suiza", "france", "frankreich", "francia",
    "italy", "italia", "italien", "italie", "spain", "españa", "spanien", "espagne",
    "portugal", "netherlands", "nederland", "niederlande", "pays-bas", "belgium", "belgien",
    "belgique", "belgië", "luxembourg", "luxemburg", "poland", "polska", "polen", "pologne",
    "czech republic", "czechia", "česko", "tschechien", "slovakia", "hungary", "magyarország",
    "ungarn", "romania", "românia", "bulgaria", "greece", "griechenland", "grèce", "ελλάδα",
    "denmark", "danmark", "dänemark", "sweden", "sverige", "schweden", "suède", "norway",
    "norge", "norwegen", "finland", "suomi", "finnland", "iceland", "ísland", "ireland",
    "irland", "united kingdom", "uk", "england", "scotland", "wales", "großbritannien",
    "royaume-uni", "reino unido", "ukraine", "україна", "russia", "россия", "russland",
    "russie", "turkey", "türkiye", "türkei", "usa", "u.s.", "united states", "vereinigte staaten",
    "états-unis", "estados unidos", "canada", "kanada", "mexico", "méxico", "mexiko", "brazil",
    "brasil", "brasilien", "argentina", "argentinien", "chile", "colombia", "kolumbien", "peru",
    "perú", "venezuela", "bolivia", "paraguay", "uruguay", "ecuador", "cuba", "china", "中国",
    "japan", "日本", "japon", "japón", "south korea", "korea", "한국", "대한민국", "india",
    "indien", "inde", "indonesia", "indonesien", "vietnam", "việt nam", "thailand",
    "philippines", "malaysia", "singapore", "singapur", "australia", "australien", "australie",
    "new zealand", "neuseeland", "israel", "iran", "iraq", "irak", "syria", "syrien", "egypt",
    "ägypten", "égypte", "egipto", "south africa", "südafrika", "afrique du sud", "nigeria",
    "kenya", "kenia", "morocco", "marokko", "maroc", "marruecos", "lesotho", "tanzania",
})

# Small words that end a byline label or start a time ("Beitrag von", "Houzz vor 3 Tagen",
# "Published on"): never the last word of a name, nor a name alone.
DANGLING_WORDS: frozenset[str] = frozenset({
    "by", "on", "at", "in", "am", "um", "vor", "von", "seit", "par", "le", "de", "por", "el",
    "di", "il", "door", "op", "av", "af", "på", "przez", "od", "от", "від", "の", "于",
})

# Labels in front of a date that say which date it is.
PUBLISHED_LABELS: tuple[str, ...] = (
    "published", "posted", "posted on", "published on", "first published", "date",
    "released", "written on", "created", "issued", "post time", "publish time",
    "veröffentlicht", "veröffentlicht am", "erschienen", "erstellt", "publié", "publié le",
    "publicado", "publicado el", "pubblicato", "pubblicato il", "gepubliceerd",
    "publicerad", "publiceret", "publisert", "opublikowano", "опубліковано", "опубликовано",
    "дата публікації", "дата публикации", "입력", "등록", "송고시간", "송고", "기사입력",
    "発行", "公開", "投稿日", "发布", "发布时间", "發佈",
)
MODIFIED_LABELS: tuple[str, ...] = (
    "updated", "last updated", "modified", "last modified", "revised", "last reviewed",
    "reviewed", "edited", "aktualisiert", "zuletzt aktualisiert", "geändert", "mis à jour",
    "modifié", "actualizado", "actualizado el", "aggiornato", "bijgewerkt", "uppdaterad",
    "opdateret", "oppdatert", "zaktualizowano", "оновлено", "обновлено", "수정", "업데이트",
    "最終更新", "更新", "更新时间",
)

# Labels saying a date is the first publication of a page that was updated
# or republished since ("This article was originally published on ...").
ORIGINAL_LABELS: tuple[str, ...] = (
    "originally published", "first published", "originally posted", "first posted",
    "ursprünglich veröffentlicht", "erstmals veröffentlicht", "erstveröffentlichung",
    "publié initialement", "initialement publié", "publicado originalmente",
    "publicado originariamente", "pubblicato originariamente", "oorspronkelijk gepubliceerd",
    "первоначально опубликовано", "вперше опубліковано",
)

# Month names (and common abbreviations) to month numbers, several languages
# (cleaners/vocab_dates.py); not Arabic, which the date parser has never read.
MONTHS: dict[str, int] = month_numbers(
    ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "ru", "uk", "tr", "no"))

# Separators between a headline and the site name in <title>.
TITLE_SEPARATORS: tuple[str, ...] = (
    " | ", " – ", " — ", " - ", " :: ", " · ", " • ", " » ", " « ", " › ", " // ", " / ", " ~ ",
    " ― ", ": ", "｜", " │ ", " ¦ ", "_", "：", " — ",
)

# Class/id words of the line above a headline (the kicker, "Dachzeile", "surtitre"):
# an <h1> whose first part carries one of them is "kicker + headline", not one title.
KICKER_CLASS_WORDS: tuple[str, ...] = (
    "kicker", "roofline", "topline", "dachzeile", "spitzmarke", "overline", "overhead",
    "eyebrow", "supertitle", "superline", "surtitre", "surtitle", "toptitle", "pretitle",
    "pre-title", "antetitulo", "occhiello", "subheadline", "subtitle", "flag", "rubric",
)

# Class/id words marking page regions whose dates and names are not the article's.
NOISE_REGION_WORDS: tuple[str, ...] = (
    "comment", "related", "sidebar", "widget", "footer", "menu", "nav", "breadcrumb",
    "topbar", "top-bar", "header-top", "masthead", "promo", "newsletter", "recommend",
    "more-news", "popular", "trending", "teaser", "ticker", "most-viewed", "most-read",
    "reply", "respond", "dateline-bar", "date-bar", "today", "weather", "market-",
    "subscribe", "signup", "login", "cookie", "modal", "sharing", "social", "also-read",
    "read-more", "readmore", "next-post", "prev-post", "previous-post", "pagination",
    "td_data_time", "td-header", "site-header", "header-date", "current-date",
)
