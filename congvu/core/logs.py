"""Structured logs: one JSON object a line, with the request id of the request being served."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from congvu.core import context

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)
# Django passes the request object with its error records; its text carries the query string,
# which may hold a lookup key, so it never reaches the logs.
_SKIP = frozenset({"request"})


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON: time (UTC, ISO 8601), level, logger, message, the
    request id when there is a request, the fields passed in `extra`, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or context.current().request_id
        if request_id:
            data["request_id"] = request_id
        for key, value in record.__dict__.items():
            if (
                key not in _STANDARD
                and key not in _SKIP
                and key not in data
                and not key.startswith("_")
            ):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)
