"""The official forms of a dossier (Phụ lục I, Thông tư 03/2025/TT-VPCP): their wording, who may
print them, the Word files, and the number of queries they take."""

from __future__ import annotations

import datetime as dt
import html
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congvu.dossiers import paperwork as pw
from congvu.dossiers.models import Channel, Dossier
from congvu.dossiers.services import dossier_act, dossier_document_add, dossier_submit
from congvu.procedures.models import RequiredDocument

from .conftest import at

PDF = b"%PDF-1.4\n% to khai\n"


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


def submit(citizen: Any, version: Any, applicant: Any, when: dt.datetime) -> Dossier:
    with time_machine.travel(when, tick=False):
        return dossier_submit(
            actor=citizen,
            procedure_code=version.procedure.code,
            channel=Channel.ONLINE,
            applicant=applicant,
        )


def act(user: Any, dossier: Dossier, action: str, when: dt.datetime, **kwargs: Any) -> Dossier:
    with time_machine.travel(when, tick=False):
        return dossier_act(actor=user, dossier=dossier, action=action, **kwargs)


@pytest.fixture
def journey(citizen, version, applicant, one_stop, official_a, head_a) -> Dossier:
    """Submitted online, completed once at intake, received Friday 13/02/2026 10:00 (due
    27/02 10:00 across Tết), through both steps, late, apologised for (new appointment 03/03
    10:00) and resolved."""
    RequiredDocument.objects.create(
        version=version, order=1, name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", copies=0
    )
    RequiredDocument.objects.create(
        version=version, order=2, name="Bản chụp Căn cước", originals=0, copies=1
    )
    d = submit(citizen, version, applicant, at(13, 2, 9))
    with time_machine.travel(at(13, 2, 9, 5), tick=False):
        dossier_document_add(actor=citizen, dossier=d, file=SimpleUploadedFile("to-khai.pdf", PDF))
    d = act(one_stop.user, d, "request_intake_supplement", at(13, 2, 9, 30), note="Thiếu tờ khai")
    d = act(citizen, d, "supplement", at(13, 2, 9, 50))
    d = act(one_stop.user, d, "receive", at(13, 2, 10))
    d = act(one_stop.user, d, "forward", at(13, 2, 10, 30))
    d = act(official_a.user, d, "forward", at(24, 2, 9))
    d = act(
        head_a.user, d, "apologize", at(26, 2, 11), note="Chờ xác minh", new_due_at=at(3, 3, 10)
    )
    return act(head_a.user, d, "resolve", at(3, 3, 9), note="Đã cấp phiếu")


def form_url(dossier: Dossier, form: str) -> str:
    return reverse("dossiers:paper_form", args=[dossier.code, form])


def mm(length: Any) -> int:
    assert length is not None
    return round(length.mm)


def docx_text(content: bytes) -> str:
    document = docx.Document(BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# -- Vietnamese dates ------------------------------------------------------------------------


def test_dates_are_written_as_in_administrative_documents():
    assert pw.vn_date(dt.date(2026, 2, 13)) == "ngày 13 tháng 02 năm 2026"
    # Leading zeros for days below 10 and for January and February only (NĐ 30/2020).
    assert pw.vn_date(dt.date(2026, 3, 3)) == "ngày 03 tháng 3 năm 2026"
    assert pw.vn_date(dt.date(2026, 12, 25)) == "ngày 25 tháng 12 năm 2026"
    # Times are read on Vietnam's clock whatever zone they come in.
    utc = dt.datetime(2026, 2, 27, 3, 0, tzinfo=dt.UTC)
    assert pw.vn_time(utc) == "10 giờ 00 phút"
    assert pw.vn_datetime(utc) == "10 giờ 00 phút, ngày 27 tháng 02 năm 2026"
    assert pw.vn_datetime_short(at(3, 3, 8, 5)) == "08 giờ 05 phút, ngày 03/03/2026"
    assert pw.parse_vn_date("01/02/2026") == dt.date(2026, 2, 1)
    assert pw.parse_vn_date("2026-02-01") == dt.date(2026, 2, 1)
    assert pw.parse_vn_date("31/02/2026") is None


# -- Mẫu số 01 -------------------------------------------------------------------------------


def test_receipt_has_the_official_layout_appointment_and_lookup_qr(journey, one_stop, client_for):
    response = client_for(one_stop.user).get(form_url(journey, "01"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Độc lập - Tự do - Hạnh phúc" in page
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page.upper()
    assert f"Số: {journey.code}" in page
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CAO BẰNG" in page
    assert "Cao Bằng, ngày 13 tháng 02 năm 2026" in page
    assert "Nguyễn Văn An" in page
    assert "004095001234" in page
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in page
    assert "to-khai.pdf" in page
    assert "Thời gian nhận hồ sơ: 10 giờ 00 phút, ngày 13 tháng 02 năm 2026" in page
    # The receipt keeps the appointment it was issued with, not the later one.
    assert "vào lúc 10 giờ 00 phút, ngày 27 tháng 02 năm 2026" in page
    assert "05 ngày làm việc" in page
    assert "<svg" in page
    url = pw.lookup_url(journey)
    assert url in page
    assert f"secret={journey.secret}" in url
    assert url.endswith(f"?code={journey.code}&secret={journey.secret}")
    assert "NGƯỜI NỘP HỒ SƠ" in page
    assert "NGƯỜI TIẾP NHẬN" in page
    assert "Hoàng Thị Mai" in page  # the officer who received it
    assert "site-header" not in page  # a print page, without the site's chrome
    assert "@page" in page
    assert "A5" in page


def test_receipt_as_word_file(journey, one_stop, client_for):
    response = client_for(one_stop.user).get(form_url(journey, "01"), {"format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == f'attachment; filename="Mau01-{journey.code}.docx"'
    document = docx.Document(BytesIO(response.content))
    section = document.sections[0]
    assert mm(section.page_width) == 148
    assert mm(section.page_height) == 210
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert len(document.inline_shapes) == 1  # the QR code
    text = docx_text(response.content)
    assert journey.code in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "vào lúc 10 giờ 00 phút, ngày 27 tháng 02 năm 2026" in text
    head = document.tables[0]
    motto = head.rows[0].cells[1].paragraphs[1].runs[0]
    assert (motto.text, motto.bold, motto.underline) == ("Độc lập - Tự do - Hạnh phúc", True, True)
    assert head.rows[0].cells[1].paragraphs[2].runs[0].italic


def test_receipt_only_once_received(citizen, version, applicant, client_for):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    response = client_for(citizen).get(form_url(d, "01"))
    assert response.status_code == 404
    assert "Mẫu số 01" in response.content.decode()


# -- who may print ---------------------------------------------------------------------------


def test_the_applicant_opens_their_receipt(journey, citizen, client_for):
    response = client_for(citizen).get(form_url(journey, "01"))
    assert response.status_code == 200
    assert journey.code in response.content.decode()


def test_an_outsider_gets_404(journey, outsider_b, client_for):
    client = client_for(outsider_b.user)
    for form in ("01", "02", "04", "06"):
        assert client.get(form_url(journey, form)).status_code == 404
        assert client.get(form_url(journey, form), {"format": "docx"}).status_code == 404


def test_anonymous_is_sent_to_log_in(journey, client):
    response = client.get(form_url(journey, "01"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    register = client.get(reverse("dossiers:paper_register"))
    assert register.status_code == 302
    assert register["Location"].startswith(reverse("accounts:login"))


def test_unknown_form_is_404(journey, one_stop, client_for):
    client = client_for(one_stop.user)
    assert client.get(form_url(journey, "08")).status_code == 404
    assert client.get(form_url(journey, "07")).status_code == 404  # the register has its own page
    assert client.get(reverse("dossiers:paper_form", args=["000-x", "01"])).status_code == 404


# -- Mẫu số 02 to 05 -------------------------------------------------------------------------


def test_supplement_request_lists_what_is_missing(journey, one_stop, client_for):
    client = client_for(one_stop.user)
    page = html.unescape(client.get(form_url(journey, "02")).content.decode())
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in page.upper()
    assert "1. Thiếu tờ khai" in page
    assert "Hoàng Thị Mai" in page
    assert "Cao Bằng, ngày 13 tháng 02 năm 2026" in page
    text = docx_text(client.get(form_url(journey, "02"), {"format": "docx"}).content)
    assert "Thiếu tờ khai" in text
    assert journey.code in text


def test_apology_has_both_appointments(journey, head_a, client_for):
    client = client_for(head_a.user)
    response = client.get(form_url(journey, "04"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "vào lúc 10 giờ 00 phút, ngày 27 tháng 02 năm 2026" in page
    assert "vào lúc 10 giờ 00 phút, ngày 03 tháng 3 năm 2026" in page
    assert "Chờ xác minh" in page
    assert "SỞ TƯ PHÁP" in page
    assert "Hoàng Văn Thụ" in page  # the head who signs it
    text = docx_text(client.get(form_url(journey, "04"), {"format": "docx"}).content)
    assert "ngày 27 tháng 02 năm 2026" in text
    assert "ngày 03 tháng 3 năm 2026" in text


def test_forms_that_do_not_apply_are_404_with_a_reason(journey, one_stop, client_for):
    client = client_for(one_stop.user)
    for form in ("03", "05"):
        response = client.get(form_url(journey, form))
        assert response.status_code == 404
        assert f"Mẫu số {form}" in response.content.decode()
        assert client.get(form_url(journey, form), {"format": "docx"}).status_code == 404


def test_apology_is_404_without_an_apology(citizen, version, applicant, one_stop, client_for):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "receive", at(2, 3, 8))
    assert client_for(one_stop.user).get(form_url(d, "04")).status_code == 404


def test_refusal_gives_the_reason(citizen, version, applicant, one_stop, client_for):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "refuse_intake", at(2, 3, 9), note="Không thuộc thẩm quyền")
    client = client_for(citizen)
    page = html.unescape(client.get(form_url(d, "03")).content.decode())
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in page.upper()
    assert "Không thuộc thẩm quyền" in page
    assert "Cao Bằng, ngày 02 tháng 3 năm 2026" in page
    assert client.get(form_url(d, "01")).status_code == 404
    text = docx_text(client.get(form_url(d, "03"), {"format": "docx"}).content)
    assert "Không thuộc thẩm quyền" in text


def test_notice_of_stopping_after_withdrawal(citizen, version, applicant, one_stop, client_for):
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "receive", at(2, 3, 8))
    d = act(citizen, d, "request_withdrawal", at(3, 3, 9))
    client = client_for(one_stop.user)
    assert client.get(form_url(d, "05")).status_code == 404  # asked, not yet stopped
    d = act(one_stop.user, d, "stop", at(3, 3, 10))
    page = html.unescape(client.get(form_url(d, "05")).content.decode())
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in page.upper()
    assert "Ngày 03 tháng 3 năm 2026, Ông/Bà/Tổ chức đề nghị rút hồ sơ" in page
    assert "Cao Bằng, ngày 03 tháng 3 năm 2026" in page
    text = docx_text(client.get(form_url(d, "05"), {"format": "docx"}).content)
    assert "dừng giải quyết" in text


# -- Mẫu số 06 -------------------------------------------------------------------------------


def test_control_sheet_lists_every_hand_over(journey, one_stop, official_a, head_a, client_for):
    client = client_for(official_a.user)
    response = client.get(form_url(journey, "06"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in page.upper()
    assert "Cơ quan giải quyết hồ sơ: Sở Tư pháp" in page
    assert "Thời gian hẹn trả kết quả: 10 giờ 00 phút, ngày 27 tháng 02 năm 2026" in page
    assert "Thời gian hẹn lại trả kết quả: 10 giờ 00 phút, ngày 03 tháng 3 năm 2026" in page
    transitions = list(journey.transitions.order_by("at", "id"))
    assert len(transitions) == 8
    assert page.count("Bên giao:") == len(transitions)
    assert page.count("Bên nhận:") == len(transitions)
    for t in transitions:
        assert pw.vn_datetime_short(t.at) in page
    assert "Người giao: Hoàng Thị Mai" in page
    assert "Người giao: Lục Văn Minh" in page
    assert "Người nhận: Hoàng Văn Thụ" in page  # the head's step went to the head
    assert "Người giao: Nguyễn Văn An" in page  # the applicant handed the dossier in
    assert "Chuyển xử lý: Thẩm định hồ sơ" in page
    assert "Đúng hạn" in page
    assert "Trước hạn" in page
    assert "Quá hạn" in page

    fetched = pw.paper_dossier_get(code=journey.code, user=official_a.user, form="06")
    assert fetched is not None
    sheet = pw.control_sheet_context(fetched)
    results = [row.result for row in sheet.rows]
    # submit, intake supplement, supplement, receive: no step clock yet; then the steps.
    assert results == ["", "", "", "", "Đúng hạn", "Trước hạn", "Quá hạn", "Quá hạn"]
    assert [row.giver_unit for row in sheet.rows][4:6] == [
        "Trung tâm Phục vụ hành chính công tỉnh Cao Bằng",
        "Phòng Hành chính tư pháp",
    ]

    word = client.get(form_url(journey, "06"), {"format": "docx"})
    assert word["Content-Disposition"] == f'attachment; filename="Mau06-{journey.code}.docx"'
    document = docx.Document(BytesIO(word.content))
    assert mm(document.sections[0].page_width) == 210
    grid = document.tables[-1]
    assert len(grid.rows) == 1 + len(transitions)
    text = docx_text(word.content)
    assert "Quá hạn" in text
    assert journey.code in text


def test_control_sheet_queries_do_not_grow_with_the_history(
    journey,
    citizen,
    version,
    applicant,
    one_stop,
    official_a,
    head_a,
    client_for,
    django_assert_max_num_queries,
):
    # A second dossier sent back and forth between review and approval many times.
    d = submit(citizen, version, applicant, at(2, 3, 8))
    d = act(one_stop.user, d, "receive", at(2, 3, 8))
    d = act(one_stop.user, d, "forward", at(2, 3, 9))
    for day in (2, 3):
        for hour in (10, 13, 14, 15, 16):
            d = act(official_a.user, d, "forward", at(day, 3, hour))
            d = act(head_a.user, d, "send_back", at(day, 3, hour, 30), note="Xem lại")
    assert d.transitions.count() > 2 * journey.transitions.count()

    client = client_for(official_a.user)
    client.get(form_url(journey, "06"))  # warm the login and the province cache
    for dossier in (journey, d):
        with django_assert_max_num_queries(12):
            assert client.get(form_url(dossier, "06")).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(form_url(dossier, "06"), {"format": "docx"}).status_code == 200


# -- Mẫu số 07 -------------------------------------------------------------------------------


def register_url(unit: Any, start: str = "01/02/2026", end: str = "28/02/2026") -> str:
    return f"{reverse('dossiers:paper_register')}?unit={unit.pk}&from={start}&to={end}"


def test_register_of_the_centre(journey, one_stop, client_for, org_tree):
    client = client_for(one_stop.user)
    response = client.get(register_url(org_tree["service_centre"]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "SỔ THEO DÕI HỒ SƠ" in page.upper()
    assert "Từ ngày 01/02/2026 đến ngày 28/02/2026" in page
    assert journey.code in page
    assert "Cấp Phiếu lý lịch tư pháp" in page
    assert "10:00 13/02/2026" in page
    assert "A4 landscape" in page
    # Outside the period the dossier is not listed.
    later = client.get(register_url(org_tree["service_centre"], "01/04/2026", "30/04/2026"))
    assert journey.code not in later.content.decode()

    word = client.get(register_url(org_tree["service_centre"]) + "&format=docx")
    assert word.status_code == 200
    document = docx.Document(BytesIO(word.content))
    section = document.sections[0]
    assert mm(section.page_width) == 297
    assert mm(section.page_height) == 210
    assert journey.code in docx_text(word.content)
    assert len(document.tables[-1].columns) == 11


def test_register_scope(
    journey, one_stop, outsider_b, citizen, provincial_office_user, client_for, org_tree
):
    # An official sees the registers of their own agency only.
    outsider = client_for(outsider_b.user)
    assert outsider.get(register_url(org_tree["service_centre"])).status_code == 404
    own = outsider.get(register_url(org_tree["dept_b"]))
    assert own.status_code == 200
    assert journey.code not in own.content.decode()
    # Citizens keep no register.
    assert client_for(citizen).get(register_url(org_tree["service_centre"])).status_code == 404
    # Province-wide roles see any unit's register; the competent unit's lists its dossiers too.
    wide = client_for(provincial_office_user).get(register_url(org_tree["dept_a"]))
    assert wide.status_code == 200
    assert journey.code in wide.content.decode()
    # Without a unit, an official gets their own unit's register.
    default = client_for(one_stop.user).get(reverse("dossiers:paper_register"))
    assert default.status_code == 200
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CAO BẰNG" in default.content.decode()


def test_register_rejects_bad_dates(one_stop, client_for, org_tree):
    client = client_for(one_stop.user)
    centre = org_tree["service_centre"]
    for start, end in [
        ("31/02/2026", "01/03/2026"),  # no such day
        ("10/03/2026", "01/03/2026"),  # backwards
        ("01/01/2025", "01/03/2026"),  # more than a year
    ]:
        assert client.get(register_url(centre, start, end)).status_code == 400
    one_day = register_url(centre, "01/03/2026", "01/03/2026") + "&format=docx"
    assert client.get(one_day).status_code == 200


def test_register_queries_are_bounded(
    journey, provincial_office_user, client_for, org_tree, django_assert_max_num_queries
):
    client = client_for(provincial_office_user)
    client.get(register_url(org_tree["dept_a"]))
    with django_assert_max_num_queries(8):
        assert client.get(register_url(org_tree["dept_a"])).status_code == 200
