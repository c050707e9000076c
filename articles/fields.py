"""Text that readers read as one line: a headline, a standfirst, a caption, a credit; and lower-case slugs."""

from django import forms
from django.core.validators import RegexValidator
from django.db import models

from comments.rendering import INVISIBLE


def one_line(value):
    """Line breaks, tabs and runs of spaces as one space, and without the characters that do not show
    (comments.rendering.INVISIBLE: bidirectional controls, the zero-width space...)."""
    return " ".join(value.translate(INVISIBLE).split()) if isinstance(value, str) else value


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
