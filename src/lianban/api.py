"""The JSON API root. Each app contributes one router from its own api.py."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from accounts.models import ApiToken

from .errors import DomainError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lb_…` with a per-user, revocable token."""

    def authenticate(self, request: HttpRequest, token: str):
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="lianban 联办 API",
    version="1",
    description="县级一站式审批与服务平台接口。错误以 JSON 返回：{code, message}。",
    urls_namespace="api",
    auth=[django_auth, TokenAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"code": exc.code, "message": str(exc.message)}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    return api.create_response(
        request,
        {"code": "invalid", "message": _("请求内容不正确，请检查后重试。"), "errors": exc.errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"code": "unauthorized", "message": _("请先登录。")}, status=401
    )


def _mount():
    from accounts.api import router as accounts_router
    from cases.api import router as cases_router
    from catalog.api import router as catalog_router
    from documents.api import router as documents_router
    from portal.api import router as portal_router

    api.add_router("/catalog", catalog_router)
    api.add_router("/cases", cases_router)
    api.add_router("/documents", documents_router)
    api.add_router("/public", portal_router)
    api.add_router("/accounts", accounts_router)


_mount()
