"""Files of a dossier: content sniffed from the bytes, limits of size and number, sanitised
names, private storage, and downloads that never run what the public uploaded."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from congvu.dossiers import uploads
from congvu.dossiers.models import Channel, DossierDocument
from congvu.dossiers.services import dossier_document_add, dossier_submit

from .conftest import at

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Tờ khai")
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "Bảng kê"
    book.save(out)
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def dossier(version, applicant, citizen):
    with time_machine.travel(at(2, 3, 8), tick=False):
        return dossier_submit(
            actor=citizen,
            procedure_code=version.procedure.code,
            channel=Channel.ONLINE,
            applicant=applicant,
        )


# Sniffing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("don.pdf", PDF, uploads.PDF),
        ("anh.png", PNG, uploads.PNG),
        ("anh.jpg", JPEG, uploads.JPEG),
        ("anh.JPEG", JPEG, uploads.JPEG),
        ("to-khai.docx", docx_bytes(), uploads.DOCX),
        ("bang-ke.xlsx", xlsx_bytes(), uploads.XLSX),
    ],
)
def test_accepted_formats_are_recognised_by_content(name, content, expected):
    accepted = uploads.upload_validate(upload(name, content))
    assert accepted.content_type == expected
    assert accepted.size == len(content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # The name promises one thing, the bytes are another.
        ("don.pdf", b"<html><script>alert(1)</script></html>"),
        ("anh.png", JPEG),
        ("anh.jpg", PDF),
        ("to-khai.docx", xlsx_bytes()),
        ("bang-ke.xlsx", docx_bytes()),
        # A ZIP that is no Office document, and one that declares no main part.
        ("to-khai.docx", zip_bytes({"a.txt": b"x"})),
        ("to-khai.docx", zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b""})),
        ("to-khai.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(name, content):
    with pytest.raises(ValidationError, match="does not match"):
        uploads.upload_validate(upload(name, content))


def test_a_docx_with_a_macro_project_is_refused():
    clean = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    entries = {info.filename: clean.read(info) for info in clean.infolist()}
    entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    with pytest.raises(ValidationError, match="does not match"):
        uploads.upload_validate(upload("to-khai.docx", zip_bytes(entries)))


@pytest.mark.parametrize("name", ["chay.exe", "trang.html", "trang.svg", "kich-ban.js", "khong"])
def test_other_types_are_refused_whatever_their_content(name):
    with pytest.raises(ValidationError, match="Only PDF"):
        uploads.upload_validate(upload(name, PDF))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        uploads.upload_validate(upload("don.pdf", b""))


# Names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\An\\Tờ khai.pdf", "Tờ khai.pdf"),
        ("Tờ khai <bổ sung>.pdf", "Tờ khai _bổ sung_.pdf"),
        # A right-to-left override would show "fdp.exe" as "exe.pdf".
        ("hoa\u202efdp.exe", "hoa_fdp.exe"),
        ("a\x00b\nc.PDF", "a_b_c.pdf"),
        (".pdf", "pdf"),
        ("", "tep"),
        # Decomposed Vietnamese (as macOS writes names) is stored composed.
        ("To\u0302\u0300 khai.pdf", "Tồ khai.pdf"),
    ],
)
def test_names_are_sanitised(raw, expected):
    assert uploads.safe_name(raw) == expected


def test_a_long_name_is_cut_but_keeps_its_ending():
    name = uploads.safe_name("d" * 300 + ".docx")
    assert len(name) == 120
    assert name.endswith(".docx")


# Limits ------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(dossier, citizen, settings):
    settings.DOSSIER_UPLOAD_MAX_BYTES = 1024
    big = upload("don.pdf", PDF + b"0" * 1024)
    with pytest.raises(ValidationError, match="larger than"):
        dossier_document_add(actor=citizen, dossier=dossier, file=big)
    assert not dossier.documents.exists()


def test_a_dossier_holds_a_limited_number_of_files(dossier, citizen, settings):
    settings.DOSSIER_UPLOAD_MAX_FILES = 2
    for n in range(2):
        dossier_document_add(actor=citizen, dossier=dossier, file=upload(f"{n}.pdf", PDF))
    with pytest.raises(ValidationError, match="at most 2 files"):
        dossier_document_add(actor=citizen, dossier=dossier, file=upload("3.pdf", PDF))
    assert dossier.documents.count() == 2


def test_a_dossier_holds_a_limited_total_size(dossier, citizen, settings):
    settings.DOSSIER_UPLOAD_MAX_TOTAL_MB = 1
    half = PDF + b"0" * (600 * 1024)
    dossier_document_add(actor=citizen, dossier=dossier, file=upload("1.pdf", half))
    with pytest.raises(ValidationError, match="1 MB in all"):
        dossier_document_add(actor=citizen, dossier=dossier, file=upload("2.pdf", half))


def test_too_many_files_in_one_form_are_refused_before_reading(
    dossier, citizen, client_for, settings
):
    settings.DOSSIER_UPLOAD_MAX_FILES = 2
    files = [upload(f"{n}.pdf", PDF, "application/pdf") for n in range(3)]
    response = client_for(citizen).post(
        reverse("dossiers:submit_online", args=[dossier.procedure_version.procedure.code]),
        {
            "applicant_name": "Nguyễn Văn An",
            "applicant_id_number": "004095001234",
            "applicant_phone": "0912345678",
            "request": "Cấp phiếu",
            "files": files,
        },
    )
    assert response.status_code == 400
    assert "Choose at most 2 files" in response.text


# Who may add ---------------------------------------------------------------------------------


def test_someone_with_no_part_in_the_dossier_is_refused(
    dossier, outsider_b, provincial_office_user
):
    for stranger in (outsider_b.user, provincial_office_user):
        with pytest.raises(PermissionDenied):
            dossier_document_add(actor=stranger, dossier=dossier, file=upload("x.pdf", PDF))
    assert not dossier.documents.exists()


def test_the_api_refuses_a_reader_who_is_no_party_with_403(
    dossier, provincial_office_user, api_client_for
):
    response = api_client_for(provincial_office_user).post(
        f"/api/v1/dossiers/{dossier.code}/documents/",
        {"file": io.BytesIO(PDF), "kind": "application"},
        format="multipart",
    )
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}


# Storage and download ------------------------------------------------------------------------


def test_files_are_stored_privately_under_a_name_of_ours(dossier, citizen):
    document = dossier_document_add(
        actor=citizen, dossier=dossier, file=upload("../../trang.pdf", PDF, "text/html")
    )
    assert document.original_name == "trang.pdf"
    assert document.content_type == uploads.PDF  # sniffed, not the browser's "text/html"
    stored = Path(document.file.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_ROOT))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "trang" not in stored.name


@pytest.mark.parametrize(
    ("name", "content", "disposition", "sandboxed"),
    [
        ("don.pdf", PDF, "inline", False),
        ("anh.png", PNG, "inline", True),
        ("anh.jpg", JPEG, "inline", True),
        ("to-khai.docx", docx_bytes(), "attachment", False),
        ("bang-ke.xlsx", xlsx_bytes(), "attachment", False),
    ],
)
def test_downloads_show_only_safe_types_inline(
    dossier, citizen, client_for, name, content, disposition, sandboxed
):
    document = dossier_document_add(actor=citizen, dossier=dossier, file=upload(name, content))
    response = client_for(citizen).get(
        reverse("dossiers:document", args=[dossier.code, document.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == document.content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    if sandboxed:
        assert "sandbox" in response["Content-Security-Policy"]
        assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_document_row_keeps_the_sniffed_type(dossier, citizen):
    dossier_document_add(actor=citizen, dossier=dossier, file=upload("anh.png", PNG, "text/html"))
    assert DossierDocument.objects.get().content_type == "image/png"
