"""Read an admin change form the way a browser would, so tests can post it back with a few changes.

`form_data(response)` turns the rendered form (main form and every inline formset, with its
management form) into POST data; `add_inline_rows` appends new rows to an inline as the "Add another"
link does. `assert_shown_as_read_only_text` checks that fields of a row read as read-only text.
"""

from django import forms


def _unwrap(widget):
    # The admin wraps foreign-key widgets (the "+" and pencil links); the real widget is inside.
    return getattr(widget, "widget", widget)


def _field_items(form):
    for bound in form:
        widget = _unwrap(bound.field.widget)
        value = bound.value()
        name = bound.html_name
        if isinstance(widget, forms.FileInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            if widget.check_test(value):
                yield name, "on"
        elif isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, subwidget, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                yield name + suffix, subwidget.format_value(part) or ""
        elif getattr(widget, "allow_multiple_selected", False) and not value:
            continue  # a browser sends nothing for an empty multiple select
        elif isinstance(value, list | tuple):
            yield name, [str(v) for v in value]
        else:
            yield name, "" if value is None else str(value)


def form_data(response) -> dict:
    """Everything the change form would submit, as it was rendered (no button pressed)."""
    assert response.status_code == 200, response.status_code
    data = dict(_field_items(response.context["adminform"].form))
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_field_items(formset.management_form))
        for form in formset.forms:
            data.update(_field_items(form))
    return data


def add_inline_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    """Put `rows` after the existing rows of inline `prefix`, replacing blank extra rows."""
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    for index in range(initial, int(data[f"{prefix}-TOTAL_FORMS"])):
        for key in [k for k in data if k.startswith(f"{prefix}-{index}-")]:
            del data[key]
    for offset, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{initial + offset}-{field}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(initial + len(rows))
    return data


def assert_shown_as_read_only_text(row, values):
    """Each field of `values` in the inline row reads as Django admin shows a read-only field: its value as
    text in a `div.readonly`, under a label not marked required, with no control to type in (a disabled
    textarea kept the border and white of an editable one)."""
    for name, text in values.items():
        field = row.select_one(f".field-{name}")
        assert field.select("textarea, select, input") == [], field
        label = field.select_one("label")
        assert "required" not in label.get("class", []) and not label.get("for")
        assert field.select_one("label + div.readonly").get_text() == text
