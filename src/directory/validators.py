"""Identity codes: the USCC (GB 32100-2015) and the resident ID number (GB 11643-1999).

Each validator returns the code unchanged or raises ValidationError with one message
that says exactly what is wrong, so a clerk can tell the applicant what to fix.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHECK = "10X98765432"


def _common_problems(value: str, label: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(_("请填写%(label)s。") % {"label": label}, code="required")
    if any(unicodedata.east_asian_width(c) in ("F", "W") for c in value):
        raise ValidationError(
            _("%(label)s含有全角字符，请切换到半角（英文）输入法后重新输入。") % {"label": label},
            code="fullwidth",
        )
    if any(c.isspace() for c in value):
        raise ValidationError(_("%(label)s中不能有空格。") % {"label": label}, code="space")
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise ValidationError(
            _("%(label)s含有不可见的控制字符。") % {"label": label}, code="control"
        )


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    label = _("统一社会信用代码")
    _common_problems(value, label)
    if len(value) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，您输入了%(n)d位。") % {"n": len(value)}, code="length"
        )
    if any(c.isalpha() and c.islower() for c in value):
        raise ValidationError(_("统一社会信用代码中的字母须大写。"), code="lowercase")
    bad = sorted({c for c in value if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码不使用字符“%(chars)s”（代码中没有 I、O、S、V、Z）。")
            % {"chars": _("、").join(bad)},
            code="alphabet",
        )
    if not value[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第3至8位应为行政区划代码（6位数字）。"), code="region"
        )
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：末位应为“%(expected)s”，请核对是否输错。")
            % {"expected": expected},
            code="check",
        )
    return value


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    label = _("居民身份证号码")
    _common_problems(value, label)
    if len(value) != 18:
        raise ValidationError(
            _("居民身份证号码应为18位，您输入了%(n)d位。") % {"n": len(value)}, code="length"
        )
    if value[17] == "x":
        raise ValidationError(_("身份证号码末位的 X 须大写。"), code="lowercase")
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(_("居民身份证号码前17位应为数字，末位为数字或 X。"), code="format")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("居民身份证号码中的出生日期不存在。"), code="birth") from None
    if birth > (today or dt.date.today()) or birth.year < 1900:
        raise ValidationError(_("居民身份证号码中的出生日期不合理。"), code="birth")
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("居民身份证号码校验位错误：末位应为“%(expected)s”，请核对是否输错。")
            % {"expected": expected},
            code="check",
        )
    return value


def validate_region_code(value: str) -> str:
    if not re.fullmatch(r"[1-8]\d{5}", value or ""):
        raise ValidationError(_("行政区划代码应为6位数字（GB/T 2260）。"), code="region")
    return value


def validate_industry_code(value: str) -> str:
    # GB/T 4754-2017: a section letter, optionally followed by 2-4 digits (C, C30, C301, C3011).
    if value and not re.fullmatch(r"[A-T](\d{2}|\d{3}|\d{4})?", value):
        raise ValidationError(_("国民经济行业代码格式不正确，例如 C3011。"), code="industry")
    return value


def validate_phone(value: str) -> str:
    if value and not re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}", value):
        raise ValidationError(_("电话号码格式不正确。"), code="phone")
    return value
