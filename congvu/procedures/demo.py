"""Demo catalogue: about twenty real procedures of a province and of its communes, each with a
published version and an internal process.

Names, fields, processing times, fees and documents follow the procedures as published in the
national database and the provinces' decisions in 2025, simplified for a demonstration. Codes
marked "(verify)" are plausible but were not checked against the national database
(csdl.dichvucong.gov.vn) and are to be checked before any real use; decision numbers are
illustrative. Fees vary by province (set by the provincial People's Council).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction

from congvu.organizations.models import Position, Unit
from congvu.procedures.models import Fee, Field, Procedure, ProcedureVersion, ProcessStep
from congvu.procedures.services import (
    DocumentSpec,
    FeeSpec,
    StepSpec,
    TransitionSpec,
    field_create,
    procedure_version_create,
    procedure_version_publish,
)

# The two-tier local government took office on 1/7/2025 (Luật 72/2025/QH15); the provinces
# published their procedure lists for it from that day.
DEMO_VALID_FROM = dt.date(2025, 7, 1)

FIELDS = {
    "ho-tich": "Hộ tịch",
    "chung-thuc": "Chứng thực",
    "ho-kinh-doanh": "Thành lập và hoạt động của hộ kinh doanh",
    "doanh-nghiep": "Thành lập và hoạt động doanh nghiệp",
    "xay-dung": "Hoạt động xây dựng",
    "dat-dai": "Đất đai",
    "ly-lich-tu-phap": "Lý lịch tư pháp",
    "cong-chung": "Công chứng",
    "luu-thong-hang-hoa": "Lưu thông hàng hóa trong nước",
    "an-toan-thuc-pham": "An toàn thực phẩm",
    "duoc": "Dược phẩm",
    "giao-duc": "Giáo dục trung học",
}

DAYS = ProcedureVersion.TimeUnit.WORKING_DAYS
CALENDAR = ProcedureVersion.TimeUnit.CALENDAR_DAYS
FULL = ProcedureVersion.Online.FULL
PARTIAL = ProcedureVersion.Online.PARTIAL
NONE = ProcedureVersion.Online.NONE
FEE = Fee.Kind.FEE
CHARGE = Fee.Kind.CHARGE
CUTOFF_15 = dt.time(15, 0)


class DemoProcedure(NamedTuple):
    code: str
    name: str
    field: str
    dept: str  # key of the competent department (seed key "P04/dept/<key>"); "" = the commune
    time: str
    unit: str
    online: str
    documents: list[tuple[str, int, int]]
    fees: list[tuple[str, str, int]]
    result: str
    legal_basis: str
    cutoff: dt.time | None = None
    paper: bool = True


HOTICH_BASIS = (
    "Luật Hộ tịch số 60/2014/QH13; Nghị định 123/2015/NĐ-CP; Thông tư 04/2020/TT-BTP; "
    "Thông tư 85/2019/TT-BTC"
)
CHUNGTHUC_BASIS = (
    "Nghị định 23/2015/NĐ-CP (sửa đổi bởi Nghị định 07/2025/NĐ-CP); Thông tư 01/2020/TT-BTP; "
    "Thông tư 226/2016/TT-BTC"
)
TOKHAI = "Tờ khai theo mẫu"

# fmt: off
CATALOGUE: list[DemoProcedure] = [
    # Commune level ---------------------------------------------------------------------
    DemoProcedure(
        "1.001193", "Đăng ký khai sinh", "ho-tich", "", "1", DAYS, FULL,
        [("Tờ khai đăng ký khai sinh theo mẫu", 1, 0),
         ("Giấy chứng sinh hoặc văn bản thay Giấy chứng sinh", 1, 0)],
        [(CHARGE, "Lệ phí đăng ký khai sinh quá hạn (đúng hạn được miễn)", 8000)],
        "Giấy khai sinh (bản chính) và bản sao Giấy khai sinh nếu có yêu cầu",
        HOTICH_BASIS, CUTOFF_15,
    ),
    DemoProcedure(
        "1.000894", "Đăng ký kết hôn", "ho-tich", "", "1", DAYS, PARTIAL,
        [("Tờ khai đăng ký kết hôn theo mẫu", 1, 0),
         ("Giấy xác nhận tình trạng hôn nhân (nếu đăng ký tại nơi không thường trú)", 1, 0)],
        [],
        "Giấy chứng nhận kết hôn",
        HOTICH_BASIS, CUTOFF_15,
    ),
    DemoProcedure(
        "1.000656", "Đăng ký khai tử", "ho-tich", "", "1", DAYS, FULL,
        [("Tờ khai đăng ký khai tử theo mẫu", 1, 0),
         ("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", 1, 0)],
        [],
        "Trích lục khai tử",
        HOTICH_BASIS, CUTOFF_15,
    ),
    DemoProcedure(
        "1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "ho-tich", "", "3", DAYS, FULL,
        [("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu", 1, 0),
         ("Bản án, quyết định ly hôn có hiệu lực hoặc trích lục khai tử của vợ/chồng "
          "(nếu đã từng kết hôn)", 0, 1)],
        [(CHARGE, "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", 5000)],
        "Giấy xác nhận tình trạng hôn nhân",
        HOTICH_BASIS,
    ),
    DemoProcedure(
        "2.000635", "Cấp bản sao Trích lục hộ tịch", "ho-tich", "", "1", DAYS, FULL,
        [("Tờ khai cấp bản sao trích lục hộ tịch theo mẫu", 1, 0)],
        [(FEE, "Phí cấp bản sao trích lục hộ tịch, mỗi bản", 8000)],
        "Bản sao trích lục hộ tịch",
        HOTICH_BASIS, CUTOFF_15,
    ),
    DemoProcedure(
        "2.000908", "Cấp bản sao từ sổ gốc", "chung-thuc", "", "1", DAYS, PARTIAL,
        [("Giấy đề nghị cấp bản sao từ sổ gốc", 1, 0),
         ("Giấy tờ tùy thân của người yêu cầu (xuất trình)", 0, 0)],
        [],
        "Bản sao từ sổ gốc",
        CHUNGTHUC_BASIS, CUTOFF_15,
    ),
    DemoProcedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm quyền "
        "của Việt Nam cấp hoặc chứng nhận",
        "chung-thuc", "", "0.5", DAYS, PARTIAL,
        [("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", 1, 0),
         ("Bản sao cần chứng thực", 0, 1)],
        [(FEE, "Phí chứng thực bản sao từ bản chính, mỗi trang (từ trang thứ 3: 1.000 đ, "
          "tối đa 200.000 đ/bản)", 2000)],
        "Bản sao được chứng thực từ bản chính",
        CHUNGTHUC_BASIS, CUTOFF_15,
    ),
    DemoProcedure(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực "
        "điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ "
        "được)",
        "chung-thuc", "", "0.5", DAYS, NONE,
        [("Giấy tờ, văn bản mà mình sẽ ký", 1, 0),
         ("Giấy tờ tùy thân còn giá trị sử dụng (xuất trình)", 0, 0)],
        [(FEE, "Phí chứng thực chữ ký, mỗi trường hợp", 10000)],
        "Giấy tờ, văn bản được chứng thực chữ ký",
        CHUNGTHUC_BASIS, CUTOFF_15,
    ),
    DemoProcedure(
        "2.001035",  # (verify)
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "chung-thuc", "", "2", DAYS, NONE,
        [("Dự thảo hợp đồng, giao dịch", 1, 0),
         ("Giấy tờ tùy thân của người yêu cầu chứng thực", 0, 1),
         ("Giấy chứng nhận quyền sở hữu tài sản hoặc giấy tờ thay thế", 0, 1)],
        [(FEE, "Phí chứng thực hợp đồng, giao dịch", 50000)],
        "Hợp đồng, giao dịch được chứng thực",
        CHUNGTHUC_BASIS, CUTOFF_15,
    ),
    DemoProcedure(
        "1.001612", "Đăng ký thành lập hộ kinh doanh", "ho-kinh-doanh", "", "3", DAYS, FULL,
        [("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0),
         ("Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh "
          "(nếu các thành viên cùng đăng ký)", 1, 0),
         ("Văn bản ủy quyền cho thành viên làm chủ hộ kinh doanh (nếu có)", 0, 1)],
        [(CHARGE, "Lệ phí đăng ký hộ kinh doanh (miễn khi nộp trực tuyến)", 100000)],
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        "Luật Doanh nghiệp số 59/2020/QH14; Nghị định 168/2025/NĐ-CP; "
        "Nghị quyết của HĐND tỉnh về lệ phí",
    ),
    DemoProcedure(
        "2.000720",  # (verify)
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "ho-kinh-doanh", "", "3", DAYS, FULL,
        [("Thông báo thay đổi nội dung đăng ký hộ kinh doanh", 1, 0),
         ("Biên bản họp thành viên hộ gia đình (nếu thay đổi chủ hộ)", 1, 0)],
        [(CHARGE, "Lệ phí đăng ký thay đổi (miễn khi nộp trực tuyến)", 50000)],
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        "Luật Doanh nghiệp số 59/2020/QH14; Nghị định 168/2025/NĐ-CP",
    ),
    DemoProcedure(
        "1.009797",  # (verify)
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "xay-dung", "", "15", DAYS,
        PARTIAL,
        [("Đơn đề nghị cấp giấy phép xây dựng theo mẫu", 1, 0),
         ("Giấy tờ chứng minh quyền sử dụng đất", 0, 1),
         ("Hai bộ bản vẽ thiết kế xây dựng", 2, 0)],
        [(CHARGE, "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", 75000)],
        "Giấy phép xây dựng",
        "Luật Xây dựng số 50/2014/QH13 (sửa đổi 2020); Nghị định 175/2024/NĐ-CP",
    ),
    DemoProcedure(
        "1.003554",  # (verify)
        "Hòa giải tranh chấp đất đai", "dat-dai", "", "30", CALENDAR, NONE,
        [("Đơn yêu cầu hòa giải tranh chấp đất đai", 1, 0),
         ("Giấy tờ, tài liệu liên quan đến việc tranh chấp", 0, 1)],
        [],
        "Biên bản hòa giải thành hoặc không thành",
        "Luật Đất đai số 31/2024/QH15 Điều 235; Nghị định 102/2024/NĐ-CP",
        paper=True,
    ),
    DemoProcedure(
        "1.012753",  # (verify)
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, "
        "quyền sở hữu tài sản gắn liền với đất lần đầu cho hộ gia đình, cá nhân",
        "dat-dai", "", "20", DAYS, PARTIAL,
        [("Đơn đăng ký đất đai, tài sản gắn liền với đất theo mẫu", 1, 0),
         ("Giấy tờ về quyền sử dụng đất (nếu có)", 0, 1),
         ("Sơ đồ, bản vẽ tài sản gắn liền với đất (nếu có)", 0, 1)],
        [(CHARGE, "Lệ phí cấp Giấy chứng nhận", 100000)],
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "Luật Đất đai số 31/2024/QH15; Nghị định 101/2024/NĐ-CP; Nghị định 151/2025/NĐ-CP",
    ),
    # Provincial level ------------------------------------------------------------------
    DemoProcedure(
        "2.000488",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại "
        "Việt Nam",
        "ly-lich-tu-phap", "tu-phap", "10", DAYS, FULL,
        [("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp theo mẫu", 1, 0),
         ("Bản chụp giấy tờ tùy thân", 0, 1)],
        [(FEE, "Phí cung cấp thông tin lý lịch tư pháp (sinh viên, người có công: "
          "100.000 đ)", 200000)],
        "Phiếu lý lịch tư pháp",
        "Luật Lý lịch tư pháp số 28/2009/QH12; Nghị định 111/2010/NĐ-CP; "
        "Thông tư 244/2016/TT-BTC",
    ),
    DemoProcedure(
        "1.001877",  # (verify)
        "Đăng ký hoạt động Văn phòng công chứng", "cong-chung", "tu-phap", "10", DAYS, PARTIAL,
        [("Đơn đề nghị đăng ký hoạt động theo mẫu", 1, 0),
         ("Quyết định cho phép thành lập Văn phòng công chứng", 0, 1),
         ("Giấy tờ chứng minh trụ sở", 0, 1)],
        [(FEE, "Phí thẩm định điều kiện hoạt động Văn phòng công chứng", 1000000)],
        "Giấy đăng ký hoạt động Văn phòng công chứng",
        "Luật Công chứng số 46/2024/QH15; Nghị định 104/2025/NĐ-CP",
    ),
    DemoProcedure(
        "1.009794",
        "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
        "xay-dung", "xay-dung", "20", DAYS, PARTIAL,
        [("Đơn đề nghị cấp giấy phép xây dựng theo mẫu", 1, 0),
         ("Giấy tờ chứng minh quyền sử dụng đất", 0, 1),
         ("Quyết định phê duyệt dự án và văn bản thẩm định thiết kế", 0, 1),
         ("Hai bộ bản vẽ thiết kế xây dựng", 2, 0)],
        [(CHARGE, "Lệ phí cấp giấy phép xây dựng công trình", 150000)],
        "Giấy phép xây dựng",
        "Luật Xây dựng số 50/2014/QH13 (sửa đổi 2020); Nghị định 175/2024/NĐ-CP",
    ),
    DemoProcedure(
        "1.000061",  # (verify)
        "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên", "doanh-nghiep",
        "tai-chinh", "3", DAYS, FULL,
        [("Giấy đề nghị đăng ký doanh nghiệp", 1, 0),
         ("Điều lệ công ty", 1, 0),
         ("Bản sao giấy tờ pháp lý của chủ sở hữu", 0, 1)],
        [(CHARGE, "Lệ phí đăng ký doanh nghiệp (miễn khi nộp trực tuyến)", 50000)],
        "Giấy chứng nhận đăng ký doanh nghiệp",
        "Luật Doanh nghiệp số 59/2020/QH14; Nghị định 168/2025/NĐ-CP",
    ),
    DemoProcedure(
        "2.000633",  # (verify)
        "Cấp Giấy phép bán buôn sản phẩm rượu", "luu-thong-hang-hoa", "cong-thuong", "10",
        DAYS, PARTIAL,
        [("Đơn đề nghị cấp Giấy phép bán buôn sản phẩm rượu theo mẫu", 1, 0),
         ("Giấy chứng nhận đăng ký doanh nghiệp", 0, 1),
         ("Hợp đồng, văn bản giới thiệu với nhà cung cấp rượu", 0, 1)],
        [(FEE, "Phí thẩm định cấp Giấy phép kinh doanh bán buôn sản phẩm rượu", 1100000)],
        "Giấy phép bán buôn sản phẩm rượu",
        "Nghị định 105/2017/NĐ-CP (sửa đổi bởi Nghị định 17/2020/NĐ-CP); "
        "Thông tư 168/2016/TT-BTC",
    ),
    DemoProcedure(
        "2.000591",  # (verify)
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh "
        "doanh thực phẩm thuộc thẩm quyền của Sở Công Thương",
        "an-toan-thuc-pham", "cong-thuong", "20", DAYS, PARTIAL,
        [("Đơn đề nghị cấp Giấy chứng nhận theo mẫu", 1, 0),
         ("Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ", 1, 0),
         ("Giấy xác nhận đủ sức khỏe, đã được tập huấn kiến thức an toàn thực phẩm", 0, 1)],
        [(FEE, "Phí thẩm định cơ sở sản xuất thực phẩm", 2500000)],
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "Luật An toàn thực phẩm số 55/2010/QH12; Nghị định 15/2018/NĐ-CP; "
        "Thông tư 67/2021/TT-BTC",
    ),
    DemoProcedure(
        "1.002249",  # (verify)
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do "
        "chuyển nhượng, tặng cho, thừa kế",
        "dat-dai", "nong-nghiep-moi-truong", "10", DAYS, PARTIAL,
        [("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất theo mẫu", 1, 0),
         ("Hợp đồng, văn bản về việc chuyển quyền đã được công chứng, chứng thực", 1, 0),
         ("Giấy chứng nhận đã cấp", 1, 0)],
        [(CHARGE, "Lệ phí đăng ký biến động đất đai", 30000)],
        "Giấy chứng nhận quyền sử dụng đất hoặc xác nhận biến động trên Giấy chứng nhận",
        "Luật Đất đai số 31/2024/QH15; Nghị định 101/2024/NĐ-CP",
    ),
    DemoProcedure(
        "1.004616",  # (verify)
        "Cấp Chứng chỉ hành nghề dược theo hình thức xét hồ sơ", "duoc", "y-te", "20", DAYS,
        FULL,
        [("Đơn đề nghị cấp Chứng chỉ hành nghề dược theo mẫu", 1, 0),
         ("Bản sao văn bằng chuyên môn", 0, 1),
         ("Giấy xác nhận thời gian thực hành chuyên môn", 1, 0)],
        [(FEE, "Phí thẩm định cấp Chứng chỉ hành nghề dược", 500000)],
        "Chứng chỉ hành nghề dược",
        "Luật Dược số 105/2016/QH13 (sửa đổi 2024); Nghị định 54/2017/NĐ-CP; "
        "Thông tư 277/2016/TT-BTC",
    ),
    DemoProcedure(
        "1.006390",  # (verify)
        "Chuyển trường đối với học sinh trung học phổ thông", "giao-duc", "giao-duc-dao-tao",
        "3", DAYS, FULL,
        [("Đơn xin chuyển trường của cha mẹ hoặc người giám hộ", 1, 0),
         ("Học bạ", 1, 0),
         ("Giấy xác nhận của trường nơi đi", 1, 0)],
        [],
        "Quyết định chuyển trường",
        "Thông tư 50/2021/TT-BGDĐT",
        paper=False,
    ),
]
# fmt: on


@dataclasses.dataclass(frozen=True)
class DemoProceduresResult:
    created: int
    skipped: int


def _budgets(hours: Decimal) -> list[Decimal]:
    """Hours of receiving, review, approval, signing and return that add up to `hours`: four
    hours at each desk for the long procedures, shares of the time for the short ones."""
    if hours >= 40:
        return [Decimal(4), hours - 20, Decimal(8), Decimal(4), Decimal(4)]
    if hours >= 16:
        return [Decimal(2), hours - 10, Decimal(4), Decimal(2), Decimal(2)]
    eighth = hours / 8
    return [eighth, eighth * 3, eighth * 2, eighth, eighth]


def demo_process(
    hours: Decimal, *, commune: bool, fees: bool = False
) -> tuple[list[StepSpec], list[TransitionSpec]]:
    """The usual internal process: the centre receives, the competent unit reviews, its
    leaders approve and sign, and the centre returns the result. With `fees`, the specialist
    may ask the applicant to pay before going on."""
    receive, review, approve, sign, give = _budgets(hours)
    at_unit = ProcessStep.Responsible.COMPETENT_UNIT
    at_desk = ProcessStep.Responsible.RECEIVING_UNIT
    leader = "UBND xã" if commune else "cơ quan"
    steps = [
        StepSpec(
            1,
            "Tiếp nhận, kiểm tra hồ sơ",
            "receive",
            at_desk,
            Position.Kind.ONE_STOP_OFFICER,
            receive,
        ),
        StepSpec(
            2,
            "Thẩm định hồ sơ, dự thảo kết quả",
            "review",
            at_unit,
            Position.Kind.SPECIALIST,
            review,
        ),
        StepSpec(
            3,
            "Lãnh đạo phòng chuyên môn xem xét, trình ký",
            "approve",
            at_unit,
            Position.Kind.DEPUTY_HEAD,
            approve,
        ),
        StepSpec(4, f"Lãnh đạo {leader} ký duyệt", "sign", at_unit, Position.Kind.HEAD, sign),
        StepSpec(5, "Trả kết quả", "return", at_desk, Position.Kind.ONE_STOP_OFFICER, give),
    ]
    transitions = [
        TransitionSpec(1, 2, "forward"),
        # Mẫu 02 (supplementation) and Mẫu 03 (refusal) of TT 03/2025/TT-VPCP at the desk.
        TransitionSpec(1, 1, "request_supplement"),
        TransitionSpec(1, None, "refuse"),
        TransitionSpec(2, 3, "forward"),
        # A dossier found incomplete during processing is returned for supplementation (NĐ
        # 118/2025/NĐ-CP: within 3 working days of receipt) and comes back to the same step,
        # where the processing time starts again.
        TransitionSpec(2, 2, "request_supplement"),
        TransitionSpec(2, 5, "refuse"),
        TransitionSpec(3, 4, "forward"),
        TransitionSpec(3, 2, "send_back"),
        TransitionSpec(4, 5, "forward"),
        TransitionSpec(4, 3, "send_back"),
        TransitionSpec(5, None, "resolve"),
    ]
    if fees:
        # Waiting for the payment of fees stops the clock (national status 6).
        transitions.insert(6, TransitionSpec(2, 2, "request_payment"))
    return steps, transitions


@transaction.atomic
def demo_procedures_seed(*, actor: Any, province: Unit) -> DemoProceduresResult:
    """Create the demo catalogue for `province` (a province seeded by `seed_province`): each
    procedure with one published version in force from 1/7/2025 and its internal process.
    Procedures whose code exists already are skipped, so running it twice changes nothing; so
    is a provincial procedure whose department the province does not have."""
    prefix = province.seed_key or province.admin_code or ""
    departments = {
        str(u.seed_key): u for u in Unit.objects.filter(seed_key__startswith=f"{prefix}/dept/")
    }
    fields = {f.code: f for f in Field.objects.filter(code__in=FIELDS)}
    for code, name in FIELDS.items():
        if code not in fields:
            fields[code] = field_create(actor=actor, code=code, name=name)
    existing = set(Procedure.objects.values_list("code", flat=True))
    created = skipped = 0
    for number, item in enumerate(CATALOGUE, start=1):
        unit = departments.get(f"{prefix}/dept/{item.dept}") if item.dept else None
        if item.code in existing or (item.dept and unit is None):
            skipped += 1
            continue
        time = Decimal(item.time)
        hours = time if item.unit == ProcedureVersion.TimeUnit.WORKING_HOURS else time * 8
        steps, transitions = demo_process(hours, commune=not item.dept, fees=bool(item.fees))
        version = procedure_version_create(
            actor=actor,
            procedure_code=item.code,
            name=item.name,
            field=fields[item.field],
            level=ProcedureVersion.Level.PROVINCE if item.dept else ProcedureVersion.Level.COMMUNE,
            competent_kind=(
                ProcedureVersion.Competent.UNIT if item.dept else ProcedureVersion.Competent.COMMUNE
            ),
            competent_unit=unit,
            processing_time=time,
            processing_unit=item.unit,
            cutoff_time=item.cutoff,
            result_type=item.result,
            paper_result_required=item.paper,
            legal_basis=item.legal_basis,
            applicants="Cá nhân, tổ chức",
            online_level=item.online,
            # Illustrative decision numbers.
            decision=f"{1000 + number}/QĐ-UBND",
            valid_from=DEMO_VALID_FROM,
            documents=[DocumentSpec(n, o, c) for n, o, c in item.documents],
            fees=[FeeSpec(description, amount, kind) for kind, description, amount in item.fees],
            steps=steps,
            transitions=transitions,
        )
        procedure_version_publish(actor=actor, version=version)
        created += 1
    return DemoProceduresResult(created=created, skipped=skipped)
