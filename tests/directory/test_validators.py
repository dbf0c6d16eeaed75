import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from directory.masking import mask_id_number, mask_phone
from directory.validators import (
    id_check_char,
    uscc_check_char,
    validate_id_number,
    validate_industry_code,
    validate_region_code,
    validate_uscc,
)

REAL_USCCS = [
    "91350100M000100Y43",
    "9144030071526726XG",
    "91330100716105852F",
    "914403001922038216",
    "91110000802100433B",
    "91110108551385082Q",
]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_world_usccs_are_valid(code):
    assert validate_uscc(code) == code


def _message(fn, value):
    with pytest.raises(ValidationError) as info:
        fn(value)
    return info.value.messages[0], info.value.code


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("", "required", "请填写"),
        ("91350100M000100Y4", "length", "应为18位，您输入了17位"),
        ("91350100M000100Y433", "length", "您输入了19位"),
        ("91350100m000100y43", "lowercase", "须大写"),
        ("９１350100M000100Y43", "fullwidth", "全角"),
        ("91350100M000100Y4３", "fullwidth", "全角"),
        ("91350100 M00100Y43", "space", "空格"),
        (" 91350100M00100Y43", "space", "空格"),
        ("91350100M000100\x0043", "control", "控制字符"),
        ("91350100M00010OY43", "alphabet", "“O”"),
        ("91350100M000I00Y43", "alphabet", "“I”"),
        ("91350100S000100Y43", "alphabet", "“S”"),
        ("9135A100M000100Y43", "region", "行政区划代码"),
        ("91350100M000100Y44", "check", "末位应为“3”"),
        ("914403001922038217", "check", "末位应为“6”"),
    ],
)
def test_bad_usccs_get_one_clear_chinese_message(value, code, fragment):
    message, got_code = _message(validate_uscc, value)
    assert got_code == code
    assert fragment in message


def test_every_single_character_typo_in_a_uscc_is_caught():
    code = REAL_USCCS[0]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for i in range(17):
        for c in alphabet:
            if c == code[i]:
                continue
            typo = code[:i] + c + code[i + 1 :]
            if typo[2:8].isdigit():
                with pytest.raises(ValidationError):
                    validate_uscc(typo)


def test_check_character_uses_weights_three_to_the_i_mod_31():
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_real_id_number_is_valid():
    assert validate_id_number("11010519491231002X") == "11010519491231002X"


def test_id_number_with_computed_check_digit_is_valid():
    first17 = "44052419800101001"
    assert validate_id_number(first17 + id_check_char(first17))


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("11010519491231002", "length", "应为18位"),
        ("11010519491231002x", "lowercase", "X 须大写"),
        ("1101051949123100２X", "fullwidth", "全角"),
        ("110105194912310 2X", "space", "空格"),
        ("11010519491231002Y", "format", "末位为数字或 X"),
        ("11010519490230002X", "birth", "出生日期不存在"),
        ("110105299912310021", "birth", "不合理"),
        ("110105194912310021", "check", "末位应为“X”"),
    ],
)
def test_bad_id_numbers_get_one_clear_chinese_message(value, code, fragment):
    message, got_code = _message(validate_id_number, value)
    assert got_code == code
    assert fragment in message


def test_id_birth_date_is_checked_against_the_given_day():
    with pytest.raises(ValidationError):
        validate_id_number("11010520300101001X"[:-1] + "0", today=dt.date(2026, 1, 1))


@pytest.mark.parametrize("value", ["139999", "110105"])
def test_region_codes(value):
    assert validate_region_code(value) == value


@pytest.mark.parametrize("value", ["13999", "A39999", "039999", "1399999"])
def test_bad_region_codes(value):
    with pytest.raises(ValidationError):
        validate_region_code(value)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("C3011", True),
        ("C", True),
        ("C30", True),
        ("c3011", False),
        ("Z30", False),
        ("C30111", False),
    ],
)
def test_industry_codes(value, ok):
    if ok:
        assert validate_industry_code(value) == value
    else:
        with pytest.raises(ValidationError):
            validate_industry_code(value)


def test_masks_keep_only_the_ends():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
