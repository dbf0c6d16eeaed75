"""Per-user API tokens: issued for a term with the key shown once, revoked by their owner or
an administrator, refused once the term has run out. The API checks them in
lianban.api.TokenAuth; only a key's SHA-256 is stored."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianban import clock
from lianban.errors import DomainError, NotFound

from .models import ApiToken, User
from .security import security_event

MAX_ACTIVE_TOKENS = 20

# The terms a person picks from, in days; API_TOKEN_DAYS is always one of them, and none is
# longer than API_TOKEN_MAX_DAYS.
TERMS = (7, 30, 90, 180, 365)


def default_term() -> int:
    return min(settings.API_TOKEN_DAYS, settings.API_TOKEN_MAX_DAYS)


def terms() -> list[int]:
    return sorted({d for d in TERMS if d <= settings.API_TOKEN_MAX_DAYS} | {default_term()})


def issue(user: User, name: str, *, days: int | None = None, request=None) -> tuple[ApiToken, str]:
    """A new token good for `days` (API_TOKEN_DAYS by default, at most API_TOKEN_MAX_DAYS),
    and its key. The key is returned this once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写令牌名称。"), code="invalid", field="name")
    if len(name) > 100:
        raise DomainError(_("令牌名称不能超过100个字。"), code="invalid", field="name")
    days = default_term() if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise DomainError(
            _("令牌有效期应为 1 至 %(max)d 天。") % {"max": settings.API_TOKEN_MAX_DAYS},
            code="invalid",
            field="days",
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time
        if active(user.api_tokens.all()).count() >= MAX_ACTIVE_TOKENS:
            raise DomainError(
                _("有效令牌已达 %(n)d 个，请先吊销不用的令牌。") % {"n": MAX_ACTIVE_TOKENS},
                code="too_many",
            )
        token, key = ApiToken.issue(user, name, days=days)
    security_event(
        "token.issued",
        request=request,
        username=user.get_username(),
        token=token.prefix,
        expires=token.expires_at.isoformat(),
    )
    return token, key


def active(tokens):
    """Of `tokens` (a queryset), those that still work: not revoked, not run out."""
    return tokens.filter(revoked_at__isnull=True, expires_at__gt=clock.now())


def expired(tokens):
    """Of `tokens`, those that ran out unrevoked."""
    return tokens.filter(revoked_at__isnull=True, expires_at__lte=clock.now())


def expiring(tokens):
    """Of `tokens`, those that still work and run out within API_TOKEN_WARN_DAYS (keep in
    step with ApiToken.expires_soon)."""
    warn_from = clock.now() + dt.timedelta(days=settings.API_TOKEN_WARN_DAYS)
    return active(tokens).filter(expires_at__lte=warn_from)


def revoke(user: User, token_id: int, *, request=None, by: User | None = None) -> ApiToken:
    """Revoke one of `user`'s tokens; revoking twice changes nothing. Another user's token is
    NotFound, as if it did not exist. `by` is an administrator revoking it for its owner."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise NotFound(_("未找到该令牌。"))
        if token.revoked_at is not None:
            return token
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    extra = {"by": by.get_username()} if by is not None else {}
    security_event(
        "token.revoked",
        request=request,
        username=user.get_username(),
        token=token.prefix,
        **extra,
    )
    return token


EXPIRY_WARNING = gettext_noop(
    "您的接口令牌“%(name)s”（%(prefix)s…）将于 %(at)s 到期，到期后用它调用接口将被拒绝。"
    "请在“接口令牌”页面生成新令牌，替换旧令牌。"
)


def warn_expiring() -> int:
    """Periodic: tell the owner of each working token that runs out within
    API_TOKEN_WARN_DAYS, in their notifications and by mail. Idempotent: the notification's
    key carries the expiry it was made for. Returns how many tokens run out soon."""
    # The site's notifications (and their mail) are the cases app's; accounts sits below it.
    from cases.notifications import notify_each

    soon = expiring(ApiToken.objects.filter(user__is_active=True)).select_related("user")
    entries = [
        (
            [token.user],
            f"token:{token.pk}:expires:{token.expires_at:%Y%m%dT%H%M%S}",
            {
                "name": token.name,
                "prefix": token.prefix,
                "at": timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
        for token in soon
    ]
    notify_each(None, EXPIRY_WARNING, entries)
    return len(entries)
