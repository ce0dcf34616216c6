from __future__ import annotations

from django.db import models

from congvu.core.models import AuditLog, AuditLogQuerySet


def audit_log_list(*, obj: models.Model | None = None) -> AuditLogQuerySet:
    qs = AuditLog.objects.select_related("actor", "content_type")
    if obj is not None:
        qs = qs.for_object(obj)
    return qs
