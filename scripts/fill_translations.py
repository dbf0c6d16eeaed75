"""Fill the English catalogue from src/locale/en*.tsv, one string a line:

    中文<TAB>English
    中文<TAB>English<TAB>context                      (pgettext's context: ...<TAB>history)
    中文<TAB>one English<TAB>context<TAB>other English  (a counted string, see below)

A counted string (ngettext, {% blocktranslate count %}) has one Chinese form and two English
ones: the line gives the form for 1 in the second column and the form for every other
number in the fourth; the third, the context, is empty when there is none:

    已暂停 %(n)s 天<TAB>paused %(n)s day<TAB><TAB>paused %(n)s days

Such a line fills only a counted entry (msgid_plural, msgstr[0] and msgstr[1]); a counted
entry without a fourth column counts as missing, so "1 days" cannot slip through.

`make messages` extracts the strings, runs this, then compiles. Strings missing from the
TSV stay untranslated and are listed, so a reviewer sees what still needs English."""

import sys
from pathlib import Path

from django.utils.translation import trans_real  # noqa: F401  (ensures Django is importable)

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "src/locale/en/LC_MESSAGES/django.po"
TSVS = sorted((ROOT / "src/locale").glob("en*.tsv"))


def _unquote(lines: list[str]) -> str:
    text = "".join(line.strip()[1:-1] for line in lines)
    return text.encode("raw_unicode_escape").decode("unicode_escape")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _drop_fuzzy(out: list[str]) -> None:
    """An entry filled from the TSV is no longer a guess: msgmerge's fuzzy flag and the
    previous msgid it guessed from go, or compilemessages would leave the entry out."""
    k = len(out)
    if k and out[k - 1].startswith("msgctxt "):
        k -= 1
    while k and out[k - 1].startswith("#"):
        k -= 1
    comments = []
    for line in out[k:]:
        if line.startswith(("#|", "msgctxt ")):
            continue
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
            if not flags:
                continue
            line = "#, " + ", ".join(flags)
        comments.append(line)
    out[k:] = comments + [line for line in out[k:] if line.startswith("msgctxt ")]


def _read_tables(lines_in: list[str]) -> tuple[dict, dict]:
    """(context, 中文) -> English, and (context, 中文) -> (English for 1, English for more)."""
    singles, plurals = {}, {}
    for line in lines_in:
        if line.strip() and not line.startswith("#"):
            zh, _, rest = line.partition("\t")
            en, _, rest = rest.partition("\t")
            context, _, other = rest.partition("\t")
            if other:
                plurals[(context, zh)] = (en, other)
            else:
                singles[(context, zh)] = en
    return singles, plurals


def _block(lines: list[str], i: int) -> tuple[list[str], int]:
    """One keyword's lines (its first and the continuations), and the index after them."""
    block = [lines[i]]
    i += 1
    while i < len(lines) and lines[i].startswith('"'):
        block.append(lines[i])
        i += 1
    return block, i


def _key(context: str, block: list[str]) -> tuple[str, str]:
    text = "".join(b.strip()[1:-1] for b in [block[0][len("msgid ") :], *block[1:]])
    return context, text.replace('\\"', '"').replace("\\n", "\n")


def main() -> int:
    lines_in = [ln for tsv in TSVS for ln in tsv.read_text(encoding="utf-8").splitlines()]
    singles, plurals = _read_tables(lines_in)
    out, missing = [], []
    lines = PO.read_text(encoding="utf-8").splitlines()
    i = 0
    context = ""
    while i < len(lines):
        line = lines[i]
        if line.startswith("msgctxt "):
            context = _unquote([line[8:]])
        if not line.startswith("msgid "):
            out.append(line)
            i += 1
            continue
        block, i = _block(lines, i)
        key = _key(context, block)
        context = ""
        plural = i < len(lines) and lines[i].startswith("msgid_plural ")
        if plural:
            plural_block, i = _block(lines, i)
            block += plural_block
        found = key[1] and (key in plurals if plural else key in singles)
        if found:
            _drop_fuzzy(out)
        out.extend(block)
        # The msgstr lines that follow: msgstr, or msgstr[0], msgstr[1] … when counted.
        old = []
        while i < len(lines) and lines[i].startswith("msgstr"):
            msgstr, i = _block(lines, i)
            old += msgstr
        if found and plural:
            one, other = plurals[key]
            out += ["msgstr[0] " + _quote(one), "msgstr[1] " + _quote(other)]
        elif found:
            out.append("msgstr " + _quote(singles[key]))
        else:
            out += old
            if key[1]:
                label = f"[{key[0]}] {key[1]}" if key[0] else key[1]
                missing.append(label + (" (counted: needs its plural)" if plural else ""))
    text = "\n".join(out) + "\n"
    text = text.replace("#, fuzzy\n", "", 1) if '#, fuzzy\nmsgid ""' in text else text
    PO.write_text(text, encoding="utf-8")
    if missing:
        print(f"{len(missing)} strings still without English:", file=sys.stderr)
        for m in missing[:40]:
            print("  ", m, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
