"""Account security: login throttling, ending every session of a user, and the security log.

Every login success, failure and lockout, and every permission refusal, goes to the
"lianban.security" logger as one line of key=value pairs (the same values ride along in the
record's `extra` for structured handlers): what happened, the username, the address. Never a
password. Other apps call `log_refusal` where their permission checks answer 403 or 404."""

import datetime as dt
import ipaddress
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.db import transaction
from django.db.models import F, Max

from directory.masking import mask_personal_numbers
from lianban import clock

from .models import LoginAttempt, SessionGeneration

log = logging.getLogger("lianban.security")

# Where a session keeps the generation that was current when it logged in.
GENERATION_KEY = "_lianban_session_generation"


# ---- the security log ------------------------------------------------------------------


def client_ip(request) -> str | None:
    """The peer address. Behind a reverse proxy, the proxy must pass the client's address
    as REMOTE_ADDR (RELIABILITY.md); a forwarded header is not trusted here."""
    value = (getattr(request, "META", {}) or {}).get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _printable(value) -> str:
    """One log line per event, whatever a user typed: control characters become '?'."""
    text = "" if value is None else str(value)
    return "".join("?" if unicodedata.category(c)[0] == "C" else c for c in text)[:200]


def _username_of(request) -> str:
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else ""


_WARNINGS = {
    "login.failed",
    "login.locked",
    "login.lockout",
    "permission.refused",
    "progress.locked",
    "progress.lockout",
}


def security_event(event: str, *, request=None, username: str | None = None, **fields) -> None:
    if username is None:
        username = _username_of(request)
    values = {"event": event, "username": username, "ip": client_ip(request), **fields}
    # No ID or phone number in a log, even one typed as a username (PIPL; RELIABILITY.md).
    values = {k: mask_personal_numbers(v) if isinstance(v, str) else v for k, v in values.items()}
    level = logging.WARNING if event in _WARNINGS else logging.INFO
    line = " ".join(f"{key}={_printable(value) or '-'}" for key, value in values.items())
    log.log(level, line, extra={"security": values})


def log_refusal(request, what: str, status: int | None = None) -> None:
    """Record a permission refusal (the 403 or 404 a permission check answers). `what` names
    the thing refused, e.g. "case:42" or "tokens.revoke". The path goes without its query
    string, which may carry what a user typed."""
    fields = {
        "what": what,
        "method": getattr(request, "method", ""),
        "path": getattr(request, "path", ""),
    }
    if status is not None:
        fields["status"] = status
    security_event("permission.refused", request=request, **fields)


# ---- login throttling ------------------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    limit: int
    window: dt.timedelta
    lockout: dt.timedelta


def throttles() -> tuple[Throttle, Throttle]:
    """(per username, per address), from settings."""
    window = dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    lockout = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return (
        Throttle(settings.LOGIN_FAILURES_PER_USERNAME, window, lockout),
        Throttle(settings.LOGIN_FAILURES_PER_IP, window, lockout),
    )


def locked_until(
    failures: Iterable[dt.datetime], now: dt.datetime, throttle: Throttle
) -> dt.datetime | None:
    """When a lock ends, or None. `limit` failures within `window` lock for `lockout` from the
    last of them. Refused tries during a lock are not failures, so a lock does not extend."""
    times = sorted(failures)
    until = None
    for last in range(throttle.limit - 1, len(times)):
        if times[last] - times[last - throttle.limit + 1] < throttle.window:
            end = times[last] + throttle.lockout
            until = end if until is None else max(until, end)
    return until if until is not None and until > now else None


def normalise_username(username: str) -> str:
    """Throttling folds case and compatibility forms, so "Alice" and "ａｌｉｃｅ" share a count."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()[:150]


def lockout(username: str, ip: str | None) -> dt.datetime | None:
    """When the lock on this username or this address ends, or None when neither is locked."""
    per_username, per_ip = throttles()
    now = clock.now()
    recent = LoginAttempt.objects.filter(
        at__gt=now
        - max(per_username.window, per_ip.window)
        - max(per_username.lockout, per_ip.lockout)
    )
    name = normalise_username(username)
    mine = recent.filter(username=name)
    # The account's owner logging in clears the username's count; the address's count stays.
    last_success = mine.filter(outcome=LoginAttempt.Outcome.SUCCEEDED).aggregate(pk=Max("pk"))
    failures = mine.filter(outcome=LoginAttempt.Outcome.FAILED)
    if last_success["pk"] is not None:
        failures = failures.filter(pk__gt=last_success["pk"])
    ends = [locked_until(failures.values_list("at", flat=True), now, per_username)]
    if ip:
        from_ip = recent.filter(ip=ip, outcome=LoginAttempt.Outcome.FAILED)
        ends.append(locked_until(from_ip.values_list("at", flat=True), now, per_ip))
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


def record_attempt(request, username: str, outcome: str) -> LoginAttempt:
    attempt = LoginAttempt.objects.create(
        username=normalise_username(username),
        ip=client_ip(request),
        at=clock.now(),
        outcome=outcome,
    )
    security_event(f"login.{outcome}", request=request, username=username)
    return attempt


# ---- sessions --------------------------------------------------------------------------


def session_generation(user_id) -> int:
    value = (
        SessionGeneration.objects.filter(user_id=user_id).values_list("value", flat=True).first()
    )
    return value or 0


def session_is_current(session) -> bool:
    """False for a session that logged in before its user's last "log out everywhere"."""
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return True
    return session.get(GENERATION_KEY, 0) == session_generation(user_id)


def end_all_sessions(request) -> None:
    """Log the user out of every browser and device, this one included. API tokens are not
    sessions: they stay until revoked on the tokens page."""
    user = request.user
    with transaction.atomic():
        SessionGeneration.objects.get_or_create(user=user)
        SessionGeneration.objects.filter(user=user).update(value=F("value") + 1)
    security_event("logout.everywhere", request=request)
    logout(request)
