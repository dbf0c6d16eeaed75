from django import template

from documents.models import standing as _standing

register = template.Library()


@register.filter
def standing(documents):
    """`{{ documents|standing }}`: for pages that already list a case's documents (the case
    page passes its own queryset), so the list is read once."""
    return _standing(documents)
