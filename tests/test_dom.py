"""Parsing: content after a premature </body></html> is kept, as browsers keep it."""

from cleaners import clean_page
from cleaners.dom import parse_html

STORY = " ".join(["The river authority opened the new flood gates on Monday morning."] * 12)


def test_content_after_early_closing_tags_is_kept():
    html = (f"<html><head><title>Gates</title></head><body><header><nav>Home</nav></header>"
            f"</body></html>\n<div class='post'><h1>Flood gates open</h1><p>{STORY}</p>"
            f"<p>{STORY}</p></div>")
    tree = parse_html(html)
    assert "flood gates on Monday" in tree.text_content()
    page = clean_page(html.encode(), "https://river.example/gates")
    assert page.text.count("The river authority opened") >= 12
