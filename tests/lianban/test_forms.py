"""Every form on the site, not only the case pages', sends the keyboard to its first field
in error after a refused submit (lianban/forms.py, set as FORM_RENDERER)."""

from django import forms


class Contact(forms.Form):
    name = forms.CharField()
    phone = forms.CharField()
    hidden = forms.CharField(widget=forms.HiddenInput)


def test_the_first_field_in_error_takes_the_focus_and_no_other():
    form = Contact({"name": "", "phone": "", "hidden": ""})
    assert "autofocus" in str(form["name"])
    assert "autofocus" not in str(form["phone"])
    assert "autofocus" not in str(form["hidden"])


def test_a_hidden_field_in_error_is_passed_over():
    form = Contact({"name": "x", "phone": "", "hidden": ""})
    assert "autofocus" in str(form["phone"])
    assert "autofocus" not in str(form["hidden"])


def test_an_unsubmitted_form_focuses_nothing():
    assert "autofocus" not in str(Contact())
