"""Visitor statistics: distinct visitors online, today, this month and in total, counted in
memory and written in one upsert per flush; no raw address stored; robots not counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congvu.portal import visitors
from congvu.portal.models import VisitorDay, VisitorPresence, VisitorSalt
from congvu.portal.tests.conftest import BROWSER, VN

START = dt.datetime(2026, 3, 10, 9, 0, tzinfo=VN)


def _visit(client: Client, address: str, path: str = "/news/", agent: str = BROWSER) -> Any:
    return client.get(path, REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


def test_fifty_visitors_over_three_minutes_are_fifty_online(db: Any, settings: Any) -> None:
    settings.PORTAL_VISITS_FLUSH_SECONDS = 30
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(50):
            address = f"203.0.113.{n + 1}" if n % 2 else f"2001:db8:{n:x}::17"
            assert _visit(client, address).status_code == 200
            traveller.shift(dt.timedelta(seconds=3.6))
        # Some of them were written by the flushes after responses; the rest now.
        assert VisitorPresence.objects.count() < 50
        visitors.visits_flush()
        stats = visitors.visitor_stats(fresh=True)
        assert (stats.online, stats.today, stats.month, stats.total) == (50, 50, 50, 50)
        page = Client().get(reverse("portal:search"), {"q": "x"}).content.decode()
        assert "<dt>Online now</dt><dd>50</dd>" in page
        # A visitor seen again is the same visitor.
        _visit(client, "203.0.113.2")
        visitors.visits_flush()
        assert visitors.visitor_stats(fresh=True).online == 50
        # Five minutes after the last of them, nobody is online; today still counts them.
        traveller.shift(dt.timedelta(minutes=5, seconds=1))
        stats = visitors.visitor_stats(fresh=True)
        assert stats.online == 0
        assert stats.today == 50


def test_a_page_view_writes_nothing_to_the_database(db: Any, settings: Any) -> None:
    settings.PORTAL_VISITS_FLUSH_SECONDS = 3600
    client = Client()
    _visit(client, "198.51.100.7", "/")  # the day's salt is created once
    for path, address in [("/", "198.51.100.8"), ("/news/", "2001:db8::1"), ("/", "198.51.100.9")]:
        with CaptureQueriesContext(connection) as queries:
            assert _visit(client, address, path).status_code == 200
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == [], writes
    assert len(visitors.buffer.seen) == 4
    assert VisitorPresence.objects.count() == 0


def test_one_flush_is_one_statement(db: Any) -> None:
    client = Client()
    for n in range(120):
        _visit(client, f"192.0.2.{n % 250 + 1}", agent=f"{BROWSER} v{n}")
    with CaptureQueriesContext(connection) as queries:
        assert visitors.visits_flush() == 120
    writes = [q for q in queries.captured_queries if "INSERT" in q["sql"].upper()]
    assert len(writes) == 1
    assert VisitorPresence.objects.count() == 120


def test_no_raw_address_is_stored(db: Any) -> None:
    client = Client()
    addresses = ["203.0.113.77", "2001:db8:abcd:12::99"]
    for address in addresses:
        _visit(client, address)
    visitors.visits_flush()
    stored = " ".join(
        [str(row) for row in VisitorPresence.objects.values_list("visitor", "day", "last_seen")]
        + [str(row) for row in VisitorSalt.objects.values_list("day", "salt")]
    )
    for needle in ("203.0.113.77", "2001:db8:abcd:12", "2001:0db8", "203.0.113"):
        assert needle not in stored
    assert all(len(v) == 64 for v in VisitorPresence.objects.values_list("visitor", flat=True))


def test_an_ipv6_slash_64_is_one_visitor_and_robots_do_not_count(db: Any) -> None:
    client = Client()
    _visit(client, "2001:db8:1:2::10")
    _visit(client, "2001:db8:1:2:ffff::20")  # the same subscriber's /64
    _visit(client, "2001:db8:1:3::10")
    for agent in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0",
    ):
        _visit(client, "198.51.100.50", agent=agent)
    assert visitors.visits_flush() == 2


def test_finished_days_fold_into_daily_counts_and_salts_go(db: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(7):
            _visit(client, f"203.0.113.{n + 1}")
        visitors.visits_flush()
        yesterday_salt = VisitorSalt.objects.get(day=START.date()).salt
        traveller.move_to(START + dt.timedelta(days=1))
        for n in range(3):
            _visit(client, f"203.0.113.{n + 1}")
        visitors.visits_flush()  # past midnight and the grace period: folds yesterday
        assert VisitorDay.objects.get(day=START.date()).visitors == 7
        assert not VisitorPresence.objects.filter(day=START.date()).exists()
        assert not VisitorSalt.objects.filter(salt=yesterday_salt).exists()
        stats = visitors.visitor_stats(fresh=True)
        assert (stats.today, stats.month, stats.total) == (3, 10, 10)
        # Folding again counts nothing twice.
        assert visitors.visits_rollup() == 0
        assert VisitorDay.objects.get(day=START.date()).visitors == 7


def test_the_latest_sighting_wins_across_processes(db: Any) -> None:
    from django.utils import timezone

    day = timezone.localdate()
    visitors.buffer.seen = {"a" * 64: (day, 2000)}
    visitors.visits_flush()
    # Another process saw the visitor earlier and writes later.
    visitors.buffer.seen = {"a" * 64: (day, 1000)}
    visitors.visits_flush()
    assert VisitorPresence.objects.get().last_seen == 2000


def test_sweep_command(db: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("visitors_sweep", stdout=out)
    assert "folded" in out.getvalue()
