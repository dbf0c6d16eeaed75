"""Hostile input: the payloads every form and endpoint is tried with, a snapshot of everything
a refused request must leave untouched, and the count of inputs tried per endpoint (printed
at the end of the run, for RELIABILITY.md)."""

from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings

from tests.cases.conftest import all_papers, catalog, pdf, travel  # noqa: F401

TRIED: Counter = Counter()

# Refused wherever a person types text: (name, value, what the message says).
CONTROL_CHARACTERS = [
    ("NUL", "项目\x00名称"),
    ("U+202E right-to-left override", "项目\u202e称名"),
    ("U+200B zero-width space", "项目\u200b名称"),
    ("ESC", "\x1b[31m项目名称"),
    ("DEL", "项目\x7f名称"),
]
CONTROL_MESSAGE = "不可见的控制字符"
REQUIRED_MESSAGE = "这个字段是必填项"
BLANKS = ["", "   ", " \u3000\t\n "]  # ASCII spaces, an ideographic space, tab and newline
# Accepted and kept exactly as typed: they are ordinary text to us, and dangerous only if a
# page, the PDF or a spreadsheet interprets them.
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"
LITERALS = [
    ("HTML and script", SCRIPT),
    ("SQL metacharacters", "'; DROP TABLE cases_case; -- \" OR '1'='1"),
    ("full-width and mixed scripts", "ＡＢＣ１２３ 项目 Ελλάδα Москва ひらがな 😀"),
    ("spreadsheet formula", '=HYPERLINK("http://x","y")'),
]
# Out of range however they are written.
FAR_DATES = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]
DATE_MESSAGE = "应在1900-01-01至2100-12-31之间"

_KEPT_APPS = ("accounts", "directory", "catalog", "cases", "documents", "workdays")
_NOT_STATE = {"accounts.loginattempt"}  # the record of a login attempt is written on purpose


def snapshot() -> dict:
    """Every row of the project's tables and every stored file: a refused request must leave
    all of it as it was."""
    rows = {}
    for config in _KEPT_APPS:
        for model in apps.get_app_config(config).get_models():
            if model._meta.label_lower in _NOT_STATE:
                continue
            rows[model._meta.label_lower] = list(model.objects.order_by("pk").values())
    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    return {"rows": rows, "files": files}


def pytest_terminal_summary(terminalreporter):
    if not TRIED:
        return
    terminalreporter.section("hostile inputs tried per endpoint")
    for endpoint, count in sorted(TRIED.items()):
        terminalreporter.write_line(f"{count:6d}  {endpoint}")
    terminalreporter.write_line(f"{sum(TRIED.values()):6d}  in all ({len(TRIED)} endpoints)")


def stored(value: str) -> bool:
    """Whether some row of the project's tables holds `value`, whole or inside a text or a
    JSON payload."""

    def holds(v) -> bool:
        if isinstance(v, str):
            return value in v
        if isinstance(v, dict):
            return any(holds(x) for x in v.values())
        if isinstance(v, list | tuple):
            return any(holds(x) for x in v)
        return False

    return any(holds(row) for rows in snapshot()["rows"].values() for row in rows)
