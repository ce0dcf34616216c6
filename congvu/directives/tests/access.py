"""Who may have the task pages and API (see tests/matrix.py).

Directing documents are the administration's records: officials see them all, others only
the public ones, whose public page anyone may read. A task is seen by the units that lead or
coordinate it, its assignee, its accountable head, whoever gave it and the province-wide roles;
reports are written by the lead unit's people, tasks and documents given by heads and the
province-wide roles.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from congvu.directives import services
from congvu.directives.models import DirectingDocument, DocumentKind, Task
from tests.matrix import EVERYONE, SIGNED_IN, Case, Cast

OFFICIALS = frozenset(
    {"one_stop_officer", "specialist_a", "head_a", "official_b", "provincial_office", "appraiser"}
)
# Any official, and the administrator: who reads a document that is not public.
READS_DOCUMENTS = OFFICIALS | {"administrator"}
PROVINCE_WIDE = frozenset({"provincial_office", "appraiser", "administrator"})
# Department A leads the task: its people and the province-wide roles see it.
SEES_TASK_OF_A = frozenset({"specialist_a", "head_a"}) | PROVINCE_WIDE
LEAD_OF_A = frozenset({"specialist_a", "head_a"})
ASSIGNS_HTML = frozenset({"provincial_office", "head_a", "administrator"})
# The services let every province-wide role (the appraiser too) and heads give tasks and
# record documents through the API.
ASSIGNS_API = ASSIGNS_HTML | {"appraiser"}


def objects(cast: Cast) -> tuple[DirectingDocument, DirectingDocument, Task]:
    """A public directive, an internal one, and a task of Department A under the first."""
    if "directive_public" not in cast.objects:
        office = cast.users["provincial_office"]
        province = cast.units["province"]
        public = services.document_create(
            actor=office,
            number="15/CT-UBND",
            kind=DocumentKind.DIRECTIVE,
            issuer=province,
            issued_on=dt.date(2026, 2, 20),
            title="Về tăng cường kỷ luật, kỷ cương hành chính",
            is_public=True,
        )
        internal = services.document_create(
            actor=office,
            number="88/TB-VP",
            kind=DocumentKind.CONCLUSION,
            issuer=province,
            issued_on=dt.date(2026, 2, 21),
            title="Kết luận họp giao ban nội bộ quý I",
            is_public=False,
        )
        task = services.task_assign(
            actor=office,
            lead_unit=cast.units["dept_a"],
            document=public,
            title="Rà soát quy chế làm việc của Sở",
            due_on=timezone.localdate() + dt.timedelta(days=30),
            coordinating_units=[cast.units["commune"]],
        )
        cast.objects.update(directive_public=public, directive_internal=internal, task_a=task)
    return (
        cast.objects["directive_public"],
        cast.objects["directive_internal"],
        cast.objects["task_a"],
    )


def access_cases(cast: Cast) -> list[Case]:
    public, internal, task = objects(cast)
    dept_a = cast.units["dept_a"]
    report = {"percent": 30, "text": "Đã rà soát xong dự thảo."}
    return [
        Case("GET", reverse("directives:mine"), "directives:mine", SIGNED_IN),
        Case("GET", reverse("directives:new"), "directives:new", ASSIGNS_HTML),
        Case("GET", reverse("directives:desk"), "directives:desk", OFFICIALS),
        Case("GET", reverse("directives:board"), "directives:board", PROVINCE_WIDE),
        Case("GET", reverse("directives:board_export"), "directives:board_export", PROVINCE_WIDE),
        Case("GET", reverse("directives:documents"), "directives:documents", SIGNED_IN),
        Case(
            "GET",
            reverse("directives:document", args=[internal.pk]),
            "directives:document",
            READS_DOCUMENTS,
            secret=internal.title,
        ),
        Case(
            "GET",
            reverse("directives:document_export", args=[internal.pk]),
            "directives:document_export",
            READS_DOCUMENTS,
        ),
        Case(
            "GET",
            reverse("directives:document_import", args=[public.pk]),
            "directives:document_import",
            ASSIGNS_HTML,
        ),
        Case(
            "GET",
            reverse("directives:scorecard", args=[dept_a.pk]),
            "directives:scorecard",
            frozenset({"specialist_a", "head_a"}) | PROVINCE_WIDE,
        ),
        Case("GET", reverse("directives:public", args=[public.pk]), "directives:public", EVERYONE),
        # An internal document has no public page, for anyone.
        Case(
            "GET",
            reverse("directives:public", args=[internal.pk]),
            "directives:public",
            frozenset(),
            secret=internal.title,
        ),
        Case(
            "GET",
            reverse("directives:task", args=[task.pk]),
            "directives:task",
            SEES_TASK_OF_A,
            secret=task.title,
        ),
        Case(
            "POST",
            reverse("directives:act", args=[task.pk, "report"]),
            "directives:act",
            LEAD_OF_A,
            frozenset({302}),
            data=report,
            secret=task.title,
        ),
        Case("GET", "/api/v1/documents/", "GET /api/v1/documents/", SIGNED_IN, api=True),
        Case(
            "GET",
            f"/api/v1/documents/{internal.pk}/",
            "GET /api/v1/documents/{id}/",
            READS_DOCUMENTS,
            api=True,
            secret=internal.title,
        ),
        Case("GET", "/api/v1/tasks/", "GET /api/v1/tasks/", SIGNED_IN, api=True),
        Case(
            "GET",
            f"/api/v1/tasks/{task.pk}/",
            "GET /api/v1/tasks/{id}/",
            SEES_TASK_OF_A,
            api=True,
            secret=task.title,
        ),
        Case(
            "GET",
            f"/api/v1/tasks/{task.pk}/reports/",
            "GET /api/v1/tasks/{id}/reports/",
            SEES_TASK_OF_A,
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/tasks/{task.pk}/reports/",
            "POST /api/v1/tasks/{id}/reports/",
            LEAD_OF_A,
            frozenset({201}),
            data=report,
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/tasks/{task.pk}/actions/",
            "POST /api/v1/tasks/{id}/actions/",
            LEAD_OF_A,
            data={"action": "report", **report},
            api=True,
        ),
        Case(
            "POST",
            "/api/v1/documents/",
            "POST /api/v1/documents/",
            ASSIGNS_API,
            # The first allowed actor records it; those after are told its number is taken.
            frozenset({201, 400}),
            data={
                "number": "21/KH-UBND",
                "kind": DocumentKind.PLAN,
                "issuer": cast.units["province"].pk,
                "issued_on": "2026-03-01",
                "title": "Kế hoạch cải cách hành chính năm 2026",
            },
            api=True,
        ),
        Case(
            "POST",
            "/api/v1/tasks/",
            "POST /api/v1/tasks/",
            ASSIGNS_API,
            frozenset({201}),
            data={
                "lead_unit": dept_a.pk,
                "title": "Tổng hợp báo cáo tháng",
                "due_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            },
            api=True,
        ),
    ]
