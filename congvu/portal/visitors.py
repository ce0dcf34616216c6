"""Visitor statistics: who is on the portal now, today, this month and since the start.

A visitor is HMAC-SHA256(salt of the day, address group + browser): the address group is the
IPv4 address or the IPv6 /64 (`core.context.client_group`), and the salt is a random secret
that changes every day and is deleted afterwards, so the ids of one day cannot be linked to
another's and no address is ever stored. Robots (by their user agent) are not counted.

Counting writes nothing on a request: each server process keeps the visitors it saw in
memory and writes them every FLUSH seconds, after a response has gone out, in one upsert of
the presence table keyed by visitor id. "Online now" is then the number of ids seen in the
last ONLINE_SECONDS across all processes. Once a day the presence rows of finished days are
folded into one count per day (`visits_rollup`, also `manage.py visitors_sweep`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from congvu.core import context
from congvu.core.middleware import client_address
from congvu.portal.models import VisitorDay, VisitorPresence, VisitorSalt

ONLINE_SECONDS = 5 * 60
STATS_KEY = "congvu:portal:visitors"
# The figures are recomputed after every flush; kept a little longer than the flush period so
# that a steady stream of visitors always finds them in the cache.
STATS_SECONDS = 120
# Rows of one upsert statement: well under SQLite's limit of bound parameters.
CHUNK = 500
# Presence rows of a finished day are folded only this long after midnight, so that every
# process has written what it saw before midnight (FLUSH is far shorter).
ROLLUP_GRACE = dt.timedelta(minutes=10)

# Crawlers, link previews, monitors and programs. Real browsers name themselves "Mozilla/5.0".
BOT_AGENTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"headless|lighthouse|pingdom|uptime|monitor|curl|wget|python|httpclient|http-client|"
    r"java/|go-http|okhttp|axios|node-fetch|libwww|perl|scrapy|feedfetcher|validator",
    re.IGNORECASE,
)


def flush_seconds() -> float:
    return float(getattr(settings, "PORTAL_VISITS_FLUSH_SECONDS", 30))


def is_bot(user_agent: str) -> bool:
    return not user_agent.startswith("Mozilla/") or bool(BOT_AGENTS.search(user_agent))


class _Buffer:
    """The visitors this process saw since its last flush, by id: (day, last seen)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, tuple[dt.date, int]] = {}
        self.last_flush = time.time()
        self.salts: dict[dt.date, bytes] = {}
        self.rolled_up: dt.date | None = None

    def reset(self) -> None:
        with self.lock:
            self.seen = {}
            self.last_flush = time.time()
            self.salts = {}
            self.rolled_up = None


buffer = _Buffer()


def _salt(day: dt.date) -> bytes:
    salt = buffer.salts.get(day)
    if salt is not None:
        return salt
    row = VisitorSalt.objects.filter(day=day).first()
    if row is None:
        # The first visitor of the day anywhere creates it; a process that lost the race reads
        # the winner's.
        try:
            with transaction.atomic():
                row = VisitorSalt.objects.create(day=day, salt=secrets.token_hex(32))
        except IntegrityError:
            row = VisitorSalt.objects.get(day=day)
    salt = row.salt.encode()
    with buffer.lock:
        buffer.salts = {d: s for d, s in buffer.salts.items() if d >= day - dt.timedelta(days=1)}
        buffer.salts[day] = salt
    return salt


def visitor_id(*, address: str, user_agent: str, day: dt.date) -> str:
    """The visitor's id for the day: a keyed hash, never the address itself."""
    material = f"{context.client_group(address)}\n{user_agent}".encode()
    return hmac.new(_salt(day), material, hashlib.sha256).hexdigest()


def visit_record(request: HttpRequest) -> bool:
    """Note the visitor of a page view in this process's memory; True when counted."""
    if request.method not in ("GET", "HEAD"):
        return False
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    if is_bot(user_agent):
        return False
    address = context.current().client_address or client_address(request)
    if not address:
        return False
    now = time.time()
    day = timezone.localdate()
    visitor = visitor_id(address=address, user_agent=user_agent, day=day)
    with buffer.lock:
        buffer.seen[visitor] = (day, int(now))
    return True


def visits_flush() -> int:
    """Write what this process saw in one upsert; returns how many visitors it wrote.

    A visitor seen by several processes keeps the latest time any of them saw.
    """
    with buffer.lock:
        seen, buffer.seen = buffer.seen, {}
        buffer.last_flush = time.time()
    if seen:
        table = connection.ops.quote_name(VisitorPresence._meta.db_table)
        rows = [(visitor, day, last) for visitor, (day, last) in seen.items()]
        with transaction.atomic():
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                values = ", ".join(["(%s, %s, %s)"] * len(chunk))
                params: list[Any] = [value for row in chunk for value in row]
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"INSERT INTO {table} (visitor, day, last_seen) VALUES {values} "  # noqa: S608
                        f"ON CONFLICT (visitor) DO UPDATE SET last_seen = CASE "
                        f"WHEN excluded.last_seen > {table}.last_seen THEN excluded.last_seen "
                        f"ELSE {table}.last_seen END",
                        params,
                    )
    now = timezone.localtime()
    if buffer.rolled_up != now.date() and now - ROLLUP_GRACE >= _midnight(now):
        visits_rollup(now=now)
        buffer.rolled_up = now.date()
    visitor_stats(fresh=True)
    return len(seen)


def visits_flush_if_due(**_kwargs: Any) -> None:
    """After a response: write this process's visitors if FLUSH seconds have passed."""
    if buffer.seen and time.time() - buffer.last_flush >= flush_seconds():
        visits_flush()


def _midnight(moment: dt.datetime) -> dt.datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def visits_rollup(*, now: dt.datetime | None = None) -> int:
    """Fold the presence rows of finished days into their day's count and delete them and the
    salts of those days; returns how many rows were folded."""
    today = timezone.localdate(now or timezone.now())
    folded = 0
    days = list(
        VisitorPresence.objects.filter(day__lt=today)
        .values_list("day", flat=True)
        .distinct()
        .order_by("day")
    )
    for day in days:
        # Counting what this call deleted: two processes folding at once cannot both count
        # the same rows.
        deleted, _by_model = VisitorPresence.objects.filter(day=day).delete()
        if deleted:
            VisitorDay.objects.get_or_create(day=day)
            VisitorDay.objects.filter(day=day).update(visitors=F("visitors") + deleted)
            folded += deleted
    VisitorSalt.objects.filter(day__lt=today).delete()
    cache.delete(STATS_KEY)
    return folded


@dataclass(frozen=True)
class VisitorStats:
    """Đang truy cập, hôm nay, tháng này, tổng: the four figures of the footer."""

    online: int
    today: int
    month: int
    total: int


def visitor_stats_cached() -> VisitorStats | None:
    """The figures as the last flush left them, without touching the database: every page's
    footer shows them, and a page view must cost no query for it."""
    return cache.get(STATS_KEY)


def visitor_stats(*, now: dt.datetime | None = None, fresh: bool = False) -> VisitorStats:
    """The figures, from the cache unless `fresh` or not there; computing them stores them."""
    if not fresh:
        cached = cache.get(STATS_KEY)
        if cached is not None:
            return cached
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today.replace(day=1)
    # One query for the four figures: every page's footer shows them.
    presence = connection.ops.quote_name(VisitorPresence._meta.db_table)
    days = connection.ops.quote_name(VisitorDay._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {presence} WHERE last_seen >= %s), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {presence} WHERE day = %s), "
        # Days before today not folded yet (just after midnight) count too.
        f"(SELECT COUNT(*) FROM {presence} WHERE day < %s), "
        f"(SELECT COUNT(*) FROM {presence} WHERE day < %s AND day >= %s), "
        f"(SELECT COALESCE(SUM(visitors), 0) FROM {days}), "
        f"(SELECT COALESCE(SUM(visitors), 0) FROM {days} WHERE day >= %s)"
    )
    params = [
        int(now.timestamp()) - ONLINE_SECONDS,
        adapt(today),
        adapt(today),
        adapt(today),
        adapt(first),
        adapt(first),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        online, today_count, earlier, earlier_month, total, month = cursor.fetchone()
    stats = VisitorStats(
        online=int(online),
        today=int(today_count),
        month=int(month) + int(earlier_month) + int(today_count),
        total=int(total) + int(earlier) + int(today_count),
    )
    cache.set(STATS_KEY, stats, STATS_SECONDS)
    return stats
