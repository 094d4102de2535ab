"""Personal data checks: phone numbers, resident ID checksums, masking for exports."""
from __future__ import annotations

import pytest

from summit.services.core import validation
from summit.services.core.errors import ValidationFailed

VALID_ID = "11010519491231002X"  # the example of GB 11643-1999


def with_check_digit(first17: str) -> str:
    """Complete 17 digits with the ISO 7064 MOD 11-2 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


# --- phones -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["13812345678", "+86 138-1234-5678", "008613812345678",
                                 "+8613812345678", "(+86) 138 1234 5678", " 138.1234.5678 "])
def test_chinese_mobile_numbers_are_normalised_to_eleven_digits(raw):
    assert validation.normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize(("raw", "expected"), [
    ("+442071234567", "+442071234567"),
    ("+44 20 7123 4567", "+442071234567"),
    ("+1 (415) 555-0100", "+14155550100"),
])
def test_international_numbers_are_kept_with_their_plus(raw, expected):
    assert validation.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "abc", "23812345678", "", "+86 23812345678",
                                 "1381234567", "138123456789", "+0123456789", "+86"])
def test_other_phone_numbers_are_refused_on_the_phone_field(raw):
    with pytest.raises(ValidationFailed) as caught:
        validation.normalise_phone(raw)
    assert caught.value.field == "phone"
    assert caught.value.status == 422


def test_the_refused_field_name_can_be_chosen():
    with pytest.raises(ValidationFailed) as caught:
        validation.normalise_phone("abc", field="contact_phone")
    assert caught.value.field == "contact_phone"


# --- resident ID --------------------------------------------------------------------------

def test_the_standard_example_is_valid():
    assert with_check_digit(VALID_ID[:17]) == VALID_ID
    assert validation.resident_id_valid(VALID_ID)
    assert validation.normalise_resident_id(VALID_ID) == VALID_ID


@pytest.mark.parametrize("last", "0123456789")
def test_any_other_check_character_is_invalid(last):
    assert not validation.resident_id_valid(VALID_ID[:17] + last)
    with pytest.raises(ValidationFailed) as caught:
        validation.normalise_resident_id(VALID_ID[:17] + last)
    assert caught.value.field == "id_number"


@pytest.mark.parametrize("birth", ["19491331", "19490229", "19490000", "19490431"])
def test_an_impossible_birth_date_is_invalid_even_with_the_right_check_digit(birth):
    number = with_check_digit("110105" + birth + "002")
    assert not validation.resident_id_valid(number)


def test_a_leap_day_birth_date_is_valid():
    assert validation.resident_id_valid(with_check_digit("110105" + "20000229" + "002"))


def test_lower_case_x_is_accepted_and_upper_cased():
    assert validation.resident_id_valid(VALID_ID.lower())
    assert validation.normalise_resident_id(" 11010519491231002x ") == VALID_ID


@pytest.mark.parametrize("number", ["", "11010519491231002", "11010519491231002XX",
                                    "1101051949123100X2", "A1010519491231002X"])
def test_wrong_shapes_are_invalid(number):
    assert not validation.resident_id_valid(number)


# --- masking ------------------------------------------------------------------------------

def test_mask_phone_keeps_the_prefix_and_the_last_four_digits():
    assert validation.mask_phone("13812345678") == "138****5678"
    assert validation.mask_phone("+442071234567") == "+44******4567"
    assert validation.mask_phone("") == ""


def test_mask_id_keeps_the_first_character_and_the_last_four():
    assert validation.mask_id(VALID_ID) == "1*************002X"
    assert validation.mask_id("E12345678") == "E****5678"
    assert validation.mask_id("") == ""
    assert validation.mask_id("1234") == "****"


@pytest.mark.parametrize("length", range(1, 19))
def test_mask_id_always_hides_something_and_keeps_the_length(length):
    number = "123456789012345678"[:length]
    masked = validation.mask_id(number)
    assert len(masked) == length
    assert "*" in masked
    assert masked != number
