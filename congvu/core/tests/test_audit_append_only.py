"""Nobody alters the audit log: not the application's code, not the admin, not the API, and
on PostgreSQL not even SQL sent past the application (a trigger refuses UPDATE and DELETE)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from congvu.core.models import AuditLog
from congvu.core.services import audit_record

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@pytest.fixture
def entry(admin_user):
    return audit_record(actor=admin_user, action="test.changed", obj=admin_user, after={"a": 1})


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditlog SET action = 'tampered' WHERE id = %s",
        "DELETE FROM core_auditlog WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_remove_a_row(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    entry_now = AuditLog.objects.get(pk=entry.pk)
    assert entry_now.action == "test.changed"


@postgresql_only
def test_the_trigger_lets_new_rows_in(entry, admin_user):
    audit_record(actor=admin_user, action="test.again")
    assert AuditLog.objects.count() == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'core_auditlog_append_only'"
        )
        assert cursor.fetchone() == ("O",)  # enabled for ordinary sessions


def test_the_admin_shows_the_log_but_cannot_change_or_delete_it(entry, client_for, admin_user):
    client = client_for(admin_user)
    change_url = reverse("admin:core_auditlog_change", args=[entry.pk])
    assert client.get(reverse("admin:core_auditlog_changelist")).status_code == 200
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # read-only
    client.post(change_url, {"action": "tampered", "actor_label": "x"})
    assert client.get(reverse("admin:core_auditlog_delete", args=[entry.pk])).status_code == 403
    assert client.post(reverse("admin:core_auditlog_delete", args=[entry.pk]), {"post": "yes"})
    assert client.get(reverse("admin:core_auditlog_add")).status_code == 403
    bulk = client.post(
        reverse("admin:core_auditlog_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    entry_now = AuditLog.objects.get(pk=entry.pk)
    assert entry_now.action == "test.changed"
    assert entry_now.actor_label == admin_user.username


def test_the_api_has_no_way_to_the_audit_log():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not [path for path in schema["paths"] if "audit" in path.lower()]
