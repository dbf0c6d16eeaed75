"""Personal numbers shown to roles that do not need them in full (PIPL art. 51)."""

import re


def mask_id_number(value: str) -> str:
    if not value or len(value) < 8:
        return "*" * len(value or "")
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if not value or len(value) < 7:
        return "*" * len(value or "")
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# An ID number (18 digits, the last may be X; or the old 15 digits) or a mobile number inside
# free text, e.g. typed as a username at login; any digits, full-width ones too.
_PERSONAL_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")


def mask_personal_numbers(text: str) -> str:
    """The text with every ID or mobile number in it masked, for logs."""

    def mask(match: re.Match) -> str:
        number = match[0]
        return mask_phone(number) if len(number) == 11 else mask_id_number(number)

    return _PERSONAL_NUMBER.sub(mask, text)
