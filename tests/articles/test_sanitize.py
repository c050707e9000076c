"""Editors' HTML is cleaned on Article.save(): attack vectors go, the structure of a story stays."""

import pytest

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def saved_body(html: str) -> str:
    article = ArticleFactory(body=html)
    return Article.objects.get(pk=article.pk).body


@pytest.mark.parametrize(
    ("dirty", "gone", "kept"),
    [
        ("<p>Hello</p><script>alert('x')</script>", ["<script", "alert("], ["<p>Hello</p>"]),
        ('<p><img src="https://i.example/a" onerror="alert(1)" alt="a"></p>', ["onerror", "alert"], ["<img"]),
        ('<p><a href="javascript:alert(1)">click</a></p>', ["javascript:", "alert"], [">click</a>"]),
        ('<p><a href="JaVaScRiPt:alert(1)">click</a></p>', ["javascript", "alert"], [">click</a>"]),
        ('<iframe src="https://x.example"></iframe><p>Then</p>', ["<iframe", "x.example"], ["<p>Then</p>"]),
        ("<style>body{display:none}</style><p>Text</p>", ["<style", "display:none"], ["<p>Text</p>"]),
        ('<p style="position:fixed;top:0">Text</p>', ["style=", "position:fixed"], [">Text</p>"]),
        ('<p><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x"></p>', ["data:image"], ["<p>"]),
        ('<p><a href="data:text/html,&lt;script&gt;">x</a></p>', ["data:text"], [">x</a>"]),
        ('<p onclick="steal()">Text</p>', ["onclick", "steal"], [">Text</p>"]),
        ('<svg onload="alert(1)"><circle r="4"/></svg><p>Ok</p>', ["<svg", "onload"], ["<p>Ok</p>"]),
        ('<form action="https://evil.example"><input name="pw"></form>', ["<form", "<input"], []),
        ("<object data='x.swf'></object><embed src='x.swf'>", ["<object", "<embed"], []),
        ("<p>Fine</p><!-- <script>alert(1)</script> -->", ["<!--", "alert"], ["<p>Fine</p>"]),
    ],
    ids=[
        "script", "onerror", "javascript-link", "javascript-mixed-case", "iframe", "style-element",
        "style-attribute", "data-url-image", "data-url-link", "onclick", "svg-onload", "form", "object-embed",
        "comment",
    ],
)  # fmt: skip
def test_malicious_html_is_neutralised_on_save(dirty, gone, kept):
    body = saved_body(dirty)

    lowered = body.lower()
    for fragment in gone:
        assert fragment.lower() not in lowered, body
    for fragment in kept:
        assert fragment in body, body


def test_story_structure_survives():
    html = (
        "<p>The council met.</p>"
        "<h2>What was decided</h2>"
        '<figure class="figure"><img src="https://img.example/harbour.jpg" alt="The harbour" width="800">'
        '<figcaption class="figure-caption">The harbour at dawn.</figcaption></figure>'
        "<ul><li>One</li><li>Two</li></ul><ol><li>First</li></ol>"
        "<blockquote><p>We will build it.</p><p>— The mayor</p></blockquote>"
        '<blockquote class="pullquote"><p>Build it.</p></blockquote>'
        '<p>Read <a href="https://example.org/report" title="Report">the report</a> '
        'or <a href="mailto:desk@example.org">write to us</a>. <strong>Bold</strong> and <em>italic</em>.</p>'
        '<h3>Details</h3><table style="width:900px" class="grid"><tr><th scope="row" onclick="x()">Votes</th>'
        '<td colspan="2" bgcolor="red">9</td></tr></table>'
    )

    body = saved_body(html)

    for fragment in [
        "<p>The council met.</p>",
        "<h2>What was decided</h2>",
        '<img src="https://img.example/harbour.jpg" alt="The harbour" width="800">',
        '<figcaption class="figure-caption">The harbour at dawn.</figcaption>',
        "<ul><li>One</li><li>Two</li></ul>",
        "<ol><li>First</li></ol>",
        "<blockquote><p>We will build it.</p><p>— The mayor</p></blockquote>",
        '<blockquote class="pullquote"><p>Build it.</p></blockquote>',
        "<strong>Bold</strong>",
        "<em>italic</em>",
        "<h3>Details</h3>",
    ]:
        assert fragment in body, body
    # A table keeps its rows and cells and their spans, nothing else (nh3 adds the tbody browsers read in).
    assert '<table><tbody><tr><th>Votes</th><td colspan="2">9</td></tr></tbody></table>' in body
    assert (
        '<a href="https://example.org/report" title="Report" rel="noopener noreferrer">the report</a>' in body
    )
    assert 'href="mailto:desk@example.org"' in body


def test_unknown_classes_are_dropped_but_allowed_ones_kept():
    body = saved_body(
        '<p class="lead evil-overlay">Hi</p><figure class="figure hidden"><figcaption>c</figcaption></figure>'
        '<blockquote class="pullquote big">q</blockquote>'
    )

    assert "evil-overlay" not in body and "hidden" not in body and "big" not in body
    assert "<p>Hi</p>" in body
    assert '<figure class="figure">' in body
    assert '<blockquote class="pullquote">' in body


def test_sanitising_happens_on_every_save_not_only_on_create():
    article = ArticleFactory(body="<p>Clean</p>")
    article.body = '<p>Edited</p><script>alert("later")</script>'
    article.save()

    article.refresh_from_db()
    assert article.body == "<p>Edited</p>"


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("<p><b>Bold</b> and <i>slanted</i></p>", "<p><strong>Bold</strong> and <em>slanted</em></p>"),
        ('<h1 class="x" onclick="a()">Top</h1><h5>Low</h5><h6>Lower</h6>',
         "<h2>Top</h2><h4>Low</h4><h4>Lower</h4>"),
        ("<p>&lt;b&gt; is a tag</p>", "<p>&lt;b&gt; is a tag</p>"),
        ('<p><b><a href="https://x.example/">link</a></b></p>',
         '<p><strong><a href="https://x.example/" rel="noopener noreferrer">link</a></strong></p>'),
    ],
    ids=["bold-italic", "headings", "escaped-text", "nested"],
)  # fmt: skip
def test_other_tools_spellings_become_the_editors_own_tags(written, kept):
    """A wire story, a paste through the API writes <b>, <i> or <h1>: readers still see bold and headings."""
    assert saved_body(written) == kept
    assert saved_body(kept) == kept  # cleaning again changes nothing


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("www.portaldery.example/ferries", "https://www.portaldery.example/ferries"),
        ("portaldery.example", "https://portaldery.example"),
        ("Council.Portaldery.example/agenda?item=4#vote", "https://Council.Portaldery.example/agenda?item=4#vote"),
        ("desk@portaldery.example", "mailto:desk@portaldery.example"),
        ("https://portaldery.example/", "https://portaldery.example/"),
        ("mailto:desk@portaldery.example", "mailto:desk@portaldery.example"),
        ("/city/", "/city/"),
        ("#timetable", "#timetable"),
    ],
    ids=["www", "bare-host", "host-path-query", "email", "https", "mailto", "site-path", "anchor"],
)  # fmt: skip
def test_a_link_typed_without_its_scheme_goes_where_the_writer_meant(typed, saved):
    """ "www.portaldery.example/ferries" in the link box was kept as it was: readers' browsers read it as a
    page under the article's own address, which is not there. A host gets https://, an address mailto:."""
    body = saved_body(f'<p>See <a href="{typed}">the timetable</a>.</p>')

    assert body == f'<p>See <a href="{saved}" rel="noopener noreferrer">the timetable</a>.</p>'
    assert saved_body(body) == body  # cleaning again changes nothing
