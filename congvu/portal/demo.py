"""The demo's portal news: five categories and a dozen articles written for the demo, most
published over the last weeks, one scheduled for the coming days, one sent back, one draft.

The editor `bientap` writes them and the approver `duyettin` publishes them, through the
services, so each has its revisions, workflow events and audit rows. One summarises
Chỉ thị 15/CT-UBND of Cao Bằng, with Báo Cao Bằng as its source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from congvu.accounts.models import User
from congvu.portal import services
from congvu.portal.models import Article, ArticleEvent, Category

CATEGORIES = [
    ("tin-hoat-dong", "Tin hoạt động", "Hoạt động của UBND tỉnh và các sở, ngành, địa phương."),
    ("chi-dao-dieu-hanh", "Chỉ đạo, điều hành", "Chỉ thị, kế hoạch và kết luận của UBND tỉnh."),
    ("cai-cach-hanh-chinh", "Cải cách hành chính", "Kỷ luật, kỷ cương và cải cách hành chính."),
    ("dich-vu-cong", "Dịch vụ công trực tuyến", "Thủ tục hành chính và dịch vụ công trực tuyến."),
    ("thong-bao", "Thông báo", "Thông báo của UBND tỉnh và Văn phòng UBND tỉnh."),
]


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    categories: tuple[str, ...]
    tags: tuple[str, ...] = ()
    days_ago: float | None = 1  # None: not published
    source: tuple[str, str] = ("", "")
    state: str = "published"  # published, scheduled, sent_back, draft
    comment: str = ""
    extra: dict[str, str] = field(default_factory=dict)


ARTICLES: list[DemoArticle] = [
    DemoArticle(
        slug="nang-cao-trach-nhiem-nguoi-dung-dau-trong-thuc-thi-cong-vu",
        title="Nâng cao trách nhiệm của người đứng đầu trong thực thi công vụ",
        summary=(
            "Chỉ thị số 15/CT-UBND ngày 23/11/2022 của UBND tỉnh yêu cầu siết chặt kỷ luật, kỷ "
            "cương hành chính và đẩy mạnh cải cách hành chính; người đứng đầu chịu trách nhiệm cá "
            "nhân về mọi việc trong phạm vi phụ trách, kể cả phần việc đã giao cho cấp phó."
        ),
        paragraphs=(
            "Chủ tịch UBND tỉnh đã ký ban hành Chỉ thị số 15/CT-UBND về tăng cường kỷ luật, kỷ "
            "cương và đẩy mạnh cải cách hành chính trong các cơ quan hành chính nhà nước của tỉnh. "
            "Chỉ thị ghi nhận những chuyển biến của công tác cải cách hành chính thời gian qua, "
            "đồng thời chỉ ra rằng chỉ số cải cách hành chính của tỉnh còn thấp và việc chấp hành "
            "chỉ đạo ở một số nơi chưa nghiêm.",
            "Theo chỉ thị, thủ trưởng các sở, ban, ngành và chủ tịch UBND cấp xã phải tăng cường "
            "tuyên truyền để cán bộ, công chức hiểu rõ trách nhiệm về kỷ luật công vụ, văn hóa và "
            "đạo đức công vụ; thực hiện nghiêm quy chế làm việc và đổi mới lề lối làm việc. Các "
            "giải pháp cải cách hành chính theo Nghị quyết 76/NQ-CP của Chính phủ và Kế hoạch "
            "1929/KH-UBND của tỉnh phải được triển khai đầy đủ, gắn với nâng cao các chỉ số PCI, "
            "DDCI và đẩy mạnh dịch vụ công trực tuyến.",
            "Điểm nhấn của chỉ thị là trách nhiệm người đứng đầu: kết quả cải cách hành chính trở "
            "thành một tiêu chí đánh giá, xếp loại hằng năm, và người đứng đầu chịu trách nhiệm cá "
            "nhân trước UBND tỉnh về toàn bộ công việc được giao, kể cả khi đã phân công cho cấp "
            "phó. Cán bộ, công chức được yêu cầu làm đúng chức trách, tuân thủ thứ bậc hành chính "
            "và giải quyết công việc dứt điểm, đúng thời hạn.",
        ),
        categories=("chi-dao-dieu-hanh", "cai-cach-hanh-chinh"),
        tags=("Chỉ thị 15/CT-UBND", "kỷ luật kỷ cương", "người đứng đầu"),
        days_ago=20,
        source=("Báo Cao Bằng", "https://baocaobang.vn/"),
    ),
    DemoArticle(
        slug="trung-tam-phuc-vu-hanh-chinh-cong-tinh-tiep-nhan-ho-so-thang-qua",
        title="Trung tâm Phục vụ hành chính công tỉnh giải quyết hồ sơ đúng hạn tăng rõ",
        summary=(
            "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng và trước hạn tại Trung tâm Phục "
            "vụ hành chính công tỉnh tiếp tục tăng; số hồ sơ nộp trực tuyến chiếm phần lớn."
        ),
        paragraphs=(
            "Trong tháng qua, Trung tâm Phục vụ hành chính công tỉnh đã tiếp nhận hồ sơ của hơn "
            "mười sở, ngành, phần lớn qua dịch vụ công trực tuyến. Các hồ sơ trễ hạn đều có văn "
            "bản xin lỗi và hẹn lại thời gian trả kết quả theo quy định.",
            "Lãnh đạo Trung tâm cho biết sẽ tiếp tục rà soát quy trình nội bộ của từng thủ tục, "
            "rút ngắn thời gian ở các bước thẩm định và trình ký để giảm số hồ sơ quá hạn.",
        ),
        categories=("dich-vu-cong", "tin-hoat-dong"),
        tags=("một cửa", "hồ sơ đúng hạn"),
        days_ago=2,
    ),
    DemoArticle(
        slug="huong-dan-tra-cuu-tinh-trang-ho-so-truc-tuyen",
        title="Hướng dẫn tra cứu tình trạng hồ sơ thủ tục hành chính trực tuyến",
        summary=(
            "Người dân, doanh nghiệp có thể tra cứu tình trạng hồ sơ bằng mã hồ sơ và mã tra cứu "
            "in trên giấy tiếp nhận, không cần tài khoản."
        ),
        paragraphs=(
            "Trên Cổng thông tin của tỉnh, ô “Tra cứu hồ sơ” ở trang chủ cho phép nhập mã hồ sơ và "
            "mã tra cứu ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Kết quả cho biết hồ sơ "
            "đang ở bước nào, ngày hẹn trả và hồ sơ có đúng hạn hay không.",
            "Trường hợp quên mã tra cứu, người nộp có thể dùng số điện thoại đã khai khi nộp "
            "hồ sơ. Thông tin cá nhân của người nộp không hiển thị trên trang tra cứu.",
        ),
        categories=("dich-vu-cong",),
        tags=("tra cứu hồ sơ", "dịch vụ công trực tuyến"),
        days_ago=4,
    ),
    DemoArticle(
        slug="so-tu-phap-day-manh-cap-phieu-ly-lich-tu-phap-truc-tuyen",
        title="Sở Tư pháp đẩy mạnh cấp Phiếu lý lịch tư pháp trực tuyến",
        summary=(
            "Sở Tư pháp khuyến khích người dân nộp hồ sơ cấp Phiếu lý lịch tư pháp qua mạng để "
            "tiết kiệm thời gian đi lại."
        ),
        paragraphs=(
            "Thủ tục cấp Phiếu lý lịch tư pháp được cung cấp trực tuyến toàn trình. Người dân khai "
            "tờ khai, đính kèm giấy tờ và theo dõi kết quả ngay trên cổng dịch vụ công.",
            "Sở Tư pháp đã phân công công chức theo dõi riêng các hồ sơ nộp trực tuyến và cam kết "
            "trả kết quả đúng hẹn.",
        ),
        categories=("dich-vu-cong", "tin-hoat-dong"),
        tags=("Sở Tư pháp", "dịch vụ công trực tuyến"),
        days_ago=6,
    ),
    DemoArticle(
        slug="ubnd-tinh-kiem-tra-cong-vu-tai-cac-so-nganh",
        title="UBND tỉnh kiểm tra công vụ đột xuất tại một số sở, ngành",
        summary=(
            "Đoàn kiểm tra công vụ của tỉnh đã làm việc tại một số cơ quan về giờ giấc làm việc, "
            "việc giải quyết hồ sơ và thực hiện nhiệm vụ được giao."
        ),
        paragraphs=(
            "Đoàn kiểm tra ghi nhận phần lớn cán bộ, công chức chấp hành nghiêm giờ làm việc và "
            "quy chế của cơ quan. Một số nhiệm vụ được giao còn chậm so với thời hạn; đoàn đề nghị "
            "thủ trưởng đơn vị chỉ đạo hoàn thành và báo cáo kết quả.",
            "Kết quả kiểm tra được tổng hợp để đánh giá, xếp loại cơ quan, đơn vị và người đứng "
            "đầu cuối năm.",
        ),
        categories=("cai-cach-hanh-chinh", "tin-hoat-dong"),
        tags=("kiểm tra công vụ", "kỷ luật kỷ cương"),
        days_ago=9,
    ),
    DemoArticle(
        slug="ket-qua-chi-so-cai-cach-hanh-chinh-cac-so-nganh",
        title="Công bố kết quả tự đánh giá chỉ số cải cách hành chính của các sở, ngành",
        summary=(
            "Sở Nội vụ đã tổng hợp kết quả tự đánh giá chỉ số cải cách hành chính năm của các sở, "
            "ngành và UBND cấp xã, làm cơ sở để thẩm định."
        ),
        paragraphs=(
            "Các cơ quan, đơn vị đã gửi kết quả tự chấm điểm kèm tài liệu kiểm chứng. Hội đồng "
            "thẩm định sẽ xem xét từng tiêu chí trước khi công bố kết quả chính thức.",
            "Sở Nội vụ lưu ý các đơn vị cập nhật đầy đủ tài liệu kiểm chứng, tránh để điểm bị trừ "
            "vì thiếu minh chứng.",
        ),
        categories=("cai-cach-hanh-chinh",),
        tags=("chỉ số CCHC", "Sở Nội vụ"),
        days_ago=12,
    ),
    DemoArticle(
        slug="phuong-thuc-phan-dua-bo-phan-mot-cua-vao-hoat-dong",
        title="Phường Thục Phán đưa Bộ phận Một cửa mới vào hoạt động",
        summary=(
            "Bộ phận Một cửa của phường được bố trí lại, có khu vực hướng dẫn nộp hồ sơ trực tuyến "
            "và máy tra cứu cho người dân."
        ),
        paragraphs=(
            "Sau khi sắp xếp lại, Bộ phận Một cửa phường Thục Phán có thêm quầy hướng dẫn người "
            "dân tự nộp hồ sơ qua mạng và một máy tính tra cứu kết quả.",
            "UBND phường giao công chức trực một cửa theo dõi hằng ngày các hồ sơ sắp đến hạn để "
            "không phát sinh hồ sơ quá hạn.",
        ),
        categories=("tin-hoat-dong",),
        tags=("một cửa", "cấp xã"),
        days_ago=15,
    ),
    DemoArticle(
        slug="thong-bao-lich-tiep-cong-dan-dinh-ky",
        title="Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND tỉnh",
        summary=(
            "Chủ tịch UBND tỉnh tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở Tiếp "
            "công dân tỉnh."
        ),
        paragraphs=(
            "Trường hợp ngày 15 trùng ngày nghỉ, lịch tiếp công dân chuyển sang ngày làm việc tiếp "
            "theo. Công dân đến đăng ký trước tại Trụ sở Tiếp công dân tỉnh.",
        ),
        categories=("thong-bao",),
        tags=("tiếp công dân",),
        days_ago=18,
    ),
    DemoArticle(
        slug="so-ket-thuc-hien-nhiem-vu-chi-dao-quy",
        title="Sơ kết việc thực hiện các nhiệm vụ UBND tỉnh giao trong quý",
        summary=(
            "Văn phòng UBND tỉnh tổng hợp tình hình thực hiện nhiệm vụ: phần lớn hoàn thành đúng "
            "hạn, một số nhiệm vụ quá hạn đã được nhắc và yêu cầu báo cáo."
        ),
        paragraphs=(
            "Trên hệ thống theo dõi nhiệm vụ, mỗi nhiệm vụ đều có đơn vị chủ trì, đơn vị phối hợp "
            "và thời hạn. Các nhiệm vụ quá hạn được tự động nhắc đến người đứng đầu đơn vị chủ "
            "trì.",
            "Văn phòng UBND tỉnh đề nghị các đơn vị cập nhật tiến độ thường xuyên, đề xuất gia hạn "
            "trước khi đến hạn nếu có lý do chính đáng.",
        ),
        categories=("chi-dao-dieu-hanh",),
        tags=("theo dõi nhiệm vụ", "Chỉ thị 15/CT-UBND"),
        days_ago=24,
    ),
    DemoArticle(
        slug="tap-huan-ky-nang-su-dung-dich-vu-cong-cho-can-bo-cap-xa",
        title="Tập huấn kỹ năng hỗ trợ người dân sử dụng dịch vụ công cho cán bộ cấp xã",
        summary=(
            "Công chức một cửa các xã, phường được hướng dẫn cách hỗ trợ người dân tạo tài khoản "
            "và nộp hồ sơ trực tuyến."
        ),
        paragraphs=(
            "Lớp tập huấn tập trung vào các thủ tục người dân thường làm: đăng ký khai sinh, chứng "
            "thực, cấp phiếu lý lịch tư pháp.",
            "Học viên thực hành trên hệ thống thật và được cấp tài liệu hướng dẫn để dùng tại bộ "
            "phận một cửa.",
        ),
        categories=("dich-vu-cong", "tin-hoat-dong"),
        tags=("tập huấn", "cấp xã"),
        days_ago=30,
    ),
    DemoArticle(
        slug="ke-hoach-cai-cach-hanh-chinh-nam-moi",
        title="UBND tỉnh ban hành Kế hoạch cải cách hành chính năm mới",
        summary=(
            "Kế hoạch đặt mục tiêu tăng tỷ lệ hồ sơ trực tuyến và giảm hồ sơ quá hạn, giao nhiệm "
            "vụ cụ thể cho từng sở, ngành."
        ),
        paragraphs=(
            "Kế hoạch gồm các nhóm nhiệm vụ về thể chế, thủ tục hành chính, tổ chức bộ máy, công "
            "vụ, tài chính công và chính quyền số.",
            "Mỗi nhiệm vụ có đơn vị chủ trì và thời hạn hoàn thành, được theo dõi trên hệ thống "
            "của UBND tỉnh.",
        ),
        categories=("chi-dao-dieu-hanh", "cai-cach-hanh-chinh"),
        tags=("kế hoạch CCHC",),
        state="scheduled",
        days_ago=-3,
    ),
    DemoArticle(
        slug="hoi-nghi-doi-thoai-doanh-nghiep-ve-thu-tuc-hanh-chinh",
        title="Hội nghị đối thoại với doanh nghiệp về thủ tục hành chính",
        summary=(
            "Doanh nghiệp nêu vướng mắc về thủ tục đất đai, xây dựng; các sở trả lời trực tiếp."
        ),
        paragraphs=(
            "Hội nghị do UBND tỉnh chủ trì, có đại diện các sở, ngành liên quan. Nhiều kiến nghị "
            "được giải đáp ngay tại hội nghị.",
        ),
        categories=("tin-hoat-dong",),
        tags=("doanh nghiệp", "đối thoại"),
        state="sent_back",
        days_ago=None,
        comment=(
            "Bổ sung số lượng kiến nghị đã tiếp nhận và thời hạn trả lời các kiến nghị còn lại."
        ),
    ),
    DemoArticle(
        slug="chuyen-doi-so-trong-giai-quyet-thu-tuc-hanh-chinh",
        title="Chuyển đổi số trong giải quyết thủ tục hành chính: những việc cần làm ngay",
        summary="Bản nháp: số hóa hồ sơ, kết quả giải quyết và tái sử dụng dữ liệu đã số hóa.",
        paragraphs=(
            "Bài viết đang được biên tập: tổng hợp các việc cần làm để số hóa hồ sơ và kết quả "
            "giải quyết thủ tục hành chính tại bộ phận một cửa các cấp.",
        ),
        categories=("cai-cach-hanh-chinh",),
        tags=("chuyển đổi số",),
        state="draft",
        days_ago=None,
    ),
]


def _body(paragraphs: tuple[str, ...]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


@transaction.atomic
def demo_news_seed(*, now: dt.datetime | None = None) -> int:
    """Create the demo categories and articles unless there; returns how many articles."""
    now = now or timezone.now()
    editor = User.objects.filter(username="bientap").first()
    approver = User.objects.filter(username="duyettin").first()
    if editor is None or approver is None:
        return 0
    categories = {}
    for sort_order, (slug, name, description) in enumerate(CATEGORIES, start=1):
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            category = services.category_create(
                actor=None, name=name, slug=slug, description=description, sort_order=sort_order
            )
        categories[slug] = category
    created = 0
    for item in ARTICLES:
        if Article.objects.filter(slug=item.slug).exists():
            continue
        article = services.article_create(
            actor=editor,
            title=item.title,
            summary=item.summary,
            body=_body(item.paragraphs),
            categories=[categories[c] for c in item.categories],
            tags=list(item.tags),
            source_name=item.source[0],
            source_url=item.source[1],
            slug=item.slug,
        )
        created += 1
        if item.state == "draft":
            continue
        services.article_submit(actor=editor, article=article, notify=False)
        if item.state == "sent_back":
            services.article_send_back(
                actor=approver, article=article, comment=item.comment, notify=False
            )
            continue
        at = now - dt.timedelta(days=item.days_ago or 0)
        services.article_publish(actor=approver, article=article, published_at=at, notify=False)
        if at < now:
            # The workflow stamps its events with the present; the demo moves them back to
            # when the article came out, to show a believable history.
            ArticleEvent.objects.filter(article=article).update(at=at - dt.timedelta(hours=2))
    return created
