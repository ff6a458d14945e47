"""The one-stop journey on the demo province, in the browser, from the citizen's first click
to the officer's last and back to the citizen, for each shape of procedure:

- commune level (1.001193 khai sinh, phường Hoàn Kiếm): online → the ward centre's desk →
  specialist asks for a supplement → the citizen supplements from the lookup page → specialist
  → the ward leader approves with an electronic result → the desk returns it → rating;
- province level (1.000426, Sở Tư pháp): online → the city centre's branch → the leader
  assigns a specialist → specialist → leader approves → returned → rating;
- inter-agency (2.000528, khai sinh có yếu tố nước ngoài): the desk asks for completion before
  accepting → the citizen completes → ward specialist → the ward police (liên thông) → back →
  leader approves → returned → rating;
- a walk-in citizen received at the counter, and a dossier received by post.

Every hand-over is done by the demo account that holds the role, signed in through the login
page; the citizen sees each status on the lookup page; each notification goes out once.
Screenshots at each step under `make screenshots` (docs/screenshots/journey-*.png).
"""

import re
from collections import Counter

import pytest

from tests.e2e.shots import Shots
from tthc.dossiers.models import (
    Dossier,
    DossierAgency,
    Notification,
    NotificationChannel,
    SatisfactionRating,
    Status,
)
from tthc.dossiers.notifications import SUBJECTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"
SHOTS = Shots(prefix="journey-")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CITIZEN = {
    "full_name": "Nguyễn Thị Lan",
    "citizen_id": "001190023456",
    "phone": "0912000789",
    "email": "lan.nguyen@example.vn",
    "address": "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
}
# code -> the lookup secret, read where the citizen really gets it: the confirmation page of
# an online submission, the e-mail of a counter or postal dossier.
SECRETS: dict[str, str] = {}


@pytest.fixture
def demo(settings, tmp_path):
    from tthc.demo.services import build_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    build_demo(password=PASSWORD)


@pytest.fixture
def scan(tmp_path):
    path = tmp_path / "ban-chup.pdf"
    path.write_bytes(PDF)
    return str(path)


class Journey:
    """The people of one journey, each in a browser context of their own."""

    def __init__(self, browser, base: str, name: str):
        self.browser, self.base, self.name = browser, base, name
        self.contexts = []
        self.step = 0

    def context(self):
        context = self.browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        self.contexts.append(context)
        return context

    def shot(self, page, what: str) -> None:
        self.step += 1
        SHOTS.take(page, f"{self.name}-{self.step:02d}-{what}")

    def citizen(self):
        page = self.context().new_page()
        page.set_default_timeout(20_000)
        return page

    def staff(self, username: str):
        page = self.context().new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{self.base}/dang-nhap/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{self.base}/quan-tri/")
        return page

    def open_dossier(self, page, code: str) -> None:
        page.goto(f"{self.base}/quan-tri/ho-so/{code}/")

    def act(self, page, action: str, **fields) -> None:
        page.locator(f"#tt-{action} summary").click()
        for name, value in fields.items():
            field = page.locator(f"#tt-{action} [name={name}]")
            tag = field.evaluate("e => e.tagName")
            if tag == "SELECT":
                field.select_option(value)
            elif field.get_attribute("type") == "checkbox":
                field.check()
            elif field.get_attribute("type") == "file":
                field.set_input_files(value)
            else:
                field.fill(value)
        page.locator(f"#tt-{action} button[type=submit]").click()
        page.wait_for_load_state()
        messages = page.locator(".messages")
        assert messages.count() and "Đã thực hiện" in messages.inner_text(), page.content()[:4000]

    def status_on_staff_page(self, page) -> str:
        return page.locator(".ds-status").first.inner_text()

    def close(self):
        for context in self.contexts:
            context.close()


def apply_online(journey, citizen, code: str, agency: str, scan: str) -> str:
    """The citizen finds the procedure, opens its online form, uploads every mandatory
    document and submits; returns the dossier code."""
    base = journey.base
    citizen.goto(f"{base}/thu-tuc/")
    citizen.fill("input[name=q]", code)
    citizen.keyboard.press("Enter")
    citizen.locator(f"a[href='/thu-tuc/{code}/']").first.click()
    journey.shot(citizen, "procedure")
    citizen.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    citizen.wait_for_url(f"**/nop-truc-tuyen/{code}/")
    assert citizen.locator("text=Bộ phận một cửa của cơ quan giải quyết").count() == 0
    agency_select = citizen.locator("select[name=resolving_agency]")
    agency_select.select_option(label=agency)
    for name, value in CITIZEN.items():
        citizen.fill(f"input[name={name}]", value)
    required = citizen.locator("input[type=file][required]")
    assert required.count() >= 1
    # Every mandatory upload says so next to the field, before anything is sent.
    for i in range(required.count()):
        field_id = required.nth(i).get_attribute("name")
        assert "Bắt buộc" in citizen.locator(f"#f-{field_id}").inner_text()
        required.nth(i).set_input_files(scan)
    # A refused form (no consent) keeps the uploads: nothing to upload again.
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    # The browser itself stops a form without the consent box ticked.
    assert "nop-truc-tuyen/da-nop" not in citizen.url
    citizen.check("input[name=consent]")
    journey.shot(citizen, "apply")
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    citizen.wait_for_url("**/nop-truc-tuyen/da-nop/")
    journey.shot(citizen, "submitted")
    code = citizen.locator("#ma-ho-so").inner_text().strip()
    SECRETS[code] = citizen.locator("#ma-tra-cuu").inner_text().strip()
    return code


def secret_from_mail(code: str, mailoutbox) -> None:
    """The lookup secret as the e-mail on receipt gives it to the citizen."""
    body = next(m.body for m in mailoutbox if code in m.subject and "Mã tra cứu" in m.body)
    SECRETS[code] = re.search(r"Mã tra cứu [^:]*: (\S+)", body).group(1)


def citizen_sees(journey, citizen, code: str, status: str, what: str):
    citizen.goto(f"{journey.base}/tra-cuu-ho-so/?ma={code}")
    citizen.fill("input[name=xac_minh]", SECRETS[code])
    citizen.get_by_role("button", name="Tra cứu").click()
    text = citizen.locator("main").inner_text()
    assert status in text, text[:2000]
    journey.shot(citizen, what)
    return text


def ask_for_documents(page, action: str, reason: str) -> None:
    """A supplement (or completion) request naming the first document of the checklist."""
    page.locator(f"#tt-{action} summary").click()
    page.fill(f"#tt-{action} [name=reason]", reason)
    page.locator(f"#tt-{action} input[name=missing]").first.check()
    page.locator(f"#tt-{action} button[type=submit]").click()


def supplement(journey, citizen, code: str, status: str, scan: str) -> None:
    """The citizen, verified on the lookup page, uploads what was asked for."""
    citizen_sees(journey, citizen, code, status, "lookup-asked")
    citizen.set_input_files("#bo-sung input[name=tep]", scan)
    citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    assert "Đã nhận giấy tờ bổ sung" in citizen.locator(".messages").inner_text()


def rate(journey, citizen, code: str) -> None:
    citizen_sees(journey, citizen, code, "Đã trả kết quả", "lookup-returned")
    citizen.check("input[name=hai_long][value='1']")
    citizen.fill("textarea[name=y_kien]", "Cán bộ hướng dẫn tận tình, đúng hẹn.")
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    assert "Cảm ơn ông/bà đã đánh giá" in citizen.locator(".messages").inner_text()
    journey.shot(citizen, "rated")
    assert SatisfactionRating.objects.get(dossier__code=code).satisfied


def notifications_once(code: str, mailoutbox, expected: list[str]) -> None:
    """Each notifying event produced one e-mail, and only one."""
    sent = Counter(
        Notification.objects.filter(
            event__dossier__code=code, channel=NotificationChannel.EMAIL
        ).values_list("kind", flat=True)
    )
    assert sent == Counter(expected)
    subjects = Counter(m.subject for m in mailoutbox if code in m.subject)
    assert subjects == Counter(f"[{code}] {SUBJECTS[kind]}" for kind in expected)
    assert all(m.to == [CITIZEN["email"]] for m in mailoutbox if code in m.subject)


def sees_in_queue(journey, page, code: str, tab: str) -> bool:
    page.goto(f"{journey.base}/quan-tri/ho-so/?the={tab}")
    return code in page.locator("main").inner_text()


def test_commune_level_online_with_supplement(live_server, browser, demo, scan, mailoutbox):
    journey = Journey(browser, live_server.url, "commune")
    citizen = journey.citizen()
    code = apply_online(journey, citizen, "1.001193", "Ủy ban nhân dân phường Hoàn Kiếm", scan)
    # Received by the ward's public administration service centre (its code opens the code).
    assert re.fullmatch(r"000\.01\.21\.H26-\d{6}-0001", code)
    citizen_sees(journey, citizen, code, "Mới nộp", "lookup-submitted")

    # The ward centre's officer sees it on the home page counts and in the queue.
    desk = journey.staff("xa.tiepnhan")
    assert "1 Mới nộp trực tuyến" in " ".join(desk.locator(".ds-summary").inner_text().split())
    journey.shot(desk, "desk-home")
    assert sees_in_queue(journey, desk, code, "moi")
    journey.shot(desk, "desk-queue")
    # A desk of another ward does not.
    other = journey.staff("tiepnhan.cuanam")
    assert not sees_in_queue(journey, other, code, "moi")
    other.goto(f"{journey.base}/quan-tri/ho-so/{code}/")
    assert "Bạn không có quyền xem hồ sơ này" in other.locator("main").inner_text()
    journey.open_dossier(desk, code)
    journey.act(desk, "accept", note="Hồ sơ đủ thành phần.")
    journey.shot(desk, "desk-accepted")
    receipt = desk.context.request.get(
        f"{journey.base}/quan-tri/ho-so/{code}/in/giay-tiep-nhan.pdf"
    )
    assert receipt.ok and receipt.body().startswith(b"%PDF")

    # The ward's civil-status officer asks for a supplement.
    specialist = journey.staff("xa.chuyenvien")
    assert sees_in_queue(journey, specialist, code, "dang-xu-ly")
    journey.open_dossier(specialist, code)
    journey.act(specialist, "start")
    ask_for_documents(specialist, "request_supplement", "Giấy chứng sinh chụp mờ.")
    assert "Yêu cầu bổ sung" in journey.status_on_staff_page(specialist)
    journey.shot(specialist, "specialist-supplement")

    # The citizen uploads it from the lookup page.
    supplement(journey, citizen, code, "Yêu cầu bổ sung hồ sơ", scan)

    # Specialist's step done; only the leader may approve and resolve.
    journey.open_dossier(specialist, code)
    assert specialist.locator("#tt-resolve").count() == 0
    journey.act(specialist, "complete_step", note="Đủ điều kiện đăng ký khai sinh.")
    assert specialist.locator("#tt-resolve").count() == 0
    leader = journey.staff("xa.lanhdao")
    journey.open_dossier(leader, code)
    journey.act(leader, "resolve", result_code="KS-125/2026", electronic="1", files=scan)
    assert "Đã giải quyết" in journey.status_on_staff_page(leader)
    journey.shot(leader, "leader-resolved")

    # The electronic result is there for the citizen; the desk returns it.
    text = citizen_sees(journey, citizen, code, "Đã giải quyết", "lookup-result")
    assert "ban-chup.pdf" in text
    journey.open_dossier(desk, code)
    journey.act(desk, "return_result", return_method="2")
    journey.shot(desk, "desk-returned")
    rate(journey, citizen, code)

    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.RETURNED
    assert dossier.receiving_agency.name == "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"
    notifications_once(code, mailoutbox, ["submitted", "received", "supplement", "result_ready"])
    journey.close()


def test_province_level_online_with_assignment(live_server, browser, demo, scan, mailoutbox):
    journey = Journey(browser, live_server.url, "province")
    citizen = journey.citizen()
    code = apply_online(journey, citizen, "1.000426", "Sở Tư pháp Thành phố Hà Nội", scan)
    assert code.startswith("000.00.16.H26-")  # the city's Public Administration Service Centre
    assert "Chi nhánh số 1" in citizen_sees(journey, citizen, code, "Mới nộp", "lookup-new")

    desk = journey.staff("tiepnhan")
    assert sees_in_queue(journey, desk, code, "moi")
    journey.open_dossier(desk, code)
    journey.act(desk, "accept")
    # A ward desk does not see a department's dossier.
    assert not sees_in_queue(journey, journey.staff("xa.tiepnhan"), code, "dang-xu-ly")

    leader = journey.staff("lanhdao")
    journey.open_dossier(leader, code)
    journey.act(leader, "start")
    journey.act(leader, "assign", assignee="chuyenvien")
    journey.shot(leader, "leader-assigned")
    specialist = journey.staff("chuyenvien")
    assert sees_in_queue(journey, specialist, code, "cua-toi")
    journey.open_dossier(specialist, code)
    journey.act(specialist, "complete_step", note="Đủ điều kiện cấp thẻ.")
    journey.shot(specialist, "specialist-step")
    journey.open_dossier(leader, code)
    journey.act(leader, "resolve", result_code="TVV-08/2026", files=scan)
    citizen_sees(journey, citizen, code, "Đã giải quyết", "lookup-resolved")
    journey.open_dossier(desk, code)
    journey.act(desk, "return_result", return_method="3")
    rate(journey, citizen, code)
    notifications_once(code, mailoutbox, ["submitted", "received", "result_ready"])
    journey.close()


def test_inter_agency_online_with_completion_and_police(
    live_server, browser, demo, scan, mailoutbox
):
    journey = Journey(browser, live_server.url, "interagency")
    citizen = journey.citizen()
    code = apply_online(journey, citizen, "2.000528", "Ủy ban nhân dân phường Hoàn Kiếm", scan)

    # Before accepting, the desk asks the citizen to complete the dossier.
    desk = journey.staff("xa.tiepnhan")
    journey.open_dossier(desk, code)
    ask_for_documents(desk, "request_completion", "Thiếu bản dịch hộ chiếu của người mẹ.")
    journey.shot(desk, "desk-completion")
    supplement(journey, citizen, code, "Mới nộp", scan)
    journey.open_dossier(desk, code)
    journey.act(desk, "accept")

    # The ward specialist checks, then hands over to the ward police (liên thông) ...
    specialist = journey.staff("xa.chuyenvien")
    journey.open_dossier(specialist, code)
    journey.act(specialist, "start")
    journey.act(specialist, "complete_step", note="Hồ sơ hộ tịch hợp lệ.")
    journey.act(specialist, "transfer", to_agency="000.02.21.H26", note="Đề nghị xác minh cư trú.")
    journey.shot(specialist, "specialist-transferred")
    police = journey.staff("congan.chuyenvien")
    assert sees_in_queue(journey, police, code, "dang-xu-ly")
    journey.open_dossier(police, code)
    journey.act(police, "complete_step", note="Đã xác minh, đăng ký thường trú cho trẻ.")
    journey.act(police, "transfer", to_agency="000.00.21.H26", note="Trả kết quả xác minh.")
    journey.shot(police, "police-returned")
    # ... who keeps seeing the dossier it was consulted on, without acting on it.
    journey.open_dossier(police, code)
    assert police.locator(".ds-action").count() == 0
    assert DossierAgency.objects.filter(
        dossier__code=code, agency__code="000.02.21.H26", role="consulted"
    ).exists()

    leader = journey.staff("xa.lanhdao")
    journey.open_dossier(leader, code)
    journey.act(leader, "resolve", result_code="KS-NN-03/2026", electronic="1", files=scan)
    citizen_sees(journey, citizen, code, "Đã giải quyết", "lookup-resolved")
    journey.open_dossier(desk, code)
    journey.act(desk, "return_result", return_method="1")
    rate(journey, citizen, code)
    notifications_once(code, mailoutbox, ["submitted", "supplement", "received", "result_ready"])
    journey.close()


def _receive_at_counter(journey, desk, code: str, agency: str, channel: str) -> str:
    desk.goto(f"{journey.base}/quan-tri/ho-so/tiep-nhan/")
    desk.fill("input[name=q]", code)
    desk.keyboard.press("Enter")
    desk.locator(f"a[href='?thu_tuc={code}']").click()
    desk.locator("select[name=resolving_agency]").select_option(label=agency)
    desk.locator("select[name=channel]").select_option(channel)
    for name, value in CITIZEN.items():
        desk.fill(f"input[name={name}]", value)
    journey.shot(desk, "counter-form")
    desk.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    message = desk.locator(".messages").inner_text()
    assert "Đã tiếp nhận hồ sơ" in message, desk.content()[:3000]
    journey.shot(desk, "counter-received")
    return re.search(r"Đã tiếp nhận hồ sơ (\S+)\.", message).group(1)


def process_and_return(journey, desk, specialist: str, leader: str, code: str, result: str):
    """Specialist's step, the leader's approval with the result, the desk hands it back the
    way the dossier came in (the form proposes it)."""
    page = journey.staff(specialist)
    journey.open_dossier(page, code)
    journey.act(page, "start")
    journey.act(page, "complete_step")
    page = journey.staff(leader)
    journey.open_dossier(page, code)
    journey.act(page, "resolve", result_code=result)
    journey.open_dossier(desk, code)
    channel = str(Dossier.objects.get(code=code).channel)
    assert desk.locator("#return_method option[selected]").get_attribute("value") == channel
    journey.act(desk, "return_result")


def test_walk_in_citizen_at_the_ward_counter(live_server, browser, demo, scan, mailoutbox):
    journey = Journey(browser, live_server.url, "counter")
    desk = journey.staff("xa.tiepnhan")
    code = _receive_at_counter(journey, desk, "1.001193", "Ủy ban nhân dân phường Hoàn Kiếm", "1")
    assert code.startswith("000.01.21.H26-")
    process_and_return(journey, desk, "xa.chuyenvien", "xa.lanhdao", code, "KS-126/2026")
    citizen = journey.citizen()
    secret_from_mail(code, mailoutbox)
    citizen_sees(journey, citizen, code, "Đã trả kết quả", "lookup-counter")
    assert Dossier.objects.get(code=code).channel == 1
    notifications_once(code, mailoutbox, ["received", "result_ready"])
    journey.close()


def test_postal_dossier_at_the_city_centre(live_server, browser, demo, scan, mailoutbox):
    journey = Journey(browser, live_server.url, "postal")
    desk = journey.staff("tiepnhan")
    code = _receive_at_counter(journey, desk, "1.000426", "Sở Tư pháp Thành phố Hà Nội", "3")
    process_and_return(journey, desk, "chuyenvien", "lanhdao", code, "TVV-09/2026")
    dossier = Dossier.objects.get(code=code)
    assert dossier.channel == 3 and dossier.status == Status.RETURNED
    assert dossier.events.get(action="return_result").data["method"] == 3
    secret_from_mail(code, mailoutbox)
    citizen_sees(journey, journey.citizen(), code, "Đã trả kết quả", "lookup-postal")
    notifications_once(code, mailoutbox, ["received", "result_ready"])
    journey.close()
