"""Text stored in Chinese, shown on a page in any language: `{{ item.name|zh }}`.

The county keeps its records in Chinese: names of items, departments, enterprises and papers,
legal bases, opinions. On a page in another language a screen reader would read them with
that language's rules, so they are marked lang="zh-Hans" there. A text without a Chinese
character (an English title, a number) is left as it is: marking it would be wrong.

A few texts the system writes into a record itself are no county's words but the interface's:
those are shown in the page's language instead, whichever language they were stored in."""

import functools
import re

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop

from ..review import ON_THE_SPOT_OPINION

register = template.Library()

# catalog.models.ApprovalItem.fee's default (tests/cases/test_english_pages.py keeps the
# two in step).
NO_FEE = gettext_noop("不收费")
FIXED_TEXTS = (ON_THE_SPOT_OPINION, NO_FEE)

ZH = "zh-Hans"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@functools.cache
def _fixed_sources() -> dict[str, str]:
    """Each fixed text as any language writes it -> its Chinese source. A record written
    while an English page was active holds the English."""
    sources = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            sources.update({gettext(source): source for source in FIXED_TEXTS})
    return sources


def marked_chinese(text: str) -> bool:
    """Whether this page marks the text as Chinese: it has Chinese in it, the page not."""
    page = translation.get_language() or settings.LANGUAGE_CODE
    return not page.startswith("zh") and HAN.search(text) is not None


@register.filter
def zh(value):
    """The stored text for this page: a fixed text in the page's language; any other text
    with Chinese in it inside <span lang="zh-Hans"> unless the page is Chinese."""
    if value is None or value == "":
        return ""
    text = str(value)
    source = _fixed_sources().get(text)
    if source is not None:
        return gettext(source)
    if not marked_chinese(text):
        return value
    return format_html('<span lang="{}">{}</span>', ZH, value)
