"""The whole path of an online dossier through the HTML pages, as its people click through it:
submit with a file, supplementation at intake, receipt, three steps at two units, an apology
with a new appointment, the result with its file, return and rating."""

from __future__ import annotations

import io

import time_machine
from django.urls import reverse

from congvu.core.models import AuditLog
from congvu.dossiers.models import Dossier, Status

from .conftest import at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str) -> io.BytesIO:
    file = io.BytesIO(PDF)
    file.name = name
    return file


def test_full_path_through_the_pages(
    client_for, citizen, version, applicant, one_stop, official_a, head_a
):
    me, desk = client_for(citizen), client_for(one_stop.user)
    specialist, director = client_for(official_a.user), client_for(head_a.user)

    def act(client, when, **data):
        dossier = Dossier.objects.get()
        data.setdefault("expected_step", dossier.current_step_id or "")
        with time_machine.travel(when, tick=False):
            response = client.post(reverse("dossiers:act", args=[dossier.code]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return Dossier.objects.get()

    with time_machine.travel(at(13, 2, 9), tick=False):
        response = me.post(
            reverse("dossiers:submit_online", args=[version.procedure.code]),
            {
                "applicant_name": applicant.name,
                "applicant_id_number": applicant.id_number,
                "applicant_phone": applicant.phone,
                "applicant_email": applicant.email,
                "applicant_address": applicant.address,
                "request": "Cấp Phiếu lý lịch tư pháp số 1",
                "files": [pdf("to-khai.pdf")],
            },
        )
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.documents.count() == 1

    d = act(desk, at(13, 2, 9, 10), action="request_intake_supplement", note="Thiếu CCCD")
    d = act(me, at(13, 2, 9, 30), action="supplement", files=[pdf("cccd.pdf")])
    d = act(desk, at(13, 2, 10), action="receive")
    assert d.due_at == at(27, 2, 10)
    d = act(desk, at(13, 2, 11), action="forward")
    d = act(specialist, at(25, 2, 9), action="forward")
    # Offered only from one working day before the appointment.
    with time_machine.travel(at(25, 2, 10), tick=False):
        early = director.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    with time_machine.travel(at(26, 2, 14), tick=False):
        at_risk = director.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert 'value="apologize"' not in early
    assert 'value="apologize"' in at_risk
    d = act(
        director,
        at(26, 2, 14),
        action="apologize",
        note="Chờ ý kiến của cơ quan phối hợp",
        new_due_at="04/03/2026 10:00",
        responsible_unit=d.current_unit_id,
    )
    assert d.due_at == at(4, 3, 10)
    d = act(
        director, at(4, 3, 9), action="resolve", note="Đã cấp phiếu", result_file=pdf("ket-qua.pdf")
    )
    d = act(desk, at(4, 3, 14), action="return_result", return_method="at_desk")
    d = act(me, at(4, 3, 15), action="rate", overall="very_satisfied", attitude="satisfied")

    assert d.status == Status.RETURNED
    assert d.timeliness == "on_time"
    assert d.rating.overall == "very_satisfied"
    assert sorted(d.documents.values_list("kind", flat=True)) == [
        "application", "result", "supplement",
    ]  # fmt: skip
    assert d.transitions.count() == 10
    assert (
        AuditLog.objects.filter(action__startswith="dossiers.", object_id=str(d.pk)).count() >= 10
    )
    # The control sheet prints every hand-over.
    sheet = desk.get(reverse("dossiers:paper_form", args=[d.code, "06"])).content.decode()
    assert sheet.count("Đúng hạn") + sheet.count("Trước hạn") + sheet.count("Quá hạn") >= 4
