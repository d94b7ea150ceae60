import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from property_service.core.masking import mask
from property_service.core.validators import (
    id_number_check_code,
    is_valid_id_number,
    is_valid_phone,
    normalize_phone,
    validate_id_number,
    validate_plate,
)

birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31))
regions = st.sampled_from(["110105", "310115", "440305", "510104"])
sequences = st.integers(min_value=0, max_value=999)


def build_id(region, birth, seq):
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_number_check_code(first17)


@given(regions, birth_dates, sequences)
def test_an_id_number_with_its_check_code_is_valid(region, birth, seq):
    assert is_valid_id_number(build_id(region, birth, seq))


@given(regions, birth_dates, sequences, st.integers(min_value=0, max_value=16),
       st.integers(min_value=1, max_value=9))
def test_changing_any_single_digit_breaks_the_check_code(region, birth, seq, position, delta):
    number = build_id(region, birth, seq)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    assert not is_valid_id_number(changed)


def test_known_real_format_id_numbers():
    assert is_valid_id_number("11010519491231002X")
    assert is_valid_id_number("11010519491231002x".upper())
    assert not is_valid_id_number("110105194912310021")  # wrong check digit
    assert not is_valid_id_number("110105194902300028")  # 30 February
    assert not is_valid_id_number("11010519491231002")  # 17 characters


def test_the_validator_explains_what_is_wrong():
    with pytest.raises(ValidationError) as error:
        validate_id_number("110105194912310021")
    assert "check digit" in error.value.messages[0]


@pytest.mark.parametrize("phone", ["13812345678", "19912345678", "021-12345678", "0755-1234567",
                                   "010-12345678-123"])
def test_valid_phone_numbers(phone):
    assert is_valid_phone(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "abc",
                                   "12345678", ""])
def test_invalid_phone_numbers(phone):
    assert not is_valid_phone(phone)


def test_phone_numbers_are_normalised():
    assert normalize_phone("+86 138 1234 5678") == "13812345678"
    assert normalize_phone("0086-13812345678".replace("-", "")) == "13812345678"


@pytest.mark.parametrize("plate", ["沪A12345", "粤B12345D", "京AD12345"])
def test_valid_plates(plate):
    validate_plate(plate)


@pytest.mark.parametrize("plate", ["AB12345", "沪I12345", "沪A1234"])
def test_invalid_plates(plate):
    with pytest.raises(ValidationError):
        validate_plate(plate)


def test_mask_keeps_three_first_and_four_last_characters():
    assert mask("13812345678") == "138****5678"
    assert mask("11010519491231002X") == "110***********002X"
    assert mask("") == ""
    assert mask(None) == ""


@given(st.text(min_size=1, max_size=40))
def test_a_masked_value_never_shows_more_than_seven_characters(value):
    masked = mask(value)
    assert len(masked) == len(value)
    assert sum(1 for a, b in zip(masked, value, strict=True) if a == b and a != "*") <= 7
