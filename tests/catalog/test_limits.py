import pytest

from catalog.limits import (
    LimitError,
    chinese_number,
    display_limit,
    format_limit,
    parse_count,
    parse_limit,
)
from catalog.models import LimitUnit
from catalog.records import CALENDAR, WORKING, Limit


def test_record_units_are_the_models_units():
    assert {WORKING, CALENDAR} == set(LimitUnit.values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20个工作日", Limit(20, WORKING)),
        ("20工作日", Limit(20, WORKING)),
        (" 20 个工作日 ", Limit(20, WORKING)),
        ("２０个工作日", Limit(20, WORKING)),  # full-width digits
        ("二十个工作日", Limit(20, WORKING)),
        ("十五个工作日", Limit(15, WORKING)),
        ("十个工作日", Limit(10, WORKING)),
        ("一百二十个工作日", Limit(120, WORKING)),
        ("两个工作日", Limit(2, WORKING)),
        ("30日", Limit(30, CALENDAR)),
        ("30天", Limit(30, CALENDAR)),
        ("三十日", Limit(30, CALENDAR)),
        ("30个自然日", Limit(30, CALENDAR)),
        ("一百零五个自然日", Limit(105, CALENDAR)),
        ("60个日历日", Limit(60, CALENDAR)),
        ("20 working days", Limit(20, WORKING)),
        ("30 calendar days", Limit(30, CALENDAR)),
    ],
)
def test_limits_are_read_as_people_write_them(text, expected):
    assert parse_limit(text) == expected


@pytest.mark.parametrize(
    "text", ["即办", "当场办结", "当场办理", "立即办结", "0", "0个工作日", "On the spot"]
)
def test_on_the_spot_limits_are_zero_days(text):
    limit = parse_limit(text)
    assert limit.days == 0
    assert limit.on_the_spot


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "未填写"),
        ("二十几天", "无法识别时限“二十几天”"),
        ("约20个工作日", "无法识别"),
        ("20-30个工作日", "无法识别"),
        ("-5个工作日", "无法识别"),
        ("3.5个工作日", "无法识别"),
        ("一百五个工作日", "无法识别"),  # 150 or 105? refused, not guessed
        ("十十个工作日", "无法识别"),
        ("工作日", "无法识别"),
        ("20个月", "无法按日计算"),
        ("48小时", "无法按日计算"),
        ("20", "没有单位"),
    ],
)
def test_bad_limits_are_refused_with_a_reason(text, says):
    with pytest.raises(LimitError) as exc:
        parse_limit(text)
    assert says in exc.value.message


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十五", 25),
        ("九十九", 99),
        ("一百", 100),
        ("两百", 200),
        ("一百零五", 105),
        ("一百一十五", 115),
        ("一百二十", 120),
        ("一千零一", 1001),
        ("一千零五十", 1050),
        ("九千九百九十九", 9999),
        ("零", 0),
    ],
)
def test_chinese_numerals(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "百",
        "二三",
        "十十",
        "一百十五",
        "一百零",
        "零五",
        "一千五",
        "一百零五十",
        "二十零",
        "十二十",
        "廿",
    ],
)
def test_malformed_chinese_numerals_are_refused(text):
    with pytest.raises(ValueError):
        chinese_number(text)


@pytest.mark.parametrize(
    "limit", [Limit(0), Limit(20, WORKING), Limit(30, CALENDAR), Limit(120, WORKING)]
)
def test_a_written_limit_reads_back_the_same(limit):
    assert parse_limit(format_limit(limit)) == (Limit(0) if limit.days == 0 else limit)


def test_limits_display_with_their_unit():
    assert display_limit(Limit(20, WORKING)) == "20个工作日"
    assert display_limit(Limit(30, CALENDAR)) == "30个自然日"
    assert display_limit(Limit(0)) == "即办"


@pytest.mark.parametrize(
    ("text", "value"), [("0", 0), ("2", 2), ("一次", 1), ("两次", 2), ("第三", 3)]
)
def test_counts(text, value):
    assert parse_count(text) == value
