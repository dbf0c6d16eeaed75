"""Throttling of the public progress lookup (办件编号 + 查询码), on the page and in the API
alike: the same rule as the login's (accounts/security.py `locked_until`).

Case numbers are predictable, and a code has 10^8 values (10^6 for cases from before
2026-11-27), so every lookup that finds nothing is recorded with its address and the number
typed, never the code. Too many of them from one address, or against one number, within the
window lock further lookups from that address, or of that number, for a while: refused
before the code is checked.

The address is the main defence. The number's limit is higher than the address's, so no
single address can lock an applicant out of their own lookup; it stops a guesser spread
over many addresses, and the applicant can still follow the case signed in."""

import datetime as dt
import ipaddress
import math
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.security import Throttle, client_ip, locked_until, security_event
from lianban import clock
from lianban.errors import DomainError

from .models import LookupFailure

T = TypeVar("T")

# Rows are needed for throttling for (window + lockout); the rest are kept for the record.
KEEP = dt.timedelta(days=7)


class TooManyLookups(DomainError):
    code = "throttled"
    status = 429

    def __init__(self, until: dt.datetime):
        # Rounded up to the minute: at the time shown the lock has ended.
        shown = timezone.localtime(until)
        if shown.second or shown.microsecond:
            shown = shown.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        super().__init__(
            _("查询过于频繁，请于 %(time)s 后再试。") % {"time": shown.strftime("%H:%M")}
        )
        self.until = until

    @property
    def retry_after(self) -> int:
        """Seconds until the lock ends, for the Retry-After header."""
        return max(1, math.ceil((self.until - clock.now()).total_seconds()))


def throttles() -> tuple[Throttle, Throttle]:
    """(per address, per case number), from settings."""
    window = dt.timedelta(minutes=settings.PROGRESS_LOOKUP_WINDOW_MINUTES)
    lockout = dt.timedelta(minutes=settings.PROGRESS_LOOKUP_LOCKOUT_MINUTES)
    return (
        Throttle(settings.PROGRESS_LOOKUP_FAILURES_PER_IP, window, lockout),
        Throttle(settings.PROGRESS_LOOKUP_FAILURES_PER_NUMBER, window, lockout),
    )


def normalise_number(number: str) -> str:
    """Full-width digits and letter case fold, so "１３９９…" counts with "1399…"."""
    return unicodedata.normalize("NFKC", number or "").strip().upper()[:32]


def client_key(request) -> str:
    """The address, or for IPv6 its /64: a single host is commonly given a whole /64, so
    counting its addresses one by one would not limit it. "" when the address is unknown."""
    ip = client_ip(request)
    if ip is None:
        return ""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return ip


def locked(number: str, client: str) -> dt.datetime | None:
    """When the lock on this address or this case number ends, or None."""
    per_client, per_number = throttles()
    now = clock.now()
    horizon = now - max(per_client.window, per_number.window)
    horizon -= max(per_client.lockout, per_number.lockout)
    # One statement for both counts: every lookup, right or wrong, pays for this check.
    mine = Q(number=number) | Q(client=client) if client else Q(number=number)
    rows = list(
        LookupFailure.objects.filter(mine, at__gt=horizon).values_list("number", "client", "at")
    )
    ends = [
        locked_until([at for n, _c, at in rows if n == number], now, per_number),
        locked_until([at for _n, c, at in rows if client and c == client], now, per_client),
    ]
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


def guarded_lookup(request, number: str, lookup: Callable[[], T | None]) -> T | None:
    """Run `lookup` (by number and code) unless the address or the number is locked, and
    record a failure when it finds nothing. Raises TooManyLookups, without running it, during
    a lock, and when this failure starts one. Views and the API both call this."""
    key, typed = client_key(request), normalise_number(number)
    if until := locked(typed, key):
        security_event("progress.locked", request=request, number=typed, until=until)
        raise TooManyLookups(until)
    found = lookup()
    if found is not None:
        return found
    LookupFailure.objects.create(number=typed, client=key, at=clock.now())
    if until := locked(typed, key):
        security_event("progress.lockout", request=request, number=typed, until=until)
        raise TooManyLookups(until)
    return None


def forget_old_failures(now: dt.datetime | None = None) -> int:
    """Delete the rows older than KEEP (at least as long as throttling reads back)."""
    per_client, per_number = throttles()
    keep = max(
        KEEP,
        per_client.window + per_client.lockout,
        per_number.window + per_number.lockout,
    )
    deleted, _by_model = LookupFailure.objects.filter(at__lt=(now or clock.now()) - keep).delete()
    return deleted
