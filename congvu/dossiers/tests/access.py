"""Who may have the one-stop shop's pages and API (see tests/matrix.py).

A dossier is seen by its applicant, by the officials of the agencies it was received at, is
competent for or now sits at, and by the province-wide roles; nobody else learns that it
exists (404). Worklists are for officials, desk entry for one-stop officers; the public lookup
and the feedback form are for everyone.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congvu.dossiers.models import Dossier
from congvu.dossiers.services import (
    Applicant,
    dossier_act,
    dossier_document_add,
    dossier_submit,
)
from congvu.dossiers.tests.conftest import make_version
from congvu.organizations.models import Official
from tests.matrix import EVERYONE, SIGNED_IN, Case, Cast

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = Applicant(
    name="Đinh Thị Phương Thảo",
    id_number="004099001234",
    phone="0912345678",
    email="thao@example.vn",
    address="Tổ 5, phường Thục Phán",
)
# Who sees citizen A's dossier at Department A, received at the provincial centre.
SEES_DOSSIER = frozenset(
    {
        "citizen_a",
        "one_stop_officer",
        "specialist_a",
        "head_a",
        "provincial_office",
        "appraiser",
        "administrator",
    }
)
OFFICIALS = frozenset(
    {"one_stop_officer", "specialist_a", "head_a", "official_b", "provincial_office", "appraiser"}
)
# The register (Mẫu 07) of a unit: officials of an agency, province-wide roles, administrators.
REGISTER = OFFICIALS | {"administrator"}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def dossiers(cast: Cast) -> tuple[Dossier, Dossier, Dossier]:
    """Citizen A's dossiers of Department A, received at the provincial centre: two received
    (with a file, at the receiving step), one submitted online and not yet received."""
    if "dossier_received" not in cast.objects:
        version = make_version(cast.units["dept_a"], code="1.000777")
        citizen = cast.users["citizen_a"]
        desk = cast.users["one_stop_officer"]
        made = []
        for _n in range(3):
            made.append(
                dossier_submit(
                    actor=citizen,
                    procedure_code=version.procedure.code,
                    channel=2,
                    applicant=APPLICANT,
                )
            )
        for received in made[:2]:
            dossier_document_add(actor=citizen, dossier=received, file=_pdf("to-khai.pdf"))
            dossier_act(actor=desk, dossier=received, action="receive")
        cast.objects["dossier_received"] = Dossier.objects.get(pk=made[0].pk)
        cast.objects["dossier_received_2"] = Dossier.objects.get(pk=made[1].pk)
        cast.objects["dossier_waiting"] = made[2]
    return (
        cast.objects["dossier_received"],
        cast.objects["dossier_received_2"],
        cast.objects["dossier_waiting"],
    )


def access_cases(cast: Cast) -> list[Case]:
    received, other, waiting = dossiers(cast)
    code = received.code
    procedure_code = received.procedure_version.procedure.code
    document = received.documents.get()
    dept_a = cast.units["dept_a"]
    specialist = Official.objects.get(user=cast.users["specialist_a"])
    upload = io.BytesIO(PDF)
    upload.name = "giay-to-bo-sung.pdf"
    secret = APPLICANT.name
    return [
        Case("GET", reverse("dossiers:index"), "dossiers:index", SIGNED_IN, frozenset({302})),
        Case(
            "GET",
            f"{reverse('dossiers:lookup')}?code={code}&secret={received.secret}",
            "dossiers:lookup",
            EVERYONE,
        ),
        Case("GET", reverse("dossiers:worklist"), "dossiers:worklist", OFFICIALS),
        Case("GET", reverse("dossiers:mine"), "dossiers:mine", SIGNED_IN),
        Case(
            "GET",
            reverse("dossiers:desk_submit"),
            "dossiers:desk_submit",
            frozenset({"one_stop_officer"}),
        ),
        Case(
            "GET",
            reverse("dossiers:submit_online", args=[procedure_code]),
            "dossiers:submit_online",
            SIGNED_IN,
        ),
        Case("GET", reverse("dossiers:feedback"), "dossiers:feedback", EVERYONE),
        Case(
            "GET",
            f"{reverse('dossiers:paper_register')}?unit={dept_a.pk}",
            "dossiers:paper_register",
            # Department A's register: its own officials and the province-wide roles.
            frozenset(
                {"specialist_a", "head_a", "provincial_office", "appraiser", "administrator"}
            ),
        ),
        Case(
            "GET",
            reverse("dossiers:detail", args=[code]),
            "dossiers:detail",
            SEES_DOSSIER,
            secret=secret,
        ),
        Case(
            "GET",
            reverse("dossiers:paper_form", args=[code, "06"]),
            "dossiers:paper_form",
            SEES_DOSSIER,
            secret=secret,
        ),
        Case(
            "GET",
            reverse("dossiers:document", args=[code, document.pk]),
            "dossiers:document",
            SEES_DOSSIER,
        ),
        # Sending a received dossier on from the receiving step is the one-stop officer's
        # alone (the step's position at the receiving unit).
        Case(
            "POST",
            reverse("dossiers:act", args=[code]),
            "dossiers:act",
            frozenset({"one_stop_officer"}),
            frozenset({302}),
            data={"action": "forward", "expected_step": received.current_step_id or ""},
            secret=secret,
        ),
        Case("GET", "/api/v1/dossiers/", "GET /api/v1/dossiers/", SIGNED_IN, api=True),
        Case(
            "GET",
            f"/api/v1/dossiers/{code}/",
            "GET /api/v1/dossiers/{code}/",
            SEES_DOSSIER,
            api=True,
            secret=secret,
        ),
        Case(
            "GET",
            f"/api/v1/dossiers/{code}/actions/",
            "GET /api/v1/dossiers/{code}/actions/",
            SEES_DOSSIER,
            api=True,
        ),
        Case(
            "GET",
            f"/api/v1/public/dossiers/{code}?secret={received.secret}",
            "GET /api/v1/public/dossiers/{code}",
            EVERYONE,
            api=True,
        ),
        Case(
            "POST",
            "/api/v1/dossiers/",
            "POST /api/v1/dossiers/",
            SIGNED_IN,
            frozenset({201}),
            data={
                "procedure": procedure_code,
                "channel": 2,
                "applicant": {
                    "name": APPLICANT.name,
                    "id_number": APPLICANT.id_number,
                    "phone": APPLICANT.phone,
                },
                "request": "Cấp phiếu",
            },
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/dossiers/{other.code}/actions/",
            "POST /api/v1/dossiers/{code}/actions/",
            frozenset({"one_stop_officer"}),
            data={
                "action": "forward",
                "expected_step": other.current_step_id,
                "note": f"Chuyển {specialist.full_name}",
            },
            api=True,
        ),
        # Files are added by the parties while the dossier waits for receipt: the applicant
        # and the officers of the unit that receives it.
        Case(
            "POST",
            f"/api/v1/dossiers/{waiting.code}/documents/",
            "POST /api/v1/dossiers/{code}/documents/",
            frozenset({"citizen_a", "one_stop_officer"}),
            frozenset({201}),
            data={"file": upload, "kind": "application"},
            api=True,
        ),
    ]
