"""Noise vocabularies, kept as data apart from the logic that uses them.

Class/id tokens name page furniture; headings open lists of other stories or
comment areas, in many languages. All entries are lower-case.
"""

from __future__ import annotations

# whole class/id tokens (split on space, '-', '_', '__') that mark noise containers
NOISE_TOKENS: frozenset[str] = frozenset({
    "ticker", "marquee", "market", "markets", "stock", "stocks", "quotes", "currency",
    "related", "recommended", "recommendations", "recirculation", "trending", "popular",
    "mostread", "most", "teaser", "teasers", "promo", "comments", "comment", "disqus",
    "share", "sharing", "social", "newsletter", "subscribe", "subscription", "cookie",
    "cookies", "consent", "gdpr", "advert", "advertisement", "ad", "ads", "sponsored",
    "outbrain", "taboola", "breadcrumb", "breadcrumbs", "crumbs", "nav", "navbar", "menu",
    "footer", "sidebar", "widget", "signup", "paywall", "byline", "tags",
})

# ARIA roles of non-content regions
NOISE_ROLES: frozenset[str] = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog",
    "marquee", "timer",
})

# headings that open a list of other stories or a comment area (normalised, no trailing ':')
TERMINAL_HEADINGS: frozenset[str] = frozenset({
    "related", "related news", "related posts", "related articles", "related stories",
    "more news", "more stories", "more from", "read next", "read more", "also read",
    "recommended", "recommended for you", "you may also like", "most popular", "most read",
    "trending", "trending now", "latest news", "comments", "leave a reply", "leave a comment",
    "lesen sie auch", "mehr zum thema", "das könnte sie auch interessieren", "kommentare",
    "читайте также", "комментарии", "читайте також", "коментарі", "популярне",
    "関連記事", "관련 뉴스", "관련기사", "댓글", "많이 본 뉴스",
    "lire aussi", "à lire aussi", "sur le même sujet", "commentaires",
    "leer más", "lee también", "noticias relacionadas", "comentarios",
    "leggi anche", "commenti", "leia também", "comentários",
    "اقرأ أيضا", "اقرأ أيضاً", "التعليقات", "相关新闻", "相關新聞", "评论",
})
