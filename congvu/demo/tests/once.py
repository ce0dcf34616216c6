"""Seeding the demo once for several tests: each seeding takes seconds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

T = TypeVar("T")


@contextmanager
def seeded_once(django_db_blocker: Any, seed: Callable[[], T], **settings: Any) -> Iterator[T]:
    """Run `seed` once for the tests of a module or class (with `settings` overridden while they
    run), in a transaction rolled back after the last of them. Each test, asking for `db`, runs
    in a savepoint inside it: it sees the seeded rows and nothing another test wrote."""
    with (
        override_settings(**settings),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        cache.clear()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
    cache.clear()
