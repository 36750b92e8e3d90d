"""Month and weekday names in many languages: the one date vocabulary of the cleaner.

Per language, per month (January first) or weekday (Monday first): the form a date
writes the name in first (the genitive in Slavic languages: "12 января"), then its
abbreviations and variants. All entries are lower case. The dateline rule
(postclean, through vocab.DATE_WORDS) and the date parser and author filter
(through metadata_vocab.MONTHS) each take the languages and forms they read.
"""

from __future__ import annotations

from collections.abc import Iterable

Names = tuple[tuple[str, ...], ...]

MONTH_NAMES: dict[str, Names] = {
    "en": (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
           ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
           ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
           ("december", "dec")),
    "de": (("januar", "jänner"), ("februar",), ("märz", "mär"), ("april",), ("mai",),
           ("juni",), ("juli",), ("august",), ("september",), ("oktober", "okt"),
           ("november",), ("dezember", "dez")),
    "fr": (("janvier", "janv"), ("février", "févr", "fevrier"), ("mars",), ("avril", "avr"),
           ("mai",), ("juin",), ("juillet", "juil"), ("août", "aout"), ("septembre",),
           ("octobre",), ("novembre",), ("décembre", "déc")),
    "es": (("enero", "ene"), ("febrero",), ("marzo",), ("abril", "abr"), ("mayo",),
           ("junio",), ("julio",), ("agosto", "ago"), ("septiembre",), ("octubre",),
           ("noviembre",), ("diciembre", "dic")),
    "it": (("gennaio", "gen"), ("febbraio",), ("marzo",), ("aprile",), ("maggio",),
           ("giugno",), ("luglio",), ("agosto", "ago"), ("settembre", "set"),
           ("ottobre", "ott"), ("novembre",), ("dicembre", "dic")),
    "pt": (("janeiro",), ("fevereiro", "fev"), ("março",), ("abril", "abr"), ("maio",),
           ("junho",), ("julho",), ("agosto", "ago"), ("setembro", "set"),
           ("outubro", "out"), ("novembro",), ("dezembro", "dez")),
    "nl": (("januari",), ("februari",), ("maart",), ("april",), ("mei",), ("juni",),
           ("juli",), ("augustus",), ("september",), ("oktober",), ("november",),
           ("december",)),
    "no": (("januar",), ("februar",), ("mars",), ("april",), ("mai",), ("juni",), ("juli",),
           ("august",), ("september",), ("oktober",), ("november",), ("desember",)),
    "pl": (("stycznia", "styczeń"), ("lutego", "luty"), ("marca", "marzec"),
           ("kwietnia", "kwiecień"), ("maja", "maj"), ("czerwca", "czerwiec"),
           ("lipca", "lipiec"), ("sierpnia", "sierpień"), ("września", "wrzesień"),
           ("października", "październik"), ("listopada", "listopad"),
           ("grudnia", "grudzień")),
    "ru": (("января", "январь"), ("февраля", "февраль"), ("марта", "март"),
           ("апреля", "апрель"), ("мая", "май"), ("июня", "июнь"), ("июля", "июль"),
           ("августа", "август"), ("сентября", "сентябрь"), ("октября", "октябрь"),
           ("ноября", "ноябрь"), ("декабря", "декабрь")),
    "uk": (("січня", "січень"), ("лютого", "лютий"), ("березня", "березень"),
           ("квітня", "квітень"), ("травня", "травень"), ("червня", "червень"),
           ("липня", "липень"), ("серпня", "серпень"), ("вересня", "вересень"),
           ("жовтня", "жовтень"), ("листопада", "листопад"), ("грудня", "грудень")),
    "tr": (("ocak",), ("şubat",), ("mart",), ("nisan",), ("mayıs",), ("haziran",),
           ("temmuz",), ("ağustos",), ("eylül",), ("ekim",), ("kasım",), ("aralık",)),
    "ar": (("يناير",), ("فبراير",), ("مارس",), ("أبريل",), ("مايو",), ("يونيو",),
           ("يوليو",), ("أغسطس",), ("سبتمبر",), ("أكتوبر",), ("نوفمبر",), ("ديسمبر",)),
}

WEEKDAY_NAMES: dict[str, Names] = {
    "en": (("monday", "mon"), ("tuesday", "tue"), ("wednesday", "wed"), ("thursday", "thu"),
           ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")),
}


def names(table: dict[str, Names], languages: Iterable[str],
          date_form_only: bool = False) -> frozenset[str]:
    """The names of languages in table: every form, or only the form a date writes."""
    return frozenset(name for language in languages for forms in table[language]
                     for name in (forms[:1] if date_form_only else forms))


def month_numbers(languages: Iterable[str]) -> dict[str, int]:
    """Month name -> month number (1-12), for the names of languages in every form."""
    out: dict[str, int] = {}
    for language in languages:
        for number, forms in enumerate(MONTH_NAMES[language], start=1):
            for name in forms:
                out.setdefault(name, number)
    return out
