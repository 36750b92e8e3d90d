"""Word counts and text lengths for every script (cleaners.words; docs/schema.md, word_count)."""

from __future__ import annotations

import pytest

from cleaners import clean_page
from cleaners.words import (
    CJK_CHARS_PER_WORD,
    SEA_CHARS_PER_WORD,
    count_words,
    has_unspaced_script,
    text_length,
)

# one news sentence per script, with its length in characters
JA = "東京都は十五日、新しい防災計画を発表した。"  # 21 characters, 2 of them punctuation
ZH_HANS = "国家统计局今天发布数据显示经济增长加快"  # 19
ZH_HANT = "國家統計局今天發布數據顯示經濟增長加快"  # 19
TH = "รัฐบาลประกาศมาตรการใหม่"  # 23 code points
KO = "서울시는 오늘 새로운 교통 정책을 발표했다"  # 6 spaced words


@pytest.mark.parametrize(("text", "words"), [
    ("", 0),
    ("The council approved the budget.", 5),
    ("Der Stadtrat hat den Haushalt beschlossen.", 6),
    ("Le conseil a approuvé le budget.", 6),
    ("Совет утвердил бюджет.", 3),
    (KO, 6),  # Hangul is written with spaces: counted by them
    (ZH_HANS, round(19 / CJK_CHARS_PER_WORD)),
    (ZH_HANT, round(19 / CJK_CHARS_PER_WORD)),
    (JA, round(19 / CJK_CHARS_PER_WORD)),  # the 、 and 。 are not letters
    (TH, round(23 / SEA_CHARS_PER_WORD)),
    ("GDP増加", 1 + round(2 / CJK_CHARS_PER_WORD)),  # a mixed token: its spaced part and its kanji
], ids=["empty", "en", "de", "fr", "ru", "ko", "zh-Hans", "zh-Hant", "ja", "th", "mixed"])
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


def test_a_300_character_japanese_story_counts_like_150_english_words() -> None:
    story = ("政府は十五日、新たな経済対策を閣議決定した。"
             "物価高に対応するため、低所得世帯への給付金や"
             "エネルギー価格の補助を盛り込んだ。")
    text = (story * 6)[:300]
    assert 140 <= count_words(text) <= 150
    assert count_words(text) > 10 * len(text.split())  # not the 18 words of a split on spaces


def test_text_length_weighs_a_character_by_the_words_it_stands_for() -> None:
    assert text_length("The council approved the budget.") == 32
    assert text_length(ZH_HANS) == 3 * 19
    assert text_length(ZH_HANT) == 3 * 19
    assert text_length(JA) == 3 * 19 + 2  # punctuation counts 1
    assert text_length(TH) == round(23 * 1.2)
    assert text_length(KO) == round(5 + 18 * 1.5)  # 18 syllables weigh 1.5, 5 spaces 1
    # a 40-character threshold: a short Chinese line of 14 characters passes, as its
    # 7 words would in English
    assert text_length("国家统计局今天发布了最新数据") >= 40


def test_has_unspaced_script() -> None:
    assert has_unspaced_script(JA) and has_unspaced_script(ZH_HANT) and has_unspaced_script(TH)
    assert not has_unspaced_script(KO) and not has_unspaced_script("Budget approved")


def _story_page(lang: str, title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><nav><a href='/'>Home</a> <a href='/news/'>News</a></nav><article>"
            f"<h1>{title}</h1>{body}</article></body></html>").encode()


@pytest.mark.parametrize(("lang", "sentence"), [
    ("ja", "政府は十五日、新たな経済対策を閣議決定した。物価高に対応するため給付金を盛り込んだ。"),
    ("zh-Hans", "国家统计局今天发布数据显示，今年前三季度经济增长加快，消费和投资均有回升。"),
    ("zh-Hant", "國家統計局今天發布數據顯示，今年前三季度經濟增長加快，消費和投資均有回升。"),
    ("th", "รัฐบาลประกาศมาตรการกระตุ้นเศรษฐกิจใหม่ในวันนี้ เพื่อช่วยเหลือครัวเรือนที่มีรายได้น้อย "),
    ("ko", "정부는 오늘 새로운 경제 대책을 발표했다. 저소득 가구에 지원금을 지급하기로 했다. "),
])
def test_word_count_of_a_clean_page_counts_every_script(lang: str, sentence: str) -> None:
    paragraphs = [sentence * 3] * 3
    page = clean_page(_story_page(lang, sentence[:12], paragraphs), "https://news.example/a/1")
    spaced = len(page.text.split())
    assert page.word_count == count_words(page.text)
    if lang in ("ko",):
        assert page.word_count == spaced
    else:
        assert page.word_count >= 4 * spaced  # what a split on spaces would have said
