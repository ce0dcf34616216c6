"""Benchmark: 100,000 appointments on the working-day clock.

Prints the rate of `WorkCalendar.appointment` and its ratio to the floor: adding a timedelta to
a datetime in the same loop, which is what a calendar that ignored working days would cost.
Run with `make bench` (or `python bench/workdays.py [N]`).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from congvu.lib.workdays import VIETNAM, WorkCalendar


def main(n: int = 100_000) -> None:
    rng = random.Random(2026)
    base = dt.datetime(2026, 1, 1, tzinfo=VIETNAM)
    received = [base + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60)) for _ in range(n)]
    days = [
        Decimal(rng.choice(["0.5", "1", "2", "3", "5", "7", "10", "15", "20", "30"]))
        for _ in range(n)
    ]
    cutoffs = [dt.time(15, 0) if rng.random() < 0.3 else None for _ in range(n)]
    deltas = [dt.timedelta(days=float(d)) for d in days]
    calendar = WorkCalendar()
    calendar.appointment(received[0], 1)  # load the year's holidays before timing

    started = time.perf_counter()
    for moment, delta in zip(received, deltas, strict=True):
        _ = moment + delta
    floor = time.perf_counter() - started

    started = time.perf_counter()
    for moment, count, cutoff in zip(received, days, cutoffs, strict=True):
        calendar.appointment(moment, count, cutoff)
    elapsed = time.perf_counter() - started

    print(f"appointments:            {n:,}")
    print(f"working-day clock:       {elapsed:.3f} s  ({n / elapsed:,.0f} appointments/s)")
    print(f"per appointment:         {elapsed / n * 1e6:.2f} µs")
    print(f"floor (datetime + timedelta): {floor:.4f} s  ({n / floor:,.0f} additions/s)")
    print(f"ratio clock / floor:     {elapsed / floor:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
