"""What every ModelAdmin of ours shares (the apps' admin modules register them)."""

from functools import cached_property

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, ValidationError
from django.db import IntegrityError
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html

# A row id has at most 18 digits (newsroom/converters.py); SQLite fails on a longer number, not filters.
MAX_ID_DIGITS = 18
# The date hierarchy's parameters and the most digits each can hold.
DATE_PARTS = {"__year": 4, "__month": 2, "__day": 2}


class ShownAsText(forms.Widget):
    """A field's value as Django admin shows a read-only field: text in a `div.readonly`, not a control. A
    disabled textarea kept the border and white ground of one that can be typed in, and read as editable."""

    def __init__(self, choices=()):
        super().__init__()
        self.choices = {str(value): label for value, label in choices}

    def render(self, name, value, attrs=None, renderer=None):
        shown = self.choices.get(str(value), value)
        return format_html('<div class="readonly">{}</div>', linebreaksbr(shown) if shown else "-")

    def id_for_label(self, id_):
        return ""  # nothing to focus: the label stands without `for`, as a read-only field's does

    def value_from_datadict(self, data, files, name):
        return None  # a disabled field is never read from the post (Django takes its initial value)


def show_as_text(field):
    """Make a form field of an editable form read-only: disabled (what is posted for it is ignored), and
    shown as text with a label that does not mark it required, as the admin shows its read-only fields."""
    field.disabled = True
    field.required = False
    field.widget = ShownAsText(getattr(field, "choices", ()))


class KnownValuesOnly:
    """Django's autocomplete widgets look the submitted values up to show them again when the form comes
    back with an error; a value that cannot be an id (`tags=abc`, `section=1.5`) made that lookup raise, a
    500 in place of the field's own "Select a valid choice". Such values are left out of the lookup."""

    read_once = None  # set by InlineRowsReadOnce: what every row of the formset has chosen, read once

    def optgroups(self, name, value, attr=None):
        value = [v for v in value if _is_value_of(_target_of(self), v)]
        read_once = self.read_once
        if read_once is None or not {str(v) for v in value} <= read_once.values:
            return super().optgroups(name, value, attr)
        # Django's AutocompleteSelect.optgroups, reading the formset's objects in place of a query of its own.
        default = (None, [], 0)
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        attname = _target_of(self).attname
        for obj in read_once.objects:
            if str(getattr(obj, attname)) in selected:
                label = self.choices.field.label_from_instance(obj)
                default[1].append(
                    self.create_option(name, getattr(obj, attname), label, selected, len(default[1]))
                )
        return [default]


def _target_of(widget):
    """The field of the chosen model that an autocomplete's values name (its primary key, or `to_field`)."""
    opts = widget.field.remote_field.model._meta
    return opts.get_field(getattr(widget.field.remote_field, "field_name", opts.pk.attname))


def _is_value_of(field, value) -> bool:
    try:
        python = field.to_python(value)
    except ValidationError:
        return False
    return not isinstance(python, int) or abs(python) < 2**63


class KnownValuesSelect(KnownValuesOnly, AutocompleteSelect):
    pass


class KnownValuesSelectMultiple(KnownValuesOnly, AutocompleteSelectMultiple):
    pass


class InlineRowsReadOnce(forms.BaseInlineFormSet):
    """An inline formset whose page costs the same queries with thirty rows as with one.

    Each row's autocomplete (a byline's author, a "Read more" story) looked up its chosen object by itself,
    a query a row: here one query reads them for all the rows. And each row's heading ("Amira Haddad on
    <the story>") read the story again: a row's parent is the formset's own instance, as Django's save_new
    sets it."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.pk is not None:
            self.fk.set_cached_value(form.instance, self.instance)
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's "+" and pencil links
            if isinstance(widget, KnownValuesOnly):
                widget.read_once = self._read_once.setdefault(name, ChosenInEveryRow(self, name))
        return form

    @cached_property
    def _read_once(self) -> dict:
        return {}


class ChosenInEveryRow:
    """What the rows of a formset have chosen in one field, read in one query when the first row is shown."""

    def __init__(self, formset, name):
        self.formset, self.name = formset, name

    @cached_property
    def values(self) -> set:
        """Every row's value, as its widget writes it."""
        values = set()
        for form in self.formset.forms:
            widget = getattr(form.fields[self.name].widget, "widget", form.fields[self.name].widget)
            values.update(str(v) for v in widget.format_value(form[self.name].value()))
        return values

    @cached_property
    def objects(self) -> list:
        """The chosen objects, in the order of the field's queryset (as Django's own query gives them)."""
        form = self.formset.forms[0]
        field = form.fields[self.name]
        widget = getattr(field.widget, "widget", field.widget)
        target = _target_of(widget)
        wanted = [v for v in self.values if v not in field.empty_values and _is_value_of(target, v)]
        if not wanted:
            return []
        return list(field.queryset.using(widget.db).filter(**{f"{target.attname}__in": wanted}))


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, where the searched model's admin may label its choices beyond `str()`
    (`autocomplete_label(obj)`): the "Read more" picker says which stories are not on the site."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class AutocompleteInputMixin:
    """For a ModelAdmin or an inline with `autocomplete_fields`: the widgets above in place of Django's."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownValuesSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownValuesSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StrictInputMixin(AutocompleteInputMixin):
    """Whatever is typed or crafted into an admin address gets an answer, never a database error.

    A NUL byte (PostgreSQL refuses one in any text) is dropped from search terms, in lists, autocompletes
    and the image picker alike, and refused (400) in a list's filters; so are a number longer than any id,
    a date beyond year 9999 and regular-expression lookups (`?headline__regex=(`), which no admin link
    offers. A form sent back with a value no autocomplete could have offered gets the field's error
    (AutocompleteInputMixin). A slug (or any unique value) that someone else saved between this form's
    check and its save gets the field's error too, not a 500."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.endswith(("__regex", "__iregex")):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        for name, values in request.GET.lists():
            if name != SEARCH_VAR and any("\x00" in value for value in values):
                raise BadRequest(f"The filter {name} holds a NUL character.")
            if any(value.isdigit() and len(value) > MAX_ID_DIGITS for value in values):
                raise BadRequest(f"The filter {name} holds a number too large for any id.")
            digits = next((n for part, n in DATE_PARTS.items() if name.endswith(part)), None)
            if digits and any(len(value) > digits for value in values):
                raise BadRequest(f"The date filter {name} is out of range.")
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            if request.method != "POST" or not is_unique_violation(error):
                raise
        # Another save took the same unique value after this form found it free. Ours was rolled back whole
        # (the admin saves in one transaction, with its inlines and its revision); checking the same post
        # again now finds the clash, and the form comes back with the field's usual error and all it held.
        return super().changeform_view(request, object_id, form_url, extra_context)


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether a unique index refused the row: PostgreSQL's SQLSTATE 23505, or SQLite's own message."""
    return getattr(error.__cause__, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error)


def error_message(error) -> str:
    """What a refused step (a PermissionDenied or ValidationError from a service) tells the admin user."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
