"""Phone first: every public page type fits a 375 px and a 360 px wide screen without
horizontal scrolling (`document.documentElement.scrollWidth <= window.innerWidth`).

One live server, one browser context, the demo province (real agencies and procedures, whose
tables are long), the demo news, events and pages, plus a procedure written to be hard on a
phone: many documents with long names, an unbroken web address and a long form file name.
A page that is too wide fails with the elements whose right edge passes the screen's, widest
first, so the culprit is named.

With TTHC_SCREENSHOTS set (`make screenshots`), keeps the key pages as phone-*.png.
"""

import json

import pytest

from tests.e2e.shots import Shots
from tests.factories import make_procedure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"
WIDTHS = (375, 360)
CODE = "2.999001"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LONG_URL = (
    "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2999001"
)
LONG_FORM = "Mau_so_01_To_khai_dang_ky_thuong_tru_ban_hanh_kem_Thong_tu_66_2023_TT_BCA.docx"

# Elements sticking out past the right edge of the screen; an element inside a container that
# scrolls or clips sideways (a wide table in its own scroll box) does not widen the page.
# `width` is the screen's: a phone browser zooms out a page that is too wide, and then
# window.innerWidth grows with the page.
OVERFLOW_JS = r"""width => {
  const clips = node => {
    for (let a = node.parentElement; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if (x !== 'visible') return a.getBoundingClientRect().right <= width + 0.5;
    }
    return false;
  };
  const name = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    for (const c of el.classList) s += '.' + c;
    if (el.name) s += `[name=${el.name}]`;
    return s;
  };
  const path = el => {
    const parts = [];
    for (let n = el; n && n !== document.body && parts.length < 4; n = n.parentElement) {
      parts.unshift(name(n));
    }
    return parts.join(' > ');
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 0.5 || clips(el)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    out.push({el, right: Math.round(r.right), width: Math.round(r.width)});
  }
  // Text that does not wrap sticks out of its element's box (a long web address in a cell
  // that is itself narrow enough): its parent element is named.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || out.some(o => o.el === el) || clips(node)) continue;
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 0.5) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    out.push({el, right: Math.round(r.right), width: Math.round(r.width)});
  }
  // The culprits are the innermost: an element sticking out only because a child does is
  // not named, its child is.
  const culprits = out.filter(o => !out.some(p => p !== o && o.el.contains(p.el)));
  culprits.sort((a, b) => b.right - a.right);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    offenders: culprits.slice(0, 5).map(o => ({
      element: path(o.el),
      right: o.right,
      width: o.width,
      text: (o.el.innerText || o.el.value || '').trim().replace(/\s+/g, ' ').slice(0, 60),
    })),
  };
}"""


@pytest.fixture
def world(settings, tmp_path):
    """The demo province and content, plus the hard cases."""
    from django.core.cache import cache

    from tthc.content import services as content
    from tthc.content.demo import build_content_demo
    from tthc.demo.services import build_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "tests.e2e.content_urls"  # the demo's images are served
    cache.clear()
    _, _, report = build_demo(password=PASSWORD)
    assert report.counts["failed"] == 0
    content.ensure_site()
    build_content_demo()
    return add_hard_cases()


def add_hard_cases():
    """An online procedure hard on a phone (many documents with long names, an unbroken web
    address, a long form file name) and a published answer to feedback, on the demo province."""
    from tthc.catalog.models import ProcedureAgency
    from tthc.feedback import services as feedback
    from tthc.org.models import Agency, AgencyKind, UnitLevel

    documents = [
        {
            "name": f"Bản sao giấy tờ chứng minh số {n}: giấy chứng nhận quyền sử dụng đất, "
            "quyền sở hữu nhà ở và tài sản khác gắn liền với đất hoặc văn bản thỏa thuận",
            "group": "Giấy tờ phải nộp",
            "form": LONG_FORM if n == 1 else "",
            "originals": 1,
            "copies": 1,
        }
        for n in range(1, 9)
    ]
    documents.append({"name": f"Văn bản ủy quyền (nếu có), mẫu tại {LONG_URL}", "copies": 1})
    procedure = make_procedure(
        code=CODE,
        name="Đăng ký thường trú cho công dân chuyển đến từ tỉnh, thành phố khác "
        "(thủ tục liên thông: khai sinh – đăng ký thường trú – cấp thẻ bảo hiểm y tế)",
        boundary_free=True,
        online_level="full",
        channels=[
            {
                "channel": "online",
                "processing_time": {"amount": "7", "unit": "working_days", "text": "07 ngày"},
                "fees": [{"amount_vnd": 20000, "text": "20.000 đồng/lần đăng ký"}],
                "description": f"Nộp qua Cổng Dịch vụ công quốc gia {LONG_URL}",
            }
        ],
        documents=documents,
    )
    justice = Agency.objects.get(unit__level=UnitLevel.PROVINCE, short_name="Sở Tư pháp")
    ProcedureAgency.objects.create(procedure=procedure, agency=justice, role="implementing")

    office = Agency.objects.get(unit__level=UnitLevel.PROVINCE, kind=AgencyKind.OFFICE)
    control = office.memberships.get(role="control_officer").user
    item = feedback.submit(
        data=feedback.FeedbackInput(
            category="regulation",
            title="Yêu cầu nộp bản sao sổ hộ khẩu khi đăng ký khai sinh cho con",
            content=f"Cán bộ yêu cầu bản sao sổ hộ khẩu; xem {LONG_URL}",
            sender_name="Nguyễn Văn An",
            sender_address="Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
            sender_phone="0912345678",
            sender_email="an.nguyen@example.vn",
        )
    )
    item = feedback.receive(user=control, feedback=item)
    item = feedback.start(user=control, feedback=item)
    item = feedback.draft_answer(
        user=control,
        feedback=item,
        answer="Từ ngày 01/01/2023 sổ hộ khẩu không còn giá trị; không được yêu cầu nộp.",
    )
    item = feedback.approve(user=control, feedback=item)
    item = feedback.publish(user=control, feedback=item)
    return procedure, item


def longest_procedures(count: int) -> list[str]:
    """The demo procedures with the most content: the longest tables."""
    from tthc.catalog.models import Procedure

    procedures = Procedure.objects.exclude(current_version=None).select_related("current_version")
    sizes = sorted(procedures, key=lambda p: -len(json.dumps(p.current_version.data)))
    return [p.code for p in sizes[:count]]


class Phone:
    """Checks the page in front of it at each width; collects the failures."""

    def __init__(self, page):
        self.page = page
        self.failures = []
        self.checked = []
        self.shots = Shots(prefix="phone-")

    def check(self, label: str, shot: str = "") -> None:
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 800})
            measure = self.page.evaluate(OVERFLOW_JS, width)
            self.checked.append((label, width, measure["scrollWidth"]))
            if max(measure["scrollWidth"], measure["innerWidth"]) > width:
                offenders = "\n      ".join(
                    f"{o['element']} (right {o['right']} px, width {o['width']} px) {o['text']!r}"
                    for o in measure["offenders"]
                )
                self.failures.append(
                    f"{label} at {width} px: {measure['scrollWidth']} px wide\n      {offenders}"
                )
            if shot and width == WIDTHS[0]:
                self.shots.take(self.page, shot)

    def visit(self, base: str, url: str, shot: str = "") -> None:
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        response = self.page.goto(base + url)
        assert response.status < 500, f"{url}: {response.status}"
        self.check(url, shot)


def test_every_public_page_fits_a_phone(live_server, browser, world, tmp_path):
    from tthc.catalog.models import Field
    from tthc.content.models import ArticlePage, EventPage, StandardPage

    _, answered = world
    base = live_server.url
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": WIDTHS[0], "height": 800},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    phone = Phone(page)
    pdf = tmp_path / "to-khai.pdf"
    pdf.write_bytes(PDF)

    # The portal, the catalog, the agencies, the life events.
    field = Field.objects.get(name="Hộ tịch")
    article = ArticlePage.objects.live().order_by("-date").first()
    event = EventPage.objects.live().order_by("start_at").last()
    standard = StandardPage.objects.live().first()
    pages = [
        ("/", "home"),
        ("/thu-tuc/", "portal"),
        ("/tim-kiem/?q=dang+ky+khai+sinh", "search"),
        ("/tim-kiem/?q=khai+sinhh+xyz", ""),
        ("/tim-kiem/?q=&cap=province&muc_do=partial", ""),
        (f"/linh-vuc/{field.pk}/", ""),
        ("/thu-tuc/1.001193/", "procedure"),
        (f"/thu-tuc/{CODE}/", "procedure-long"),
        *[(f"/thu-tuc/{code}/", "") for code in longest_procedures(3)],
        ("/thu-tuc/1.001193/in/", ""),
        ("/co-quan/", "agencies"),
        ("/co-quan/000.00.03.H26/", ""),
        ("/su-kien/", ""),
        ("/su-kien/sinh-con/", ""),
        ("/tin-tuc/", "news"),
        (article.url, "article"),
        ("/hoi-nghi-tap-huan/", ""),
        (event.url, "event"),
        (standard.url, ""),
        ("/tim-kiem-tin/", ""),
        ("/tim-kiem-tin/?q=tap+huan", ""),
        ("/lich-lam-viec/", ""),
        ("/don-gian-hoa/", ""),
        ("/phan-anh/", "feedback-archive"),
        (f"/phan-anh/{answered.code}/", ""),
        ("/phan-anh/tra-cuu/", ""),
        ("/tra-cuu-ho-so/", ""),
        ("/chi-so-phuc-vu/", "index"),
        ("/chi-so-phuc-vu/000.00.03.H26/", ""),
        ("/danh-sach-tre-han/", "late"),
        ("/cong-khai/", ""),
        ("/dang-nhap/", ""),
        ("/trang-khong-co/", ""),
    ]
    for url, shot in pages:
        phone.visit(base, url, shot)

    # The apply form: refused first (nothing filled in, the browser's own checks off), then
    # sent with a file for every document; the confirmation; the dossier looked up.
    phone.visit(base, f"/nop-truc-tuyen/{CODE}/", "apply")
    form = page.locator("form.dossier-form")
    form.evaluate("f => { f.noValidate = true; }")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.locator(".dossier-form__summary").wait_for()
    phone.check("apply, refused", "apply-refused")
    page.fill("input[name=full_name]", "Nguyễn Văn An")
    page.fill("input[name=citizen_id]", "001090012345")
    page.fill("input[name=date_of_birth]", "1990-05-17")
    page.fill("input[name=phone]", "0912345678")
    page.fill("input[name=email]", "an.nguyen@example.vn")
    page.fill("input[name=address]", "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội")
    for upload in page.locator("input[type=file]").all():
        upload.set_input_files(str(pdf))
    page.check("input[name=consent]")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/nop-truc-tuyen/da-nop/")
    code = page.locator("#ma-ho-so").inner_text().strip()
    secret = page.locator("#ma-tra-cuu").inner_text().strip()
    phone.check("apply, submitted", "submitted")

    page.goto(f"{base}/tra-cuu-ho-so/")
    page.fill("input[name=ma]", "000.00.00.H00-000000-0000")
    page.get_by_role("button", name="Tra cứu").click()
    page.locator("main .error").wait_for()
    phone.check("dossier lookup, not found")
    page.fill("input[name=ma]", code)
    page.fill("input[name=xac_minh]", secret)
    page.get_by_role("button", name="Tra cứu").click()
    page.locator("#ket-qua").wait_for()
    phone.check("dossier lookup, found", "lookup")

    # Feedback: the form refused, then sent; the sender's lookup.
    phone.visit(base, "/phan-anh/gui/", "feedback-form")
    page.locator("form.fb-form").first.evaluate("f => { f.noValidate = true; }")
    page.get_by_role("button", name="Gửi phản ánh").click()
    phone.check("feedback form, refused")
    page.check("input[name=category][value=regulation]")
    page.fill("input[name=title]", "Thời hạn giải quyết chuyển hộ khẩu quá dài")
    page.fill("textarea[name=content]", f"Hồ sơ nộp đã 20 ngày chưa có kết quả, xem {LONG_URL}")
    page.fill("input[name=sender_name]", "Trần Thị Bình")
    page.fill("input[name=sender_phone]", "0987654321")
    page.fill("input[name=sender_address]", "Số 2 phố Hàng Bài, Hoàn Kiếm, Hà Nội")
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.locator("#ma-phan-anh").wait_for()
    phone.check("feedback, submitted")
    page.goto(f"{base}/phan-anh/tra-cuu/")
    page.fill("input[name=ma]", answered.code)
    page.fill("input[name=xac_minh]", answered.lookup_secret)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    phone.check("feedback lookup, found")

    # A refused sign-in.
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", "khong-co-ai")
    page.fill("input[name=password]", "sai-mat-khau-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    phone.check("login, refused")
    context.close()

    assert len(phone.checked) >= 2 * (len(pages) + 9)
    assert not phone.failures, "pages wider than the phone:\n  " + "\n  ".join(phone.failures)
