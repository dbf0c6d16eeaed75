"""Per-user API tokens: issued with the key shown once, revoked by their owner.
The API checks them in lianban.api.TokenAuth; only a key's SHA-256 is stored."""

from django.db import transaction
from django.utils.translation import gettext as _

from lianban import clock
from lianban.errors import DomainError, NotFound

from .models import ApiToken, User
from .security import security_event

MAX_ACTIVE_TOKENS = 20


def issue(user: User, name: str, *, request=None) -> tuple[ApiToken, str]:
    """A new token and its key. The key is returned this once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写令牌名称。"), code="invalid", field="name")
    if len(name) > 100:
        raise DomainError(_("令牌名称不能超过100个字。"), code="invalid", field="name")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time
        if user.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
            raise DomainError(
                _("有效令牌已达 %(n)d 个，请先吊销不用的令牌。") % {"n": MAX_ACTIVE_TOKENS},
                code="too_many",
            )
        token, key = ApiToken.issue(user, name)
    security_event(
        "token.issued", request=request, username=user.get_username(), token=token.prefix
    )
    return token, key


def revoke(user: User, token_id: int, *, request=None) -> ApiToken:
    """Revoke one of the user's own tokens; revoking twice changes nothing. Another user's
    token is NotFound, as if it did not exist."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise NotFound(_("未找到该令牌。"))
        if token.revoked_at is not None:
            return token
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    security_event(
        "token.revoked", request=request, username=user.get_username(), token=token.prefix
    )
    return token
