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


def test_streamed_segment_is_placed_in_its_slot():
    """React streams late text in a hidden <div id="S:n"> that a script moves to its slot."""
    late = ("The council also approved a new night bus between the station and the university, "
            "running every thirty minutes from midnight until five in the morning.")
    html = (f"<html><head><title>Buses</title></head><body><main><article><h1>Buses</h1>"
            f"<p>{STORY}</p><template id=\"B:0\"></template><div>Loading...</div>"
            f"<p>{STORY.replace('river', 'lake')}</p></article></main>"
            f"<div hidden id=\"S:0\"><p>{late}</p></div>"
            f"<script>$RC(\"B:0\",\"S:0\")</script></body></html>")
    text = clean_page(html.encode(), "https://river.example/buses").text
    assert late in text
    assert text.index("The river authority") < text.index(late) < text.index("The lake authority")
