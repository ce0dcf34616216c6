from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from congvu.core.models import AuditLog
from congvu.procedures import services
from congvu.procedures.models import Procedure, ProcedureVersion
from congvu.procedures.selectors import procedure_version_current
from congvu.procedures.services import StepSpec, TransitionSpec

pytestmark = pytest.mark.django_db

V2_FROM = dt.date(2026, 1, 1)


def _steps(*budgets: int) -> list[StepSpec]:
    kinds = ["receive", "review", "approve", "sign", "return"]
    return [
        StepSpec(order=i, name=f"Bước {i}", kind=kinds[i - 1], budget_hours=hours)
        for i, hours in enumerate(budgets, start=1)
    ]


def _chain(count: int) -> list[TransitionSpec]:
    moves = [TransitionSpec(i, i + 1, "forward") for i in range(1, count)]
    return [*moves, TransitionSpec(count, None, "resolve")]


def test_version_create_makes_the_procedure_and_its_search_text(admin_user, civil_status):
    version = services.procedure_version_create(
        actor=admin_user,
        procedure_code="1.001193",
        name="Đăng ký khai sinh",
        field=civil_status,
        level=ProcedureVersion.Level.COMMUNE,
        competent_kind=ProcedureVersion.Competent.COMMUNE,
        processing_time=1,
        documents=[{"name": "Tờ khai", "originals": 1, "copies": 0}],
        fees=[{"description": "Lệ phí", "amount": 8000}],
    )

    procedure = Procedure.objects.get(code="1.001193")
    assert version.number == 1
    assert version.status == ProcedureVersion.Status.DRAFT
    assert procedure.name == "Đăng ký khai sinh"
    assert procedure.search_text == "1.001193 dang ky khai sinh ho tich"
    assert [d.name for d in version.documents.all()] == ["Tờ khai"]
    assert version.fees.get().amount == 8000
    row = AuditLog.objects.get(action="procedures.version_created")
    assert row.actor == admin_user
    assert (row.after or {})["procedure_created"] is True


def test_a_unit_level_procedure_needs_its_competent_unit(admin_user, civil_status):
    with pytest.raises(ValidationError, match="competent"):
        services.procedure_version_create(
            actor=admin_user,
            procedure_code="2.000488",
            name="Cấp Phiếu lý lịch tư pháp",
            field=civil_status,
            level=ProcedureVersion.Level.PROVINCE,
        )
    assert not Procedure.objects.exists()


def test_publishing_v2_ends_v1_and_leaves_v1_as_it_was(make_version, admin_user):
    v1 = make_version()
    dossier_pinned = ProcedureVersion.objects.get(pk=v1.pk)  # what a dossier holds on to
    v2 = services.procedure_version_copy(actor=admin_user, version=v1, valid_from=V2_FROM)
    services.procedure_version_update(
        actor=admin_user,
        version=v2,
        name="Đăng ký khai sinh (sửa đổi)",
        processing_time=Decimal("0.5"),
        fees=[],
    )
    services.process_set(
        actor=admin_user, version=v2, steps=_steps(1, 1, 1, 0, 1), transitions=_chain(5)
    )

    services.procedure_version_publish(actor=admin_user, version=v2)

    v1.refresh_from_db()
    assert v1.valid_until == V2_FROM
    assert v1.status == ProcedureVersion.Status.PUBLISHED
    assert (v1.name, v1.processing_time) == (dossier_pinned.name, dossier_pinned.processing_time)
    assert [f.amount for f in v1.fees.all()] == [8000]
    assert v1.steps.count() == 5
    procedure = v1.procedure
    with time_machine.travel(dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC), tick=False):
        assert procedure_version_current(procedure) == v1
    assert procedure_version_current(procedure, on=V2_FROM) == v2
    assert procedure_version_current(procedure, on=dt.date(2025, 12, 31)) == v1
    procedure.refresh_from_db()
    assert procedure.name == "Đăng ký khai sinh (sửa đổi)"
    actions = list(AuditLog.objects.values_list("action", flat=True))
    assert "procedures.version_superseded" in actions
    assert actions.count("procedures.version_published") == 2


def test_never_two_versions_in_force_on_the_same_day(make_version, admin_user):
    v1 = make_version()
    v2 = services.procedure_version_copy(actor=admin_user, version=v1, valid_from=V2_FROM)
    services.procedure_version_publish(actor=admin_user, version=v2)
    v3 = services.procedure_version_copy(actor=admin_user, version=v2, valid_from=V2_FROM)

    with pytest.raises(ValidationError, match="must start after it"):
        services.procedure_version_publish(actor=admin_user, version=v3)

    for day in (dt.date(2025, 8, 1), V2_FROM, dt.date(2027, 1, 1)):
        in_force = [
            v
            for v in ProcedureVersion.objects.filter(procedure=v1.procedure)
            if v.is_in_force_on(day)
        ]
        assert len(in_force) == 1


def test_a_published_version_cannot_be_edited(make_version, admin_user):
    version = make_version()

    with pytest.raises(ValidationError, match="can no longer be edited"):
        services.procedure_version_update(actor=admin_user, version=version, name="Khác")
    with pytest.raises(ValidationError, match="can no longer be edited"):
        services.process_set(
            actor=admin_user, version=version, steps=_steps(4), transitions=_chain(1)
        )
    version.refresh_from_db()
    assert version.name == "Đăng ký khai sinh"


def test_copy_repeats_documents_fees_and_process(make_version, admin_user):
    v1 = make_version()

    copy = services.procedure_version_copy(actor=admin_user, version=v1)

    assert copy.number == 2
    assert copy.status == ProcedureVersion.Status.DRAFT
    assert [d.name for d in copy.documents.all()] == [d.name for d in v1.documents.all()]
    assert [f.amount for f in copy.fees.all()] == [8000]
    assert [(s.order, s.kind, s.budget_hours) for s in copy.steps.all()] == [
        (s.order, s.kind, s.budget_hours) for s in v1.steps.all()
    ]
    assert copy.transitions.count() == v1.transitions.count()
    assert services.process_validate(copy) == []


def test_withdraw_a_future_version_gives_its_days_back(make_version, admin_user):
    v1 = make_version()
    future = dt.date(2099, 1, 1)
    v2 = services.procedure_version_copy(actor=admin_user, version=v1, valid_from=future)
    services.procedure_version_publish(actor=admin_user, version=v2)
    v1.refresh_from_db()
    assert v1.valid_until == future

    services.procedure_version_withdraw(actor=admin_user, version=v2)

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.valid_until is None
    assert v2.status == ProcedureVersion.Status.WITHDRAWN
    assert AuditLog.objects.filter(action="procedures.version_withdrawn").count() == 1


def test_withdraw_a_version_in_force_ends_it(make_version, admin_user):
    version = make_version()

    services.procedure_version_withdraw(actor=admin_user, version=version, on=dt.date(2026, 3, 1))

    version.refresh_from_db()
    assert version.valid_until == dt.date(2026, 3, 1)
    assert procedure_version_current(version.procedure) is None


# Process validation ------------------------------------------------------------------------


@pytest.fixture
def draft(make_version):
    return make_version(publish=False)


def _problems(draft, steps, transitions):
    with pytest.raises(ValidationError) as caught:
        services.process_set(actor=None, version=draft, steps=steps, transitions=transitions)
    return " | ".join(caught.value.messages)


def test_process_set_keeps_the_old_process_when_the_new_one_is_refused(draft):
    before = list(draft.steps.values_list("pk", "name"))

    _problems(draft, _steps(1, 1), [TransitionSpec(1, None, "resolve")])

    assert list(draft.steps.values_list("pk", "name")) == before
    assert services.process_validate(draft) == []


def test_validation_finds_an_unreachable_step(draft):
    problems = _problems(
        draft,
        _steps(1, 1, 1),
        [
            TransitionSpec(1, 2, "forward"),
            TransitionSpec(2, None, "resolve"),
            TransitionSpec(3, None, "resolve"),
        ],
    )

    assert "Step “Bước 3” cannot be reached from the first step." in problems


def test_validation_finds_a_step_with_no_way_to_end(draft):
    # Step 3 can be reached, but it only asks for supplementation again and again.
    problems = _problems(
        draft,
        _steps(1, 1, 1),
        [
            TransitionSpec(1, 2, "forward"),
            TransitionSpec(1, 3, "forward"),
            TransitionSpec(2, None, "resolve"),
            TransitionSpec(3, 3, "request_supplement"),
        ],
    )

    assert "From step “Bước 3” no path ends the process" in problems
    assert "Bước 2" not in problems


def test_validation_finds_a_forward_going_backwards_and_a_send_back_going_forwards(draft):
    problems = _problems(
        draft,
        _steps(1, 1, 1),
        [
            TransitionSpec(1, 2, "forward"),
            TransitionSpec(2, 3, "forward"),
            TransitionSpec(3, 2, "forward"),
            TransitionSpec(1, 3, "send_back"),
            TransitionSpec(3, None, "resolve"),
        ],
    )

    assert "Step “Bước 3” forwards to “Bước 2”, which is not a later step." in problems
    assert "Step “Bước 1” sends back to “Bước 3”, which is not an earlier step." in problems


def test_validation_finds_budgets_over_the_statutory_time(draft):
    # One working day is 8 working hours.
    problems = _problems(draft, _steps(4, 4, 1), _chain(3))

    assert "add up to 9 working hours, more than the 8 working hours" in problems


def test_validation_wants_a_receiving_first_step_and_a_proper_ending(draft):
    steps = [StepSpec(order=1, name="Thẩm định", kind="review", budget_hours=1)]

    problems = _problems(draft, steps, [TransitionSpec(1, None, "forward")])

    assert "The first step, “Thẩm định”, must be receiving the dossier." in problems
    assert "leads nowhere" in problems


def test_validation_wants_a_unit_for_a_step_at_a_named_unit(draft):
    steps = [
        StepSpec(order=1, name="Tiếp nhận", kind="receive", budget_hours=1),
        StepSpec(order=2, name="Lấy ý kiến", kind="inter_agency", responsible="named_unit"),
    ]

    problems = _problems(draft, steps, _chain(2))

    assert "Step “Lấy ý kiến” is done at a named unit but names none." in problems


def test_a_draft_without_a_process_cannot_be_published(admin_user, civil_status):
    version = services.procedure_version_create(
        actor=admin_user,
        procedure_code="1.000656",
        name="Đăng ký khai tử",
        field=civil_status,
        level=ProcedureVersion.Level.COMMUNE,
        competent_kind=ProcedureVersion.Competent.COMMUNE,
        processing_time=1,
    )

    with pytest.raises(ValidationError, match="no steps"):
        services.procedure_version_publish(actor=admin_user, version=version)
    version.refresh_from_db()
    assert version.status == ProcedureVersion.Status.DRAFT


def test_process_set_writes_one_audit_row(draft, admin_user):
    rows = AuditLog.objects.filter(action="procedures.process_set").count()

    services.process_set(
        actor=admin_user, version=draft, steps=_steps(2, 2, 2, 1, 1), transitions=_chain(5)
    )

    assert AuditLog.objects.filter(action="procedures.process_set").count() == rows + 1
