"""Idempotency-Key for API POSTs: the same request sent twice acts once and answers the same.

The record is written in the same transaction as the change it answers, so a crash leaves
either both or neither. Two copies racing each other: the second's insert of the record
fails on the unique key, its whole transaction (the change included) rolls back, and it
answers with the first one's stored response; if the second was refused instead (it waited
for the first's lock and found the state changed), it answers with the first's response too.

Records are kept for KEPT_FOR (a client retries within minutes or hours, not weeks); the
supervision schedule deletes older ones (`forget_old_records`)."""

import datetime as dt
import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja.responses import NinjaJSONEncoder, Status

from lianban import clock
from lianban.errors import DomainError

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEPT_FOR = dt.timedelta(days=7)


def forget_old_records() -> int:
    """Periodic: delete the records older than KEPT_FOR; returns how many."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=clock.now() - KEPT_FOR
    ).delete()
    return deleted


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    if request.content_type and request.content_type.startswith("multipart/"):
        digest.update(json.dumps(sorted(request.POST.lists()), ensure_ascii=False).encode())
        for name in sorted(request.FILES):
            for f in request.FILES.getlist(name):
                digest.update(name.encode())
                for chunk in f.chunks():
                    digest.update(chunk)
                f.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str):
    if record.fingerprint != fingerprint:
        raise DomainError(
            _("同一个 Idempotency-Key 不能用于不同的请求。"), code="idempotency_mismatch"
        )
    response = _answer(record.body, record.status)
    response["Idempotent-Replayed"] = "true"
    return response


def _answer(body, status: int = 200) -> JsonResponse:
    # The first answer is rendered from the record's body too, not by the operation's
    # schema: JSON keeps milliseconds, and a moment rendered by two encoders can come out
    # as "09:00:00.000Z" once and "09:00:00Z" the other time. (jsonb may reorder the keys.)
    return JsonResponse(body, status=status, safe=False)


def idempotent(view):
    """Wrap a django-ninja operation that returns a JSON-ready dict (status 200), or a
    `Status(code, dict)` (201 for what it creates)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view(request, *args, **kwargs)
        if len(key) > 100:
            raise DomainError(_("Idempotency-Key 不能超过100个字符。"), code="invalid")
        user = request.auth
        fingerprint = _fingerprint(request)
        existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing:
            return _replay(existing, fingerprint)
        try:
            with transaction.atomic():
                body, status = view(request, *args, **kwargs), 200
                if isinstance(body, Status):
                    body, status = body.value, body.status_code
                body = json.loads(json.dumps(body, cls=NinjaJSONEncoder))
                IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    fingerprint=fingerprint,
                    status=status,
                    body=body,
                    created_at=clock.now(),
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if existing is None:
                raise
            return _replay(existing, fingerprint)
        except DomainError:
            # A copy still running when this one looked (a client retrying after a timeout)
            # held the case lock this one waited for, and has since committed: its change is
            # why this one was refused. Answer as the copy did, not with "wrong state".
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if existing is None:
                raise
            return _replay(existing, fingerprint)
        return _answer(body, status)

    return wrapper
