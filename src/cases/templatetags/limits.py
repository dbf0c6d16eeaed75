"""A time limit on the case pages, as the catalog shows it: `{% limit days unit %}`."""

from django import template

from catalog.limits import display_limit
from catalog.records import Limit

register = template.Library()


@register.simple_tag
def limit(days, unit) -> str:
    """20 working days, 1 calendar day, on the spot — in the reader's language."""
    return display_limit(Limit(days, unit))
