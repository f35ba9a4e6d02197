"""The NHS-number guard refuses free text containing a valid NHS number."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from culture_of_care.guards import (
    find_nhs_numbers,
    is_valid_nhs_number,
    validate_no_nhs_number,
)

# 943 476 5919 is the NHS's published example number (valid check digit).
VALID = ["9434765919", "943 476 5919", "943-476-5919", "4010232137"]
INVALID_CHECK_DIGIT = ["9434765918", "1234567890", "0000000001"]


@pytest.mark.parametrize("number", VALID)
def test_text_with_a_valid_nhs_number_is_refused_with_a_reason(number):
    with pytest.raises(ValidationError) as error:
        validate_no_nhs_number(f"Patient {number} was restrained twice")
    message = error.value.messages[0]
    assert "NHS number" in message
    assert "patient-identifiable" in message
    # The number itself is not echoed back in full.
    assert number.replace(" ", "").replace("-", "") not in message.replace(" ", "")


@pytest.mark.parametrize("number", INVALID_CHECK_DIGIT)
def test_ten_digits_that_fail_the_check_are_allowed(number):
    validate_no_nhs_number(f"Reference {number} from the incident system")


def test_digits_inside_a_longer_number_are_not_an_nhs_number():
    assert find_nhs_numbers("Order 194347659199 and phone 0207 946 0000") == []


def test_check_digit_of_ten_is_never_valid():
    # 1000000010: weights sum to 10 + 2 = 12, 11 - (12 % 11) = 10, so no check digit works.
    assert not any(is_valid_nhs_number(f"100000001{d}") for d in "0123456789")
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("943476591")  # nine digits
    assert not is_valid_nhs_number("94347659l9")  # a letter


def test_several_numbers_are_all_found():
    found = find_nhs_numbers("9434765919 and 401-023-2137")
    assert found == ["9434765919", "4010232137"]


def test_every_free_text_model_field_uses_the_guard():
    """A TextField anywhere in our apps without the validator is a leak waiting to happen."""
    ours = ("culture_of_care", "organisations", "wards", "coaching", "risk")
    # Reference data loaded from CSVs shipped with the application, never typed in by users.
    reference = {"improvement.Commitment.meaning"}
    missing = []
    for model in apps.get_models():
        # History event tables are written by database triggers, copying rows whose own fields
        # carry the guard; nobody types into them.
        if not model.__module__.startswith(ours) or model._meta.app_label == "history":
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField) and validate_no_nhs_number not in (
                field.validators
            ):
                missing.append(f"{model._meta.label}.{field.name}")
    assert sorted(set(missing) - reference) == []
