"""Cursors for the few statements written as SQL because they are run on every busy request.

The ORM binds its parameters on the client (Django's default with psycopg), so PostgreSQL
parses and plans each of its queries anew. `prepared_cursor` binds them on the server instead,
and with `settings.DB_PREPARED_STATEMENTS` on (`prepare_threshold=0`) each statement is prepared
on its first run on a connection: later runs skip parsing, and planning too where the server
keeps a generic plan. On SQLite it is the connection's ordinary cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.utils import CursorWrapper


@contextmanager
def prepared_cursor(connection: Any, *, health_check: bool = True) -> Iterator[CursorWrapper]:
    """A cursor of `connection` whose statements are bound, and prepared, on the server.

    `health_check=False` leaves out the check of a persistent connection
    (`CONN_HEALTH_CHECKS`); the caller then takes a failed statement as the sign of a dropped
    connection, as the public lookup does.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    if health_check:
        connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(ServerBindingCursor(connection.connection)) as cursor:
        yield cursor
