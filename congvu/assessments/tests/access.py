"""Who may have each page and API operation of the assessments app (see tests/matrix.py).

Objects: this year's PAR round with the self-assessment open (Department A has a note and a
piece of evidence), a draft round for the imports, and last year's DDCI, published."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from congvu.assessments import services
from congvu.assessments.imports import CriterionRow, SurveyValue
from congvu.assessments.models import CriterionKind, CriterionLevel, RoundKind
from congvu.assessments.selectors import leaves
from tests.matrix import EVERYONE, SIGNED_IN, Case, Cast

READERS = frozenset(
    {
        "one_stop_officer",
        "specialist_a",
        "head_a",
        "official_b",
        "provincial_office",
        "appraiser",
        "administrator",
    }
)
MANAGERS = frozenset({"appraiser", "administrator"})
INSIDERS_A = frozenset(
    {"specialist_a", "head_a", "provincial_office", "appraiser", "administrator"}
)
SELF_ASSESSORS_A = frozenset({"specialist_a", "head_a", "administrator"})
SUBMITTERS_A = frozenset({"head_a", "administrator"})
PROVINCE = frozenset({"provincial_office", "appraiser", "administrator"})
NOTE = "Ghi chú tự đánh giá của Sở Tư pháp"


def _rows(kind: str) -> list[CriterionRow]:
    return [
        CriterionRow(1, "1", "", CriterionLevel.FIELD, "Công tác chỉ đạo", Decimal(10)),
        CriterionRow(2, "1.1", "1", CriterionLevel.CRITERION, "Kế hoạch", Decimal(10), kind=kind),
    ]


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 evidence", "application/pdf")


def _tree_file() -> io.BytesIO:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã", "Tiêu chí", "Điểm tối đa"])
    sheet.append(["1", "Công tác chỉ đạo", 10])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "tieu-chi.xlsx"
    return buffer


def access_cases(cast: Cast) -> list[Case]:
    appraiser = cast.users["appraiser"]
    admin = cast.users["administrator"]
    dept_a = cast.units["dept_a"]

    # This year's PAR round, open, with Department A's note and evidence.
    open_round = services.round_create(
        actor=appraiser, kind=RoundKind.PAR, year=2090, title="PAR 2090"
    )
    services.round_tree_replace(
        actor=appraiser, round=open_round, rows=_rows(CriterionKind.APPRAISAL)
    )
    services.round_open(actor=appraiser, round=open_round, working_days=10)
    mine = open_round.assessments.get(unit=dept_a)
    criterion = leaves(open_round).get()
    services.assessment_self_score(
        actor=admin, assessment=mine, entries=[services.Entry(criterion, Decimal(5), NOTE)]
    )
    evidence = services.evidence_add(actor=admin, assessment=mine, criterion=criterion, file=_pdf())

    # A draft for the imports and the bands.
    draft = services.round_create(actor=appraiser, kind=RoundKind.PAR, year=2091, title="PAR 2091")

    # Last year's DDCI, published.
    ddci = services.round_create(actor=appraiser, kind=RoundKind.DDCI, year=2089, title="DDCI 2089")
    services.round_tree_replace(actor=appraiser, round=ddci, rows=_rows(CriterionKind.SURVEY))
    services.round_enrol(actor=appraiser, round=ddci)
    component = leaves(ddci).get()
    services.survey_import(
        actor=appraiser,
        round=ddci,
        values=[SurveyValue(0, a, component, Decimal(7)) for a in ddci.assessments.all()],
    )
    services.round_compute(actor=appraiser, round=ddci)
    services.round_publish(actor=appraiser, round=ddci)
    cast.objects["assessments.open_round"] = open_round
    cast.objects["assessments.published_round"] = ddci

    r, p, a, d = open_round.pk, ddci.pk, mine.pk, draft.pk
    survey = b"\xef\xbb\xbfDon vi,Ma tieu chi,Diem\n"
    html = [
        Case("GET", "/assessments/", "assessments:index", SIGNED_IN),
        Case("GET", "/assessments/rounds/new/", "assessments:round_new", MANAGERS),
        Case("GET", f"/assessments/rounds/{r}/", "assessments:round", READERS),
        Case("GET", f"/assessments/rounds/{d}/import/", "assessments:round_import", MANAGERS),
        Case("GET", f"/assessments/rounds/{p}/survey/", "assessments:round_survey", MANAGERS),
        Case(
            "GET",
            f"/assessments/rounds/{r}/criteria.xlsx",
            "assessments:round_tree_export",
            READERS,
        ),
        Case("GET", f"/assessments/rounds/{p}/results.xlsx", "assessments:round_export", READERS),
        Case("GET", f"/assessments/units/{a}/", "assessments:assessment", INSIDERS_A, secret=NOTE),
        Case("GET", f"/assessments/evidence/{evidence.pk}/", "assessments:evidence", INSIDERS_A),
        Case("GET", f"/assessments/results/{p}/", "assessments:results", EVERYONE),
        Case("GET", "/assessments/rankings/", "assessments:rankings", PROVINCE),
        Case("GET", "/assessments/rankings/print/", "assessments:rankings_print", PROVINCE),
        Case("GET", "/assessments/rankings/export/", "assessments:rankings_export", PROVINCE),
        Case(
            "GET",
            f"/assessments/rankings/units/{dept_a.pk}/",
            "assessments:rankings_unit",
            PROVINCE,
        ),
        Case(
            "GET",
            f"/assessments/rankings/units/{dept_a.pk}/dossier_on_time/",
            "assessments:rankings_rows",
            PROVINCE,
        ),
        Case(
            "POST",
            f"/assessments/rounds/{r}/act/refresh/",
            "assessments:round_act",
            MANAGERS,
            ok=frozenset({302}),
        ),
        Case(
            "POST",
            f"/assessments/rounds/{d}/bands/",
            "assessments:round_bands",
            MANAGERS,
            ok=frozenset({302}),
            data={"bands": "90 Tốt\n0 Kém"},
        ),
        Case(
            "POST",
            f"/assessments/units/{a}/self/",
            "assessments:assessment_self",
            SELF_ASSESSORS_A,
            ok=frozenset({302}),
            data={f"p_{criterion.pk}": "6", f"t_{criterion.pk}": NOTE},
        ),
        Case(
            "POST",
            f"/assessments/units/{a}/evidence/",
            "assessments:evidence_add",
            SELF_ASSESSORS_A,
            ok=frozenset({302}),
            data={"criterion": str(criterion.pk), "file": _pdf()},
        ),
        Case(
            "POST",
            f"/assessments/units/{a}/appraise/",
            "assessments:assessment_appraise",
            MANAGERS,
            ok=frozenset({302}),
            data={f"p_{criterion.pk}": "6", f"t_{criterion.pk}": ""},
        ),
        Case(
            "POST",
            f"/assessments/units/{a}/submit/",
            "assessments:assessment_submit",
            SUBMITTERS_A,
            ok=frozenset({302}),
        ),
    ]
    api = [
        Case(
            "GET", "/api/v1/assessment-rounds/", "GET /api/v1/assessment-rounds/", READERS, api=True
        ),
        Case(
            "GET",
            f"/api/v1/assessment-rounds/{r}/",
            "GET /api/v1/assessment-rounds/{id}/",
            READERS,
            api=True,
        ),
        Case(
            "GET",
            f"/api/v1/assessment-rounds/{r}/units/",
            "GET /api/v1/assessment-rounds/{id}/units/",
            READERS,
            api=True,
        ),
        Case(
            "GET",
            f"/api/v1/unit-assessments/{a}/",
            "GET /api/v1/unit-assessments/{id}/",
            INSIDERS_A,
            api=True,
            secret=NOTE,
        ),
        Case(
            "GET",
            f"/api/v1/public/assessment-results/{p}/",
            "GET /api/v1/public/assessment-results/{id}/",
            EVERYONE,
            api=True,
        ),
        Case(
            "GET",
            "/api/v1/assessment-rankings/",
            "GET /api/v1/assessment-rankings/",
            PROVINCE,
            api=True,
        ),
        Case(
            "POST",
            "/api/v1/assessment-rounds/",
            "POST /api/v1/assessment-rounds/",
            MANAGERS,
            # The second manager asks for a year the first has just taken.
            ok=frozenset({201, 400}),
            data={"kind": "par", "year": 2095, "title": "PAR 2095"},
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/assessment-rounds/{r}/actions/",
            "POST /api/v1/assessment-rounds/{id}/actions/",
            MANAGERS,
            ok=frozenset({409}),
            data={"action": "publish"},
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/assessment-rounds/{d}/criteria-import/",
            "POST /api/v1/assessment-rounds/{id}/criteria-import/",
            MANAGERS,
            data={"file": _tree_file()},
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/assessment-rounds/{p}/survey-import/",
            "POST /api/v1/assessment-rounds/{id}/survey-import/",
            MANAGERS,
            ok=frozenset({409}),
            data={"file": SimpleUploadedFile("khao-sat.csv", survey, "text/csv")},
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/unit-assessments/{a}/self-scores/",
            "POST /api/v1/unit-assessments/{id}/self-scores/",
            SELF_ASSESSORS_A,
            data={"entries": [{"criterion": criterion.pk, "points": "7", "text": NOTE}]},
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/unit-assessments/{a}/evidence/",
            "POST /api/v1/unit-assessments/{id}/evidence/",
            SELF_ASSESSORS_A,
            ok=frozenset({201}),
            data={"criterion": criterion.pk, "file": _pdf()},
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/unit-assessments/{a}/appraisals/",
            "POST /api/v1/unit-assessments/{id}/appraisals/",
            MANAGERS,
            ok=frozenset({409}),
            data={"entries": [{"criterion": criterion.pk, "points": "7", "text": ""}]},
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/unit-assessments/{a}/submit/",
            "POST /api/v1/unit-assessments/{id}/submit/",
            SUBMITTERS_A,
            # The first sends it; the second finds it sent.
            ok=frozenset({200, 409}),
            api=True,
        ),
    ]
    # Sending the self-assessment closes it to the writes above: it goes last.
    submits = [c for c in html + api if c.route.endswith(("assessment_submit", "/submit/"))]
    return [c for c in html + api if c not in submits] + submits
