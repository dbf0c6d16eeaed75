"""What every form on the site shares, set once through FORM_RENDERER."""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


def first_error(form) -> str | None:
    """The first field on show with an error; None when only the form as a whole has one
    (cases/_form_errors.html then takes the focus to the message)."""
    errors = form.errors
    return next((n for n in form.fields if n in errors and not form[n].is_hidden), None)


class FirstErrorField(BoundField):
    """After a refused submit the keyboard lands on the first field in error, whose message
    a screen reader then reads (aria-describedby), not on the button that was pressed: htmx
    focuses the [autofocus] element of what it swaps in, a browser that of a page it loads."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.name == first_error(self.form):
            attrs["autofocus"] = True
        return attrs


class Renderer(DjangoTemplates):
    bound_field_class = FirstErrorField
