"""Noise vocabularies, kept as data apart from the logic that uses them.

Class/id tokens name page furniture; headings open lists of other stories or
comment areas, in many languages. All entries are lower-case.
"""

from __future__ import annotations

from .vocab_dates import MONTH_NAMES, WEEKDAY_NAMES, names

# whole class/id tokens (split on space, '-', '_', '__') that mark noise containers
NOISE_TOKENS: frozenset[str] = frozenset({
    "ticker", "marquee", "market", "markets", "stock", "stocks", "quotes", "currency",
    "related", "recommended", "recommendations", "recirculation", "trending", "popular",
    "mostread", "most", "teaser", "teasers", "promo", "comments", "comment", "disqus",
    "share", "sharing", "social", "newsletter", "subscribe", "subscription", "cookie",
    "cookies", "consent", "gdpr", "advert", "advertisement", "ad", "ads", "sponsored",
    "outbrain", "taboola", "breadcrumb", "breadcrumbs", "crumbs", "nav", "navbar", "menu",
    "footer", "sidebar", "signup", "paywall", "byline", "tags",
    "author", "authors", "authorbox", "bio", "biography", "disclaimer", "disclosure",
})

# class/id tokens that CMS templates give the story's standfirst ('teaser-text' in TYPO3
# news, 'news-article__teaser', 'article-intro', 'uk-text-lead'): a link-free element so
# named, just before the container holding the story's paragraphs, is kept and joins it
STANDFIRST_TOKENS: frozenset[str] = frozenset({"teaser", "intro", "lead", "standfirst"})

# class words of social-media embeds (a tweet or post quoted in a <figure>/<blockquote>):
# such figures are not turned into text containers
EMBED_CLASS_WORDS: tuple[str, ...] = ("embed", "tweet", "instagram", "tiktok", "facebook")
# the class word of custom-HTML blocks ("w-embed", "html-embed"): the extractor drops elements
# so named as third-party embeds, though such blocks often hold the page's own paragraphs
HTML_EMBED_WORD = "embed"

# class/id words (substrings) of disclosure widgets: accordions and FAQ answers that the page
# shows collapsed. Their panels are article text hidden only until a reader opens them.
DISCLOSURE_CLASS_WORDS: tuple[str, ...] = ("accordion", "faq", "collaps", "answer")
# class/id words (substrings) that mark an element as collapsed or hidden
HIDDEN_CLASS_WORDS: tuple[str, ...] = ("hidden", "hide", "expand", "collaps")

# ARIA roles of non-content regions
NOISE_ROLES: frozenset[str] = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog",
    "marquee", "timer",
})

# headings that open a list of other stories (normalised: NFKC, casefolded, no
# trailing ':' or count). After one, the rest of the text is cut when it is
# link-only or teaser-like.
TERMINAL_HEADINGS: frozenset[str] = frozenset({
    # en
    "related", "related news", "related posts", "related articles", "related stories",
    "related content", "related reading", "related coverage", "related topics",
    "more news", "more stories", "more from", "more articles", "more like this",
    "more to read", "more on this story", "read next", "up next", "what to read next",
    "also read", "read also", "recommended", "recommended for you", "recommended stories",
    "recommended articles", "you may also like", "you might also like", "you may like",
    "you may be interested in", "most popular", "most read", "most viewed", "popular posts",
    "popular stories", "popular now", "trending", "trending now", "trending stories",
    "latest news", "latest stories", "latest posts", "recent posts", "recent articles",
    "top stories", "editor's picks", "editors' picks", "don't miss", "in case you missed it",
    "around the web", "from the web", "sponsored content", "promoted stories",
    "related post", "more posts", "about the author", "about the authors", "share this article",
    "share this post", "share this story", "share this", "follow us", "tags", "filed under",
    # de
    "lesen sie auch", "mehr zum thema", "das könnte sie auch interessieren",
    "weitere artikel", "weitere nachrichten", "meistgelesen", "empfehlungen",
    "das könnte sie interessieren", "auch interessant", "neueste artikel",
    # fr
    "lire aussi", "à lire aussi", "a lire aussi", "sur le même sujet", "à lire également",
    "articles similaires", "articles liés", "les plus lus", "nos articles", "à découvrir",
    "dans la même rubrique", "vous aimerez aussi", "vous pourriez aussi aimer",
    # es / pt / it
    "leer más", "lee también", "noticias relacionadas", "te puede interesar",
    "también te puede interesar", "artículos relacionados", "lo más leído", "más noticias",
    "leia também", "notícias relacionadas", "mais lidas", "veja também",
    "leggi anche", "articoli correlati", "potrebbe interessarti", "i più letti",
    # ru / uk
    "читайте также", "читайте еще", "по теме", "похожие новости", "другие новости",
    "популярное", "самое читаемое", "новости по теме", "смотрите также",
    "читайте також", "популярне", "інші новини", "новини по темі", "схожі новини",
    "найпопулярніше", "дивіться також",
    # ko / ja / zh
    "관련 뉴스", "관련기사", "관련 기사", "많이 본 뉴스", "많이 본 기사", "추천 기사",
    "최신 뉴스", "이 시각 주요뉴스", "関連記事", "関連ニュース", "おすすめ記事",
    "人気記事", "アクセスランキング", "相关新闻", "相關新聞", "相关文章", "相关阅读",
    "推荐阅读", "热门文章",
    # ar
    "اقرأ أيضا", "اقرأ أيضاً", "اقرأ ايضا", "أخبار ذات صلة", "مقالات ذات صلة",
    "الأكثر قراءة", "مواضيع ذات صلة",
    # more: de, es, fr, it, pt, nl, pl, sv
    "empfohlene beiträge", "empfohlene artikel", "ähnliche beiträge", "ähnliche artikel",
    "verwandte beiträge", "verwandte artikel", "weitere beiträge", "letzte artikel",
    "neueste beiträge", "beliebte beiträge", "das könnte dich auch interessieren",
    "artículos recomendados", "entradas relacionadas", "publicaciones relacionadas",
    "te recomendamos", "le puede interesar", "también le puede interesar",
    "articles recommandés", "à voir aussi", "a voir aussi", "articles récents",
    "articoli recenti", "potrebbe interessarti anche", "artigos relacionados",
    "posts relacionados", "você também pode gostar", "gerelateerde artikelen",
    "gerelateerde berichten", "meer nieuws", "podobne artykuły", "zobacz również", "polecane",
    "relaterade artiklar", "mest läst",
})

# heading openings that name another story list ("More from Reuters", "Mehr aus Berlin");
# same cut condition as TERMINAL_HEADINGS
TERMINAL_PREFIXES: tuple[str, ...] = (
    "more from", "more in", "more on", "more stories from", "more news from", "latest from",
    "other stories", "mehr aus", "mehr von", "weitere artikel aus", "plus de", "plus d'articles",
    "más de", "más noticias de", "más sobre", "mehr über", "plus sur", "mais sobre", "altro su",
    "lesen sie auch", "lesen sie mehr", "read also", "lire aussi", "leia também",
    "altre notizie", "mais de", "ещё из", "еще из", "больше новостей",
    "більше новин", "інші новини з", "다른 기사", "更多",
)

# headings that open a comment area: the text is cut there whatever follows
COMMENT_HEADINGS: frozenset[str] = frozenset({
    "comments", "comment", "leave a reply", "leave a comment", "post a comment",
    "add a comment", "join the conversation", "join the discussion", "reader comments",
    "write a comment", "kommentare", "kommentar schreiben", "commentaires",
    "laisser un commentaire", "réagir", "comentarios", "deja un comentario",
    "deja tu comentario", "comentários", "deixe um comentário", "commenti",
    "lascia un commento", "комментарии", "коментарі", "оставить комментарий",
    "додати коментар", "댓글", "コメント", "评论", "評論", "التعليقات", "تعليقات",
})

# headings that open an author or reviewer bio (or the site's own blurb) after the story:
# the text is cut there whatever follows, when the heading sits in the last part of it
BIO_HEADINGS: frozenset[str] = frozenset({
    "about the author", "about the authors", "about the reviewer", "about the expert",
    "about the writer", "meet the author", "article written by", "article reviewed by",
    "written by", "reviewed by", "medically reviewed by", "about us", "contact info",
    "related post", "related posts",
    "über den autor", "über die autorin", "zum autor", "zur autorin",
    "à propos de l'auteur", "à propos de l'autrice", "sobre el autor", "sobre la autora",
    "sobre o autor", "sobre a autora", "sull'autore", "l'autore", "об авторе", "про автора",
    "o autorze", "over de auteur", "om forfatteren", "om författaren", "yazar hakkında",
    "작성자 소개", "著者について", "关于作者",
})

# a paragraph in the second half of the text matching one of these is a legal or
# editorial disclaimer of the site, not the story (regular expressions, lower case)
DISCLAIMER_PATTERNS: tuple[str, ...] = (
    r"\bfor (?:general )?(?:informational|information|educational)"
    r"(?: (?:and|or) (?:informational|educational))? purposes only\b",
    r"\b(?:does|do|is|are) not (?:intended to )?(?:constitute|be construed as|a substitute for)"
    r"\b.{0,40}\badvice\b",
    r"\b(?:views|opinions)\b.{0,80}\bdo(?:es)? not necessarily (?:reflect|represent)\b",
    r"\bdient (?:nur|ausschließlich|lediglich) (?:der|zur) (?:allgemeinen )?information\b",
    r"\bstellt? keine (?:\w*beratung|(?:medizinische|rechtliche|finanzielle) beratung) dar\b",
    r"\bà (?:titre|des fins) (?:purement )?informati(?:f|ves)\b",
    r"\bne constitue(?:nt)? pas un conseil\b",
    r"\b(?:con|a) (?:fines|título) (?:meramente |exclusivamente )?informativos?\b",
    r"\bno constituye(?:n)? (?:un )?asesoramiento\b",
)

# an author bio after the story opens with the byline's full name and one of these verbs
# ("Jane Doe is a health writer ...", "Jane Doe, a reporter at X, covers ...")
BIO_VERBS: tuple[str, ...] = (
    "is", "was", "has", "have", "writes", "covers", "holds", "joined", "serves", "leads",
    "specializes", "specialises", "brings", "co-founded", "founded", "started", "lives",
    "worked", "works", "earned", "received", "reports",
    "ist", "war", "schreibt", "arbeitet", "est", "a", "écrit", "es", "escribe", "é",
)

# a consent banner's paragraph names cookies at least twice and one of these words
COOKIE_WORDS: tuple[str, ...] = ("cookie", "куки", "쿠키", "クッキー")
COOKIE_CONTEXT: tuple[str, ...] = (
    "website", "websites", "browser", "consent", "privacy", "webseite",
    "zustimmung", "datenschutz", "navigateur", "consentement", "navegador", "consentimiento",
    "consenso", "сайт", "сайта", "согласие", "згоду", "사이트", "サイト",
)

# whole-line widget remnants (regular expressions over the normalised line)
WIDGET_PATTERNS: tuple[str, ...] = (
    r"\d+\s*(?:characters?|chars?|zeichen|caractères|caracteres|символ\w*|자)"
    r"(?:\s*(?:left|remaining|max(?:imum)?|übrig|restants?))?",
    r"(?:comments?|kommentare?|commentaires?|comentarios?|комментари\w*|коментар\w*"
    r"|댓글|コメント|评论|تعليقات?)\s*[(\[]?\s*\d*\s*[)\]]?",
    r"(?:be the first to comment|no comments yet|add (?:a )?comment|post (?:a )?comment"
    r"|write a comment|leave a comment|show comments|view comments|load more comments"
    r"|(?:log ?in|sign ?in|register) to (?:comment|reply|post).*|you must be logged in.*"
    r"|your email address will not be published.*|required fields are marked.*"
    r"|kommentar schreiben|jetzt kommentieren|ajouter un commentaire"
    r"|soyez le premier à commenter|añadir comentario|sé el primero en comentar"
    r"|добавить комментарий|додати коментар|оставить комментарий|залишити коментар"
    r"|로그인 후 댓글을 작성할 수 있습니다.*|댓글을 입력하세요.*|コメントを書く"
    r"|أضف تعليق(?:ا|اً)?)",
    r"(?:share|share this|share on \w+|tweet|pin it|email|print|whatsapp|facebook|twitter"
    r"|linkedin|teilen|partager|compartir|поделиться|поділитися|공유하기|シェア|分享|شارك)",
    r"(?:advertisement|advertising|sponsored|anzeige|werbung|publicité|publicidad|реклама"
    r"|광고|広告|广告|إعلان)",
    r"(?:accept(?: all)?(?: cookies)?|reject all|cookie settings|manage cookies)",
    r"(?:subscribe|sign up|sign up for our newsletter|subscribe to our newsletter"
    r"|newsletter abonnieren|s'abonner|suscríbete|подписаться|підписатися)",
    r"(?:back to top|scroll to top|nach oben|retour en haut|volver arriba|наверх|맨 위로)",
    r"(?:read more|continue reading|read the full (?:story|article)|mehr lesen|weiterlesen"
    r"|lire la suite|leer más|seguir leyendo|continua a leggere|читать далее|читать дальше"
    r"|читати далі|더보기|続きを読む|阅读全文|اقرأ المزيد)",
    r"\d+\s*(?:min(?:ute)?s?|мин\w*|хв\w*|분|分钟?)\.?\s*(?:read|lesezeit|de lecture|de lectura"
    r"|чтения|читання|읽기)",
    r"(?:advertisement\s*)?skip advertisement|advertisement\s*-\s*scroll to continue",
    r"(?:tags?|filed under|schlagwörter|schlagworte|mots-clés|étiquettes|etiquetas|теги|тэги"
    r"|мітки|태그|タグ|标签|標籤|الوسوم|categor(?:y|ies)|kategorien?|rubriken?|catégories?"
    r"|categorías?|categorias?|categori[ae]|categorieën|posted in|filed in|veröffentlicht in"
    r"|рубрик[аи]|категори[яи])\s*[:：].*",
    # social-media follow prompts: "Follow us on Twitter and Instagram", "Síguenos en Telegram"
    r"(?:follow (?:us|\w+(?: \w+)?) on|folgen sie uns|folge uns|suivez[- ]nous|síguenos|siguenos"
    r"|seguici|siga-nos|sigue a|volg ons|följ oss|følg oss|obserwuj nas|подписывайтесь на нас"
    r"|підписуйтесь на нас)\b.*(?:twitter|facebook|instagram|telegram|tiktok|youtube|linkedin"
    r"|whatsapp|threads|bluesky|mastodon|\bx\b).*",
)

# an inline "read also" paragraph starts with one of these and is (mostly) a link
READ_ALSO_PREFIXES: tuple[str, ...] = (
    "read also", "also read", "read more", "read next", "see also", "related", "more", "read",
    "lesen sie auch", "lesen sie mehr", "mehr dazu", "auch interessant", "zum artikel",
    "lire aussi", "à lire aussi", "a lire aussi", "voir aussi", "lire également",
    "lee también", "lea también", "leer más", "lea más", "te puede interesar",
    "le puede interesar", "le podría interesar", "te podría interesar", "vea también",
    "ver también", "leia também", "leia mais", "veja também", "saiba mais", "leggi anche",
    "lees ook", "lees meer", "les også", "les mer", "läs också", "läs även", "läs mer",
    "læs også", "læs mere", "lue myös", "czytaj też", "czytaj także", "czytaj również",
    "czytaj więcej", "zobacz też", "zobacz także", "čtěte také", "přečtěte si také",
    "čítajte aj", "citește și", "citeste si", "διαβάστε επίσης", "ayrıca okuyun", "baca juga",
    "đọc thêm", "xem thêm", "читайте также", "читайте також", "читайте еще", "читайте ещё",
    "по теме", "дивіться також", "смотрите также", "관련기사", "관련 기사", "관련 뉴스",
    "関連記事", "あわせて読みたい", "相关阅读", "延伸阅读", "相關閱讀", "延伸閱讀",
    "اقرأ أيضا", "اقرأ أيضاً",
)

# the label of an inline "read also" box, alone on its line (over one or more linked headlines
# or teasers, in the middle of a story). Together with TERMINAL_HEADINGS: such a box is dropped
# and the text after it kept; only a box with no story text after it ends the story.
INTERRUPTION_LABELS: frozenset[str] = (
    # the read-also prefixes, less the bare words ("more", "read") and the ones not measured as
    # box labels yet, plus the labels only a box carries
    frozenset(READ_ALSO_PREFIXES) - {"more", "read", "zum artikel", "le podría interesar",
                                     "le puede interesar", "te podría interesar",
                                     "vea también", "관련 뉴스"}
) | frozenset({
    "approfondisci", "das könnte sie auch interessieren", "mehr zum thema", "more on this",
    "more on this topic", "noticia relacionada", "noticias relacionadas", "passend zum thema",
    "polecamy", "recommended reading", "related article", "related story", "te recomendamos",
    "weiterlesen", "zum thema", "à lire", "اقرأ ايضا",
})

# labels of a dateline ("Published January 13, 2025"): the line is only label + date
DATE_LABELS: tuple[str, ...] = (
    "published", "published on", "posted", "posted on", "updated", "updated on",
    "last updated", "last updated on", "last modified", "modified", "date", "first published",
    "originally published", "created", "posted by", "on",
    "veröffentlicht", "veröffentlicht am", "aktualisiert", "aktualisiert am", "stand", "datum",
    "publié", "publié le", "mis à jour", "mis à jour le", "modifié le",
    "publicado", "publicado el", "actualizado", "actualizado el", "fecha",
    "publicado em", "atualizado", "atualizado em", "pubblicato", "aggiornato",
    "опубликовано", "обновлено", "дата публикации", "опубліковано", "оновлено",
    "дата публікації", "송고시간", "입력", "수정", "업데이트", "기사입력", "최종수정",
    "公開日", "更新日", "投稿日", "发布时间", "发布日期", "更新时间", "发表于",
    "نشر في", "تاريخ النشر", "آخر تحديث", "نشر",
    # more languages: nl, sv, no, da, pl, cs, it, pt, es, fr, de, tr, id
    "release date", "date of release", "gepubliceerd", "gepubliceerd op", "bijgewerkt",
    "bijgewerkt op", "laatst bijgewerkt",
    "publicerad", "uppdaterad", "publisert", "oppdatert", "sist oppdatert", "publiceret",
    "opdateret", "opublikowano", "aktualizacja", "zaktualizowano", "data publikacji",
    "publikováno", "aktualizováno", "pubblicato il", "aggiornato il", "ultimo aggiornamento",
    "atualizado às", "publicado às", "última atualização", "última actualización",
    "actualizado a las", "publié à", "mis à jour à", "erstellt", "erstellt am",
    "zuletzt aktualisiert", "letzte aktualisierung", "yayınlanma", "güncelleme",
    "yayınlanma tarihi", "güncellenme tarihi", "diterbitkan", "diperbarui",
)

# month and weekday names a dateline is read with (cleaners/vocab_dates.py): English ones in
# every form, the form a date writes them in for de, fr, es, ru, uk and ar
DATELINE_NAMES: frozenset[str] = (
    names(MONTH_NAMES, ("en",)) | names(WEEKDAY_NAMES, ("en",))
    | names(MONTH_NAMES, ("de", "fr", "es", "ru", "uk", "ar"), date_form_only=True))
# ... and the other words that may fill a dateline (lower-case)
DATE_WORDS: frozenset[str] = DATELINE_NAMES | frozenset({
    "am", "pm", "a", "m", "p", "utc", "gmt", "est",
    "edt", "pst", "pdt", "cet", "cest", "bst", "ist", "kst", "jst", "at", "on", "the", "of",
    "st", "nd", "rd", "th", "updated", "published", "by", "et", "pt", "ct",
    "um", "uhr", "le", "à", "h", "de", "del", "las", "hs",
    "г", "р", "року", "года", "в", "о",
    "년", "월", "일", "오전", "오후", "年", "月", "日", "时", "時", "分",
    "في",
})

# a line opening with one of these and holding a year is a copyright line
COPYRIGHT_SIGNS: tuple[str, ...] = ("©", "(c)", "copyright", "℗", "®")
# a short line holding one of these is a rights line wherever it appears
COPYRIGHT_MARKERS: tuple[str, ...] = (
    "all rights reserved", "alle rechte vorbehalten",
    "tous droits réservés", "todos los derechos reservados", "todos os direitos reservados",
    "tutti i diritti riservati", "все права защищены", "усі права захищено",
    "всі права захищені", "무단 전재", "무단전재", "재배포 금지", "저작권자",
    "無断転載", "版权所有", "版權所有", "جميع الحقوق محفوظة",
)

# a byline starts with one of these (then a few name words)
BYLINE_PREFIXES: tuple[str, ...] = (
    "by", "written by", "words by", "story by", "von", "par", "por", "di", "da", "door",
    "av", "af", "przez", "autor", "autorka", "autore", "auteur", "автор", "авторка", "автори",
    "текст", "bởi", "بقلم", "كتب", "yazan", "kirjoittanut",
)
# a byline line names people: after its prefix, capitalised words, initials, and these
# lower-case joiners and name particles ...
BYLINE_NAME_WORDS: frozenset[str] = frozenset({
    "and", "und", "et", "y", "e", "i", "и", "і", "та", "en", "og", "och", "ve", "oraz", "a",
    "van", "der", "den", "de", "da", "di", "del", "della", "des", "du", "la", "le", "von",
    "zu", "bin", "ibn", "al", "el", "dos", "das", "ter", "ten", "af", "mit", "with", "avec",
    "con", "com", "z", "s", "the", "staff", "team", "editors", "editorial", "staff writer",
})
# ... or news agencies, which some sites write in lower case ("Von dpa", "von afp/red")
BYLINE_AGENCIES: frozenset[str] = frozenset({
    "dpa", "afp", "apa", "kna", "epd", "sid", "sda", "ots", "ddp", "ap", "red", "ag", "reuters",
})
# words that end a Korean/Japanese/Chinese byline ("김민수 기자")
BYLINE_SUFFIXES: tuple[str, ...] = ("기자", "특파원", "記者", "记者", "特派員")

# class/id tokens naming furniture unambiguously: dropped whatever their length,
# as long as they do not hold most of the page's text (user comments are long)
STRICT_NOISE_TOKENS: frozenset[str] = frozenset({
    "comments", "comment", "disqus", "respond", "replies",
})
