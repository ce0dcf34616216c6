"""The audit log: one row per change, with who, what, before, after and the client address."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from congvu.core import context
from congvu.core.middleware import RequestContextMiddleware, client_address
from congvu.core.models import AuditLog, AuditLogError
from congvu.core.services import audit_record


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="nguoisua", password="x")


def test_audit_row_records_actor_object_before_after(user):
    entry = audit_record(
        actor=user, action="test.changed", obj=user, before={"a": 1}, after={"a": 2}
    )
    entry.refresh_from_db()
    assert entry.actor == user
    assert entry.actor_label == "nguoisua"
    assert entry.object_id == str(user.pk)
    assert entry.before == {"a": 1}
    assert entry.after == {"a": 2}
    assert list(AuditLog.objects.for_object(user)) == [entry]


def test_audit_log_is_append_only(user):
    entry = audit_record(actor=user, action="test.changed", obj=user)
    entry.action = "tampered"
    with pytest.raises(AuditLogError):
        entry.save()
    with pytest.raises(AuditLogError):
        entry.delete()
    with pytest.raises(AuditLogError):
        AuditLog.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(AuditLogError):
        AuditLog.objects.all().delete()
    entry.refresh_from_db()
    assert entry.action == "test.changed"


def test_audit_row_without_a_person_is_the_system(db):
    entry = audit_record(actor=None, action="test.sweep")
    assert entry.actor is None
    assert entry.actor_label == "system"


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("::1", "::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:203.113.0.5", "203.113.0.5"),
        ("not-an-address", None),
    ],
)
def test_client_address_handles_ipv4_and_ipv6(remote, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert client_address(request) == expected


def test_services_inside_a_request_record_its_client_address(user):
    seen = {}

    def view(request):
        seen["entry"] = audit_record(actor=user, action="test.changed", obj=user)
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = RequestContextMiddleware(view)
    response = middleware(RequestFactory().get("/", REMOTE_ADDR="::1"))
    entry = seen["entry"]
    assert entry.client_address == "::1"
    assert entry.request_id == response["X-Request-ID"]
    # Outside a request the context is empty again.
    assert context.current().client_address is None
