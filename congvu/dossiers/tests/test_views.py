"""The one-stop shop's pages: worklists, the dossier page and its actions, documents, desk and
online submission, the applicant's side, feedback and the public lookup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from congvu.core.models import AuditLog
from congvu.dossiers.feedback import feedback_submit
from congvu.dossiers.models import Channel, Dossier, DossierDocument, Feedback, Status
from congvu.dossiers.selectors import dossier_worklist, dossier_worklist_counts
from congvu.dossiers.services import dossier_act, dossier_document_add, dossier_submit
from congvu.organizations.tests.factories import UserFactory

from .conftest import at

PDF = b"%PDF-1.4\n% test document\n"
PNG = b"\x89PNG\r\n\x1a\n0000"
NOW = at(6, 3, 9)  # Friday 06/03/2026, 09:00


@pytest.fixture(autouse=True)
def private_storage(monkeypatch, tmp_path: Path) -> Path:
    # The file field resolved its storage when the model was loaded; point it at a scratch
    # directory so tests never write into the real private store.
    root = tmp_path / "private"
    field = DossierDocument._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=root))
    return root


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def submit(actor, version, applicant, when, channel=Channel.ONLINE):
    with time_machine.travel(when, tick=False):
        return dossier_submit(
            actor=actor, procedure_code=version.procedure.code, channel=channel, applicant=applicant
        )


def act(user, dossier, action, when, **kwargs):
    with time_machine.travel(when, tick=False):
        return dossier_act(actor=user, dossier=dossier, action=action, **kwargs)


def in_review(citizen, version, applicant, one_stop, when):
    """A dossier received at the centre and forwarded to the department's review step."""
    d = submit(citizen, version, applicant, when)
    d = act(one_stop.user, d, "receive", when)
    return act(one_stop.user, d, "forward", when + dt.timedelta(hours=1))


@pytest.fixture
def desk(version, applicant, citizen, one_stop, official_a):
    """Dossiers in every worklist as of NOW."""
    old = in_review(citizen, version, applicant, one_stop, at(23, 2, 8))  # due 02/03: overdue
    soon = in_review(citizen, version, applicant, one_stop, at(2, 3, 8))  # due 09/03: at risk
    waiting = in_review(citizen, version, applicant, one_stop, at(2, 3, 8))
    waiting = act(official_a.user, waiting, "request_supplement", at(3, 3, 8), note="Thiếu bản sao")
    new = submit(citizen, version, applicant, at(5, 3, 8))
    return {"old": old, "soon": soon, "waiting": waiting, "new": new}


# -- worklists -------------------------------------------------------------------------------


def test_worklist_tabs_and_counts_for_the_department(desk, official_a, client_for):
    with time_machine.travel(NOW, tick=False):
        counts = dossier_worklist_counts(user=official_a.user)
        assert counts == {
            "inbox": 2, "assigned": 0, "due_soon": 1, "overdue": 1, "waiting": 1, "to_receive": 0,
        }  # fmt: skip
        client = client_for(official_a.user)
        page = client.get(reverse("dossiers:worklist"), {"tab": "overdue"})
        assert page.status_code == 200
        assert desk["old"].code in page.text
        assert desk["soon"].code not in page.text
        soon = client.get(reverse("dossiers:worklist"), {"tab": "due_soon"})
        assert desk["soon"].code in soon.text
        assert desk["old"].code not in soon.text
        waiting = client.get(reverse("dossiers:worklist"), {"tab": "waiting"})
        assert desk["waiting"].code in waiting.text
        # The inbox is grouped by step; one step chosen narrows it.
        step = desk["soon"].current_step_id
        inbox = client.get(reverse("dossiers:worklist"), {"tab": "inbox", "step": step})
        assert desk["soon"].code in inbox.text
        assert desk["new"].code not in inbox.text


def test_worklist_for_the_desk_and_the_head(desk, one_stop, head_a, client_for):
    with time_machine.travel(NOW, tick=False):
        centre = dossier_worklist_counts(user=one_stop.user)
        assert centre["to_receive"] == 1
        assert centre["inbox"] == 1  # the new dossier waits at the centre
        page = client_for(one_stop.user).get(reverse("dossiers:worklist"), {"tab": "to_receive"})
        assert desk["new"].code in page.text
        assert "dossiers/new/" in page.text  # the desk may enter dossiers
        head = dossier_worklist_counts(user=head_a.user)
        assert head["overdue"] == 1
        assert head["to_receive"] == 0


def test_worklist_filters(desk, official_a, client_for):
    client = client_for(official_a.user)
    with time_machine.travel(NOW, tick=False):
        by_date = client.get(
            reverse("dossiers:worklist"),
            {"tab": "inbox", "received_from": "01/03/2026", "received_to": "06/03/2026"},
        )
        assert desk["soon"].code in by_date.text
        assert desk["old"].code not in by_date.text
        none = client.get(reverse("dossiers:worklist"), {"tab": "inbox", "procedure": "9.9"})
        assert desk["soon"].code not in none.text
        online = client.get(reverse("dossiers:worklist"), {"tab": "inbox", "channel": "1"})
        assert desk["soon"].code not in online.text
        # htmx asks for the region only.
        partial = client.get(reverse("dossiers:worklist"), HTTP_HX_REQUEST="true")
        assert "<html" not in partial.text
        assert 'class="tabs"' in partial.text


def test_outsider_and_citizen_get_no_worklist(desk, outsider_b, citizen, client_for):
    with time_machine.travel(NOW, tick=False):
        assert set(dossier_worklist_counts(user=outsider_b.user).values()) == {0}
        for tab in ("inbox", "overdue", "waiting", "to_receive"):
            assert dossier_worklist(user=outsider_b.user, tab=tab).rows == []
        page = client_for(outsider_b.user).get(reverse("dossiers:worklist"), {"tab": "overdue"})
        assert page.status_code == 200
        assert desk["old"].code not in page.text
    assert client_for(citizen).get(reverse("dossiers:worklist")).status_code == 403
    assert Client().get(reverse("dossiers:worklist")).status_code == 302


def test_keyset_pages_do_not_overlap_and_end(version, applicant, citizen, one_stop, client_for):
    made = [submit(citizen, version, applicant, at(5, 3, 8)) for _ in range(7)]
    seen: list[int] = []
    before = None
    pages = 0
    while True:
        page = dossier_worklist(user=one_stop.user, tab="to_receive", before=before, limit=3)
        seen += [d.pk for d in page.rows]
        pages += 1
        if page.next_before is None:
            break
        before = page.next_before
    assert pages == 3
    assert seen == sorted((d.pk for d in made), reverse=True)
    # The page's "older" link carries before=<id>.
    client = client_for(one_stop.user)
    response = client.get(reverse("dossiers:worklist"), {"tab": "to_receive", "before": made[3].pk})
    assert made[2].code in response.text
    assert made[3].code not in response.text


@pytest.mark.parametrize("n", [5, 50])
def test_worklist_query_count_does_not_grow(
    n, version, applicant, citizen, one_stop, client_for, django_assert_max_num_queries
):
    for _ in range(n):
        submit(citizen, version, applicant, at(5, 3, 8))
    client = client_for(one_stop.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dossiers:worklist"), {"tab": "inbox"})
    assert response.status_code == 200
    assert response.text.count('class="code"') == n


# -- the dossier page and its actions --------------------------------------------------------


def test_detail_offers_only_allowed_actions(version, applicant, citizen, one_stop, client_for):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    desk_page = client_for(one_stop.user).get(reverse("dossiers:detail", args=[d.code]))
    assert desk_page.status_code == 200
    for action in ("receive", "request_intake_supplement", "refuse_intake"):
        assert f'name="action" value="{action}"' in desk_page.text
    assert 'value="forward"' not in desk_page.text
    own = client_for(citizen).get(reverse("dossiers:detail", args=[d.code]))
    assert 'value="request_withdrawal"' in own.text
    assert 'value="receive"' not in own.text
    assert d.applicant_name in own.text


def test_posting_actions_and_a_stale_page(version, applicant, citizen, one_stop, client_for):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    client = client_for(one_stop.user)
    url = reverse("dossiers:act", args=[d.code])
    with time_machine.travel(at(2, 3, 8, 30), tick=False):
        response = client.post(url, {"action": "receive", "expected_step": ""})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.PROCESSING
    first_step = d.current_step_id
    with time_machine.travel(at(2, 3, 9), tick=False):
        response = client.post(url, {"action": "forward", "expected_step": first_step})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.current_step_id != first_step
    transitions = d.transitions.count()
    # A second tab still shows the first step: the post is refused and nothing changes.
    with time_machine.travel(at(2, 3, 9, 5), tick=False):
        stale = client.post(url, {"action": "forward", "expected_step": first_step})
    assert stale.status_code == 409
    assert "msg-error" in stale.text
    d.refresh_from_db()
    assert d.transitions.count() == transitions


def test_note_is_required_where_the_workflow_says(
    version, applicant, citizen, one_stop, client_for
):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    url = reverse("dossiers:act", args=[d.code])
    response = client_for(one_stop.user).post(url, {"action": "refuse_intake", "note": " "})
    assert response.status_code == 400
    assert Dossier.objects.get(pk=d.pk).status == Status.SUBMITTED


def test_resolve_with_result_file_and_rating(
    version, applicant, citizen, one_stop, official_a, head_a, client_for
):
    d = in_review(citizen, version, applicant, one_stop, at(2, 3, 8))
    d = act(official_a.user, d, "forward", at(3, 3, 8))
    url = reverse("dossiers:act", args=[d.code])
    result = SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")
    with time_machine.travel(at(3, 3, 10), tick=False):
        response = client_for(head_a.user).post(
            url,
            {
                "action": "resolve",
                "expected_step": d.current_step_id,
                "note": "Đã cấp phiếu",
                "result_file": result,
            },
        )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    assert d.documents.get().kind == DossierDocument.Kind.RESULT
    with time_machine.travel(at(3, 3, 15), tick=False):
        response = client_for(one_stop.user).post(
            url, {"action": "return_result", "return_method": "postal"}
        )
    assert response.status_code == 302
    with time_machine.travel(at(3, 3, 16), tick=False):
        response = client_for(citizen).post(
            url,
            {"action": "rate", "overall": "satisfied", "attitude": "very_satisfied", "visits": 1},
        )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.RETURNED
    assert d.rating.overall == "satisfied"
    assert d.rating.visits == 1


def test_apology_from_the_page(
    version, applicant, citizen, one_stop, official_a, head_a, client_for
):
    d = in_review(citizen, version, applicant, one_stop, at(2, 3, 8))
    url = reverse("dossiers:act", args=[d.code])
    client = client_for(head_a.user)
    with time_machine.travel(at(6, 3, 9), tick=False):
        page = client.get(reverse("dossiers:detail", args=[d.code]))
        assert 'value="apologize"' in page.text
        response = client.post(
            url,
            {
                "action": "apologize",
                "expected_step": d.current_step_id,
                "note": "Chờ xác minh",
                "new_due_at": "12/03/2026 16:00",
                "responsible_unit": d.competent_unit_id,
            },
        )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.due_at == at(12, 3, 16)
    assert d.apology.responsible_unit == d.competent_unit


def test_outsider_gets_404_and_the_applicant_403(
    version, applicant, citizen, outsider_b, client_for
):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    outsider = client_for(outsider_b.user)
    assert outsider.get(reverse("dossiers:detail", args=[d.code])).status_code == 404
    url = reverse("dossiers:act", args=[d.code])
    assert outsider.post(url, {"action": "receive"}).status_code == 404
    assert client_for(citizen).post(url, {"action": "receive"}).status_code == 403
    assert Client().get(reverse("dossiers:detail", args=[d.code])).status_code == 302
    assert Dossier.objects.get(pk=d.pk).status == Status.SUBMITTED


def test_supplementation_upload_by_the_applicant(version, applicant, citizen, one_stop, client_for):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "request_intake_supplement", at(2, 3, 9), note="Thiếu tờ khai")
    client = client_for(citizen)
    page = client.get(reverse("dossiers:detail", args=[d.code]))
    assert 'value="supplement"' in page.text
    assert "Thiếu tờ khai" in page.text
    upload = SimpleUploadedFile("to-khai.png", PNG, content_type="image/png")
    response = client.post(
        reverse("dossiers:act", args=[d.code]), {"action": "supplement", "files": [upload]}
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED
    assert d.documents.get().kind == DossierDocument.Kind.SUPPLEMENT


def test_withdrawal_by_the_applicant(version, applicant, citizen, client_for):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    response = client_for(citizen).post(
        reverse("dossiers:act", args=[d.code]), {"action": "request_withdrawal"}
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=d.pk).status == Status.WITHDRAWAL_REQUESTED


# -- documents -------------------------------------------------------------------------------


def test_document_download_only_for_those_who_see_the_dossier(
    version, applicant, citizen, one_stop, outsider_b, client_for
):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    doc = dossier_document_add(actor=citizen, dossier=d, file=SimpleUploadedFile("don.pdf", PDF))
    url = reverse("dossiers:document", args=[d.code, doc.pk])
    response = client_for(one_stop.user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # A PDF is shown in the browser; see tests/test_uploads.py for the types only saved.
    assert response["Content-Disposition"].startswith("inline")
    assert client_for(citizen).get(url).status_code == 200
    assert client_for(outsider_b.user).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    other = reverse("dossiers:document", args=["000.00.00.X-000000-0001", doc.pk])
    assert client_for(one_stop.user).get(other).status_code == 404


# -- submission ------------------------------------------------------------------------------


def _desk_data(version, **extra):
    data = {
        "procedure": version.procedure.code,
        "channel": "1",
        "applicant_name": "Nông Văn Dền",
        "applicant_id_number": "004095001234",
        "applicant_phone": "0912345678",
        "applicant_email": "",
        "applicant_address": "Phường Thục Phán",
        "representative": "",
        "request": "Cấp 01 phiếu",
    }
    data.update(extra)
    return data


def test_desk_submission_with_files(version, one_stop, client_for, private_storage):
    client = client_for(one_stop.user)
    form = client.get(reverse("dossiers:desk_submit"))
    assert form.status_code == 200
    assert version.procedure.code in form.text
    files = [
        SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("cccd.png", PNG, content_type="image/png"),
    ]
    with time_machine.travel(at(2, 3, 8), tick=False):
        response = client.post(reverse("dossiers:desk_submit"), _desk_data(version, files=files))
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.channel == Channel.IN_PERSON
    assert d.entered_by == one_stop.user
    assert sorted(d.documents.values_list("original_name", flat=True)) == ["cccd.png", "don.pdf"]
    page = client.get(response["Location"])
    assert 'value="receive"' in page.text
    assert len(_files(private_storage)) == 2


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"files": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00")]}, "files"),
        (
            {
                "files": [
                    SimpleUploadedFile("don.pdf", PDF),
                    SimpleUploadedFile("gia.pdf", b"not a pdf at all"),
                ]
            },
            "files",
        ),
        ({"applicant_phone": "12345"}, "applicant_phone"),
        ({"applicant_id_number": "12ab"}, "applicant_id_number"),
        ({"procedure": "9.999999"}, "procedure"),
    ],
)
def test_bad_desk_submission_changes_nothing(
    extra, field, version, one_stop, client_for, private_storage
):
    response = client_for(one_stop.user).post(
        reverse("dossiers:desk_submit"), _desk_data(version, **extra)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Dossier.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert _files(private_storage) == []


def test_desk_submission_is_for_one_stop_officers(citizen, official_a, client_for):
    assert client_for(citizen).get(reverse("dossiers:desk_submit")).status_code == 403
    assert client_for(official_a.user).get(reverse("dossiers:desk_submit")).status_code == 403


def test_citizen_submits_online(version, citizen, client_for):
    citizen.first_name, citizen.phone = "Lý Thị Sen", "0987654321"
    citizen.save()
    client = client_for(citizen)
    url = reverse("dossiers:submit_online", args=[version.procedure.code])
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="004099001234"' in form.text
    assert 'value="Lý Thị Sen"' in form.text
    data = {
        "applicant_name": "Lý Thị Sen",
        "applicant_id_number": "004099001234",
        "applicant_phone": "0987654321",
        "applicant_email": "",
        "applicant_address": "",
        "representative": "",
        "request": "",
        "files": [SimpleUploadedFile("don.pdf", PDF)],
    }
    response = client.post(url, data)
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert (d.applicant_user, d.channel, d.documents.count()) == (citizen, Channel.ONLINE, 1)
    assert client.get(reverse("dossiers:submit_online", args=["9.999999"])).status_code == 404


def test_mine_lists_only_ones_own(version, applicant, citizen, client_for):
    mine = submit(citizen, version, applicant, at(2, 3, 8))
    other_user = UserFactory.create(username="other")
    other = submit(other_user, version, applicant, at(2, 3, 9))
    page = client_for(citizen).get(reverse("dossiers:mine"))
    assert mine.code in page.text
    assert other.code not in page.text
    assert client_for(citizen).get(reverse("dossiers:index"))["Location"].endswith("/mine/")


# -- feedback and lookup ---------------------------------------------------------------------


def test_feedback_goes_to_the_centre_or_the_competent_unit(
    version, applicant, citizen, org_tree, client_for
):
    client = Client()
    with time_machine.travel(at(2, 3, 8), tick=False):
        response = client.post(
            reverse("dossiers:feedback"),
            {"name": "Hà Văn Tú", "phone": "0912345678", "email": "", "content": "Chờ lâu quá"},
        )
    assert response.status_code == 302
    entry = Feedback.objects.get()
    assert entry.unit == org_tree["service_centre"]
    # QĐ 766/QĐ-TTg: answered within 15 working days.
    assert entry.due_at == at(23, 3, 8)
    assert AuditLog.objects.filter(action="dossiers.feedback_received").count() == 1
    d = submit(citizen, version, applicant, at(2, 3, 8))
    second = feedback_submit(
        actor=citizen,
        name="An",
        phone="",
        email="an@example.vn",
        content="Hỏi",
        dossier_code=d.code,
    )
    assert second.unit == org_tree["dept_a"]
    assert second.dossier == d


def test_bad_feedback_changes_nothing(db):
    response = Client().post(
        reverse("dossiers:feedback"),
        {"name": "Tú", "phone": "123", "email": "", "content": "x", "dossier_code": "KHONG-CO"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"phone", "dossier_code"}
    assert Feedback.objects.count() == 0


def _no_match_message() -> str:
    with translation.override("vi"):
        return translation.gettext(
            "No dossier matches this code with this lookup key or phone number. Check them "
            "against your receipt."
        )


def test_lookup_by_secret_or_phone(settings, version, applicant, citizen):
    settings.LANGUAGE_CODE = "vi"  # the public page speaks Vietnamese to everyone
    d = submit(citizen, version, applicant, at(2, 3, 8))
    client = Client()
    url = reverse("dossiers:lookup")
    found = client.post(url, {"code": d.code, "secret": d.secret})
    assert found.status_code == 200
    assert d.get_status_display() in found.text
    assert d.applicant_name not in found.text  # no personal data in public
    assert found["Cache-Control"] == "private, no-store"
    by_phone = client.get(url, {"code": d.code, "phone": "0912.345.678"})
    assert by_phone.context["dossier"] == d
    wrong = client.post(url, {"code": d.code, "secret": "sai-khoa"})
    assert wrong.context["dossier"] is None
    assert _no_match_message() in wrong.text


def test_lookup_marks_a_dossier_still_in_process_past_its_appointment(
    settings, version, applicant, citizen, one_stop, official_a
):
    """The appointment passing changes the answer though the dossier does not change: the
    page (whose answer is kept per dossier version) and the API both say it is overdue."""
    settings.LANGUAGE_CODE = "vi"
    d = in_review(citizen, version, applicant, one_stop, at(2, 3, 8))
    assert d.due_at is not None
    client = Client()
    page_url = reverse("dossiers:lookup")
    api_url = f"/api/v1/public/dossiers/{d.code}"
    key = {"code": d.code, "secret": d.secret}
    with time_machine.travel(d.due_at - dt.timedelta(minutes=1), tick=False):
        page = client.get(page_url, key)
        assert "badge-late" not in page.text
        assert "phiếu xin lỗi" not in page.text
        assert client.get(api_url, {"secret": d.secret}).json()["overdue"] is False
    with time_machine.travel(d.due_at + dt.timedelta(minutes=1), tick=False):
        page = client.get(page_url, key)
        assert '<span class="badge badge-late">Quá hạn</span>' in page.text
        assert "phiếu xin lỗi, nêu rõ lý do và hẹn lại thời gian trả kết quả" in page.text
        assert client.get(api_url, {"secret": d.secret}).json()["overdue"] is True
    # Waiting for the applicant, the clock is paused: not overdue, whatever the time.
    waiting = act(official_a.user, d, "request_supplement", at(3, 3, 8), note="Thiếu bản sao")
    with time_machine.travel(d.due_at + dt.timedelta(days=1), tick=False):
        page = client.get(page_url, {"code": waiting.code, "secret": waiting.secret})
        assert "badge-late" not in page.text
        assert client.get(api_url, {"secret": d.secret}).json()["overdue"] is False


def test_lookup_is_rate_limited(db):
    client = Client(REMOTE_ADDR="2001:db8::1")
    url = reverse("dossiers:lookup")
    with time_machine.travel(at(2, 3, 8), tick=False):
        for _ in range(20):
            assert client.get(url, {"code": "X", "secret": "y"}).status_code == 200
        # Another address of the same /64 is the same subscriber.
        neighbour = Client(REMOTE_ADDR="2001:db8::2")
        limited = neighbour.get(url, {"code": "X", "secret": "y"})
        assert limited.status_code == 429
        assert Client(REMOTE_ADDR="2001:db9::1").get(url, {"code": "X"}).status_code == 200
    with time_machine.travel(at(2, 3, 8, 2), tick=False):
        assert client.get(url, {"code": "X", "secret": "y"}).status_code == 200
