"""The article body's rich-text editor (django-prose-editor, served from our static files, no CDN).

`EDITOR_EXTENSIONS` is everything the editor can make: paragraphs, h2-h4, bold, italic, links, lists,
block quotes and pull quotes (a block quote with the class `pullquote`), tables with header cells, figures
with captions and horizontal rules. The sanitiser's allow-list (articles/sanitize.py) admits all of it, so
nothing an editor makes is removed on save; tests/articles/test_editor.py checks both sides against each
other.
Figures take their pictures from the media library through the "Browse..." picker (ImageAdmin.pick_view),
which records the image's id in `data-file`, so the library knows where each image is used.
"""

from django.urls import reverse_lazy
from django_prose_editor.fields import ProseEditorFormField

from .sanitize import URL_SCHEMES, sanitize_html

EDITOR_EXTENSIONS = {
    # django-prose-editor turns the browser's spell checking off by default; writers want it.
    "NoSpellCheck": False,
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    # Links get the sanitiser's own rel and no target, so what the editor shows is what is stored.
    "Link": {
        "enableTarget": False,
        "protocols": sorted(URL_SCHEMES),
        "HTMLAttributes": {"target": None, "rel": "noopener noreferrer"},
    },
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "NodeClass": {"cssClasses": {"blockquote": [{"className": "pullquote", "title": "Pull quote"}]}},
    "HorizontalRule": True,
    "HardBreak": True,
    # Tables (results, timetables, budgets), with header cells; a table pasted from a word processor or a web
    # page keeps its rows and cells (without it, the cells' words ran together in one paragraph).
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": {"pickerUrl": reverse_lazy("admin:articles_image_pick")},
    "Caption": True,
    "Image": True,
}


def body_form_field(**kwargs):
    """The body's form field: the editor, cleaned by the same sanitiser as Article.save()."""
    return ProseEditorFormField(config={"extensions": EDITOR_EXTENSIONS}, sanitize=sanitize_html, **kwargs)
