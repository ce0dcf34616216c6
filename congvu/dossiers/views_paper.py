"""Print pages and Word downloads of the official forms of a dossier (Phụ lục I, Thông tư
03/2025/TT-VPCP): Mẫu số 01–06 for one dossier, Mẫu số 07 (the register) for a unit and a
period. Only those who may see the dossier get its forms; everyone else gets a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from congvu.dossiers import paperwork as pw
from congvu.dossiers import paperwork_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Each form prints on its own page template (@page size and margins, Nghị định 30/2020/NĐ-CP).
_TEMPLATES = {
    "01": "dossiers/paper/form01.html",
    "02": "dossiers/paper/form02.html",
    "03": "dossiers/paper/form03.html",
    "04": "dossiers/paper/form04.html",
    "05": "dossiers/paper/form05.html",
    "06": "dossiers/paper/form06.html",
}


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


# CSS @page size and margins (top right bottom left; Nghị định 30/2020/NĐ-CP, Phụ lục I gives
# 20–25 mm top and bottom, 30–35 mm left, 15–20 mm right on A4, narrower on A5), and the class
# that draws the sheet on screen, per paper of FormSpec.page.
_PAPER = {
    "A5": ("A5 portrait", "12mm 10mm 15mm 15mm", "a5"),
    "A4": ("A4 portrait", "20mm 15mm 20mm 30mm", "a4"),
    "A4 landscape": ("A4 landscape", "15mm 15mm 15mm 20mm", "a4l"),
}


def _page(spec: pw.FormSpec) -> dict[str, Any]:
    size, margin, sheet = _PAPER[spec.page]
    return {"spec": spec, "page_size": size, "page_margin": margin, "sheet_class": sheet}


@login_required
def paper_form(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """Mẫu số `form` of dossier `code`: the print page, or `?format=docx` for the Word file."""
    spec = pw.FORMS.get(form)
    if spec is None or form not in _TEMPLATES:
        raise Http404
    dossier = pw.paper_dossier_get(code=code, user=request.user, form=form)
    if dossier is None:
        raise Http404
    try:
        context = pw.form_context(form, dossier)
    except pw.FormNotApplicableError as error:
        return render(
            request,
            "dossiers/paper/not_applicable.html",
            {"spec": spec, "dossier": dossier, "reason": str(error)},
            status=404,
        )
    if request.GET.get("format") == "docx":
        return _docx_response(
            paperwork_docx.form_docx(form, context), f"Mau{form}-{dossier.code}.docx"
        )
    extra: dict[str, Any] = {}
    if form == "01":
        extra["qr"] = mark_safe(pw.qr_svg(context.lookup_url))  # noqa: S308 - segno's own SVG
    return render(
        request,
        _TEMPLATES[form],
        {
            **_page(spec),
            "paper": context,
            "dossier": dossier,
            "docx_url": f"{request.path}?format=docx",
            **extra,
        },
    )


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@login_required
def paper_register(request: HttpRequest) -> HttpResponse:
    """Mẫu số 07: the register of dossiers of a unit over a period, `?unit=<id>&from=dd/mm/yyyy
    &to=dd/mm/yyyy`, as a print page or (`&format=docx`) a Word file."""
    units = pw.register_units(user=request.user)
    if not units:
        raise Http404
    by_id = {unit.pk: unit for unit in units}
    raw_unit = request.GET.get("unit", "")
    if raw_unit:
        if not raw_unit.isdigit() or int(raw_unit) not in by_id:
            raise Http404
        unit = by_id[int(raw_unit)]
    else:
        official = pw.official_of(request.user)
        unit = by_id.get(official.unit_id if official else -1, units[0])

    today = dt.datetime.now(tz=pw.VIETNAM).date()
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    start = pw.parse_vn_date(raw_from) if raw_from else _month_start(today)
    end = pw.parse_vn_date(raw_to) if raw_to else today
    error = ""
    if start is None or end is None or start > end or (end - start).days >= pw.REGISTER_MAX_DAYS:
        error = _(
            "Enter two dates as dd/mm/yyyy, the first not after the second and at most a year "
            "apart."
        )
        start, end = _month_start(today), today

    spec = pw.FORMS["07"]
    register = pw.register_context(user=request.user, unit=unit, start=start, end=end)
    query = {"unit": str(unit.pk), "from": pw.vn_day(start), "to": pw.vn_day(end)}
    if request.GET.get("format") == "docx" and not error:
        filename = f"Mau07-{unit.code or unit.pk}-{start:%Y%m%d}-{end:%Y%m%d}.docx"
        return _docx_response(paperwork_docx.register_docx(register), filename)
    return render(
        request,
        "dossiers/paper/form07.html",
        {
            **_page(spec),
            "paper": register,
            "units": units,
            "unit": unit,
            "start": pw.vn_day(start),
            "end": pw.vn_day(end),
            "error": error,
            "docx_url": f"{request.path}?{urlencode({**query, 'format': 'docx'})}",
        },
        status=400 if error else 200,
    )
