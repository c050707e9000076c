"""Text that readers read as one line: a headline, a standfirst, a caption, a credit; and lower-case slugs."""

import re
from html.entities import html5

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from comments.rendering import INVISIBLE

# What a browser would read as markup: a tag (`<em>`, `</p>`, `<br/>`, `<a href="…">`), a comment, or a
# character reference (`&amp;`, `&#8217;`). "5 < 7", "<3", "<news@example.org>", "AT&T" and "Q&A;" are text.
MARKUP = re.compile(
    r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|!--)"  # a tag or a comment
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|(?P<name>[A-Za-z][A-Za-z0-9]*));"  # a name counts if HTML has it
)
NO_MARKUP = (
    "Plain text only: “%(markup)s” would reach readers just as it is typed. Leave out HTML tags and write "
    "characters as themselves (“&”, not “&amp;”); formatting is for an article's body."
)


def no_markup(value):
    """Plain text is shown as typed, so HTML in it (a wire standfirst in `<p>`, an `&amp;`) reached readers
    as literal tags. Refused, in the admin and the API alike, not stripped behind the writer's back."""
    for found in MARKUP.finditer(value or ""):
        if found["name"] is None or f"{found['name']};" in html5:
            raise ValidationError(NO_MARKUP, code="markup", params={"markup": found[0][:40]})


# The control characters other than tab and line breaks, which text pasted from another program may carry (a
# backspace, an escape, Word's vertical tab for a line break): they do not show, and XML 1.0 allows none, so
# one in a headline made every feed it was in fail. Those that separate words are spaces; the rest go.
# The NUL character stays, to be refused with its own message ("Null characters are not allowed."), as
# PostgreSQL would refuse to store it.
CONTROLS = {code: " " if chr(code).isspace() else None for code in range(1, 32) if chr(code) not in "\t\n\r"}
_NOT_SHOWN = INVISIBLE | CONTROLS


def xml_text(value):
    """Text as XML 1.0 takes it, for the feeds and sitemaps: without CONTROLS. Saving takes them out of what
    is typed now; a section's name, or a story saved before, could still hold one, and a feed it was in
    answered 500."""
    return value.translate(CONTROLS) if isinstance(value, str) else value


def one_line(value):
    """Line breaks, tabs and runs of spaces as one space, and without the characters that do not show
    (comments.rendering.INVISIBLE: bidirectional controls, the zero-width space...; CONTROLS)."""
    return " ".join(value.translate(_NOT_SHOWN).split()) if isinstance(value, str) else value


class OneLineFormField(forms.CharField):
    def to_python(self, value):
        return one_line(super().to_python(value))


class OneLineCharField(models.CharField):
    """A CharField kept on one line, whoever writes it (the admin, the API, a command): a headline with a line
    break made every mail about its story fail ("Header values can't contain newlines"), and one with a
    right-to-left override read backwards on the site. Forms check what is left: nothing at all is "This
    field is required."."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": OneLineFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = one_line(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


# Addresses are read as typed: `Ferry-Strike` beside `ferry-strike` would be two stories a reader cannot
# tell apart, so slugs are lower case, as the admin and the API make them from headlines and names.
lowercase_slug = RegexValidator(
    r"^[-a-z0-9_]+\Z",
    "Use lower-case letters, numbers, hyphens or underscores only.",
    code="lowercase_slug",
)


class LowercaseSlugFormField(forms.SlugField):
    default_validators = [lowercase_slug]


class LowercaseSlugField(models.SlugField):
    """A slug in lower case, checked by that rule alone: beside Django's validate_slug, a slug with a space
    got two messages for one mistake, and in the admin only Django's, which allows capitals."""

    default_validators = [lowercase_slug]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LowercaseSlugFormField, **kwargs})
