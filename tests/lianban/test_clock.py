import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lianban import clock


def test_frozen_time_is_what_now_answers_and_today_is_in_the_countys_zone():
    # 2026-02-10 17:30 UTC is already the 11th in Beijing.
    with clock.frozen(dt.datetime(2026, 2, 10, 17, 30, tzinfo=dt.UTC)):
        assert clock.now() == dt.datetime(2026, 2, 10, 17, 30, tzinfo=dt.UTC)
        assert clock.today() == dt.date(2026, 2, 11)
    assert clock.now().year >= 2026


def test_frozen_needs_an_aware_datetime():
    with pytest.raises(ValueError), clock.frozen(dt.datetime(2026, 1, 1)):
        pass


def test_nested_freezes_unwind():
    outer = dt.datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    inner = dt.datetime(2026, 4, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    with clock.frozen(outer):
        with clock.frozen(inner):
            assert clock.today() == dt.date(2026, 4, 1)
        assert clock.today() == dt.date(2026, 3, 1)
