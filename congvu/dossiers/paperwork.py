"""The official forms of a dossier (Phụ lục I, Thông tư 03/2025/TT-VPCP), as plain data.

Each form has a context builder that reads one dossier (fetched by `paper_dossier_get` with
everything the form needs joined or prefetched, so the number of queries does not grow with the
dossier's history) and returns a frozen dataclass. The HTML pages (`views_paper`) and the Word
files (`paperwork_docx`) are both rendered from these, so the two never disagree.

The forms are official Vietnamese documents: their wording is Vietnamese and is not translated.
Dates and times are written the way Nghị định 30/2020/NĐ-CP (Phụ lục I) prescribes for
administrative documents, in Vietnam's time zone.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from congvu.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierTransition,
    Status,
    SupplementRequest,
    Timeliness,
)
from congvu.organizations.models import Official, Unit
from congvu.organizations.selectors import agency_paths_for, province_get
from congvu.procedures.models import ProcedureVersion, ProcessStep

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


class FormNotApplicableError(Exception):
    """The form does not apply to the dossier's history (no refusal, no apology, ...)."""


@dataclass(frozen=True)
class FormSpec:
    """One form of Phụ lục I: its number, its official title and the paper it is printed on."""

    number: str
    title: str
    page: str  # "A5", "A4" or "A4 landscape"

    @property
    def label(self) -> str:
        return f"Mẫu số {self.number}. {self.title}"


# Phụ lục I, Thông tư 03/2025/TT-VPCP. Forms are printed on A5 except the control sheet and the
# register (domain.md §6).
FORMS: dict[str, FormSpec] = {
    "01": FormSpec("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5"),
    "02": FormSpec("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5"),
    "03": FormSpec("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5"),
    "04": FormSpec("04", "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết", "A5"),
    "05": FormSpec("05", "Thông báo dừng giải quyết hồ sơ", "A5"),
    "06": FormSpec("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A4"),
    "07": FormSpec("07", "Sổ theo dõi hồ sơ", "A4 landscape"),
}


# -- dates and times -------------------------------------------------------------------------


def local(moment: dt.datetime) -> dt.datetime:
    """`moment` on Vietnam's clock."""
    return moment.astimezone(VIETNAM)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return local(value).date() if isinstance(value, dt.datetime) else value


def vn_date(value: dt.date | dt.datetime) -> str:
    """The date as written in a document, "ngày 13 tháng 02 năm 2026". Days below 10 and the
    months 1 and 2 take a leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I), so
    "ngày 03 tháng 3 năm 2026"."""
    day = _day(value)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_time(moment: dt.datetime) -> str:
    """The time as written in a document, "10 giờ 00 phút"."""
    at = local(moment)
    return f"{at.hour:02d} giờ {at.minute:02d} phút"


def vn_datetime(moment: dt.datetime | None) -> str:
    """Time and date, "10 giờ 00 phút, ngày 27 tháng 02 năm 2026", or an empty string."""
    if moment is None:
        return ""
    return f"{vn_time(moment)}, {vn_date(moment)}"


def vn_day(value: dt.date | dt.datetime | None) -> str:
    """The date in figures, "13/02/2026", or an empty string."""
    if value is None:
        return ""
    return f"{_day(value):%d/%m/%Y}"


def vn_datetime_short(moment: dt.datetime | None) -> str:
    """Time and date in figures, "10 giờ 00 phút, ngày 13/02/2026", for the control sheet."""
    if moment is None:
        return ""
    return f"{vn_time(moment)}, ngày {vn_day(moment)}"


def vn_hhmm_day(moment: dt.datetime | None) -> str:
    """Time and date in short, "10:00 13/02/2026", for the narrow columns of the register."""
    if moment is None:
        return ""
    return f"{local(moment):%H:%M} {vn_day(moment)}"


def parse_vn_date(text: str) -> dt.date | None:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd, as date inputs send it), or None."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=VIETNAM).date()
        except ValueError:
            continue
    return None


_TIME_UNITS: dict[str, str] = {
    ProcedureVersion.TimeUnit.WORKING_DAYS: "ngày làm việc",
    ProcedureVersion.TimeUnit.WORKING_HOURS: "giờ làm việc",
    ProcedureVersion.TimeUnit.CALENDAR_DAYS: "ngày",
}


def _processing_time(version: ProcedureVersion) -> str:
    amount = Decimal(version.processing_time).normalize()
    number = f"{amount:f}".replace(".", ",")  # Vietnamese decimal comma
    if amount == amount.to_integral_value() and amount < 10:
        number = f"{int(amount):02d}"
    return f"{number} {_TIME_UNITS.get(version.processing_unit, 'ngày làm việc')}"


# -- places and letterheads ------------------------------------------------------------------


_COMMITTEE_PREFIXES = ("Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND ")
_LEVEL_PREFIXES = ("tỉnh ", "thành phố ", "xã ", "phường ", "đặc khu ")


def _place_name(name: str) -> str:
    for prefix in _COMMITTEE_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    for prefix in _LEVEL_PREFIXES:
        if name.lower().startswith(prefix):
            return name[len(prefix) :]
    return name


def place_for(unit: Unit) -> str:
    """The place name a document of `unit` is dated at: its commune for a commune's units,
    otherwise the province (Nghị định 30/2020/NĐ-CP, Phụ lục I: địa danh)."""
    for candidate in (unit, unit.parent):
        if candidate is not None and candidate.kind == Unit.Kind.COMMUNE_COMMITTEE:
            return _place_name(candidate.name)
    province = province_get()
    return _place_name(province.name) if province is not None else settings.CONGVU_PROVINCE_NAME


@dataclass(frozen=True)
class Letterhead:
    """The two-column head of an administrative document: the issuing agency under its parent
    on the left, the national name and motto with the place and date on the right."""

    parent: str
    agency: str
    number: str
    place_date: str
    nation: str = NATION
    motto: str = MOTTO


def letterhead(unit: Unit, *, number: str, on: dt.date | dt.datetime | None) -> Letterhead:
    """`unit.parent` must have been joined by the query that fetched `unit`."""
    parent = unit.parent.name.upper() if unit.parent is not None else ""
    dated = f"{place_for(unit)}, {vn_date(on)}" if on is not None else ""
    return Letterhead(parent=parent, agency=unit.name.upper(), number=number, place_date=dated)


# -- the lookup link and its QR code ---------------------------------------------------------


def lookup_url(dossier: Dossier) -> str:
    """The public lookup page of the dossier, with its code and lookup key filled in."""
    query = urlencode({"code": dossier.code, "secret": dossier.secret})
    return f"{settings.SITE_URL.rstrip('/')}{reverse('dossiers:lookup')}?{query}"


def qr_svg(data: str) -> str:
    """An inline SVG QR code, sized by the page's CSS."""
    qr = segno.make(data, error="m")
    svg: str = qr.svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None, title="QR"
    )
    return svg


def qr_png(data: str, *, scale: int = 6) -> bytes:
    qr = segno.make(data, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


# -- reading a dossier for its papers --------------------------------------------------------


def _transitions() -> Prefetch[Any]:
    rows = DossierTransition.objects.select_related(
        "giver__official__unit", "receiver", "receiver_unit", "to_step"
    ).order_by("at", "id")
    return Prefetch("transitions", queryset=rows)


# What each form reads besides the dossier and its units: a fixed list, so the number of
# queries never depends on how long the dossier's history is.
_PREFETCH: dict[str, Callable[[], list[Any]]] = {
    "01": lambda: [
        _transitions(),
        "procedure_version__documents",
        Prefetch(
            "documents",
            queryset=DossierDocument.objects.exclude(kind=DossierDocument.Kind.RESULT),
        ),
    ],
    "02": lambda: [
        Prefetch(
            "supplement_requests",
            queryset=SupplementRequest.objects.select_related(
                "requested_by__official__unit"
            ).order_by("requested_at", "id"),
        )
    ],
    "03": lambda: [_transitions()],
    "04": list,
    "05": lambda: [_transitions()],
    "06": lambda: [
        _transitions(),
        Prefetch(
            "procedure_version__steps",
            queryset=ProcessStep.objects.select_related("unit").order_by("order"),
        ),
    ],
}


def paper_dossier_get(*, code: str, user: Any, form: str) -> Dossier | None:
    """The dossier `user` may see, with what form `form` needs, or None."""
    related = [
        "procedure_version__procedure",
        "received_unit__parent",
        "competent_unit__parent",
    ]
    if form == "04":
        related += [
            "apology__responsible_unit",
            "apology__responsible_official",
            "apology__issued_by__official",
        ]
    return (
        Dossier.objects.visible_to(user)
        .select_related(*related)
        .prefetch_related(*_PREFETCH.get(form, list)())
        .filter(code=code)
        .first()
    )


def official_of(user: Any) -> Official | None:
    if user is None:
        return None
    try:
        official: Official = user.official
    except ObjectDoesNotExist:
        return None
    return official


def _person(user: Any) -> str:
    official = official_of(user)
    if official is not None:
        return official.full_name
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _last(transitions: Iterable[DossierTransition], action: str) -> DossierTransition | None:
    found = None
    for transition in transitions:
        if transition.action == action:
            found = transition
    return found


# -- the applicant ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    address: str
    phone: str
    email: str
    representative: str


def _applicant(dossier: Dossier) -> Applicant:
    return Applicant(
        name=dossier.applicant_name,
        id_number=dossier.applicant_id_number,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        representative=dossier.representative,
    )


def _sentence(text: str) -> str:
    """`text` ending with a full stop, as a sentence of the form."""
    text = text.strip()
    return text if not text or text[-1] in ".!?:;…" else f"{text}."


def _request_text(dossier: Dossier) -> str:
    """What the applicant asks for: the procedure, and their own words if they added any."""
    name = dossier.procedure_version.name
    return f"{name} ({dossier.request})" if dossier.request else name


# -- Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả --------------------------------------


@dataclass(frozen=True)
class DocumentLine:
    name: str
    originals: int
    copies: int


@dataclass(frozen=True)
class Receipt:
    letterhead: Letterhead
    code: str
    receiving_unit: str
    applicant: Applicant
    request: str
    documents: list[DocumentLine]
    files: list[str]
    sets: str
    processing_time: str
    received: str
    appointment: str
    collect_at: str
    lookup_url: str
    lookup_key: str
    officer: str


def receipt_context(dossier: Dossier) -> Receipt:
    """Mẫu số 01, Phụ lục I, Thông tư 03/2025/TT-VPCP: issued when the dossier is received,
    with the appointment for the result (the first one: the receipt is the paper as issued)."""
    received = _last(dossier.transitions.all(), "receive")
    if dossier.received_at is None or received is None:
        raise FormNotApplicableError(
            _("The receipt is issued only once the dossier has been received.")
        )
    unit = dossier.received_unit
    collect_at = unit.name + (f", {unit.address}" if unit.address else "")
    return Receipt(
        letterhead=letterhead(unit, number=dossier.code, on=dossier.received_at),
        code=dossier.code,
        receiving_unit=unit.name,
        applicant=_applicant(dossier),
        request=_request_text(dossier),
        documents=[
            DocumentLine(d.name, d.originals, d.copies)
            for d in dossier.procedure_version.documents.all()
        ],
        files=[d.original_name for d in dossier.documents.all()],
        sets="01",
        processing_time=_processing_time(dossier.procedure_version),
        received=vn_datetime(dossier.received_at),
        appointment=vn_datetime(dossier.original_due_at or dossier.due_at),
        collect_at=collect_at,
        lookup_url=lookup_url(dossier),
        lookup_key=dossier.secret,
        officer=received.giver_label,
    )


# -- Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ --------------------------------------


@dataclass(frozen=True)
class SupplementSheet:
    letterhead: Letterhead
    code: str
    stage: str
    applicant: Applicant
    request: str
    items: list[str]
    reason: str
    officer: str
    contact: str


_SUPPLEMENT_REASONS: dict[str, str] = {
    SupplementRequest.Stage.INTAKE: (
        "Hồ sơ chưa đầy đủ, hợp lệ theo quy định của thủ tục hành chính khi tiếp nhận."
    ),
    SupplementRequest.Stage.PROCESSING: (
        "Qua thẩm định, hồ sơ chưa đầy đủ, hợp lệ để giải quyết theo quy định."
    ),
}


def _items(text: str) -> list[str]:
    lines = [line.strip(" \t-•;") for line in text.replace(";", "\n").splitlines()]
    return [line for line in lines if line]


def supplement_context(dossier: Dossier) -> list[SupplementSheet]:
    """Mẫu số 02, Phụ lục I, Thông tư 03/2025/TT-VPCP: one sheet per request, each listing
    everything missing at once (Nghị định 118/2025/NĐ-CP)."""
    requests = list(dossier.supplement_requests.all())
    if not requests:
        raise FormNotApplicableError(_("No supplementation has been requested for this dossier."))
    sheets = []
    for entry in requests:
        official = official_of(entry.requested_by)
        unit = dossier.received_unit
        if entry.stage == SupplementRequest.Stage.PROCESSING and official is not None:
            unit = official.unit
        phone = (official.phone if official else "") or unit.phone
        contact = ", ".join(
            part
            for part in (
                official.full_name if official else "",
                unit.name,
                f"số điện thoại {phone}" if phone else "",
            )
            if part
        )
        sheets.append(
            SupplementSheet(
                letterhead=letterhead(
                    dossier.received_unit, number=dossier.code, on=entry.requested_at
                ),
                code=dossier.code,
                stage=entry.stage,
                applicant=_applicant(dossier),
                request=_request_text(dossier),
                items=_items(entry.items),
                reason=_SUPPLEMENT_REASONS.get(entry.stage, ""),
                officer=_person(entry.requested_by),
                contact=contact,
            )
        )
    return sheets


# -- Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ -------------------------------------


@dataclass(frozen=True)
class RefusalSheet:
    letterhead: Letterhead
    code: str
    receiving_unit: str
    applicant: Applicant
    request: str
    reason: str
    officer: str


def refusal_context(dossier: Dossier) -> RefusalSheet:
    """Mẫu số 03, Phụ lục I, Thông tư 03/2025/TT-VPCP: the refusal at intake, with its reasons
    (the note the receiving officer gave)."""
    refused = _last(dossier.transitions.all(), "refuse_intake")
    if refused is None:
        raise FormNotApplicableError(_("This dossier was not refused at intake."))
    return RefusalSheet(
        letterhead=letterhead(dossier.received_unit, number=dossier.code, on=refused.at),
        code=dossier.code,
        receiving_unit=dossier.received_unit.name,
        applicant=_applicant(dossier),
        request=_request_text(dossier),
        reason=_sentence(refused.note),
        officer=refused.giver_label,
    )


# -- Mẫu số 04: Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết ------------------------


@dataclass(frozen=True)
class ApologyLetter:
    letterhead: Letterhead
    code: str
    agency: str
    applicant: Applicant
    received: str
    request: str
    previous_appointment: str
    new_appointment: str
    reason: str
    responsible_unit: str
    responsible_official: str
    signer: str
    receiving_unit: str


def apology_context(dossier: Dossier) -> ApologyLetter:
    """Mẫu số 04, Phụ lục I, Thông tư 03/2025/TT-VPCP: the apology of the late agency with the
    new appointment, which may be set only once (Nghị định 118/2025/NĐ-CP)."""
    try:
        apology = dossier.apology
    except ObjectDoesNotExist:
        apology = None
    if apology is None:
        raise FormNotApplicableError(
            _("No apology with a new appointment has been issued for this dossier.")
        )
    agency = dossier.competent_unit
    official = apology.responsible_official
    return ApologyLetter(
        letterhead=letterhead(agency, number=dossier.code, on=apology.issued_at),
        code=dossier.code,
        agency=agency.name,
        applicant=_applicant(dossier),
        received=vn_date(dossier.received_at) if dossier.received_at else "",
        request=_request_text(dossier),
        previous_appointment=vn_datetime(apology.previous_due_at),
        new_appointment=vn_datetime(apology.new_due_at),
        reason=_sentence(apology.reason),
        responsible_unit=apology.responsible_unit.name,
        responsible_official=official.full_name if official is not None else "",
        signer=_person(apology.issued_by),
        receiving_unit=dossier.received_unit.name,
    )


# -- Mẫu số 05: Thông báo dừng giải quyết hồ sơ ----------------------------------------------


@dataclass(frozen=True)
class StopNotice:
    letterhead: Letterhead
    code: str
    agency: str
    applicant: Applicant
    request: str
    received: str
    requested: str
    reason: str
    officer: str


def stop_context(dossier: Dossier) -> StopNotice:
    """Mẫu số 05, Phụ lục I, Thông tư 03/2025/TT-VPCP: processing stops at the applicant's
    request when no result exists yet (Nghị định 118/2025/NĐ-CP)."""
    transitions = list(dossier.transitions.all())
    stopped = _last(transitions, "stop")
    if dossier.status != Status.STOPPED or stopped is None:
        raise FormNotApplicableError(_("Processing of this dossier has not been stopped."))
    asked = _last(transitions, "request_withdrawal")
    reason = "Theo đề nghị rút hồ sơ, dừng giải quyết của tổ chức, cá nhân."
    notes = [_sentence(t.note) for t in (asked, stopped) if t is not None and t.note]
    if notes:
        reason = f"{reason} {' '.join(notes)}"
    return StopNotice(
        letterhead=letterhead(dossier.received_unit, number=dossier.code, on=stopped.at),
        code=dossier.code,
        agency=dossier.received_unit.name,
        applicant=_applicant(dossier),
        request=_request_text(dossier),
        received=vn_date(dossier.received_at or dossier.submitted_at),
        requested=vn_date(asked.at) if asked is not None else "",
        reason=reason,
        officer=stopped.giver_label,
    )


# -- Mẫu số 06: Phiếu kiểm soát quá trình giải quyết hồ sơ -----------------------------------

# What each action means on the control sheet, in the sheet's own words.
ACTION_WORDS = {
    "submit": "Nộp hồ sơ",
    "receive": "Tiếp nhận hồ sơ, cấp Giấy tiếp nhận và hẹn trả kết quả",
    "request_intake_supplement": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refuse_intake": "Từ chối tiếp nhận hồ sơ",
    "supplement": "Bổ sung, hoàn thiện hồ sơ",
    "forward": "Chuyển xử lý",
    "send_back": "Trả lại bước trước",
    "request_supplement": "Yêu cầu bổ sung hồ sơ",
    "request_payment": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "confirm_payment": "Đã thực hiện nghĩa vụ tài chính",
    "apologize": "Xin lỗi và hẹn lại thời gian trả kết quả",
    "refuse": "Từ chối giải quyết",
    "resolve": "Hoàn thành giải quyết, chuyển kết quả",
    "return_result": "Trả kết quả cho tổ chức, cá nhân",
    "request_withdrawal": "Đề nghị rút hồ sơ",
    "stop": "Dừng giải quyết hồ sơ",
    "rate": "Đánh giá việc giải quyết hồ sơ",
}

RESULT_WORDS: dict[str, str] = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}

APPLICANT_SIDE = "Tổ chức, cá nhân"
# Actions in which the applicant hands the dossier over (at receipt, to the officer who takes it
# in), and states in which it goes back to them.
_FROM_APPLICANT = {"submit", "supplement", "receive", "request_withdrawal", "rate"}
_TO_APPLICANT = {
    Status.INTAKE_SUPPLEMENT,
    Status.SUPPLEMENT,
    Status.AWAITING_PAYMENT,
    Status.REFUSED,
    Status.RETURNED,
    Status.STOPPED,
}


@dataclass(frozen=True)
class ControlRow:
    number: int
    action: str
    giver: str
    giver_unit: str
    receiver: str
    receiver_unit: str
    at: str
    result: str
    note: str


@dataclass(frozen=True)
class ControlSheet:
    letterhead: Letterhead
    code: str
    resolving: str
    coordinating: list[str]
    received: str
    appointment: str
    new_appointment: str
    rows: list[ControlRow] = field(default_factory=list)


def _control_row(
    number: int, t: DossierTransition, dossier: Dossier, previous_unit: str
) -> ControlRow:
    if t.action in _FROM_APPLICANT:
        giver, giver_unit = dossier.applicant_name, APPLICANT_SIDE
    else:
        official = official_of(t.giver)
        giver = t.giver_label
        giver_unit = official.unit.name if official is not None else previous_unit
    if t.to_status in _TO_APPLICANT and t.action not in _FROM_APPLICANT:
        receiver, receiver_unit = dossier.applicant_name, APPLICANT_SIDE
    else:
        receiver = t.receiver.full_name if t.receiver is not None else ""
        receiver_unit = t.receiver_unit.name if t.receiver_unit is not None else ""
    words = ACTION_WORDS.get(t.action, t.action)
    if t.action in ("forward", "send_back") and t.to_step is not None:
        words = f"{words}: {t.to_step.name}"
    note = f"{words}. {t.note}" if t.note else words
    return ControlRow(
        number=number,
        action=t.action,
        giver=giver,
        giver_unit=giver_unit,
        receiver=receiver,
        receiver_unit=receiver_unit,
        at=vn_datetime_short(t.at),
        result=RESULT_WORDS.get(t.timeliness, ""),
        note=note,
    )


def control_sheet_context(dossier: Dossier) -> ControlSheet:
    """Mẫu số 06, Phụ lục I, Thông tư 03/2025/TT-VPCP: one row per hand-over of the dossier,
    with who gave it, who received it, when, and whether the step was early, on time or late."""
    rows = []
    previous_unit = dossier.received_unit.name
    for number, transition in enumerate(dossier.transitions.all(), start=1):
        row = _control_row(number, transition, dossier, previous_unit)
        rows.append(row)
        if transition.receiver_unit is not None:
            previous_unit = transition.receiver_unit.name
    resolving = dossier.competent_unit
    coordinating: list[str] = []
    for step in dossier.procedure_version.steps.all():
        if (
            step.responsible == ProcessStep.Responsible.NAMED_UNIT
            and step.unit is not None
            and step.unit.pk != resolving.pk
            and step.unit.name not in coordinating
        ):
            coordinating.append(step.unit.name)
    original = dossier.original_due_at or dossier.due_at
    return ControlSheet(
        letterhead=letterhead(dossier.received_unit, number=dossier.code, on=dossier.received_at),
        code=dossier.code,
        resolving=resolving.name,
        coordinating=coordinating,
        received=vn_datetime(dossier.received_at),
        appointment=vn_datetime(original),
        new_appointment=vn_datetime(dossier.due_at) if dossier.due_at != original else "",
        rows=rows,
    )


# -- Mẫu số 07: Sổ theo dõi hồ sơ ------------------------------------------------------------

# The register is read in one go; a year of a busy centre is a few tens of thousands of rows.
REGISTER_MAX_DAYS = 366


# How a dossier that never reached a result is shown in the column of the return date.
_REGISTER_ENDS: dict[str, str] = {
    Status.STOPPED: "Dừng giải quyết",
    Status.REFUSED: "Từ chối tiếp nhận",
}


@dataclass(frozen=True)
class RegisterRow:
    number: int
    code: str
    procedure: str
    applicant: str
    address_phone: str
    lead_agency: str
    received: str
    appointment: str
    returned: str
    return_method: str


@dataclass(frozen=True)
class Register:
    parent: str
    unit: str
    start: str
    end: str
    rows: list[RegisterRow]


def register_units(*, user: Any) -> list[Unit]:
    """The units whose register `user` may print: officials their own agency's units,
    province-wide roles any unit, nobody else."""
    paths = agency_paths_for(user)
    if paths == []:
        return []
    units = Unit.objects.active().select_related("parent").order_by("path")
    if paths is not None:
        scope = Q(pk__in=[])
        for path in paths:
            scope |= Q(path__startswith=path)
        units = units.filter(scope)
    return list(units)


def register_dossiers(*, user: Any, unit: Unit, start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """Dossiers received from `start` to `end` (inclusive) at `unit` or any of its parts, or
    for which it or a part of it is competent, in the order they were received."""
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=VIETNAM)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=VIETNAM)
    return (
        Dossier.objects.visible_to(user)
        .filter(received_at__gte=begin, received_at__lt=finish)
        .filter(
            Q(received_unit__path__startswith=unit.path)
            | Q(competent_unit__path__startswith=unit.path)
        )
        .select_related("procedure_version", "competent_unit")
        .order_by("received_at", "id")
    )


def register_context(*, user: Any, unit: Unit, start: dt.date, end: dt.date) -> Register:
    """Mẫu số 07, Phụ lục I, Thông tư 03/2025/TT-VPCP. `unit.parent` must be joined."""
    rows = [
        RegisterRow(
            number=number,
            code=d.code,
            procedure=d.procedure_version.name,
            applicant=d.applicant_name,
            address_phone="; ".join(p for p in (d.applicant_address, d.applicant_phone) if p),
            lead_agency=d.competent_unit.name,
            received=vn_hhmm_day(d.received_at),
            appointment=vn_hhmm_day(d.due_at),
            returned=vn_hhmm_day(d.returned_at) or _REGISTER_ENDS.get(d.status, ""),
            return_method=d.return_method,
        )
        for number, d in enumerate(
            register_dossiers(user=user, unit=unit, start=start, end=end), start=1
        )
    ]
    return Register(
        parent=unit.parent.name.upper() if unit.parent is not None else "",
        unit=unit.name.upper(),
        start=vn_day(start),
        end=vn_day(end),
        rows=rows,
    )


# -- dispatch --------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[Dossier], Any]] = {
    "01": receipt_context,
    "02": supplement_context,
    "03": refusal_context,
    "04": apology_context,
    "05": stop_context,
    "06": control_sheet_context,
}


def form_context(form: str, dossier: Dossier) -> Any:
    """The data of form `form` ("01" to "06") for `dossier`, or FormNotApplicableError."""
    return BUILDERS[form](dossier)
