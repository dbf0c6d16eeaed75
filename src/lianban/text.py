"""Text as a screen or a spreadsheet shows it."""

import unicodedata


def display_width(value) -> int:
    """Columns a text takes in a terminal or a spreadsheet cell: a Chinese (wide or full-width)
    character takes two. Of several lines, the longest."""
    text = "" if value is None else str(value)
    line = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
