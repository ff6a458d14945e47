"""Demo content for the portal: articles across the communication plan's subjects (DOMAIN §10),
events and standard pages, with lead images drawn locally by Pillow (no network). Idempotent:
a second run finds what the first created and adds nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from tthc.catalog.models import Procedure
from tthc.content import services
from tthc.content.models import (
    ArticlePage,
    ArticleProcedure,
    Category,
    EventIndexPage,
    EventKind,
    EventPage,
    HomePage,
    NewsIndexPage,
    StandardPage,
)

CREDIT = "Văn phòng UBND tỉnh"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    category: str
    days_ago: int
    summary: str
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    colour: tuple[int, int, int]
    caption: str
    procedures: tuple[str, ...] = ()
    featured: bool = False
    quote: tuple[str, str] | None = None


ARTICLES = [
    DemoArticle(
        slug="ra-soat-danh-muc-thu-tuc-hanh-chinh-nam-nay",
        title="Rà soát, công bố đầy đủ danh mục thủ tục hành chính thuộc thẩm quyền của tỉnh",
        category=Category.CONTROL,
        days_ago=1,
        summary=(
            "Văn phòng UBND tỉnh đã hoàn thành rà soát danh mục thủ tục hành chính; mọi thủ tục "
            "đều được công khai trên Cơ sở dữ liệu quốc gia và cổng thông tin của tỉnh."
        ),
        paragraphs=(
            "Thực hiện kế hoạch kiểm soát thủ tục hành chính năm nay, Văn phòng UBND tỉnh đã "
            "phối hợp với các sở, ngành rà soát toàn bộ danh mục thủ tục hành chính thuộc thẩm "
            "quyền giải quyết của ba cấp chính quyền.",
            "Kết quả rà soát được công bố kịp thời: mỗi thủ tục có đủ trình tự thực hiện, thành "
            "phần hồ sơ, thời hạn giải quyết, phí, lệ phí và căn cứ pháp lý. Danh mục được niêm "
            "yết tại bộ phận một cửa các cấp và trên cổng thông tin để người dân tra cứu.",
            "Các cơ quan được yêu cầu cập nhật ngay khi có quyết định công bố mới, sửa đổi, bổ "
            "sung hoặc bãi bỏ, không để tình trạng thủ tục đã hết hiệu lực vẫn được niêm yết.",
        ),
        tags=("kiểm soát TTHC", "công khai"),
        colour=(164, 22, 26),
        caption="Cán bộ kiểm soát thủ tục hành chính rà soát danh mục tại Văn phòng UBND tỉnh.",
        procedures=("1.001193", "1.000894"),
        featured=True,
        quote=(
            "Thủ tục nào người dân phải làm thì phải được công khai đầy đủ, dễ tìm, dễ hiểu.",
            "Lãnh đạo Văn phòng UBND tỉnh",
        ),
    ),
    DemoArticle(
        slug="mot-cua-lien-thong-khai-sinh-thuong-tru-bao-hiem-y-te",
        title="Liên thông khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi",
        category=Category.ONE_STOP,
        days_ago=3,
        summary=(
            "Cha mẹ chỉ nộp một bộ hồ sơ tại bộ phận một cửa cấp xã hoặc trực tuyến là nhận đủ "
            "giấy khai sinh, đăng ký thường trú và thẻ bảo hiểm y tế cho con."
        ),
        paragraphs=(
            "Nhóm thủ tục liên thông đăng ký khai sinh, đăng ký thường trú và cấp thẻ bảo hiểm y "
            "tế cho trẻ em dưới 6 tuổi được triển khai tại tất cả các xã, phường trên địa bàn.",
            "Thay vì đến ba cơ quan, người dân chỉ nộp hồ sơ một lần; công chức một cửa chuyển "
            "hồ sơ điện tử cho các cơ quan liên quan và trả kết quả tại một nơi.",
        ),
        tags=("một cửa liên thông", "hộ tịch"),
        colour=(11, 79, 156),
        caption="Bộ phận một cửa cấp xã tiếp nhận hồ sơ liên thông khai sinh cho công dân.",
        procedures=("1.001193",),
        featured=True,
    ),
    DemoArticle(
        slug="nop-ho-so-truc-tuyen-toan-trinh-tang-manh",
        title="Tỷ lệ hồ sơ nộp trực tuyến toàn trình tăng mạnh trong quý",
        category=Category.ONLINE,
        days_ago=5,
        summary=(
            "Số hồ sơ nộp trực tuyến toàn trình trên Cổng dịch vụ công tăng rõ rệt; nhiều thủ "
            "tục hộ tịch, chứng thực đã có thể làm hoàn toàn qua mạng."
        ),
        paragraphs=(
            "Trong quý, tỷ lệ hồ sơ nộp trực tuyến toàn trình của tỉnh tăng đáng kể so với cùng "
            "kỳ. Các thủ tục có nhiều hồ sơ trực tuyến nhất là đăng ký khai sinh, chứng thực bản "
            "sao điện tử và cấp phiếu lý lịch tư pháp.",
            "Người dân có thể theo dõi tình trạng giải quyết bằng mã hồ sơ trên trang tra cứu "
            "hồ sơ và nhận thông báo qua tin nhắn khi có kết quả.",
        ),
        tags=("dịch vụ công trực tuyến",),
        colour=(29, 107, 47),
        caption="Người dân được hướng dẫn nộp hồ sơ trực tuyến tại bộ phận một cửa.",
        procedures=("1.001193", "1.000656"),
    ),
    DemoArticle(
        slug="cong-chuc-mot-cua-tan-tam-phuc-vu-nhan-dan",
        title="Gương điển hình: công chức một cửa tận tâm hướng dẫn người dân",
        category=Category.EXEMPLARS,
        days_ago=8,
        summary=(
            "Chị Nguyễn Thị Hà, công chức tư pháp – hộ tịch của phường, được người dân tín nhiệm "
            "nhờ tác phong tận tụy và cách hướng dẫn rõ ràng, một lần là đủ."
        ),
        paragraphs=(
            "Mỗi ngày chị Hà tiếp nhận hàng chục hồ sơ hộ tịch. Chị luôn kiểm tra kỹ thành phần "
            "hồ sơ ngay khi tiếp nhận và hướng dẫn bằng văn bản để người dân chỉ phải bổ sung "
            "một lần.",
            "Năm qua, bộ phận của chị không có hồ sơ trễ hạn và nhận được nhiều phản hồi hài "
            "lòng qua phiếu đánh giá chất lượng phục vụ.",
        ),
        tags=("gương điển hình",),
        colour=(122, 15, 18),
        caption="Công chức tư pháp – hộ tịch hướng dẫn công dân hoàn thiện hồ sơ.",
        quote=(
            "Người dân đi lại một lần là đã vất vả, mình hướng dẫn kỹ để họ không phải quay lại.",
            "Chị Nguyễn Thị Hà",
        ),
    ),
    DemoArticle(
        slug="sang-kien-phieu-hen-dien-tu-ma-qr",
        title="Sáng kiến phiếu hẹn điện tử có mã QR giúp tra cứu hồ sơ nhanh",
        category=Category.EXEMPLARS,
        days_ago=12,
        summary=(
            "Sáng kiến in mã QR trên giấy tiếp nhận hồ sơ và hẹn trả kết quả giúp người dân tra "
            "cứu tình trạng hồ sơ chỉ bằng điện thoại."
        ),
        paragraphs=(
            "Sáng kiến do Trung tâm Phục vụ hành chính công đề xuất: mỗi giấy tiếp nhận hồ sơ "
            "có mã QR dẫn thẳng tới trang tra cứu hồ sơ trên cổng thông tin.",
            "Sau ba tháng áp dụng, số cuộc gọi hỏi tình trạng hồ sơ giảm rõ rệt, công chức có "
            "thêm thời gian tập trung giải quyết hồ sơ.",
        ),
        tags=("sáng kiến", "một cửa liên thông"),
        colour=(212, 160, 23),
        caption="Giấy tiếp nhận hồ sơ có mã QR tra cứu tình trạng giải quyết.",
    ),
    DemoArticle(
        slug="ket-qua-cat-giam-chi-phi-tuan-thu",
        title="Kết quả cắt giảm, đơn giản hóa thủ tục hành chính và chi phí tuân thủ",
        category=Category.RESULTS,
        days_ago=16,
        summary=(
            "Nhiều phương án đơn giản hóa đã được thực thi, cắt giảm thời gian giải quyết và chi "
            "phí tuân thủ cho người dân, doanh nghiệp."
        ),
        paragraphs=(
            "Qua đánh giá tác động, các phương án đơn giản hóa tập trung vào giảm thành phần hồ "
            "sơ, rút ngắn thời hạn giải quyết và khai thác dữ liệu đã có thay vì yêu cầu nộp lại "
            "giấy tờ.",
            "Chi phí tuân thủ được tính theo phương pháp thống nhất và công khai cùng phương án "
            "để người dân, doanh nghiệp theo dõi.",
        ),
        tags=("cải cách hành chính", "đơn giản hóa"),
        colour=(79, 79, 79),
        caption="Hội nghị đánh giá kết quả đơn giản hóa thủ tục hành chính.",
    ),
    DemoArticle(
        slug="quyen-phan-anh-kien-nghi-ve-quy-dinh-hanh-chinh",
        title="Người dân có quyền phản ánh, kiến nghị về quy định hành chính",
        category=Category.RIGHTS,
        days_ago=20,
        summary=(
            "Cá nhân, tổ chức có quyền phản ánh về những quy định hành chính không hợp pháp, "
            "không phù hợp hoặc về hành vi chậm trễ, gây phiền hà của cán bộ."
        ),
        paragraphs=(
            "Phản ánh, kiến nghị có thể gửi trực tuyến trên cổng thông tin, qua bưu chính hoặc "
            "trực tiếp tại cơ quan. Mỗi phản ánh được tiếp nhận, xử lý trong thời hạn và công "
            "khai câu trả lời.",
            "Người gửi được bảo vệ thông tin cá nhân; câu trả lời công khai không hiện họ tên, "
            "địa chỉ, số điện thoại.",
        ),
        tags=("phản ánh kiến nghị", "quyền và nghĩa vụ"),
        colour=(11, 61, 122),
        caption="Người dân gửi phản ánh, kiến nghị tại bộ phận một cửa.",
    ),
    DemoArticle(
        slug="tap-huan-nghiep-vu-kiem-soat-thu-tuc-hanh-chinh",
        title="Tập huấn nghiệp vụ kiểm soát thủ tục hành chính cho cán bộ đầu mối",
        category=Category.TRAINING,
        days_ago=25,
        summary=(
            "Hơn 200 cán bộ đầu mối kiểm soát thủ tục hành chính các sở, ngành, xã, phường được "
            "tập huấn về công bố, công khai và số hóa hồ sơ."
        ),
        paragraphs=(
            "Lớp tập huấn giới thiệu quy trình công bố danh mục thủ tục, cách nhập và kiểm tra "
            "dữ liệu trên Cơ sở dữ liệu quốc gia, cùng yêu cầu số hóa hồ sơ, kết quả giải quyết.",
            "Học viên thực hành trên hệ thống một cửa điện tử và trao đổi các vướng mắc thường "
            "gặp khi tiếp nhận hồ sơ trực tuyến.",
        ),
        tags=("tập huấn", "kiểm soát TTHC"),
        colour=(20, 80, 31),
        caption="Cán bộ đầu mối tham dự lớp tập huấn nghiệp vụ.",
    ),
]

EVENTS = [
    {
        "slug": "tap-huan-so-hoa-ho-so-ket-qua-giai-quyet",
        "title": "Tập huấn số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "kind": EventKind.TRAINING,
        "days": 10,
        "hours": 2,
        "place": "Hội trường Trung tâm Phục vụ hành chính công tỉnh",
        "audience": "Công chức bộ phận một cửa cấp tỉnh và cấp xã",
        "organiser": "Văn phòng UBND tỉnh",
        "summary": "Hướng dẫn quy trình số hóa khi tiếp nhận và trả kết quả, lưu trữ điện tử.",
        "programme": (
            "Quy định về số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            "Thực hành số hóa, ký số và lưu trữ trên hệ thống một cửa điện tử",
            "Giải đáp vướng mắc của các xã, phường",
        ),
    },
    {
        "slug": "hoi-nghi-so-ket-cai-cach-thu-tuc-hanh-chinh",
        "title": "Hội nghị sơ kết công tác cải cách thủ tục hành chính 6 tháng",
        "kind": EventKind.CONFERENCE,
        "days": 24,
        "hours": 4,
        "place": "Hội trường UBND tỉnh",
        "audience": "Lãnh đạo các sở, ngành; Chủ tịch UBND các xã, phường",
        "organiser": "UBND tỉnh",
        "summary": "Đánh giá kết quả, chỉ số phục vụ người dân, doanh nghiệp và nhiệm vụ tới.",
        "programme": (
            "Báo cáo kết quả kiểm soát thủ tục hành chính và thực hiện cơ chế một cửa",
            "Công bố chỉ số phục vụ người dân, doanh nghiệp của các cơ quan",
            "Tham luận của các sở, ngành và xã, phường có kết quả tốt",
            "Kết luận và giao nhiệm vụ 6 tháng cuối năm",
        ),
    },
    {
        "slug": "hoc-tap-kinh-nghiem-mo-hinh-mot-cua",
        "title": "Đoàn học tập kinh nghiệm mô hình một cửa liên thông hiện đại",
        "kind": EventKind.STUDY_VISIT,
        "days": -20,
        "hours": 8,
        "place": "Trung tâm Phục vụ hành chính công tỉnh bạn",
        "audience": "Cán bộ kiểm soát thủ tục hành chính, lãnh đạo bộ phận một cửa",
        "organiser": "Văn phòng UBND tỉnh",
        "summary": "Tìm hiểu cách tổ chức tiếp nhận không phụ thuộc địa giới hành chính.",
        "programme": (
            "Làm việc với Trung tâm Phục vụ hành chính công về quy trình tiếp nhận",
            "Tham quan khu vực hướng dẫn, hỗ trợ nộp hồ sơ trực tuyến",
            "Trao đổi kinh nghiệm đánh giá chất lượng phục vụ",
        ),
    },
]

STANDARD_PAGES = [
    (
        "quyen-va-nghia-vu",
        "Quyền và nghĩa vụ của cá nhân, tổ chức",
        "Những quyền và nghĩa vụ chính của người dân, doanh nghiệp khi thực hiện thủ tục hành chính.",
        (
            "<h2>Quyền</h2><ul><li>Được hướng dẫn đầy đủ, một lần về hồ sơ và trình tự.</li>"
            "<li>Được nhận giấy tiếp nhận và hẹn trả kết quả; được biết lý do nếu hồ sơ bị từ "
            "chối hoặc trễ hạn.</li><li>Được phản ánh, kiến nghị về quy định hành chính và về "
            "hành vi của cán bộ, công chức.</li><li>Được đánh giá chất lượng giải quyết thủ "
            "tục.</li></ul><h2>Nghĩa vụ</h2><ul><li>Cung cấp thông tin, giấy tờ trung thực, "
            "đúng thành phần đã công bố.</li><li>Nộp phí, lệ phí theo quy định.</li><li>Chịu "
            "trách nhiệm về tính hợp pháp của giấy tờ đã nộp.</li></ul>"
        ),
    ),
    (
        "huong-dan-nop-ho-so-truc-tuyen",
        "Hướng dẫn nộp hồ sơ trực tuyến",
        "Các bước nộp hồ sơ trực tuyến và theo dõi kết quả giải quyết.",
        (
            "<ol><li>Tìm thủ tục trên trang Tra cứu thủ tục và xem kỹ thành phần hồ sơ.</li>"
            "<li>Chọn “Nộp hồ sơ trực tuyến”, điền tờ khai và đính kèm bản điện tử của giấy "
            "tờ.</li><li>Ghi lại mã hồ sơ được cấp để tra cứu tình trạng giải quyết.</li>"
            "<li>Bổ sung hồ sơ khi được yêu cầu; nhận kết quả trực tuyến hoặc tại bộ phận một "
            "cửa.</li></ol>"
        ),
    ),
    (
        "lien-he",
        "Liên hệ",
        "Địa chỉ, điện thoại của bộ phận kiểm soát thủ tục hành chính và Trung tâm Phục vụ hành "
        "chính công.",
        (
            "<h2>Phòng Kiểm soát thủ tục hành chính, Văn phòng UBND tỉnh</h2><p>Tiếp nhận phản "
            "ánh, kiến nghị về quy định hành chính; hướng dẫn nghiệp vụ kiểm soát thủ tục.</p>"
            "<h2>Trung tâm Phục vụ hành chính công tỉnh</h2><p>Tiếp nhận và trả kết quả hồ sơ "
            "từ thứ Hai đến thứ Sáu, sáng từ 7 giờ 30 đến 11 giờ 30, chiều từ 13 giờ 30 đến 17 "
            "giờ.</p>"
        ),
    ),
]


def _font(size: int):
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:
        return ImageFont.load_default()


def draw_image(text: str, colour: tuple[int, int, int], size=(1200, 675)) -> bytes:
    """A plain coloured picture with the text on it: enough for a demo, drawn without network."""
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.rectangle([0, height - 18, width, height], fill=(212, 160, 23))
    font = _font(56)
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width - 160:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    y = (height - len(lines) * 72) // 2
    for line in lines:
        x = (width - draw.textlength(line, font=font)) // 2
        draw.text((x, y), line, font=font, fill=(255, 255, 255))
        y += 72
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _image(title: str, text: str, colour) -> Image:
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    content = draw_image(text, colour)
    image = Image(title=title)
    image.file = ImageFile(io.BytesIO(content), name=f"{slugify(title)[:60] or 'anh'}.png")
    image.save()
    return image


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _rich(html: str) -> RichText:
    return RichText(html)


@transaction.atomic
def build_content_demo() -> dict:
    """Create the demo articles, events and standard pages (once); returns what was created."""
    services.ensure_site()
    home = HomePage.objects.first()
    news = NewsIndexPage.objects.child_of(home).first()
    events_index = EventIndexPage.objects.child_of(home).first()
    counts = {"articles": 0, "events": 0, "pages": 0, "procedure_links": 0}
    today = timezone.localdate()
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)

    for item in ARTICLES:
        if ArticlePage.objects.filter(slug=item.slug).exists():
            continue
        image = _image(item.title[:255], item.title, item.colour)
        body = [("paragraph", _rich(f"<p>{text}</p>")) for text in item.paragraphs]
        if item.quote:
            body.insert(1, ("quote", {"text": item.quote[0], "attribution": item.quote[1]}))
        article = ArticlePage(
            title=item.title,
            slug=item.slug,
            date=today - timedelta(days=item.days_ago),
            category=item.category,
            summary=item.summary,
            lead_image=image,
            lead_image_alt=item.caption,
            lead_image_caption=item.caption,
            lead_image_credit=CREDIT,
            body=body,
            featured=item.featured,
        )
        article.tags.add(*item.tags)
        for code in item.procedures:
            procedure = Procedure.objects.filter(code=code).first()
            if procedure is not None:
                article.related_procedures.add(ArticleProcedure(procedure=procedure))
                counts["procedure_links"] += 1
        _publish(news, article)
        counts["articles"] += 1

    for item in EVENTS:
        if EventPage.objects.filter(slug=item["slug"]).exists():
            continue
        start = (now + timedelta(days=item["days"])).replace(hour=8)
        event = EventPage(
            title=item["title"],
            slug=item["slug"],
            kind=item["kind"],
            start_at=start,
            end_at=start + timedelta(hours=item["hours"]),
            place=item["place"],
            audience=item["audience"],
            organiser=item["organiser"],
            summary=item["summary"],
            body=[
                (
                    "paragraph",
                    _rich(
                        "<h2>Chương trình</h2><ol>"
                        + "".join(f"<li>{line}</li>" for line in item["programme"])
                        + "</ol>"
                    ),
                )
            ],
        )
        _publish(events_index, event)
        counts["events"] += 1

    for slug, title, summary, html in STANDARD_PAGES:
        if StandardPage.objects.filter(slug=slug).exists():
            continue
        _publish(
            home,
            StandardPage(
                title=title, slug=slug, summary=summary, body=[("paragraph", _rich(html))]
            ),
        )
        counts["pages"] += 1
    return counts
