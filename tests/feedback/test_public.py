"""Public archive (folded search, filters, no personal data), votes once per visitor, sender
lookup with verification, API."""

import pytest

from tests.feedback.conftest import feedback_input
from tthc.core import lookupcode
from tthc.feedback import selectors, services
from tthc.feedback.models import Vote

pytestmark = pytest.mark.django_db


def publish(fb, user, answer="Đã bãi bỏ yêu cầu sổ hộ khẩu từ 01/7/2021."):
    fb = services.receive(user=user, feedback=fb)
    fb = services.start(user=user, feedback=fb)
    fb = services.draft_answer(user=user, feedback=fb, answer=answer)
    fb = services.approve(user=user, feedback=fb)
    return services.publish(user=user, feedback=fb)


@pytest.fixture
def answered(submit, control, procedure):
    fb = submit(
        content="Cán bộ đòi sổ hộ khẩu. Gọi tôi: 0912 345 678, an.nguyen@example.vn",
        procedure_code=procedure.code,
    )
    return publish(fb, control)


def test_archive_search_is_folded_and_hides_personal_data(client, answered, submit, control):
    submit(title="Chưa trả lời: đăng ký khai sinh", sender_phone="0933333333")
    for q in ("so ho khau", "SỔ HỘ KHẨU", "đăng ký khai sinh"):
        assert [f.code for f in selectors.archive(q=q)] == [answered.code]
    assert not selectors.archive(q="giay phep lai xe").exists()
    assert list(selectors.archive(procedure=answered.procedure.code)) == [answered]
    assert not selectors.archive(category="conduct").exists()
    page = client.get("/phan-anh/", {"q": "so ho khau"}).content.decode()
    assert answered.title in page and "Chưa trả lời" not in page
    detail = client.get(f"/phan-anh/{answered.code}/").content.decode()
    for secret in ("Nguyễn Văn An", "0912", "345 678", "an.nguyen", "Tràng Tiền"):
        assert secret not in detail and secret not in page
    assert "Đã bãi bỏ yêu cầu sổ hộ khẩu" in detail


def test_unpublished_is_not_public(client, submit):
    fb = submit()
    assert client.get(f"/phan-anh/{fb.code}/").status_code == 404
    assert client.post(f"/phan-anh/{fb.code}/binh-chon/", {"value": "like"}).status_code == 404


def test_one_vote_per_visitor(client, answered):
    url = f"/phan-anh/{answered.code}/binh-chon/"
    ua = {"HTTP_USER_AGENT": "Firefox", "REMOTE_ADDR": "203.0.113.9"}
    response = client.post(url, {"value": "like"}, **ua)
    assert response.status_code == 302 and "pakn_visitor" in response.cookies
    client.post(url, {"value": "dislike"}, **ua)  # same cookie
    assert Vote.objects.count() == 1
    # cookie cleared, same address and browser: still refused
    client.cookies.clear()
    client.post(url, {"value": "dislike"}, **ua)
    assert Vote.objects.count() == 1
    # another visitor
    client.cookies.clear()
    client.post(url, {"value": "dislike"}, HTTP_USER_AGENT="Chrome", REMOTE_ADDR="203.0.113.10")
    item = selectors.public_view(selectors.published(answered.code))
    assert (item["likes"], item["dislikes"]) == (1, 1)
    page = client.get(f"/phan-anh/{answered.code}/").content.decode()
    assert "đã bình chọn" in page or "Cảm ơn" in page


def test_lookup_needs_verification(client, answered):
    wrong = client.post("/phan-anh/tra-cuu/", {"ma": answered.code, "xac_minh": "0000"})
    assert "không đúng" in wrong.content.decode() and "sổ hộ khẩu từ" not in wrong.content.decode()
    secret = lookupcode.display(answered.lookup_secret)
    ok = client.post("/phan-anh/tra-cuu/", {"ma": answered.code, "xac_minh": secret.lower()})
    text = ok.content.decode()
    assert "Đã công khai trả lời" in text and "sổ hộ khẩu từ 01/7/2021" in text
    assert "Nguyễn V*** A" in text
    by_email = selectors.lookup(answered.code, "An.Nguyen@example.vn")
    assert by_email["verified"]
    for _ in range(5):
        selectors.lookup(answered.code, "1111")
    assert selectors.lookup(answered.code, answered.lookup_secret)["blocked"]
    assert (
        client.post("/phan-anh/tra-cuu/", {"ma": "PA-000000-XXXXXX", "xac_minh": "1"}).status_code
        == 404
    )


def test_api(client, answered, office):
    listed = client.get("/api/v1/feedback/published", {"q": "so ho khau"}).json()
    assert [r["code"] for r in listed] == [answered.code]
    assert "sender_name" not in listed[0] and "0912" not in listed[0]["content"]
    assert client.get(f"/api/v1/feedback/published/{answered.code}").status_code == 200
    response = client.post(
        "/api/v1/feedback/lookup",
        {"code": answered.code, "verify": answered.lookup_secret},
        content_type="application/json",
    )
    assert response.json()["status"] == "published"
    bad = client.post(
        "/api/v1/feedback/",
        {"category": "x", "title": "t", "content": "", "sender_name": "", "sender_address": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    assert "field" in bad.json()


def test_public_form_page(client, office):
    page = client.get("/phan-anh/gui/")
    assert page.status_code == 200 and "Gửi phản ánh" in page.content.decode()
    data = {
        "category": "conduct",
        "title": "Cán bộ hẹn lại nhiều lần",
        "content": "Tôi phải đi lại 3 lần.",
        "sender_name": "Trần Thị Bình",
        "sender_phone": "0912000111",
        "sender_address": "Cầu Giấy, Hà Nội",
    }
    done = client.post("/phan-anh/gui/", data)
    assert done.status_code == 200 and "PA-" in done.content.decode()
    missing = client.post("/phan-anh/gui/", {**data, "sender_phone": ""})
    assert missing.status_code == 422
    assert "điện thoại hoặc thư điện tử" in missing.content.decode()


def test_staff_pages(client, control, specialist, submit):
    fb = submit()
    client.force_login(control)
    assert fb.code in client.get("/quan-tri/phan-anh/").content.decode()
    detail = client.get(f"/quan-tri/phan-anh/{fb.code}/").content.decode()
    assert "Tiếp nhận" in detail
    # The button shows once an app (tthc.simplification) has registered the handler.
    from tthc.core.handoffs import SIMPLIFY_FEEDBACK, handoff

    installed = handoff(SIMPLIFY_FEEDBACK) is not None
    assert ("Đơn giản hóa" in detail) is (installed and fb.category == "regulation")
    client.post(f"/quan-tri/phan-anh/{fb.code}/thao-tac/", {"action": "receive"})
    fb.refresh_from_db()
    assert fb.status == "received"
    assert client.get("/quan-tri/phan-anh/so-lieu/").status_code == 200
    entry = client.post(
        "/quan-tri/phan-anh/nhap/",
        {
            "channel": "letter",
            "category": "regulation",
            "title": "Thư góp ý về lệ phí",
            "content": "Nội dung thư.",
            "sender_name": "Lê Văn C",
            "sender_phone": "0913000222",
            "sender_address": "Ba Đình, Hà Nội",
        },
    )
    assert entry.status_code == 302
    client.force_login(specialist)  # another agency: not visible
    assert client.get(f"/quan-tri/phan-anh/{fb.code}/").status_code == 403
    assert client.get("/quan-tri/phan-anh/so-lieu/").status_code == 403


def test_list_query_count_is_flat(client, control, submit, django_assert_max_num_queries):
    for i in range(3):
        submit(sender_phone=f"09100000{i:02d}")
    client.force_login(control)
    with django_assert_max_num_queries(12) as few:
        client.get("/quan-tri/phan-anh/")
    for i in range(3, 15):
        submit(sender_phone=f"09100000{i:02d}", ip=f"10.1.0.{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/quan-tri/phan-anh/")
    with django_assert_max_num_queries(8):
        client.get("/phan-anh/")


def test_input_is_normalised(office):
    fb = services.submit(data=feedback_input(sender_phone="+84 912.345.678"))
    assert fb.sender_phone == "0912345678"


def test_archive_in_english(client, answered):
    client.cookies["django_language"] = "en"
    page = client.get("/phan-anh/").content.decode()
    for label in (
        "Feedback and petitions that have been answered",
        "Search and filter",
        "Administrative regulations (mechanisms, policies, administrative procedures)",
        "1 answer",
        "0 satisfied",
    ):
        assert label in page, label
    assert "Tìm và lọc" not in page and "Phản ánh, kiến nghị đã được trả lời" not in page
    client.cookies["django_language"] = "vi"
    assert "Tìm và lọc" in client.get("/phan-anh/").content.decode()
