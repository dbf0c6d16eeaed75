from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from lianban.errors import DomainError, NotFound

from . import security, tokens
from .forms import LoginForm, NewTokenForm


@require_POST
def set_language(request):
    """Django's language switch; a signed-in user's choice is kept on their account too."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if request.user.is_authenticated and check_for_language(language):
        request.user.remember_language(language)
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm


@login_required
@require_http_methods(["GET", "POST"])
def logout_everywhere(request):
    if request.method == "POST":
        security.end_all_sessions(request)
        messages.success(request, _("已退出所有设备上的登录。"))
        return redirect("accounts:login")
    return render(request, "accounts/logout_everywhere.html")


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = NewTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = tokens.issue(
                request.user,
                form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                request=request,
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            form = NewTokenForm()
    # The revoked last on either database (PostgreSQL sorts NULL last, SQLite first).
    rows = request.user.api_tokens.order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
    return render(
        request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_key": new_key}
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    try:
        token = tokens.revoke(request.user, token_id, request=request)
    except NotFound:
        security.log_refusal(request, f"api_token:{token_id}")
        raise Http404 from None
    messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("accounts:tokens")
