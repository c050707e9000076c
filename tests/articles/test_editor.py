"""The body's rich-text editor makes only what the sanitiser keeps, and what it makes survives a save."""

import pytest
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from articles.editor import EDITOR_EXTENSIONS
from articles.models import Article
from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_CLASSES, ALLOWED_TAGS, URL_SCHEMES, sanitize_html
from tests.factories import ArticleFactory

# The editor's own serialisation of every kind of block and mark it offers (as ProseMirror writes it; the
# browser test tests/browser/test_editor_journey.py makes the same from real key presses).
EDITOR_HTML = (
    "<p>Plain, <strong>bold</strong>, <em>italic</em> and "
    '<a href="https://example.org/report" rel="noopener noreferrer">a link</a>.<br>Second line.</p>'
    "<h2>Heading two</h2><h3>Heading three</h3><h4>Heading four</h4>"
    "<ul><li><p>One</p></li><li><p>Two</p></li></ul>"
    '<ol><li><p>First</p></li></ol><ol start="3"><li><p>Third</p></li></ol>'
    "<blockquote><p>A quotation.</p></blockquote>"
    '<blockquote class="pullquote"><p>A pull quote.</p></blockquote>'
    '<figure class="figure"><img src="/media/CACHE/images/harbour/a1b2.jpg" alt="The harbour" data-file="7">'
    '<figcaption class="figure-caption">The harbour at dawn.</figcaption></figure>'
    "<hr><p>After the rule.</p>"
    '<table><tbody><tr><th><p>Berth</p></th><th colspan="2"><p>Status</p></th></tr>'
    '<tr><td rowspan="2"><p>North</p></td><td><p>Closed</p></td><td><p><em>until Monday</em></p></td></tr>'
    "</tbody></table>"
)


def editor_allowlist():
    return allowlist_from_extensions(expand_extensions(EDITOR_EXTENSIONS))


def test_every_tag_the_editor_can_make_is_allowed():
    made = editor_allowlist()["tags"]
    assert made == {
        "p", "br", "h2", "h3", "h4", "strong", "em", "a", "ul", "ol", "li",
        "blockquote", "figure", "figcaption", "img", "hr", "table", "tbody", "thead", "tr", "th", "td",
    }  # fmt: skip
    assert made == ALLOWED_TAGS


def test_every_attribute_and_class_the_editor_can_make_is_allowed():
    allow = editor_allowlist()
    for tag, attributes in allow["attributes"].items():
        # rel is replaced by the sanitiser's own; class is allowed per value (ALLOWED_CLASSES); the
        # ordered list's type/data-type are never written by the editor for a plain numbered list.
        wanted = attributes - {"rel", "class", "type", "data-type"}
        assert wanted == ALLOWED_ATTRIBUTES.get(tag, set()), tag
    # Nothing allowed that the editor cannot make: no other tag carries attributes or classes.
    assert set(ALLOWED_ATTRIBUTES) <= set(allow["attributes"])
    assert set(ALLOWED_CLASSES) <= set(allow["attributes"]) | {"figcaption"}
    assert {
        "blockquote": {"pullquote"},
        "figure": {"figure"},
        "figcaption": {"figure-caption"},
    } == ALLOWED_CLASSES
    assert allow["url_schemes"] == URL_SCHEMES
    # No heading level the site's outline does not use, and no raw-HTML mode that could make anything.
    assert EDITOR_EXTENSIONS["Heading"] == {"levels": [2, 3, 4]}
    assert "HTML" not in EDITOR_EXTENSIONS


def test_what_the_editor_makes_is_stored_exactly():
    assert sanitize_html(EDITOR_HTML) == EDITOR_HTML


@pytest.mark.django_db
def test_round_trip_through_the_admin_form_keeps_every_element(client_as, editor):
    from .admin_forms import form_data

    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = client_as(editor)
    page = client.get(url)
    html = page.content.decode()
    assert "data-django-prose-editor-configurable" in html
    assert 'type="importmap"' in html and "django_prose_editor/editor.js" in html
    assert "admin_desk/article_form.js" in html

    data = form_data(page)
    data["body"] = EDITOR_HTML + "<script>alert(1)</script><p onclick='x()'>Clean</p>"
    assert client.post(url, data).status_code == 302
    stored = Article.objects.get(pk=article.pk).body
    assert stored == EDITOR_HTML + "<p>Clean</p>"
    # And the form shows it back to the editor unchanged.
    assert form_data(client.get(url))["body"] == stored
