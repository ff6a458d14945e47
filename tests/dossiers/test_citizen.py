"""The citizen side of the lookup page: after verification, upload the documents of a
supplement request, and rate the service once the result was returned."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tthc.core.errors import Conflict, PermissionDenied
from tthc.dossiers import services
from tthc.dossiers.models import EventAttachment, SatisfactionRating, Status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def waiting(received, specialist):
    dossier = services.request_supplement(
        user=specialist, dossier=received(), reason="Ảnh chụp mờ.", missing=["Giấy chứng sinh"]
    )
    return dossier


def post_supplement(client, dossier, *files, verify=None):
    verify = dossier.lookup_secret if verify is None else verify
    return client.post(
        "/tra-cuu-ho-so/bo-sung/",
        {"ma": dossier.code, "xac_minh": verify, "tep": list(files)},
    )


def test_verified_applicant_sees_the_request_and_uploads(client, waiting):
    page = client.post("/tra-cuu-ho-so/", {"ma": waiting.code, "xac_minh": waiting.lookup_secret})
    html = page.content.decode()
    assert "Bổ sung hồ sơ trực tuyến" in html and "Giấy chứng sinh" in html
    # not verified: no upload form
    assert (
        "Bổ sung hồ sơ trực tuyến"
        not in client.get(f"/tra-cuu-ho-so/?ma={waiting.code}").content.decode()
    )
    response = post_supplement(client, waiting, SimpleUploadedFile("giay chung sinh.pdf", PDF))
    assert response.status_code == 200
    assert "Đã nhận giấy tờ bổ sung" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.PROCESSING
    event = waiting.events.last()
    assert event.action == "complete_supplement" and event.actor is None
    assert event.data["by_applicant"] is True
    attachment = event.attachments.get()
    assert attachment.name == "giay chung sinh.pdf"
    assert default_storage.open(attachment.file.name).read() == PDF


def test_a_bad_supplement_file_is_refused_and_earlier_files_stay(client, waiting, specialist):
    good = post_supplement(client, waiting, SimpleUploadedFile("a.pdf", PDF))
    assert good.status_code == 200
    waiting.refresh_from_db()
    services.request_supplement(user=specialist, dossier=waiting, reason="Còn thiếu.")
    before = [(a.name, a.file.name) for a in EventAttachment.objects.all()]
    response = post_supplement(
        client,
        waiting,
        SimpleUploadedFile("b.pdf", PDF),
        SimpleUploadedFile("c.pdf", b"%PDF-1.5 << /OpenAction << /S /JavaScript >> >>"),
    )
    assert response.status_code == 422
    block = response.content.decode().split('id="bo-sung"', 1)[1]
    assert "JavaScript" in block.split("</section>", 1)[0]
    assert [(a.name, a.file.name) for a in EventAttachment.objects.all()] == before
    assert default_storage.open(before[0][1]).read() == PDF
    waiting.refresh_from_db()
    assert waiting.status == Status.SUPPLEMENT_REQUESTED


def test_wrong_verification_uploads_nothing(client, waiting):
    response = post_supplement(client, waiting, SimpleUploadedFile("a.pdf", PDF), verify="0000")
    assert "Mã xác minh không đúng" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.SUPPLEMENT_REQUESTED
    with pytest.raises(PermissionDenied):
        services.supplement_online(dossier=waiting, verify="0000", files=[])


@pytest.fixture
def returned(received, specialist, officer):
    dossier = services.start_processing(user=specialist, dossier=received())
    dossier = services.resolve(user=specialist, dossier=dossier)
    return services.return_result(user=officer, dossier=dossier)


def test_rating_once_after_return(client, returned):
    page = client.post("/tra-cuu-ho-so/", {"ma": returned.code, "xac_minh": returned.lookup_secret})
    assert "Đánh giá mức độ hài lòng" in page.content.decode()
    refused = client.post(
        "/tra-cuu-ho-so/danh-gia/",
        {"ma": returned.code, "xac_minh": returned.lookup_secret, "hai_long": "0"},
    )
    assert refused.status_code == 422
    assert "lý do chưa hài lòng" in refused.content.decode()
    client.post(
        "/tra-cuu-ho-so/danh-gia/",
        {
            "ma": returned.code,
            "xac_minh": returned.lookup_secret,
            "hai_long": "0",
            "y_kien": "Chờ lâu.",
        },
    )
    rating = SatisfactionRating.objects.get()
    assert (rating.satisfied, rating.comment) == (False, "Chờ lâu.")
    again = client.post(
        "/tra-cuu-ho-so/", {"ma": returned.code, "xac_minh": returned.lookup_secret}
    )
    html = again.content.decode()
    assert "Gửi đánh giá" not in html and "Ông/bà đã đánh giá" in html
    with pytest.raises(Conflict):
        services.rate(dossier=returned, verify=returned.lookup_secret, satisfied=True)


def test_no_rating_before_the_return(received):
    with pytest.raises(Conflict):
        dossier = received()
        services.rate(dossier=dossier, verify=dossier.lookup_secret, satisfied=True)


def test_completion_before_acceptance_uploaded_online(client, submitted, officer):
    dossier = services.request_completion(
        user=officer, dossier=submitted(), reason="Tờ khai chưa ký.", missing=["Tờ khai"]
    )
    assert dossier.status == Status.SUBMITTED and dossier.received_at is None
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": dossier.lookup_secret})
    assert "Tờ khai chưa ký." in page.content.decode()
    response = post_supplement(client, dossier, SimpleUploadedFile("to-khai-da-ky.pdf", PDF))
    assert "Đã nhận giấy tờ bổ sung" in response.content.decode()
    dossier.refresh_from_db()
    event = dossier.events.last()
    assert (event.action, dossier.status) == ("submit_completion", Status.SUBMITTED)
    assert event.attachments.get().name == "to-khai-da-ky.pdf"
    # nothing open any more: a second upload is refused
    with pytest.raises(Conflict):
        services.supplement_online(
            dossier=dossier,
            verify=dossier.lookup_secret,
            files=[object()],  # never reached storage
        )
    dossier = services.accept(user=officer, dossier=dossier)
    assert dossier.status == Status.RECEIVED and dossier.received_at is not None


def _resolved(received, specialist, *, electronic):
    from tthc.core import uploads

    dossier = services.start_processing(user=specialist, dossier=received())
    result = uploads.check(SimpleUploadedFile("giay-khai-sinh.pdf", PDF), field="files")
    return services.resolve(
        user=specialist, dossier=dossier, result_code="KS-01", files=[result], electronic=electronic
    )


def test_the_verified_applicant_downloads_the_electronic_result(client, received, specialist):
    dossier = _resolved(received, specialist, electronic=True)
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": dossier.lookup_secret})
    assert "Tải về giay-khai-sinh.pdf" in page.content.decode()
    file_id = EventAttachment.objects.get().pk
    download = client.post(
        "/tra-cuu-ho-so/ket-qua/",
        {"ma": dossier.code, "xac_minh": dossier.lookup_secret, "tep": file_id},
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    wrong = client.post(
        "/tra-cuu-ho-so/ket-qua/", {"ma": dossier.code, "xac_minh": "0000", "tep": file_id}
    )
    assert wrong.status_code == 200 and not hasattr(wrong, "streaming_content")
    assert "Mã xác minh không đúng" in wrong.content.decode()


def test_a_paper_result_is_not_offered_for_download(client, received, specialist):
    dossier = _resolved(received, specialist, electronic=False)
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": dossier.lookup_secret})
    assert "Kết quả điện tử" not in page.content.decode()
    response = client.post(
        "/tra-cuu-ho-so/ket-qua/",
        {
            "ma": dossier.code,
            "xac_minh": dossier.lookup_secret,
            "tep": EventAttachment.objects.get().pk,
        },
    )
    assert response.status_code == 404
