"""Time limits as people write them in a county's list, and back.

    20个工作日, 20工作日, 二十个工作日      -> Limit(20, working)
    30个自然日, 30日, 30天, 三十日          -> Limit(30, calendar)
    即办, 当场办结, 当场办理, 立即办结, 0    -> Limit(0)  (on the spot)
    20 working days, 30 calendar days, on the spot

"日" or "天" alone means calendar days (自然日): a working-day limit must say 工作日. A bare
number other than 0 has no unit and is refused, as are ranges, fractions, months and hours:
a limit that cannot be counted exactly cannot be promised.
"""

import itertools
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .records import CALENDAR, WORKING, Limit

ON_THE_SPOT_WORDS = frozenset(
    {"即办", "即办件", "当场办结", "当场办理", "立即办结", "即时办结", "当即办结", "onthespot"}
)
_WORKING_UNITS = ("个工作日", "工作日", "workingdays", "workingday")
_CALENDAR_UNITS = (
    "个自然日",
    "自然日",
    "个日历日",
    "日历日",
    "日",
    "天",
    "calendardays",
    "calendarday",
)
_OTHER_UNITS = ("个月", "月", "年", "周", "个小时", "小时", "months", "hours", "weeks")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PLACES = {"十": 10, "百": 100, "千": 1000}


class LimitError(ValueError):
    """`message` says, in the reader's language, what is wrong and how to write it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def chinese_number(text: str) -> int:
    """一 … 九千九百九十九, the way numbers are spoken: 十五, 二十, 一百二十, 一百零五, 两百.
    A skipped place is marked by one 零 (一百零五 is 105); 一百五 and 一千五, which people
    read as 150 and 1500, are refused as ambiguous rather than guessed."""
    if text in ("零", "〇"):
        return 0
    groups: list[tuple[int, int, bool]] = []  # (place, digit, 零 written before it)
    digit, zero = None, False
    for ch in text:
        if ch in _DIGITS and _DIGITS[ch] == 0:
            if digit is not None or not groups or zero:
                raise ValueError(text)
            zero = True
        elif ch in _DIGITS:
            if digit is not None:
                raise ValueError(text)
            digit = _DIGITS[ch]
        elif ch in _PLACES:
            if digit is None:
                if ch != "十" or groups:  # only a leading 十 may drop its 一: 十五
                    raise ValueError(text)
                digit = 1
            groups.append((_PLACES[ch], digit, zero))
            digit, zero = None, False
        else:
            raise ValueError(text)
    if digit is not None:
        groups.append((1, digit, zero))
    elif zero or not groups:
        raise ValueError(text)
    for (upper, _d, _z), (lower, _d2, zero_before) in itertools.pairwise(groups):
        if lower >= upper or (upper // lower > 10) != zero_before:
            raise ValueError(text)
    return sum(place * d for place, d, _z in groups)


def _number(text: str) -> int:
    if text.isascii() and text.isdigit():
        return int(text)
    return chinese_number(text)


def parse_limit(text) -> Limit:
    raw = "" if text is None else str(text).strip()
    compact = _compact(raw)
    if not compact:
        raise LimitError(_("时限未填写。"))
    lowered = compact.lower()
    if lowered in ON_THE_SPOT_WORDS:
        return Limit(0, WORKING)
    for units, unit in ((_WORKING_UNITS, WORKING), (_CALENDAR_UNITS, CALENDAR)):
        for word in units:
            if lowered.endswith(word.lower()):
                number = compact[: len(compact) - len(word)]
                try:
                    return Limit(_number(number), unit)
                except ValueError:
                    raise LimitError(_bad(raw)) from None
    for word in _OTHER_UNITS:
        if lowered.endswith(word.lower()):
            raise LimitError(
                _("时限“%(text)s”的单位无法按日计算，请换算成工作日或自然日。") % {"text": raw}
            )
    if compact.isascii() and compact.isdigit():
        if int(compact) == 0:
            return Limit(0, WORKING)
        raise LimitError(
            _("时限“%(text)s”没有单位，请写成“%(text)s个工作日”或“%(text)s个自然日”。")
            % {"text": raw}
        )
    raise LimitError(_bad(raw))


def _bad(raw: str) -> str:
    return _(
        "无法识别时限“%(text)s”，请写成“20个工作日”“二十个工作日”“30个自然日”“30日”或“即办”。"
    ) % {"text": raw}


def format_limit(limit: Limit) -> str:
    """The way the export writes a limit; parse_limit reads it back unchanged."""
    if limit.days == 0:
        return "即办"
    return f"{limit.days}个工作日" if limit.unit == WORKING else f"{limit.days}个自然日"


def display_limit(limit: Limit) -> str:
    """For pages and messages, in the reader's language."""
    if limit.days == 0:
        return _("即办")
    if limit.unit == WORKING:
        return ngettext("%(days)d个工作日", "%(days)d个工作日", limit.days) % {"days": limit.days}
    return ngettext("%(days)d个自然日", "%(days)d个自然日", limit.days) % {"days": limit.days}


def parse_count(text) -> int:
    """A count of visits or a stage order: 0, 1, 2, 一, 两次, 第二 …"""
    compact = _compact("" if text is None else str(text))
    compact = compact.removeprefix("第").removesuffix("次").removesuffix("阶段")
    if compact.isascii() and compact.isdigit():
        return int(compact)
    return chinese_number(compact)
