"""Every user-facing string of the catalog app has its English in src/locale/en-catalog.tsv,
with the same placeholders (`make messages` applies the file; see scripts/fill_translations.py)."""

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
APP = SRC / "catalog"
TSV = SRC / "locale" / "en-catalog.tsv"
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "N_", "gettext_noop"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def python_strings() -> set[str]:
    found = set()
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def template_strings() -> set[str]:
    found = set()
    for path in (APP / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r'{%\s*translate\s+"([^"]+)"', text))
        found.update(re.findall(r"{%\s*translate\s+'([^']+)'", text))
        found.update(re.findall(r'_\("([^"]+)"\)', text))
        for block in re.findall(
            r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", text, re.S
        ):
            for part in block.split("{% plural %}"):
                found.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", part))
    return found


def english(*paths: Path) -> dict[str, str]:
    table = {}
    for path in paths or (TSV,):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                zh, _tab, en = line.partition("\t")
                table[zh] = en
    return table


def test_every_catalog_string_has_english():
    table = english(*sorted((SRC / "locale").glob("en*.tsv")))  # as scripts/fill_translations.py
    missing = sorted((python_strings() | template_strings()) - set(table))
    assert missing == []


def test_english_keeps_the_placeholders():
    for zh, en in english().items():
        assert sorted(PLACEHOLDER.findall(zh)) == sorted(PLACEHOLDER.findall(en)), zh
        assert en.strip(), zh


@pytest.mark.django_db
def test_an_english_guide_says_free_of_charge_and_counts_one_day_as_one(client, book):
    from catalog.importer import import_file
    from catalog.models import ApprovalItem

    from .conftest import CAL

    import_file(book, CAL)
    item = ApprovalItem.objects.get(code="P4")
    item.fee, item.promised_limit, item.promised_unit = "不收费", 1, "working"
    item.save()
    page = client.get("/catalog/items/P4/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Free of charge" in page and "不收费" not in page
    assert "1 working day<" in page or "1 working day " in page
    assert "1 working days" not in page
