from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from congvu.core import context
from congvu.core.models import AuditLog


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model's concrete fields, for the before/after of an audit row."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one row to the audit log; called by every service that changes state."""
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditLog(
        actor=user,
        actor_label=(user.get_username() if user is not None else "system")[:200],
        action=action,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        client_address=ctx.client_address,
        request_id=ctx.request_id,
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj._meta.model)
        entry.object_id = str(obj.pk)
        entry.object_label = str(obj)[:300]
    entry.save()
    return entry


def notification_send(
    *, users: Any, title: str, body: str = "", url: str = "", email: bool = True
) -> int:
    """Tell each user in-app, and by email after the transaction commits; returns how many."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction

    from congvu.core.models import Notification

    recipients = [u for u in users if u is not None]
    Notification.objects.bulk_create(
        [Notification(user=u, title=title[:300], body=body, url=url) for u in recipients]
    )
    addresses = sorted({u.email for u in recipients if getattr(u, "email", "")})
    if email and addresses:
        link = f"{settings.SITE_URL}{url}" if url else ""
        message = f"{body}\n\n{link}".strip()
        transaction.on_commit(lambda: send_mail(title, message, None, addresses))
    return len(recipients)
