"""scripts/fill_translations.py fills counted strings (msgid_plural) with both English forms,
and never one form for both."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fill_translations.py"

PO = """msgid ""
msgstr ""
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

#, python-format
msgid "已暂停 %(n)s 天"
msgid_plural "已暂停 %(n)s 天"
msgstr[0] ""
msgstr[1] ""

msgctxt "history"
msgid "已受理"
msgstr ""

#, python-format
msgid "%(n)s 项待联席会议"
msgid_plural "%(n)s 项待联席会议"
msgstr[0] ""
msgstr[1] ""
"""


@pytest.fixture
def fill(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("fill_translations", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")
    tsv = tmp_path / "en-test.tsv"
    monkeypatch.setattr(script, "PO", po)
    monkeypatch.setattr(script, "TSVS", [tsv])

    def run(*lines):
        tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        script.main()
        return po.read_text(encoding="utf-8")

    return run


def test_a_counted_line_fills_both_english_forms(fill):
    po = fill(
        "已暂停 %(n)s 天\tpaused %(n)s day\t\tpaused %(n)s days",
        "已受理\tAccepted\thistory",
    )
    assert 'msgstr[0] "paused %(n)s day"\nmsgstr[1] "paused %(n)s days"' in po
    assert 'msgctxt "history"\nmsgid "已受理"\nmsgstr "Accepted"' in po


def test_a_counted_string_given_one_form_stays_untranslated_and_is_listed(fill, capsys):
    po = fill("%(n)s 项待联席会议\t%(n)s for the joint meeting")
    assert 'msgid_plural "%(n)s 项待联席会议"\nmsgstr[0] ""\nmsgstr[1] ""' in po
    assert "%(n)s 项待联席会议 (counted: needs its plural)" in capsys.readouterr().err
