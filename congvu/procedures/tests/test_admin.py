from __future__ import annotations

import pytest
from django.urls import reverse

from congvu.core.models import AuditLog
from congvu.procedures.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db


def _inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def _version_form(civil_status, **overrides):
    data = {
        "procedure_code": "1.000656",
        "name": "Đăng ký khai tử",
        "field": civil_status.pk,
        "level": "commune",
        "competent_kind": "commune",
        "competent_unit": "",
        "processing_time": "1",
        "processing_unit": "working_days",
        "cutoff_time": "15:00",
        "result_type": "Trích lục khai tử",
        "legal_basis": "Luật Hộ tịch 2014",
        "applicants": "",
        "online_level": "full",
        "decision": "",
        "valid_from": "01/07/2025",
        "valid_until": "",
        **_inline(
            "documents",
            [{"order": "1", "name": "Tờ khai", "originals": "1", "copies": "0", "mandatory": "on"}],
        ),
        **_inline("fees", []),
        **_inline(
            "steps",
            [
                {
                    "order": "1",
                    "name": "Tiếp nhận",
                    "kind": "receive",
                    "responsible": "receiving_unit",
                    "position": "one_stop_officer",
                    "budget_hours": "2",
                },
                {
                    "order": "2",
                    "name": "Thẩm định",
                    "kind": "review",
                    "responsible": "competent_unit",
                    "position": "specialist",
                    "budget_hours": "4",
                },
                {
                    "order": "3",
                    "name": "Trả kết quả",
                    "kind": "return",
                    "responsible": "receiving_unit",
                    "position": "one_stop_officer",
                    "budget_hours": "2",
                },
            ],
        ),
        **_inline(
            "transitions",
            [
                {"from_order": "1", "to_order": "2", "action": "forward"},
                {"from_order": "2", "to_order": "3", "action": "forward"},
                {"from_order": "3", "to_order": "", "action": "resolve"},
            ],
        ),
    }
    data.update(overrides)
    return data


def test_admin_pages_load(client_for, admin_user, make_version):
    version = make_version()
    draft = make_version("1.000894", "Đăng ký kết hôn", publish=False)
    browser = client_for(admin_user)

    for url in [
        reverse("admin:procedures_field_changelist"),
        reverse("admin:procedures_field_add"),
        reverse("admin:procedures_procedure_changelist"),
        reverse("admin:procedures_procedure_change", args=[version.procedure.pk]),
        reverse("admin:procedures_procedureversion_changelist"),
        reverse("admin:procedures_procedureversion_add"),
        reverse("admin:procedures_procedureversion_change", args=[version.pk]),
        reverse("admin:procedures_procedureversion_change", args=[draft.pk]),
    ]:
        assert browser.get(url).status_code == 200, url


def test_admin_creates_a_version_with_its_process_in_one_go(client_for, admin_user, civil_status):
    response = client_for(admin_user).post(
        reverse("admin:procedures_procedureversion_add"), _version_form(civil_status)
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    version = ProcedureVersion.objects.get(procedure__code="1.000656")
    assert version.status == ProcedureVersion.Status.DRAFT
    assert [s.name for s in version.steps.all()] == ["Tiếp nhận", "Thẩm định", "Trả kết quả"]
    assert version.transitions.count() == 3
    assert version.documents.get().name == "Tờ khai"
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"procedures.version_created", "procedures.process_set"} <= actions


def test_admin_refuses_a_broken_process(client_for, admin_user, civil_status):
    data = _version_form(
        civil_status, **{"transitions-2-action": "forward", "steps-1-budget_hours": "40"}
    )

    response = client_for(admin_user).post(reverse("admin:procedures_procedureversion_add"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "leads nowhere" in html
    assert "more than the 8 working hours" in html
    assert not Procedure.objects.exists()


def test_admin_edits_the_process_of_a_draft(client_for, admin_user, make_version, civil_status):
    draft = make_version("1.000656", "Đăng ký khai tử", publish=False)
    data = _version_form(civil_status)
    del data["procedure_code"]

    response = client_for(admin_user).post(
        reverse("admin:procedures_procedureversion_change", args=[draft.pk]), data
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert [s.name for s in draft.steps.all()] == ["Tiếp nhận", "Thẩm định", "Trả kết quả"]


def test_a_published_version_is_read_only_in_the_admin(
    client_for, admin_user, make_version, civil_status
):
    version = make_version()
    data = _version_form(civil_status, name="Đổi tên")
    del data["procedure_code"]

    response = client_for(admin_user).post(
        reverse("admin:procedures_procedureversion_change", args=[version.pk]), data
    )

    assert response.status_code == 403
    version.refresh_from_db()
    assert version.name == "Đăng ký khai sinh"


def test_admin_actions_publish_copy_and_withdraw(client_for, admin_user, make_version):
    draft = make_version(publish=False)
    browser = client_for(admin_user)
    url = reverse("admin:procedures_procedureversion_changelist")

    browser.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == ProcedureVersion.Status.PUBLISHED

    browser.post(url, {"action": "copy", "_selected_action": [draft.pk]})
    copy = ProcedureVersion.objects.get(number=2)
    assert copy.status == ProcedureVersion.Status.DRAFT
    assert copy.steps.count() == draft.steps.count()

    response = browser.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert "Only a draft can be published" in response.content.decode()

    browser.post(url, {"action": "withdraw", "_selected_action": [copy.pk]})
    copy.refresh_from_db()
    assert copy.status == ProcedureVersion.Status.WITHDRAWN
