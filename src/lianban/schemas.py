"""The pieces every router's schemas share: the {code, message} error body, the statuses each
kind of operation declares, and field types that run the checks of validators.py.

The OpenAPI schema is a promise: schemathesis holds every answer to it, as every role
(tests/security/test_api_fuzz.py). Keep an operation's declared statuses in step with what
it can answer."""

import datetime as dt
from functools import partial
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from pydantic import AfterValidator

from .validators import check_date, clean_text

# The largest id a row can have (PostgreSQL bigint, SQLite integer). A larger number in a
# path or a body made the database driver fail (a 500); it is a 422 now.
MAX_ID = 2**63 - 1


class Error(Schema):
    code: str = Field(..., description="稳定的错误代码，如 not_found、invalid、wrong_state")
    message: str = Field(..., description="给人看的说明")
    field: str | None = Field(None, description="出错的字段（如有）")
    # lianban.api.validation_error adds pydantic's own list to a 422.
    errors: list[dict] | None = Field(None, description="422 时各项校验错误的明细")


def errors(*statuses: int) -> dict[int, type[Error]]:
    return dict.fromkeys(statuses, Error)


def OneOf(choices, *, blank: bool = False, nullable: bool = False) -> Any:
    """A text field whose values are a TextChoices' (with "" when blank): the schema lists
    them as an enum, so another system knows every value it may receive."""
    values = [*([""] if blank else []), *(str(v) for v in choices.values)]
    if nullable:
        return Annotated[str | None, Field(json_schema_extra={"enum": [*values, None]})]
    return Annotated[str, Field(json_schema_extra={"enum": values})]


def Choice(choices, *, blank: bool = False) -> Any:
    """A value a request gives, one of a TextChoices' (or "" when blank): any other is a 422
    that lists the allowed values (lianban.api.validation_error), and the schema lists them
    as an enum. OneOf above only describes what an answer holds; this one checks."""
    return Literal[(*([""] if blank else []), *(str(v) for v in choices.values))]


# The Idempotency-Key header of cases.idempotency, which lianban.api declares on each
# operation that takes it.
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 100},
    "description": "重试同一请求时带上同一个值：只执行一次，重放第一次的应答"
    "（应答头 Idempotent-Replayed: true）；同一个值用于不同的请求则拒绝"
    "（idempotency_mismatch）。",
}


# 400: a request Django cannot read (too large, too many fields, a body that is not JSON),
# or refused by the domain (DomainError); 401: no valid token or session; 403/409: refused
# by the domain (PermissionDenied, Conflict); 404: no such object, or not yours; 422: a
# parameter or body that does not fit the schema (lianban.api.validation_error).
PUBLIC = errors(400, 422)
PUBLIC_LOOKUP = errors(400, 404, 422)
SIGNED_IN = errors(401)
LIST = errors(400, 401, 422)
READ = errors(400, 401, 404, 422)
WRITE = errors(400, 401, 403, 404, 409, 422)

# An id in a path ({int:...} in the route) or in a body.
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _text(value: str, *, label: str, max_length: int, required: bool) -> str:
    try:
        value = clean_text(value, label=label, max_length=max_length)
    except DjangoValidationError as exc:
        raise ValueError(exc.messages[0]) from None  # pydantic reports ValueError as a 422
    if required and not value:
        raise ValueError(_required(label))
    return value


def _required(label: str) -> str:
    return _("请填写%(label)s。") % {"label": label}


def Text(label: str, max_length: int, *, required: bool = False) -> Any:
    """Free text a person types: no control characters, outer whitespace stripped, at most
    max_length characters after that (validators.clean_text, as the forms do)."""
    check = partial(_text, label=label, max_length=max_length, required=required)
    return Annotated[str, AfterValidator(check), Field(json_schema_extra={"maxLength": max_length})]


def _date(value: dt.date, *, label: str) -> dt.date:
    try:
        return check_date(value, label=label)
    except DjangoValidationError as exc:
        raise ValueError(exc.messages[0]) from None


def _datetime(value: dt.datetime, *, label: str) -> dt.datetime:
    _date(value.date(), label=label)
    return value


def Day(label: str) -> Any:
    """A date between 1900 and 2100 (validators.check_date)."""
    return Annotated[dt.date, AfterValidator(partial(_date, label=label))]


def Moment(label: str) -> Any:
    """A date and time whose date is between 1900 and 2100."""
    return Annotated[dt.datetime, AfterValidator(partial(_datetime, label=label))]
