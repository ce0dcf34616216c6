"""The path of a dossier through the one-stop shop, on the working-day clock (NĐ 118/2025)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from congvu.core.models import AuditLog
from congvu.dossiers.models import Channel, Dossier, DossierStat, Status
from congvu.dossiers.selectors import dossier_actions_allowed
from congvu.dossiers.services import (
    ActionNotAllowedError,
    NotYoursError,
    dossier_act,
    dossier_submit,
)

from .conftest import at


def submit(citizen, version, applicant, when):
    with time_machine.travel(when, tick=False):
        return dossier_submit(
            actor=citizen,
            procedure_code=version.procedure.code,
            channel=Channel.ONLINE,
            applicant=applicant,
        )


def act(user, dossier, action, when, **kwargs):
    with time_machine.travel(when, tick=False):
        return dossier_act(actor=user, dossier=dossier, action=action, **kwargs)


def test_full_path_online_to_rating(
    citizen, version, applicant, one_stop, official_a, head_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = submit(citizen, version, applicant, at(13, 2, 9))
    assert d.code == "000.01.01.H12-260213-0001"
    assert d.status == Status.SUBMITTED
    assert d.national_status == 1
    assert d.due_at is None

    d = act(one_stop.user, d, "request_intake_supplement", at(13, 2, 9, 30), note="Thiếu tờ khai")
    assert d.national_status == 5
    with pytest.raises(ActionNotAllowedError):
        act(one_stop.user, d, "request_intake_supplement", at(13, 2, 9, 40), note="Lần hai")
    d = act(citizen, d, "supplement", at(13, 2, 9, 50))
    assert d.status == Status.SUBMITTED

    # Received Friday 13/02/2026 at 10:00, 5 working days: Tết is skipped.
    d = act(one_stop.user, d, "receive", at(13, 2, 10))
    assert d.due_at == at(27, 2, 10)
    assert d.current_unit == one_stop.unit
    d = act(one_stop.user, d, "forward", at(13, 2, 10, 30))
    assert d.current_unit.name == "Sở Tư pháp"
    assert d.current_step.order == 2
    d = act(official_a.user, d, "forward", at(24, 2, 9))
    assert d.current_step.order == 3
    assert d.assignee == head_a  # the head's step goes to whoever acts for the head

    # From one working day before the appointment the dossier is at risk; an apology with a
    # new appointment may be issued once.
    assert not d.is_at_risk(at(26, 2, 9))
    assert d.is_at_risk(at(26, 2, 10, 30))
    d = act(
        head_a.user, d, "apologize", at(26, 2, 11), note="Chờ xác minh", new_due_at=at(3, 3, 10)
    )
    assert d.due_at == at(3, 3, 10)
    assert d.original_due_at == at(27, 2, 10)
    assert d.apology.responsible_unit.name == "Sở Tư pháp"
    with pytest.raises(ActionNotAllowedError, match="second extension"):
        act(head_a.user, d, "apologize", at(2, 3, 11), note="Lại", new_due_at=at(5, 3, 10))

    d = act(head_a.user, d, "resolve", at(3, 3, 9), note="Đã cấp phiếu")
    assert d.status == Status.RESOLVED
    assert d.national_status == 9
    assert d.timeliness == "on_time"
    d = act(one_stop.user, d, "return_result", at(3, 3, 15), return_method="Trực tiếp")
    assert d.national_status == 10
    d = act(citizen, d, "rate", at(3, 3, 16), rating={"overall": "very_satisfied"})
    assert d.rating.overall == "very_satisfied"

    actions = list(d.transitions.values_list("action", flat=True))
    assert actions == [
        "submit", "request_intake_supplement", "supplement", "receive", "forward", "forward",
        "apologize", "resolve", "return_result", "rate",
    ]  # fmt: skip
    assert AuditLog.objects.filter(object_id=str(d.pk)).count() == len(actions)
    assert mail.outbox
    assert d.code in mail.outbox[0].subject
    day = DossierStat.objects.get(unit=d.competent_unit, day=dt.date(2026, 2, 13))
    assert (day.received, day.received_online, day.supplement_requested) == (1, 1, 1)
    finished = DossierStat.objects.get(unit=d.competent_unit, day=dt.date(2026, 3, 3))
    assert (finished.resolved_on_time, finished.returned) == (1, 1)


def test_supplement_during_processing_restarts_clock_and_waiting_is_not_counted(
    citizen, version, applicant, one_stop, official_a
):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "receive", at(2, 3, 8))
    d = act(one_stop.user, d, "forward", at(2, 3, 9))
    d = act(official_a.user, d, "request_supplement", at(3, 3, 8), note="Bổ sung bản sao")
    assert d.status == Status.SUPPLEMENT
    # The applicant takes a week; then the processing time starts again from zero.
    d = act(citizen, d, "supplement", at(10, 3, 14))
    assert d.status == Status.PROCESSING
    assert d.due_at == at(17, 3, 14)


def test_payment_pauses_the_clock(citizen, version, applicant, one_stop, official_a):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "receive", at(2, 3, 8))  # due 09/03 08:00
    d = act(one_stop.user, d, "forward", at(2, 3, 9))
    d = act(official_a.user, d, "request_payment", at(3, 3, 8))
    assert d.national_status == 6
    d = act(official_a.user, d, "confirm_payment", at(5, 3, 8))
    # Two working days waited: the appointment moves two working days later.
    assert d.due_at == at(11, 3, 8)


def test_supplement_only_within_three_working_days(
    citizen, version, applicant, one_stop, official_a
):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "receive", at(2, 3, 8))
    d = act(one_stop.user, d, "forward", at(2, 3, 9))
    with pytest.raises(ActionNotAllowedError, match="3 working days"):
        act(official_a.user, d, "request_supplement", at(5, 3, 9), note="Quá hạn")


def test_outsider_cannot_act_and_applicant_cannot_process(
    citizen, version, applicant, one_stop, outsider_b
):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    with pytest.raises(NotYoursError):
        act(outsider_b.user, d, "receive", at(2, 3, 9))
    with pytest.raises(NotYoursError):
        act(citizen, d, "receive", at(2, 3, 9))
    assert dossier_actions_allowed(dossier=d, user=citizen) == ["request_withdrawal"]
    assert "receive" in dossier_actions_allowed(dossier=d, user=one_stop.user)
    assert Dossier.objects.get(pk=d.pk).status == Status.SUBMITTED


def test_late_and_more_than_one_supplementation_count_as_late(
    citizen, version, applicant, one_stop, official_a, head_a
):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "request_intake_supplement", at(2, 3, 8), note="Thiếu")
    d = act(citizen, d, "supplement", at(2, 3, 9))
    d = act(one_stop.user, d, "receive", at(2, 3, 9))
    d = act(one_stop.user, d, "forward", at(2, 3, 10))
    d = act(official_a.user, d, "request_supplement", at(3, 3, 8), note="Thiếu nữa")
    d = act(citizen, d, "supplement", at(3, 3, 9))
    d = act(official_a.user, d, "forward", at(3, 3, 10))
    d = act(head_a.user, d, "resolve", at(3, 3, 11), note="Xong sớm")
    assert d.timeliness == "late"


def test_bad_applicant_details_change_nothing(citizen, version, applicant):
    from congvu.dossiers.services import Applicant

    bad = Applicant(name="", id_number="123", phone="12345", email="not-an-email")
    with pytest.raises(ValidationError) as error:
        submit(citizen, version, bad, at(2, 3, 8))
    assert set(error.value.message_dict) == {
        "applicant.name", "applicant.id_number", "applicant.phone", "applicant.email",
    }  # fmt: skip
    with pytest.raises(ValidationError):
        dossier_submit(
            actor=citizen, procedure_code="9.999999", channel=Channel.ONLINE, applicant=applicant
        )
    assert Dossier.objects.count() == 0


def test_idempotency_key_returns_the_first_dossier(citizen, version, applicant):
    first = dossier_submit(
        actor=citizen, procedure_code=version.procedure.code, channel=2, applicant=applicant,
        idempotency_key="abc",
    )  # fmt: skip
    again = dossier_submit(
        actor=citizen, procedure_code=version.procedure.code, channel=2, applicant=applicant,
        idempotency_key="abc",
    )  # fmt: skip
    assert first.pk == again.pk
    assert Dossier.objects.count() == 1


def test_codes_grow_past_four_digits(citizen, version, applicant):
    from congvu.dossiers.models import DossierCodeSequence

    DossierCodeSequence.objects.create(
        agency_code="000.01.01.H12", day=dt.date(2026, 3, 2), last=9999
    )
    d = submit(citizen, version, applicant, at(2, 3, 8))
    assert d.code == "000.01.01.H12-260302-10000"
