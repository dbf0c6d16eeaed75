"""What a newcomer meets first: `lianban` and its help, a setting left out, and the demo
county's inbox on day one."""

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import get_commands

from cases.models import Notification
from documents import verify
from documents.models import ApprovalDocument
from lianban import cli, demo
from lianban.text import display_width

TZ = ZoneInfo("Asia/Shanghai")
SRC = Path(cli.__file__).resolve().parent.parent


def test_lianban_alone_or_help_lists_the_county_commands_in_chinese(capsys):
    for argv in (["lianban"], ["lianban", "help"], ["lianban", "--help"]):
        cli.main(argv)
        shown = capsys.readouterr().out
        assert shown.startswith("联办 lianban：")
        assert "lianban backup 文件" in shown and "从备份文件恢复" in shown
        assert "lianban help --commands" in shown
    # every command named is one that exists
    commands = get_commands()
    for usage, _what in cli.COUNTY_COMMANDS:
        assert usage.split()[0] in commands
    # the descriptions start in one column, though the usages mix Chinese and Latin letters
    rows = [line for line in shown.splitlines() if line.startswith("  lianban ")]
    assert len(rows) == len(cli.COUNTY_COMMANDS)
    starts = {
        display_width(row[: row.index(what)])
        for row, (_u, what) in zip(rows, cli.COUNTY_COMMANDS, strict=True)
    }
    assert len(starts) == 1


def _run(argv, tmp_path, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "LIANBAN_INSECURE_DEV_KEY"}
        and not key.startswith("PYTEST")
    }
    environment.update(LIANBAN_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(SRC), **env)
    code = f"from lianban.cli import main; main({['lianban', *argv]!r})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_secret_key_is_one_line_not_a_traceback(tmp_path):
    done = _run(["migrate", "--no-input"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("lianban：设置有误：SECRET_KEY must be set")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    # a setting that is not a number says so in one line too
    done = _run(["check"], tmp_path, SECRET_KEY="x" * 50, SESSION_COOKIE_AGE="half an hour")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "half an hour" in done.stderr
    # and the overview needs no settings at all
    done = _run([], tmp_path)
    assert done.returncode == 0 and "日常命令" in done.stdout


def test_the_past_is_read_but_the_last_working_day_is_not(clerk, reviewer_a):
    # Friday 27 November 2026: the last working day before it is Thursday the 26th
    def note(user, key, at):
        return Notification.objects.create(
            user=user, key=key, message=key, created_at=dt.datetime(*at, tzinfo=TZ)
        )

    old = note(clerk, "a", (2026, 3, 2, 10))
    eve = note(reviewer_a, "b", (2026, 11, 25, 23, 59))
    yesterday = note(clerk, "c", (2026, 11, 26, 0, 0))
    today = note(reviewer_a, "d", (2026, 11, 27, 10))

    assert demo.read_the_past(dt.date(2026, 11, 27)) == 2
    for n in (old, eve, yesterday, today):
        n.refresh_from_db()
    assert old.read_at == old.created_at and eve.read_at == eve.created_at
    assert yesterday.read_at is None and today.read_at is None
    # on Monday the last working day is the Friday before the weekend: Thursday's is read
    assert demo.read_the_past(dt.date(2026, 11, 30)) == 1
    today.refresh_from_db()
    assert today.read_at is None


@pytest.mark.django_db(transaction=True)
def test_the_demo_county_opens_with_the_last_days_unread_and_its_documents_verify():
    with time_machine.travel(dt.datetime(2026, 11, 27, 20, tzinfo=TZ), tick=False):
        demo.build(io.StringIO(), cases=30, days=20, seed=3, inline_days=20)
    since = dt.datetime(2026, 11, 26, tzinfo=TZ)
    assert Notification.objects.filter(created_at__lt=since).exists()
    assert not Notification.objects.filter(created_at__lt=since, read_at__isnull=True).exists()
    # what came on the last working day and today is still waiting to be read
    recent = Notification.objects.filter(created_at__gte=since)
    assert recent.exists() and not recent.exclude(read_at__isnull=True).exists()

    # The documents are sealed as of the simulated days: the certificates were valid then
    # (made on the day the demo was built, every one of them failed verification).
    first = ApprovalDocument.objects.order_by("issued_at").first()
    assert first.issued_at < dt.datetime(2026, 11, 20, tzinfo=TZ)
    with first.file.open("rb") as stored:
        verdict = verify.verify_file(stored.read())
    assert verdict.ok, verdict.lines
