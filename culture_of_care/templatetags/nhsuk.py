"""Template tags that render Django forms with the NHS.UK frontend markup.

``{% nhsuk_field form.name %}`` renders a label, hint, inline error and the right input for the
widget; ``{% nhsuk_error_summary form %}`` renders the error summary that takes focus.
Loaded as a template builtin, so templates need no ``{% load %}``.
"""

from __future__ import annotations

from typing import Any

from django import forms, template

from culture_of_care.dateinput import PARTS, NHSDateWidget, part_problems

register = template.Library()


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, NHSDateWidget):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


_WIDTHS = {"width-2": 2, "width-3": 3, "width-4": 4, "width-5": 5, "width-10": 10, "width-20": 20}


def _single_choice(field: forms.BoundField) -> tuple[str, str] | None:
    """The one answer of a required radio group that offers only one: nothing to choose, so
    the page states it (and sends it) instead of showing a lone radio button."""
    if not field.field.required:
        return None
    choices = [(value, label) for value, label in field.field.choices if value not in ("", None)]
    if len(choices) != 1:
        return None
    value, label = choices[0]
    return str(value), str(label)


@register.inclusion_tag("includes/field.html")
def nhsuk_field(
    field: forms.BoundField, label_size: str = "", width: str = "", inline: bool = False
) -> dict[str, Any]:
    widget = field.field.widget
    kind = _kind(widget)
    if kind in ("select", "radios"):
        _no_dashes(field.field)
    input_type = getattr(widget, "input_type", "text")
    return {
        "single_choice": _single_choice(field) if kind == "radios" else None,
        "field": field,
        "kind": kind,
        "date_parts": _date_parts(field) if kind == "date" else [],
        "example": getattr(field.field, "example", ""),
        "input_type": input_type,
        "label_size": label_size,
        "width": width if width in _WIDTHS else "",
        "inline": inline,
        "describedby": " ".join(
            part
            for part, present in (
                (f"{field.auto_id}-hint", bool(field.help_text) or kind == "date"),
                (f"{field.auto_id}-error", bool(field.errors)),
            )
            if present
        ),
    }


def _date_parts(field: forms.BoundField) -> list[dict[str, Any]]:
    """The day, month and year boxes of an NHS.UK date input, each marked in error when it is
    the part to put right (all three when the date as a whole is not real)."""
    values = field.field.widget.parts(field.html_name, field.value())
    in_error: set[str] = set()
    if field.errors:
        missing, wrong = part_problems(values)
        in_error = set(missing or wrong) or {name for name, _label, _w in PARTS}
    return [
        {
            "name": f"{field.html_name}_{name}",
            "id": f"{field.auto_id}_{name}",
            "label": label,
            "width": width,
            "value": value,
            "error": name in in_error,
        }
        for (name, label, width), value in zip(PARTS, values, strict=True)
    ]


def _error_target(bound: forms.BoundField) -> str:
    """The element an error summary link moves to: a date input's first part in error."""
    if isinstance(bound.field.widget, NHSDateWidget):
        parts = _date_parts(bound)
        first = next((p for p in parts if p["error"]), parts[0])
        return first["id"]
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"  # the first option: a fieldset cannot take focus
    return bound.auto_id


@register.inclusion_tag("includes/error_summary.html")
def nhsuk_error_summary(*forms_: forms.BaseForm | None) -> dict[str, Any]:
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        forms_list = list(form.forms) if hasattr(form, "forms") else [form]
        if hasattr(form, "non_form_errors"):
            items.extend({"text": str(e), "href": ""} for e in form.non_form_errors())
        for sub in forms_list:
            items.extend({"text": str(e), "href": ""} for e in sub.non_field_errors())
            for name, errors in sub.errors.items():
                if name == "__all__":
                    continue
                bound = sub[name]
                target = _error_target(bound)
                items.extend({"text": str(e), "href": f"#{target}"} for e in errors)
    return {"items": items}


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ mapping|get_item:key }}`` for dictionaries in templates."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def as_written(value: Any) -> Any:
    """A number as people write it: ``3`` not ``3.000``, ``2.5`` not ``2.50``.

    Decimals (and numeric strings, as the audit history keeps them) lose trailing zeros;
    anything else is returned unchanged.
    """
    from decimal import Decimal, InvalidOperation

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float | int):
        value = Decimal(str(value))
    elif isinstance(value, str):
        try:
            value = Decimal(value.strip().replace(",", "")) if value.strip() else value
        except InvalidOperation:
            return value
        if isinstance(value, str):
            return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return value
        text = f"{value.normalize():f}"
        return "0" if text in ("-0", "") else text
    return value


DASHES = "---------"
EMPTY_CHOICE = "Choose one"


def _no_dashes(field: forms.Field) -> None:
    """Django's "---------" empty choice reads as nothing to a screen reader: say what to do."""
    if getattr(field, "empty_label", None) == DASHES:
        field.empty_label = EMPTY_CHOICE
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)
        if any(label == DASHES for _, label in choices):
            field.choices = [
                (v, EMPTY_CHOICE if label == DASHES else label) for v, label in choices
            ]
