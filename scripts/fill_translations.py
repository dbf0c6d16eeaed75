"""Fill the English catalogue from src/locale/en.tsv (中文<TAB>English, one string a line;
a third column names the message context, as pgettext's: 中文<TAB>English<TAB>history).

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


def main() -> int:
    table = {}
    lines_in = [ln for tsv in TSVS for ln in tsv.read_text(encoding="utf-8").splitlines()]
    for line in lines_in:
        if line.strip() and not line.startswith("#"):
            zh, _, rest = line.partition("\t")
            en, _, context = rest.partition("\t")
            table[(context, zh)] = en
    out, missing = [], []
    lines = PO.read_text(encoding="utf-8").splitlines()
    i = 0
    context = ""
    while i < len(lines):
        line = lines[i]
        if line.startswith("msgctxt "):
            context = _unquote([line[8:]])
        if line.startswith("msgid "):
            block = [line[6:]]
            i += 1
            while i < len(lines) and lines[i].startswith('"'):
                block.append(lines[i])
                i += 1
            msgid = "".join(b.strip()[1:-1] for b in block)
            key = (context, msgid.replace('\\"', '"').replace("\\n", "\n"))
            context = ""
            if key in table:
                _drop_fuzzy(out)
            out.append("msgid " + block[0])
            out.extend(block[1:])
            if i < len(lines) and lines[i].startswith("msgstr "):
                j = i + 1
                while j < len(lines) and lines[j].startswith('"'):
                    j += 1
                if key[1] and key in table:
                    out.append("msgstr " + _quote(table[key]))
                    i = j
                    continue
                if key[1]:
                    missing.append(f"[{key[0]}] {key[1]}" if key[0] else key[1])
            continue
        out.append(line)
        i += 1
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
