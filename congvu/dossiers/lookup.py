"""The public lookup's rendered answers, kept in each server process between requests.

The lookup is the busiest public page. Its answer depends only on the dossier and the
language, so a rendered answer is kept under the dossier's code, its version and the language.
The version is the row's `updated_at`: every service that changes a dossier saves the whole
row (a transition, a document, a supplement), so a new version is a new key and an old answer
can never be served for it; no process has to tell the others to forget anything. Names of
procedures and units shown in the answer may be edited in the admin without touching the
dossier, so an answer is also forgotten after a few minutes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

# A few thousand answers of about a kilobyte each, per process.
MAX_ENTRIES = 4096
TTL_SECONDS = 300.0


class AnswerCache:
    """A bounded, thread-safe map that forgets its least recently used entries and any entry
    older than `ttl` seconds."""

    def __init__(self, max_entries: int = MAX_ENTRIES, ttl: float = TTL_SECONDS) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and now - found[0] < self.ttl:
                self._entries.move_to_end(key)
                return found[1]  # type: ignore[return-value]
        value = make()
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


answers = AnswerCache()
# The names the API's answer shows (a procedure version's name and code, a unit's name), by id:
# a few hundred rows that change rarely, so the lookup reads one row of one table. An edit in
# the admin shows in every answer within a minute.
names = AnswerCache(max_entries=2048, ttl=60.0)
