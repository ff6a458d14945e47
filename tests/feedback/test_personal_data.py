"""Attachments served through permission-checked downloads; staff reads of personal data logged;
personal data erased after the retention period; the sender's online supplement; repeats."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tests.factories import AgencyFactory, MembershipFactory
from tests.feedback.conftest import feedback_input
from tests.feedback.test_public import publish
from tthc.core.errors import PermissionDenied, ValidationError
from tthc.feedback import services
from tthc.feedback.models import AccessLog, Attachment, Feedback, FeedbackEvent, Status
from tthc.org.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name="bien-ban.pdf", body=b"%PDF-1.4 noi dung"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def with_file(office):
    return services.submit(data=feedback_input(), attachments=[upload()], ip="203.0.113.7")


def test_staff_download_is_policy_checked_and_logged(client, with_file, control, specialist):
    attachment = with_file.attachments.get()
    url = f"/quan-tri/phan-anh/{with_file.code}/tep/{attachment.pk}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "dang-nhap" in anonymous.url
    client.force_login(specialist)  # another agency
    assert client.get(url).status_code == 403
    client.force_login(control)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 noi dung"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "bien-ban.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/quan-tri/phan-anh/{with_file.code}/tep/999999/").status_code == 404
    # an attachment of another item through this item's address: 404
    other = services.submit(
        data=feedback_input(sender_phone="0911222333"), attachments=[upload("khac.pdf")]
    )
    other_pk = other.attachments.get().pk
    assert client.get(f"/quan-tri/phan-anh/{with_file.code}/tep/{other_pk}/").status_code == 404
    log = AccessLog.objects.get(feedback=with_file)
    assert log.user == control and "bien-ban.pdf" in log.what
    # the page never links MEDIA_URL
    page = client.get(f"/quan-tri/phan-anh/{with_file.code}/").content.decode()
    assert "/media/" not in page and url in page
    assert AccessLog.objects.filter(feedback=with_file, user=control).count() == 2


def test_public_download_only_for_marked_attachments_of_published_answers(
    client, with_file, control, specialist
):
    attachment = with_file.attachments.get()
    url = f"/phan-anh/{with_file.code}/tep/{attachment.pk}/"
    assert client.get(url).status_code == 404  # not published
    fb = publish(with_file, control)
    assert client.get(url).status_code == 404  # not marked public (the default)
    assert url not in client.get(f"/phan-anh/{fb.code}/").content.decode()
    with pytest.raises(PermissionDenied):  # another agency's specialist
        services.set_attachment_public(user=specialist, attachment=attachment, public=True)
    client.force_login(control)
    client.post(
        f"/quan-tri/phan-anh/{fb.code}/thao-tac/",
        {"action": "attachment_public", "attachment": attachment.pk, "public": "1"},
    )
    attachment.refresh_from_db()
    assert attachment.public
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert url in client.get(f"/phan-anh/{fb.code}/").content.decode()
    assert FeedbackEvent.objects.filter(feedback=fb, action="attachment_public").exists()


def test_owner_agency_staff_download(client, department, office):
    fb = services.submit(
        data=feedback_input(agency=department), attachments=[upload()], ip="203.0.113.8"
    )
    reception = MembershipFactory(role=Role.RECEPTION_OFFICER, agency=department).user
    elsewhere = MembershipFactory(
        role=Role.RECEPTION_OFFICER, agency=AgencyFactory(name="Sở Y tế")
    ).user
    for user in (reception, elsewhere):
        user.save()  # the factory's password is set after the first save
    url = f"/quan-tri/phan-anh/{fb.code}/tep/{fb.attachments.get().pk}/"
    client.force_login(elsewhere)
    assert client.get(url).status_code == 403
    client.force_login(reception)
    assert client.get(url).status_code == 200


def test_erase_expired_personal_data(settings, travel, submit, control, capsys):
    settings.TTHC_FEEDBACK_RETENTION_DAYS = 30
    travel(2024, 3, 4, 9)
    old = submit(sender_phone="0911000001")
    services.submit(
        data=feedback_input(sender_phone="0911000009"), attachments=[upload()], ip="10.0.0.9"
    )
    with_file = Feedback.objects.get(sender_phone="0911000009")
    old = publish(old, control, answer="Câu trả lời được giữ lại.")
    refused = services.refuse(user=control, feedback=with_file, reason="Không thuộc phạm vi.")
    still_open = submit(sender_phone="0911000002")
    travel(2024, 4, 1, 9)
    recent = publish(submit(sender_phone="0911000003"), control)
    travel(2024, 4, 10, 9)  # 30 days after 4/3 have passed; not after 1/4
    call_command("feedback_erase_expired", "--dry-run")
    assert "2 phản ánh" in capsys.readouterr().out
    assert Feedback.objects.get(pk=old.pk).sender_name == "Nguyễn Văn An"
    call_command("feedback_erase_expired")
    old.refresh_from_db()
    assert (old.sender_name, old.sender_phone, old.sender_email, old.sender_address) == (
        services.ERASED,
        "",
        "",
        services.ERASED,
    )
    assert old.personal_data_erased_at == timezone.now()
    assert old.answer == "Câu trả lời được giữ lại." and old.status == Status.PUBLISHED
    assert old.category and old.agency_id and old.submitted_at and old.published_at
    refused.refresh_from_db()
    assert refused.sender_name == services.ERASED
    assert not Attachment.objects.filter(feedback=refused).exists()  # not public: removed
    for kept in (still_open, recent):
        kept.refresh_from_db()
        assert kept.sender_name == "Nguyễn Văn An" and kept.personal_data_erased_at is None
    assert FeedbackEvent.objects.filter(action="personal_data_erased").count() == 2
    assert services.erase_expired() == []  # idempotent


def test_retention_default_is_five_years(settings):
    now = timezone.now()
    assert now - services.retention_cutoff(now=now) == timedelta(days=5 * 365)


@pytest.mark.parametrize("verify", ["²³⁴⁵", "٥٦٧٨", "ạn@ví-dụ.vn", "x@y"])
def test_odd_verifications_are_refused_not_a_500(client, submit, verify):
    fb = submit()
    page = client.post("/phan-anh/tra-cuu/", {"ma": fb.code, "xac_minh": verify})
    assert page.status_code == 200
    assert "Gửi thông tin bổ sung" not in page.content.decode()


# --------------------------------------------------------------------------- supplement


def test_sender_supplements_online_from_lookup(client, submit, control):
    fb = submit()
    fb = services.request_supplement(user=control, feedback=fb, note="Gửi ảnh giấy hẹn.")
    page = client.post("/phan-anh/tra-cuu/", {"ma": fb.code, "xac_minh": fb.lookup_secret})
    text = page.content.decode()
    assert "Gửi thông tin bổ sung" in text and "Gửi ảnh giấy hẹn." in text
    # no form without verification
    wrong = client.post("/phan-anh/tra-cuu/", {"ma": fb.code, "xac_minh": "0000"})
    assert "Gửi thông tin bổ sung" not in wrong.content.decode()
    # wrong verification on the supplement itself: refused
    refused = client.post(
        "/phan-anh/tra-cuu/bo-sung/", {"ma": fb.code, "xac_minh": "1111", "noi_dung": "x"}
    )
    assert refused.status_code == 403
    # a file of a forbidden type: the submission's checks
    bad = client.post(
        "/phan-anh/tra-cuu/bo-sung/",
        {
            "ma": fb.code,
            "xac_minh": fb.lookup_secret,
            "noi_dung": "Ảnh giấy hẹn",
            "attachments": [SimpleUploadedFile("virus.exe", b"MZ")],
        },
    )
    assert bad.status_code == 422 and "định dạng" in bad.content.decode()
    fb.refresh_from_db()
    assert fb.status == Status.SUPPLEMENT_REQUESTED
    ok = client.post(
        "/phan-anh/tra-cuu/bo-sung/",
        {
            "ma": fb.code,
            "xac_minh": fb.lookup_secret,
            "noi_dung": "Giấy hẹn ngày 03/3.",
            "attachments": [upload("giay-hen.pdf")],
        },
    )
    assert ok.status_code == 200 and "Đã gửi thông tin bổ sung" in ok.content.decode()
    fb.refresh_from_db()
    assert fb.status == Status.RECEIVED
    event = fb.events.get(action="complete_supplement")
    assert event.actor is None and event.note == "Giấy hẹn ngày 03/3."
    assert event.data["by_sender"] is True and event.data["files"] == ["giay-hen.pdf"]
    assert fb.attachments.get().supplement
    # not any more in "supplement requested": no form, and a second try is refused
    again = client.post(
        "/phan-anh/tra-cuu/bo-sung/",
        {"ma": fb.code, "xac_minh": fb.lookup_secret, "noi_dung": "lại"},
    )
    assert again.status_code == 409 and "Gửi bổ sung" not in again.content.decode()


def test_supplement_service_requires_text_and_verification(submit, control):
    fb = services.request_supplement(user=control, feedback=submit(), note="Thiếu địa chỉ.")
    with pytest.raises(PermissionDenied):
        services.complete_supplement(feedback=fb, note="x", verify="0000")
    with pytest.raises(ValidationError):
        services.complete_supplement(feedback=fb, note=" ", verify="an.nguyen@example.vn")
    done = services.complete_supplement(feedback=fb, note="Số 1", verify="an.nguyen@example.vn")
    assert done.status == Status.RECEIVED


# --------------------------------------------------------------------------- repeats


def test_mark_repeat_is_validated(client, submit, control, specialist):
    first = submit(sender_phone="0911000001")
    second = submit(sender_phone="0911000002")
    third = submit(sender_phone="0911000003")
    with pytest.raises(ValidationError, match="Không tìm thấy"):
        services.mark_repeat(user=control, feedback=second, repeat_of_code="PA-000000-XXXXXX")
    with pytest.raises(ValidationError, match="chính nó"):
        services.mark_repeat(user=control, feedback=second, repeat_of_code=second.code)
    with pytest.raises(ValidationError, match="gửi trước"):
        services.mark_repeat(user=control, feedback=first, repeat_of_code=second.code)
    with pytest.raises(PermissionDenied):
        services.mark_repeat(user=specialist, feedback=second, repeat_of_code=first.code)
    services.mark_repeat(user=control, feedback=second, repeat_of_code=first.code.lower())
    services.mark_repeat(user=control, feedback=third, repeat_of_code=second.code)
    # a cycle (only reachable through data entered before the "earlier" rule): refused
    Feedback.objects.filter(pk=first.pk).update(repeat_of=third)
    fourth = submit(sender_phone="0911000004")
    with pytest.raises(ValidationError, match="vòng"):
        services.mark_repeat(user=control, feedback=fourth, repeat_of_code=third.code)
    Feedback.objects.filter(pk=first.pk).update(repeat_of=None)
    second.refresh_from_db()
    assert second.repeat_of == first
    assert second.events.get(action="mark_repeat").data == {"old": "", "new": first.code}
    # through the staff page; an empty code clears the mark
    client.force_login(control)
    client.post(
        f"/quan-tri/phan-anh/{second.code}/thao-tac/",
        {"action": "mark_repeat", "repeat_of_code": ""},
    )
    second.refresh_from_db()
    assert second.repeat_of is None
    client.post(
        f"/quan-tri/phan-anh/{second.code}/thao-tac/",
        {"action": "mark_repeat", "repeat_of_code": first.code},
    )
    second.refresh_from_db()
    assert second.repeat_of == first
    assert "Phản ánh lại về" in client.get(f"/quan-tri/phan-anh/{second.code}/").content.decode()
