"""The checks every free-text field and every date that a user types must pass, in one place.

Forms and API schemas both call these, so a value refused on a page is refused in the API
with the same message (and the other way round). Identity codes (USCC, ID number, phone)
have their own validators in directory/validators.py.
"""

import datetime as dt
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Line breaks and tabs are ordinary in a reason or an opinion; every other control, format
# (bidi overrides, zero-width joiners) or unassigned/surrogate character is refused: they
# hide text from the clerk who reads it and break the PDF and Excel exports.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def clean_text(value: str, *, label: str, max_length: int | None = None) -> str:
    """The value stripped of outer whitespace, or ValidationError naming what is wrong.
    An empty result is returned as ''; whether it is required is the caller's decision."""
    if not isinstance(value, str):
        raise ValidationError(_("%(label)s应为文字。") % {"label": label}, code="invalid")
    for char in value:
        if char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char)[0] == "C":
            raise ValidationError(
                _("%(label)s含有不可见的控制字符（U+%(code)04X），请删除后重新输入。")
                % {"label": label, "code": ord(char)},
                code="control",
            )
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            _("%(label)s最多%(limit)d个字，现有%(count)d个。")
            % {"label": label, "limit": max_length, "count": len(value)},
            code="max_length",
        )
    return value


def query_text(value, *, max_length: int = 100) -> str:
    """What a search box or an address sent, fit to look things up with: control and format
    characters dropped (PostgreSQL refuses a NUL even in a query), outer whitespace stripped,
    cut to max_length. A look-up stores nothing, so it is cleaned rather than refused."""
    text = "".join(c for c in str(value or "") if unicodedata.category(c)[0] != "C" or c == " ")
    return text.strip()[:max_length]


def check_date(value: dt.date, *, label: str) -> dt.date:
    """A date a person could mean in this system: between 1900 and 2100."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("%(label)s应在%(earliest)s至%(latest)s之间。")
            % {
                "label": label,
                "earliest": EARLIEST_DATE.isoformat(),
                "latest": LATEST_DATE.isoformat(),
            },
            code="date_range",
        )
    return value


# Form fields that run the checks above, for every page that takes typed text or dates. The
# API's schemas call the same functions, so both refuse the same input with the same message.


class TextField(forms.CharField):
    """A CharField whose value passes `clean_text` before Django strips it, so a control
    character at either end is refused rather than silently trimmed or stored."""

    def to_python(self, value):
        if isinstance(value, str) and value:
            value = clean_text(value, label=str(self.label or ""), max_length=self.max_length)
        return super().to_python(value)


class DateField(forms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE (year 1 and year 9999 parse, but mean
    nothing here and overflow date arithmetic)."""

    def to_python(self, value):
        value = super().to_python(value)
        return check_date(value, label=str(self.label or "")) if value else value


class DateTimeField(forms.DateTimeField):
    """A moment whose day passes `check_date`; checked before the time zone is applied, as
    a far date cannot be turned into UTC."""

    def to_python(self, value):
        value = super().to_python(value)
        if value:
            check_date(value.date(), label=str(self.label or ""))
        return value
