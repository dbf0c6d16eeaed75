"""The JSON API root. Each app contributes one router from its own api.py."""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from accounts.models import ApiToken

from . import clock
from .errors import DomainError
from .schemas import IDEMPOTENCY_KEY

TOKEN_USE_RECORDED_EVERY = dt.timedelta(seconds=60)


class ExpiredToken(AuthenticationError):
    """A token that was good and has run out: said so (auth_error), so that its owner knows
    to make a new one rather than hunt for a typing mistake."""

    def __init__(self, expired_at: dt.datetime):
        super().__init__()
        self.expired_at = expired_at


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lb_…` with a per-user token, until it is revoked or runs out."""

    def authenticate(self, request: HttpRequest, token: str):
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = clock.now()
        if row.expires_at <= now:
            raise ExpiredToken(row.expires_at)
        # When a token was last used is worth a write a minute, not a write on every read.
        if row.last_used_at is None or now - row.last_used_at > TOKEN_USE_RECORDED_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row  # accounts.api.me tells a system when its token runs out
        return row.user


class SessionAuth(NinjaSessionAuth):
    """A logged-in browser, with Django's CSRF check. A request without a session cookie is
    no browser's session and cannot be forged through one: it skips the check, so a system
    posting with a bearer token alone is not refused for want of a CSRF cookie, and one with
    no valid token gets 401 rather than a CSRF refusal."""

    def _get_key(self, request: HttpRequest):
        if self.param_name not in request.COOKIES:
            return None
        # A token TokenAuth refused (revoked, mistyped) is a 401, not the browser's session:
        # a system must learn that its token is bad, whoever is logged in on the machine.
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        if key is None:  # see _get_key
            return None
        return super().authenticate(request, key)


def _unstorable(value) -> bool:
    """Text no database column holds: NUL (PostgreSQL refuses it) or an unpaired surrogate
    (JSON may spell "\\ud800"; it has no UTF-8 form, and saving it raised UnicodeEncodeError)."""
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


class StorableParser(Parser):
    """JSON as django-ninja reads it, refusing what cannot be stored. django-ninja answers any
    error here with 400 (http_error below gives the message)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if _unstorable(data):
            raise ValueError("unstorable text")
        return data


class LianbanAPI(NinjaAPI):
    """The schema is built once per prefix and language: building it walks every operation
    (about 0.4 s of CPU), and /api/openapi.json is open to anyone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schemas: dict[tuple[str, str], dict] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, translation.get_language())
        if key not in self.schemas:
            schema = super().get_openapi_schema(path_prefix=path_prefix)
            _declare_what_every_operation_answers(schema, self._idempotent_operation_ids())
            self.schemas[key] = schema
        return self.schemas[key]

    def _idempotent_operation_ids(self) -> set[str]:
        from cases.idempotency import idempotent

        wrapper = idempotent(lambda request: None).__code__  # every wrapper shares it
        return {
            self.get_openapi_operation_id(operation)
            for _prefix, router in self._routers
            for path_view in router.path_operations.values()
            for operation in path_view.operations
            if getattr(operation.view_func, "__code__", None) is wrapper
        }


def _declare_what_every_operation_answers(schema: dict, idempotent: set[str]) -> None:
    """What the operations' decorators cannot say: any operation may fail with a 500 (in
    the Error shape, server_error below), and those that take an Idempotency-Key say so."""
    error = {"$ref": "#/components/schemas/Error"}
    for operations in schema["paths"].values():
        for operation in operations.values():
            # Statuses are ints here (JSON makes them text).
            operation["responses"].setdefault(
                500,
                {
                    "description": "Internal Server Error",
                    "content": {"application/json": {"schema": error}},
                },
            )
            if operation.get("operationId") in idempotent:
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
                success = min(code for code in operation["responses"] if int(code) < 300)
                headers = operation["responses"][success].setdefault("headers", {})
                headers["Idempotent-Replayed"] = {
                    "description": "true：这是对同一 Idempotency-Key 第一次应答的重放",
                    "schema": {"type": "string", "enum": ["true"]},
                }


api = LianbanAPI(
    title="lianban 联办 API",
    version="1",
    description="县级一站式审批与服务平台接口。错误以 JSON 返回：{code, message}。",
    urls_namespace="api",
    # The token first: a request that carries one is not a browser's, whatever its cookies.
    auth=[TokenAuth(), SessionAuth()],
    parser=StorableParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"code": exc.code, "message": str(exc.message)}
    if exc.field:
        body["field"] = exc.field
    response = api.create_response(request, body, status=exc.status)
    # A refusal that ends at a known time (a throttle's lock) says when to try again.
    if retry_after := getattr(exc, "retry_after", None):
        response["Retry-After"] = str(retry_after)
    return response


# pydantic says what is wrong with a field in English. Here each kind of error a request
# can meet says it in the request's language; the placeholders are the error's own ctx.
# Keep in step with field_problem below, which speaks for value, literal and enum errors.
_PROBLEMS = {
    kind: message
    for kinds, message in [
        (["missing"], gettext_lazy("此项必填。")),
        (
            ["int_type", "int_parsing", "int_parsing_size", "int_from_float"],
            gettext_lazy("应为整数。"),
        ),
        (["float_type", "float_parsing", "finite_number"], gettext_lazy("应为数字。")),
        (["bool_type", "bool_parsing"], gettext_lazy("应为 true 或 false。")),
        (["string_type", "string_unicode"], gettext_lazy("应为文本。")),
        (["greater_than"], gettext_lazy("应大于 %(gt)s。")),
        (["greater_than_equal"], gettext_lazy("不能小于 %(ge)s。")),
        (["less_than"], gettext_lazy("应小于 %(lt)s。")),
        (["less_than_equal"], gettext_lazy("不能大于 %(le)s。")),
        (["string_too_short"], gettext_lazy("至少 %(min_length)s 个字。")),
        (["string_too_long"], gettext_lazy("最多 %(max_length)s 个字。")),
        (["too_short"], gettext_lazy("至少 %(min_length)s 项，现有 %(actual_length)s 项。")),
        (["too_long"], gettext_lazy("最多 %(max_length)s 项，现有 %(actual_length)s 项。")),
        (
            ["date_type", "date_parsing", "date_from_datetime_parsing"],
            gettext_lazy("应为 YYYY-MM-DD 格式的日期。"),
        ),
        (["date_from_datetime_inexact"], gettext_lazy("应为日期，不带时刻。")),
        (
            ["datetime_type", "datetime_parsing", "datetime_from_date_parsing"],
            gettext_lazy("应为日期和时刻，如 2026-03-02T09:00:00+08:00。"),
        ),
        (["timezone_aware"], gettext_lazy("应带时区，如 +08:00。")),
        (["list_type", "tuple_type", "set_type", "iterable_type"], gettext_lazy("应为列表。")),
        (
            ["dict_type", "mapping_type", "model_type", "model_attributes_type"],
            gettext_lazy("应为 JSON 对象。"),
        ),
        (["extra_forbidden"], gettext_lazy("不接受此项。")),
        (["json_invalid", "json_type"], gettext_lazy("不是有效的 JSON。")),
    ]
    for kind in kinds
}


def field_problem(error: dict) -> str:
    """What is wrong with one field (one of pydantic's errors), in the request's language."""
    kind, ctx = error.get("type"), error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        # A field's own check (lianban.schemas: clean_text, check_date) raised it in the
        # request's language already, and it says what is wrong.
        return str(ctx["error"])
    if kind in ("literal_error", "enum"):
        # ctx["expected"] is pydantic's English "'a', 'b' or 'c'"; blank means "no filter"
        # where a filter allows it, and is no value to list.
        allowed = [v for v in re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) if v]
        return _("应为以下值之一：%(allowed)s。") % {"allowed": _("、").join(allowed)}
    try:
        return str(_PROBLEMS[kind]) % ctx
    except (KeyError, TypeError, ValueError):
        return _("值不正确。")


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    """A parameter or body that does not fit the schema. The message names the first field
    at fault and says what is wrong with it; each error of the list says it too (its "msg"),
    in the request's language, beside pydantic's "type" and "loc" for a program to read."""
    body = {"code": "invalid", "message": _("请求内容不正确，请检查后重试。")}
    errors = [
        {**error, "msg": field_problem(error)} if "type" in error else error for error in exc.errors
    ]
    first = errors[0] if errors else {}
    loc = tuple(first.get("loc", ()))
    names = [part for part in loc[1:] if isinstance(part, str)]
    if loc[:1] == ("body",) and len(loc) == 2 and first.get("type") == "missing":
        # The whole JSON body is missing; loc[1] is the operation's parameter name ("data"),
        # no field another system could look up in the schema.
        names = []
        body["message"] = _("缺少 JSON 格式的请求内容。")
    if names:
        body["field"] = names[-1]
        if first.get("type") == "missing":
            body["message"] = _("请提供“%(field)s”，此项必填。") % {"field": names[-1]}
        else:
            body["message"] = _("“%(field)s”的值不正确：%(problem)s") % {
                "field": names[-1],
                "problem": first["msg"],
            }
    if first.get("type") == "value_error":
        body["message"] = first["msg"]
    body["errors"] = errors
    return api.create_response(request, body, status=422)


@api.exception_handler(SuspiciousOperation)
def unreadable_request(request, exc: SuspiciousOperation):
    """A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a broken multipart
    body: Django refuses to read it. Without this the answer was Django's HTML 400 page."""
    if isinstance(exc, RequestDataTooBig):
        message = _("请求内容过大（不能超过 %(mb)d MB），请删减后重试。") % {
            "mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        }
        body = {"code": "too_large", "message": message}
    else:
        body = {"code": "invalid", "message": _("无法读取请求内容，请检查后重试。")}
    return api.create_response(request, body, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    """get_object_or_404 in an operation: the same {code, message} as a NotFound."""
    return api.create_response(
        request, {"code": "not_found", "message": _("没有找到所要的内容。")}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """django-ninja's own refusals (the session's CSRF check, a body it cannot parse) in our
    {code, message} form."""
    if exc.status_code == 403:
        body = {"code": "csrf", "message": _("安全校验失败（CSRF），请刷新页面后重试。")}
    elif exc.status_code == 400:  # the body could not be parsed (StorableParser above)
        body = {
            "code": "invalid",
            "message": _("请求内容不是有效的 JSON，或含有无法保存的字符（如空字符）。"),
        }
    else:
        body = {"code": "http_error", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    """No token and no session, or a token no active user holds. RFC 9110 asks a 401 to
    name the scheme (WWW-Authenticate); a token that was sent is said to be the fault."""
    challenge = 'Bearer realm="lianban"'
    code, message = "unauthorized", _("请先登录。")
    if isinstance(exc, ExpiredToken):
        # RFC 6750's own example of an expired token's challenge.
        challenge += ', error="invalid_token", error_description="The access token expired"'
        code = "token_expired"
        at = timezone.localtime(exc.expired_at).strftime("%Y-%m-%d %H:%M")
        message = _("接口令牌已于 %(at)s 过期，请在“接口令牌”页面生成新令牌。") % {"at": at}
    elif "HTTP_AUTHORIZATION" in request.META:
        challenge += ', error="invalid_token"'
        message = _("接口令牌无效或已吊销，请检查令牌。")
    response = api.create_response(request, {"code": code, "message": message}, status=401)
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(DjangoPermissionDenied)
def forbidden(request, exc):
    """Django's own refusal (the domain's is PermissionDenied in lianban.errors): a 403 in
    the same shape, not the 500 below."""
    return api.create_response(
        request, {"code": "forbidden", "message": _("您没有办理此项操作的权限。")}, status=403
    )


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """A fault of ours in an operation: the same {code, message} JSON, not Django's HTML
    500 page. Logged and signalled as Django does for an uncaught exception (the admins' mail,
    the test client re-raising it); DEBUG keeps Django's technical page."""
    if settings.DEBUG:
        raise exc
    got_request_exception.send(sender=None, request=request)
    response = api.create_response(
        request,
        {"code": "server_error", "message": _("服务器内部错误，请稍后重试。")},
        status=500,
    )
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=response,
        request=request,
        exception=exc,
    )
    return response


def page_not_found(request, exception):
    """Django's 404 for a path no route matches (handler404 in urls.py): JSON under /api/,
    as every API error is, and the site's page elsewhere. The API's ids use the int path
    converter, so /api/cases/abc ends here."""
    if request.path.startswith("/api/"):
        return error_response(404, "not_found", _("没有找到所要的内容。"))
    return defaults.page_not_found(request, exception)


def error_response(status: int, code: str, message: str) -> JsonResponse:
    """An API error answered outside django-ninja's handlers (Django's 404, the 405 of
    lianban.middleware.api_method_not_allowed), in the same {code, message} form."""
    body = {"code": code, "message": message}
    return JsonResponse(
        body,
        status=status,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",  # as django-ninja's answers
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
