"""The official forms of Phụ lục I, Thông tư 03/2025/TT-VPCP as Word files, laid out as the
printed pages are: Times New Roman 13 pt, the two-column head without borders, A5 paper for
Mẫu số 01–05, A4 for Mẫu số 06 and A4 landscape for Mẫu số 07.

Text, page sizes and margins follow Nghị định 30/2020/NĐ-CP (Phụ lục I, thể thức văn bản
hành chính). Every builder takes the data from `paperwork` and returns the file's bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from congvu.dossiers import paperwork as pw

FONT = "Times New Roman"
BODY_PT = 13
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


@dataclass(frozen=True)
class Page:
    width: float  # mm
    height: float
    top: float
    bottom: float
    left: float
    right: float
    landscape: bool
    # The national name in capitals must stay on one line of the head's right column; on A5
    # that takes a smaller size than the 12–13 pt Nghị định 30/2020/NĐ-CP gives for A4.
    head_pt: float

    @property
    def content(self) -> float:
        return self.width - self.left - self.right


PAGES = {
    "A5": Page(148, 210, 12, 15, 15, 10, False, 10),
    "A4": Page(210, 297, 20, 20, 30, 15, False, 12),
    "A4 landscape": Page(297, 210, 15, 15, 20, 15, True, 12),
}


# -- building blocks -------------------------------------------------------------------------


def _document(page: Page) -> Document:
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(page.width)
    section.page_height = Mm(page.height)
    section.top_margin = Mm(page.top)
    section.bottom_margin = Mm(page.bottom)
    section.left_margin = Mm(page.left)
    section.right_margin = Mm(page.right)
    normal: Any = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # Word picks the font per script; name it for all of them so Vietnamese letters with two
    # diacritics are never set in a fallback font.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)
    spacing = normal.paragraph_format
    spacing.space_before = Pt(0)
    spacing.space_after = Pt(3)
    spacing.line_spacing = 1.0
    return document


def _run_text(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
) -> None:
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    if size is not None:
        run.font.size = Pt(size)


def _para(
    container: Any,
    text: str = "",
    *,
    align: Any = None,
    first: bool = False,
    space_before: float | None = None,
    **style: Any,
) -> Paragraph:
    """A paragraph appended to a document or cell (or a cell's first, empty one)."""
    paragraph: Paragraph = container.paragraphs[0] if first else container.add_paragraph()
    if text:
        _run_text(paragraph, text, **style)
    if align is not None:
        paragraph.alignment = align
    if space_before is not None:
        paragraph.paragraph_format.space_before = Pt(space_before)
    return paragraph


def _field(container: Any, label: str, value: str, *, bold_value: bool = False) -> Paragraph:
    paragraph = _para(container, align=JUSTIFY)
    _run_text(paragraph, f"{label}: ")
    _run_text(paragraph, value or "................................", bold=bold_value)
    return paragraph


# The order of the children of w:tblPr in the WordprocessingML schema: Word refuses to open a
# file whose elements are out of this order.
_TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
)  # fmt: skip


def _table_property(table: Table, element: Any) -> None:
    """Put `element` into the table's properties at its place in the schema's order."""
    properties = table._tbl.tblPr
    name = element.tag.rsplit("}", 1)[-1]
    later = _TBLPR_ORDER[_TBLPR_ORDER.index(name) + 1 :]
    for child in properties:
        if child.tag.rsplit("}", 1)[-1] in later:
            child.addprevious(element)
            return
    properties.append(element)


def _borderless(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _table_property(table, borders)


def _no_cell_margins(table: Table) -> None:
    """The head's columns use the whole width: the national name must fit on one line."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _table_property(table, margins)


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths: the grid (what Word lays out by) and every cell (what others read)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _repeat_header(table: Table) -> None:
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_properties.append(header)


def _grid(
    document: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    size: float = BODY_PT,
    centred: Sequence[int] = (),
    bold_labels: Sequence[str] = (),
) -> Table:
    """A bordered table with a repeated header row. Cells split into paragraphs at newlines;
    a paragraph starting with one of `bold_labels` has that label set in bold."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _para(cell, text, first=True, bold=True, align=CENTER, size=size)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            align = CENTER if index in centred else None
            for number, line in enumerate(text.split("\n")):
                paragraph = _para(cell, first=number == 0, align=align)
                label = next((b for b in bold_labels if line.startswith(b)), "")
                if label:
                    _run_text(paragraph, label, bold=True, size=size)
                if line[len(label) :]:
                    _run_text(paragraph, line[len(label) :], size=size)
    _repeat_header(table)
    _widths(table, widths)
    return table


def _letterhead(document: Document, head: pw.Letterhead, page: Page) -> None:
    """The head of Nghị định 30/2020/NĐ-CP: issuing agency (under its parent) and number on
    the left; national name, motto (bold, underlined) and the italic place and date on the
    right; a table without borders."""
    left_width = page.content * 0.39
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    _no_cell_margins(table)
    left, right = table.rows[0].cells
    size = page.head_pt
    _para(left, head.parent, first=True, align=CENTER, size=size)
    _para(left, head.agency, align=CENTER, bold=True, underline=True, size=size)
    _para(left, f"Số: {head.number}", align=CENTER, size=size, space_before=4)
    _para(right, head.nation, first=True, align=CENTER, bold=True, size=size)
    _para(right, head.motto, align=CENTER, bold=True, underline=True, size=size + 1)
    if head.place_date:
        _para(right, head.place_date, align=CENTER, italic=True, size=size + 1, space_before=8)
    _widths(table, (left_width, page.content - left_width))


def _title(document: Document, text: str, *, subtitle: str = "") -> None:
    _para(document, text.upper(), align=CENTER, bold=True, space_before=12, size=BODY_PT + 1)
    if subtitle:
        _para(document, subtitle, align=CENTER, italic=True)


Signer = tuple[str, str, str]  # (title, how to sign, name)


def _signatures(
    document: Document, page: Page, *signers: Signer, recipients: Sequence[str] = ()
) -> None:
    """Signature blocks side by side; a single signer signs on the right, with the list of
    recipients (Nơi nhận, Nghị định 30/2020/NĐ-CP) on the left if there is one."""
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    cells = table.rows[0].cells
    if len(signers) == 1:
        left, blocks = cells[0], [(cells[1], signers[0])]
        if recipients:
            _para(left, "Nơi nhận:", first=True, bold=True, italic=True, size=12)
            for line in recipients:
                _para(left, line, size=11).paragraph_format.space_after = Pt(0)
    else:
        blocks = list(zip(cells, signers, strict=True))
    for cell, (title, how, name) in blocks:
        _para(cell, title, first=True, align=CENTER, bold=True)
        _para(cell, how, align=CENTER, italic=True)
        _para(cell, name, align=CENTER, bold=True, space_before=48)
    _widths(table, [page.content / 2] * 2)
    _para(document, "", space_before=6)


def _applicant(document: Document, applicant: pw.Applicant, *, heading: str) -> None:
    _field(document, heading, applicant.name, bold_value=True)
    _field(document, "Số định danh cá nhân/Mã số doanh nghiệp", applicant.id_number)
    _field(document, "Địa chỉ", applicant.address)
    paragraph = _field(document, "Số điện thoại", applicant.phone)
    _run_text(paragraph, f"        Email: {applicant.email or '..................'}")
    if applicant.representative:
        _field(document, "Người đại diện", applicant.representative)


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- the forms -------------------------------------------------------------------------------


def receipt_docx(receipt: pw.Receipt) -> bytes:
    """Mẫu số 01, Phụ lục I, Thông tư 03/2025/TT-VPCP."""
    page = PAGES[pw.FORMS["01"].page]
    document = _document(page)
    _letterhead(document, receipt.letterhead, page)
    _title(document, pw.FORMS["01"].title)
    _para(document, f"Mã hồ sơ: {receipt.code}", align=CENTER, bold=True)
    _para(document, f"{receipt.receiving_unit} tiếp nhận hồ sơ của:", space_before=6)
    _applicant(document, receipt.applicant, heading="Ông/Bà/Tổ chức")
    _field(document, "Nội dung yêu cầu giải quyết", receipt.request)
    _para(document, "1. Thành phần hồ sơ nộp gồm:")
    if receipt.documents:
        _grid(
            document,
            ("TT", "Tên giấy tờ", "Bản chính", "Bản sao"),
            [
                (str(i), d.name, str(d.originals), str(d.copies))
                for i, d in enumerate(receipt.documents, start=1)
            ],
            (10, page.content - 50, 20, 20),
            size=BODY_PT - 1,
            centred=(0, 2, 3),
        )
    if receipt.files:
        _para(document, "Tệp điện tử đã nộp: " + "; ".join(receipt.files), italic=True)
    _para(document, f"2. Số lượng hồ sơ: {receipt.sets} (bộ)")
    _para(document, f"3. Thời gian giải quyết hồ sơ theo quy định: {receipt.processing_time}")
    _para(document, f"4. Thời gian nhận hồ sơ: {receipt.received}")
    paragraph = _para(document, "5. Thời gian trả kết quả giải quyết hồ sơ: ")
    _run_text(paragraph, f"vào lúc {receipt.appointment}", bold=True)
    _para(document, f"6. Đăng ký nhận kết quả tại: {receipt.collect_at}")
    lookup = _para(document, "7. Tra cứu tình trạng hồ sơ với mã hồ sơ ")
    _run_text(lookup, receipt.code, bold=True)
    _run_text(lookup, " và mã tra cứu ")
    _run_text(lookup, receipt.lookup_key, bold=True)
    _run_text(lookup, f" tại {receipt.lookup_url} hoặc quét mã QR:")
    picture = _para(document, align=CENTER)
    picture.add_run().add_picture(io.BytesIO(pw.qr_png(receipt.lookup_url)), width=Mm(25))
    _signatures(
        document,
        page,
        ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", receipt.applicant.name),
        ("NGƯỜI TIẾP NHẬN", "(Ký và ghi rõ họ tên)", receipt.officer),
    )
    return _bytes(document)


def supplement_docx(sheets: list[pw.SupplementSheet]) -> bytes:
    """Mẫu số 02, Phụ lục I, Thông tư 03/2025/TT-VPCP: one page per request."""
    page = PAGES[pw.FORMS["02"].page]
    document = _document(page)
    for index, sheet in enumerate(sheets):
        if index:
            document.add_page_break()
        _letterhead(document, sheet.letterhead, page)
        _title(document, pw.FORMS["02"].title)
        _para(document, f"Mã hồ sơ: {sheet.code}", align=CENTER, bold=True)
        _applicant(document, sheet.applicant, heading="Hồ sơ của")
        _field(document, "Nội dung yêu cầu giải quyết", sheet.request)
        _para(document, "Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:")
        for number, item in enumerate(sheet.items, start=1):
            _para(document, f"{number}. {item}", align=JUSTIFY)
        _field(document, "Lý do", sheet.reason)
        _para(
            document,
            "Trong quá trình bổ sung, hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
            f"{sheet.contact} để được hướng dẫn.",
            align=JUSTIFY,
        )
        _signatures(document, page, ("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", sheet.officer))
    return _bytes(document)


def refusal_docx(sheet: pw.RefusalSheet) -> bytes:
    """Mẫu số 03, Phụ lục I, Thông tư 03/2025/TT-VPCP."""
    page = PAGES[pw.FORMS["03"].page]
    document = _document(page)
    _letterhead(document, sheet.letterhead, page)
    _title(document, pw.FORMS["03"].title)
    _para(document, f"Mã hồ sơ: {sheet.code}", align=CENTER, bold=True)
    _para(document, f"{sheet.receiving_unit} tiếp nhận hồ sơ của:", space_before=6)
    _applicant(document, sheet.applicant, heading="Ông/Bà/Tổ chức")
    _field(document, "Nội dung yêu cầu giải quyết", sheet.request)
    _para(
        document,
        f"Qua xem xét, {sheet.receiving_unit} thông báo không tiếp nhận, giải quyết hồ sơ này "
        "với lý do cụ thể như sau:",
        align=JUSTIFY,
    )
    _para(document, sheet.reason, align=JUSTIFY)
    _para(document, "Xin thông báo để Ông/Bà biết và thực hiện./.")
    _signatures(document, page, ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", sheet.officer))
    return _bytes(document)


def apology_docx(letter: pw.ApologyLetter) -> bytes:
    """Mẫu số 04, Phụ lục I, Thông tư 03/2025/TT-VPCP."""
    page = PAGES[pw.FORMS["04"].page]
    document = _document(page)
    _letterhead(document, letter.letterhead, page)
    _title(document, pw.FORMS["04"].title)
    _para(document, f"Kính gửi: Ông/Bà/Tổ chức {letter.applicant.name}", align=CENTER)
    for text in (
        f"{_capfirst(letter.received)}, {letter.agency} tiếp nhận hồ sơ "
        f"(mã hồ sơ {letter.code}) của Ông/Bà/Tổ chức {letter.applicant.name}.",
        f"Nội dung yêu cầu giải quyết: {letter.request}.",
        "Theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả, thời gian trả kết quả giải quyết hồ sơ "
        f"vào lúc {letter.previous_appointment}.",
        f"Tuy nhiên đến nay, {letter.agency} chưa trả kết quả giải quyết hồ sơ cho "
        f"Ông/Bà/Tổ chức. Lý do: {letter.reason}",
        "Đơn vị, cá nhân để xảy ra chậm trễ: "
        + ", ".join(p for p in (letter.responsible_unit, letter.responsible_official) if p)
        + ".",
    ):
        _para(document, text, align=JUSTIFY)
    paragraph = _para(
        document,
        f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Tổ chức. {letter.agency} xin lỗi "
        "Ông/Bà/Tổ chức và đề nghị gia hạn thời gian giải quyết, hẹn trả kết quả ",
        align=JUSTIFY,
    )
    _run_text(paragraph, f"vào lúc {letter.new_appointment}", bold=True)
    _run_text(paragraph, ".")
    _para(document, "Xin trân trọng cảm ơn./.")
    _signatures(
        document,
        page,
        ("THỦ TRƯỞNG CƠ QUAN", "(Ký tên và đóng dấu)", letter.signer),
        recipients=(
            f"- Ông/Bà/Tổ chức {letter.applicant.name};",
            f"- {letter.receiving_unit};",
            "- Lưu: VT.",
        ),
    )
    return _bytes(document)


def stop_docx(notice: pw.StopNotice) -> bytes:
    """Mẫu số 05, Phụ lục I, Thông tư 03/2025/TT-VPCP."""
    page = PAGES[pw.FORMS["05"].page]
    document = _document(page)
    _letterhead(document, notice.letterhead, page)
    _title(document, pw.FORMS["05"].title)
    _para(document, f"Kính gửi: Ông/Bà/Tổ chức {notice.applicant.name}", align=CENTER)
    for text in (
        f"{_capfirst(notice.received)}, {notice.agency} tiếp nhận hồ sơ "
        f"(mã hồ sơ {notice.code}) của Ông/Bà/Tổ chức {notice.applicant.name}.",
        f"Nội dung yêu cầu giải quyết: {notice.request}.",
        (
            f"{_capfirst(notice.requested)}, Ông/Bà/Tổ chức đề nghị rút hồ sơ, "
            "dừng giải quyết hồ sơ."
            if notice.requested
            else ""
        ),
        f"{notice.agency} thông báo dừng giải quyết hồ sơ nêu trên. Lý do: {notice.reason}",
    ):
        if text:
            _para(document, text, align=JUSTIFY)
    _para(document, "Xin thông báo để Ông/Bà/Tổ chức được biết./.")
    _signatures(document, page, ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", notice.officer))
    return _bytes(document)


def control_sheet_docx(sheet: pw.ControlSheet) -> bytes:
    """Mẫu số 06, Phụ lục I, Thông tư 03/2025/TT-VPCP."""
    page = PAGES[pw.FORMS["06"].page]
    document = _document(page)
    _letterhead(document, sheet.letterhead, page)
    _title(document, pw.FORMS["06"].title)
    _para(document, f"Mã hồ sơ: {sheet.code}", align=CENTER, bold=True)
    _para(
        document,
        f"(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: {sheet.code})",
        align=CENTER,
        italic=True,
    )
    _field(document, "Cơ quan giải quyết hồ sơ", sheet.resolving)
    _field(document, "Cơ quan phối hợp giải quyết hồ sơ", ", ".join(sheet.coordinating) or "Không")
    _field(document, "Thời gian nhận hồ sơ", sheet.received)
    _field(document, "Thời gian hẹn trả kết quả", sheet.appointment)
    if sheet.new_appointment:
        _field(document, "Thời gian hẹn lại trả kết quả", sheet.new_appointment)
    _para(document, "")
    _grid(
        document,
        (
            "TT",
            "Tên cơ quan",
            "Thời gian giao, nhận hồ sơ",
            "Kết quả giải quyết hồ sơ (Trước hạn/Đúng hạn/Quá hạn)",
            "Ghi chú",
        ),
        [
            (
                str(row.number),
                f"Bên giao: {row.giver_unit}\nNgười giao: {row.giver}\n"
                f"Bên nhận: {row.receiver_unit}\nNgười nhận: {row.receiver or '.........'}",
                row.at,
                row.result,
                row.note,
            )
            for row in sheet.rows
        ],
        (9, 60, 32, 28, page.content - 129),
        size=11,
        centred=(0, 3),
        bold_labels=("Bên giao:", "Bên nhận:"),
    )
    return _bytes(document)


def register_docx(register: pw.Register) -> bytes:
    """Mẫu số 07, Phụ lục I, Thông tư 03/2025/TT-VPCP."""
    page = PAGES[pw.FORMS["07"].page]
    document = _document(page)
    head = document.add_table(rows=1, cols=2)
    _borderless(head)
    left, _right = head.rows[0].cells
    _para(left, register.parent, first=True, align=CENTER, size=page.head_pt)
    _para(left, register.unit, align=CENTER, bold=True, underline=True, size=page.head_pt)
    _widths(head, (page.content * 0.4, page.content * 0.6))
    _title(
        document,
        pw.FORMS["07"].title,
        subtitle=f"Từ ngày {register.start} đến ngày {register.end}",
    )
    rows = [
        (
            str(r.number), r.code, r.procedure, r.applicant, r.address_phone, r.lead_agency,
            r.received, r.appointment, r.returned, r.return_method, "",
        )
        for r in register.rows
    ]  # fmt: skip
    _grid(
        document,
        (
            "STT",
            "Mã hồ sơ",
            "Tên thủ tục hành chính",
            "Tên tổ chức, cá nhân",
            "Địa chỉ, số điện thoại",
            "Cơ quan chủ trì giải quyết",
            "Nhận hồ sơ",
            "Hẹn trả kết quả",
            "Ngày trả kết quả",
            "Phương thức nhận kết quả",
            "Ký nhận",
        ),
        rows,
        (12, 30, 38, 28, 30, 28, 20, 20, 20, 20, page.content - 246),
        size=10,
        centred=(0,),
    )
    if not register.rows:
        _para(document, "Không có hồ sơ trong khoảng thời gian này.", italic=True)
    return _bytes(document)


BUILDERS: dict[str, Any] = {
    "01": receipt_docx,
    "02": supplement_docx,
    "03": refusal_docx,
    "04": apology_docx,
    "05": stop_docx,
    "06": control_sheet_docx,
}


def form_docx(form: str, context: Any) -> bytes:
    """The Word file of form `form` ("01" to "06") from its data in `paperwork`."""
    content: bytes = BUILDERS[form](context)
    return content
