"""Dates typed the NHS.UK way: day, month and year boxes in a fieldset with a legend and a hint.

``NHSDateField`` is a form field (usable in a ModelForm's ``field_classes``) whose widget is three
text boxes; ``{% nhsuk_field %}`` renders it with the NHS.UK date input markup. Errors say which
part is missing or wrong, as the NHS.UK pattern asks ("Planned start must include a month").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

PARTS: tuple[tuple[str, str, int], ...] = (
    ("day", "Day", 2),
    ("month", "Month", 2),
    ("year", "Year", 4),
)


class NHSDateWidget(forms.MultiWidget):
    """Day, month and year text boxes, posted as ``<name>_day``, ``<name>_month``, ``<name>_year``."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric"}) for name, _label, _w in PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def parts(self, name: str, value: Any) -> list[str]:
        """The three typed values, as strings ("" where nothing was typed)."""
        if not isinstance(value, list | tuple):
            value = self.decompress(value)
        return ["" if v is None else str(v).strip() for v in value]


def part_problems(values: list[str]) -> tuple[list[str], list[str]]:
    """The parts left empty, and the parts typed that are not numbers or out of range."""
    missing = [name for (name, _label, _w), v in zip(PARTS, values, strict=True) if not v]
    limits = {"day": (1, 31), "month": (1, 12), "year": (1000, 9999)}
    wrong = []
    for (name, _label, _w), v in zip(PARTS, values, strict=True):
        if v and (not v.isdigit() or not limits[name][0] <= int(v) <= limits[name][1]):
            wrong.append(name)
    return missing, wrong


class NHSDateField(forms.Field):
    """A date typed as day, month and year, with messages that name the part to put right."""

    widget = NHSDateWidget
    example = "For example, 15 3 2026"

    def __init__(
        self, *args: Any, example: str = "", required_message: str = "", **kwargs: Any
    ) -> None:
        kwargs.pop("error_messages", None)  # the messages below name the part, always
        super().__init__(*args, **kwargs)
        if example:
            self.example = example
        self.required_message = required_message

    def _name(self) -> str:
        return str(self.label or "The date")

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        values = self.widget.parts("", value) if value is not None else ["", "", ""]
        if not any(values):
            return None
        missing, wrong = part_problems(values)
        name = self._name()
        if missing:
            raise forms.ValidationError(
                f"{name} must include a {' and a '.join(missing)}.", code="incomplete"
            )
        if "year" in wrong and values[2].isdigit() and len(values[2]) != 4:
            raise forms.ValidationError(f"{name}: the year must have 4 numbers.", code="year")
        if wrong:
            raise forms.ValidationError(f"{name} must be a real date.", code="invalid")
        day, month, year = (int(v) for v in values)
        try:
            return date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date.", code="invalid") from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(
                self.required_message or f"Enter {self._name().lower()}.", code="required"
            )

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True
