import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianban import clock
from lianban.validators import TextField

from . import security, tokens
from .models import LoginAttempt


class ThrottledLogin:
    """For Django's login forms, the site's and the admin's: refuse a locked username or
    address before the password is checked, and record every attempt (accounts/security.py).
    The lockout message is the same whether or not the username has an account."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()  # a required field is missing: nothing was tried
        ip = security.client_ip(self.request)
        if until := security.lockout(username, ip):
            security.record_attempt(self.request, username, LoginAttempt.Outcome.LOCKED)
            raise self.locked_error(until)
        try:
            cleaned = super().clean()
        except ValidationError:
            security.record_attempt(self.request, username, LoginAttempt.Outcome.FAILED)
            if until := security.lockout(username, ip):
                security.security_event(
                    "login.lockout", request=self.request, username=username, until=until
                )
                raise self.locked_error(until) from None
            raise
        security.record_attempt(self.request, username, LoginAttempt.Outcome.SUCCEEDED)
        return cleaned

    def locked_error(self, until) -> ValidationError:
        minutes = max(1, math.ceil((until - clock.now()).total_seconds() / 60))
        return ValidationError(
            _("登录失败次数过多，已暂停登录。请 %(minutes)d 分钟后再试。") % {"minutes": minutes},
            code="locked",
        )


class LoginForm(ThrottledLogin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    pass


class NewTokenForm(forms.Form):
    name = TextField(
        label=gettext_lazy("令牌名称"),
        max_length=100,
        help_text=gettext_lazy("写明用途，例如“企业ERP对接”，便于日后识别和吊销。"),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("有效期"),
        coerce=int,
        # Left out (a script posting the name alone), the default term.
        required=False,
        empty_value=None,
        help_text=gettext_lazy("到期后令牌失效，到期前会提醒您；可随时提前吊销。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From the settings of the moment, which tests and deployments change.
        self.fields["days"].choices = [
            (days, _("%(n)d 天") % {"n": days}) for days in tokens.terms()
        ]
        self.fields["days"].initial = tokens.default_term()
