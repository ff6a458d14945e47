"""Abuse control: 1,000 rapid submissions from one address are throttled with a clear message,
other senders pass, nothing stored is lost; honeypot and size limits answer clearly."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.feedback.conftest import feedback_input
from tthc.core.errors import ValidationError
from tthc.feedback import services
from tthc.feedback.abuse import Throttled
from tthc.feedback.models import Feedback

pytestmark = pytest.mark.django_db

BODY = {
    "category": "regulation",
    "title": "Giấy tờ thừa khi đăng ký khai sinh",
    "content": "Yêu cầu nộp bản sao sổ hộ khẩu đã bãi bỏ.",
    "sender_name": "Nguyễn Văn An",
    "sender_address": "Hoàn Kiếm, Hà Nội",
}


def test_thousand_rapid_submissions_from_one_address(client, office):
    statuses = []
    for i in range(1000):
        response = client.post(
            "/api/v1/feedback/",
            {**BODY, "sender_phone": f"09{i:08d}"},  # a different phone each time
            content_type="application/json",
            REMOTE_ADDR="198.51.100.7",
        )
        statuses.append(response.status_code)
    assert statuses.count(201) == 10  # the per-address allowance
    assert statuses.count(429) == 990
    body = response.json()
    assert body["code"] == "throttled"
    assert "quá nhiều phản ánh" in body["detail"] and "vẫn được giữ nguyên" in body["detail"]
    stored = set(Feedback.objects.values_list("code", flat=True))
    assert len(stored) == 10

    # another sender passes at once
    other = client.post(
        "/api/v1/feedback/",
        {**BODY, "sender_phone": "0911111111"},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.44",
    )
    assert other.status_code == 201
    assert stored < set(Feedback.objects.values_list("code", flat=True))  # nothing lost

    # the public form shows the message and keeps what was typed
    page = client.post(
        "/phan-anh/gui/",
        {**BODY, "sender_phone": "0922222222"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert page.status_code == 429
    text = page.content.decode()
    assert "quá nhiều phản ánh" in text and "Giấy tờ thừa khi đăng ký khai sinh" in text


def test_per_phone_limit(office):
    for i in range(5):
        services.submit(data=feedback_input(), ip=f"10.0.0.{i}")
    with pytest.raises(Throttled) as exc:
        services.submit(data=feedback_input(), ip="10.0.1.1")
    assert exc.value.status == 429 and exc.value.field == "phone"


def test_honeypot_and_sizes(office):
    with pytest.raises(ValidationError, match="để trống"):
        services.submit(data=feedback_input(), honeypot="http://spam.example")
    with pytest.raises(ValidationError, match=r"10\.000"):
        services.submit(data=feedback_input(content="x" * 10_001))
    with pytest.raises(ValidationError, match="5 MB"):
        big = SimpleUploadedFile("a.pdf", b"0" * (5 * 1024 * 1024 + 1))
        services.submit(data=feedback_input(), attachments=[big])
    with pytest.raises(ValidationError, match="định dạng"):
        services.submit(data=feedback_input(), attachments=[SimpleUploadedFile("a.exe", b"MZ")])
    with pytest.raises(ValidationError, match="điện thoại hoặc thư điện tử"):
        services.submit(data=feedback_input(sender_phone="", sender_email=""))
    assert not Feedback.objects.exists()
    fb = services.submit(
        data=feedback_input(), attachments=[SimpleUploadedFile("don.pdf", b"%PDF-1.4")]
    )
    assert fb.attachments.get().size == 8
