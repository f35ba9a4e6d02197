"""The NHS-number guard: free text that contains a valid NHS number is refused.

An NHS number is 10 digits whose last is a modulus-11 check digit. It may be written with spaces
or dashes (``943 476 5919``, ``943-476-5919``). Every free-text field in the application uses
``SafeTextField`` / ``SafeCharField`` (or ``validate_no_nhs_number`` directly), so patient-
identifiable numbers never reach the database.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

# Ten digits, optionally grouped 3-3-4 by single spaces or dashes, not inside a longer number.
_CANDIDATE = re.compile(r"(?<![\d])(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})(?![\d])")

MESSAGE = (
    "This looks like it contains an NHS number ({masked}). Do not record patient-identifiable "
    "information here: remove the number and describe the situation without it."
)


def is_valid_nhs_number(digits: str) -> bool:
    """True when ``digits`` (10 digits) passes the NHS modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def find_nhs_numbers(text: str) -> list[str]:
    """Every valid NHS number written in ``text``, as 10 plain digits."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        digits = "".join(match.groups())
        if is_valid_nhs_number(digits):
            found.append(digits)
    return found


@deconstructible
class NoNHSNumberValidator:
    """Refuses text containing a valid NHS number, saying why."""

    code = "nhs_number"

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        numbers = find_nhs_numbers(value)
        if numbers:
            masked = f"{numbers[0][:3]} *** ****"
            raise ValidationError(MESSAGE.format(masked=masked), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoNHSNumberValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_no_nhs_number = NoNHSNumberValidator()


class SafeTextField(models.TextField):
    """A free-text field that refuses NHS numbers."""

    default_validators = [validate_no_nhs_number]


class SafeCharField(models.CharField):
    """A short free-text field that refuses NHS numbers."""

    default_validators = [validate_no_nhs_number]
