"""Online submission (page and API) and the upload checks: every bad file refused with a
Vietnamese message next to its field, nothing stored, earlier files intact."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.concurrency import race
from tests.dossiers.conftest import DOCUMENTS
from tests.factories import make_procedure
from tthc.catalog.models import ProcedureAgency
from tthc.core import uploads
from tthc.dossiers.models import Dossier, DossierDocument, Status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def upload(name, data):
    return SimpleUploadedFile(name, data)


class RawUpload(io.BytesIO):
    """A file whose name is kept as sent (Django's own classes already strip directories)."""

    def __init__(self, name, data):
        super().__init__(data)
        self.name = name
        self.size = len(data)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def online(procedure, department, point, officer):
    """A boundary-free procedure offered online; the commune centre's desk is staffed."""
    procedure = make_procedure(
        code="1.001193",
        boundary_free=True,
        online_level="full",
        channels=[
            {
                "channel": "online",
                "processing_time": {"amount": "5", "unit": "working_days", "text": "5 ngày"},
                "fees": [{"amount_vnd": 8000, "text": "8.000 đồng"}],
            }
        ],
        documents=[
            {"name": DOCUMENTS[0], "group": "", "form": "", "originals": 1, "copies": 0},
            {"name": DOCUMENTS[1], "group": "", "form": "", "originals": 0, "copies": 1},
            {"name": "Giấy ủy quyền (nếu có)", "group": "", "form": "", "originals": 1},
        ],
    )
    ProcedureAgency.objects.create(procedure=procedure, agency=department, role="implementing")
    return procedure


def form_data(point=None, **extra):
    data = {
        "kind": "person",
        "full_name": "Nguyễn Văn An",
        "citizen_id": "001090012345",
        "phone": "0912345678",
        "email": "an.nguyen@example.vn",
        "address": "Số 1 phố Tràng Tiền, Hà Nội",
        "resolving_agency": "000.00.15.H26",
        "consent": "on",
    }
    if point is not None:
        data["reception_point"] = str(point.pk)
    data.update(extra)
    return data


def stored_files() -> list[str]:
    root = default_storage.location
    import os

    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


# --------------------------------------------------------------------------- the checks


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("to-khai.pdf", PDF, "pdf"),
        ("anh.JPG", JPEG, "jpeg"),
        ("anh.png", PNG, "png"),
        ("don.docx", DOCX, "docx"),
        ("bang.xlsx", XLSX, "xlsx"),
        ("van-ban.odt", ODT, "odt"),
    ],
)
def test_allowed_types_pass(name, data, kind):
    checked = uploads.check(upload(name, data), field="f")
    assert checked.kind == kind and checked.content == data and checked.display_name == name


@pytest.mark.parametrize(
    ("name", "data", "code", "fragment"),
    [
        ("virus.exe", b"MZ\x90\x00", "upload_type", "không được chấp nhận"),
        ("anh.pdf", PNG, "upload_type", "không đúng định dạng PDF"),
        ("fake.docx", _zip({"a.txt": b"x"}), "upload_type", "không đúng định dạng DOCX"),
        ("trong.pdf", b"", "upload_empty", "rỗng"),
        ("../../etc/passwd.pdf", PDF, "upload_bad_name", "đường dẫn"),
        ("..\\boot.pdf", PDF, "upload_bad_name", "đường dẫn"),
        ("a\x00b.pdf", PDF, "upload_bad_name", "ký tự điều khiển"),
        ("a\nb.pdf", PDF, "upload_bad_name", "ký tự điều khiển"),
        (
            "js.pdf",
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            "upload_active_content",
            "JavaScript",
        ),
        ("hex.pdf", b"%PDF-1.4\n<< /S /J#61vaScript >>", "upload_active_content", "JavaScript"),
        (
            "launch.pdf",
            b"%PDF-1.7\n<< /S /Launch /F (cmd.exe) >>",
            "upload_active_content",
            "Launch",
        ),
        ("embed.pdf", b"%PDF-1.7\n<< /EmbeddedFile 3 0 R >>", "upload_active_content", "nhúng"),
    ],
)
def test_bad_uploads_are_refused_in_vietnamese(name, data, code, fragment):
    with pytest.raises(uploads.ValidationError) as refused:
        uploads.check(RawUpload(name, data), field="file_1")
    assert refused.value.code == code
    assert refused.value.field == "file_1"
    assert fragment in refused.value.message


def test_oversize_is_refused(settings):
    settings.TTHC_MAX_UPLOAD_MB = 1
    data = PDF + b"0" * (1024 * 1024)
    with pytest.raises(uploads.ValidationError) as refused:
        uploads.check(upload("lon.pdf", data), field="file_1")
    assert refused.value.code == "upload_too_large"
    assert "1 MB" in refused.value.message


def test_display_name_is_sanitised_and_storage_name_generated():
    checked = uploads.check(upload("  Tờ  khai   khai sinh.pdf ", PDF), field="f")
    assert checked.display_name == "Tờ khai khai sinh.pdf"
    name = uploads.storage_name("dossiers/documents", checked)
    assert "khai" not in name and name.endswith(".pdf")


# --------------------------------------------------------------------------- the page


def test_apply_page_lists_one_upload_per_document(client, online):
    response = client.get(f"/nop-truc-tuyen/{online.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("file_1", "file_2", "file_3"):
        assert f'name="{field}"' in html
    assert "Giấy chứng sinh" in html


def test_apply_online_stores_files_and_confirms_the_code(
    client, online, point, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/nop-truc-tuyen/{online.code}/",
            form_data(
                point, file_1=upload("to-khai.pdf", PDF), file_2=upload("giay chung sinh.png", PNG)
            ),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED and dossier.channel == 2
    assert dossier.reception_point == point and dossier.fee_due == 8000
    documents = list(dossier.documents.all())
    assert [d.file_name for d in documents] == ["to-khai.pdf", "giay chung sinh.png"]
    assert all(d.form == "electronic" and d.file.name.startswith("dossiers/") for d in documents)
    assert default_storage.open(documents[0].file.name).read() == PDF
    confirmation = client.get(response["Location"])
    assert dossier.code in confirmation.content.decode()
    assert mailoutbox and dossier.code in mailoutbox[0].subject


@pytest.mark.parametrize(
    ("second", "fragment"),
    [
        (("x.exe", b"MZ"), "không được chấp nhận"),
        (("x.pdf", PNG), "không đúng định dạng PDF"),
        (("x.pdf", b""), "rỗng"),
        (("x.pdf", b"%PDF-1.4 << /JS (alert) >>"), "JavaScript"),
    ],
)
def test_one_bad_file_refuses_all_and_stores_nothing(client, online, point, second, fragment):
    response = client.post(
        f"/nop-truc-tuyen/{online.code}/",
        form_data(point, file_1=upload("to-khai.pdf", PDF), file_2=upload(*second)),
    )
    assert response.status_code == 422
    html = response.content.decode()
    # The message is next to the second document's field.
    block = html.split('id="f-file_2"', 1)[1].split("</div>", 1)[0]
    assert fragment in block
    assert Dossier.objects.count() == 0 and DossierDocument.objects.count() == 0
    assert stored_files() == []


def test_a_path_in_the_sent_name_never_reaches_the_storage(client, online, point):
    response = client.post(
        f"/nop-truc-tuyen/{online.code}/",
        form_data(point, file_1=upload("../../../../tmp/x.pdf", PDF), file_2=upload("b.pdf", PDF)),
    )
    assert response.status_code == 302
    document = DossierDocument.objects.get(position=1)
    assert ".." not in document.file.name and "/" not in document.file_name
    assert all(path.startswith(str(default_storage.location)) for path in stored_files())


def test_missing_required_document_is_named(client, online, point):
    response = client.post(
        f"/nop-truc-tuyen/{online.code}/", form_data(point, file_1=upload("a.pdf", PDF))
    )
    assert response.status_code == 422
    assert "Cần tải lên “Giấy chứng sinh”" in response.content.decode()


def test_procedure_without_online_channel_has_no_form(client, procedure):
    assert client.get(f"/nop-truc-tuyen/{procedure.code}/").status_code == 404


# --------------------------------------------------------------------------- the API


def test_api_submission(client, online, point):
    response = client.post(
        "/api/v1/dossiers",
        form_data(
            point, procedure=online.code, file_1=upload("a.pdf", PDF), file_2=upload("b.jpg", JPEG)
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == 1 and body["code"].startswith("000.00.31.H26-")
    assert body["lookup_url"].endswith(f"?ma={body['code']}")


@pytest.mark.django_db(transaction=True)
def test_the_kept_offer_follows_the_catalog_between_submissions(client, online, point):
    """The procedure's offer is kept by the process between requests (committed, as in
    production): a resolving agency unlinked, then the procedure taken offline, show at the
    next submission."""
    from tthc.dossiers import selectors

    def submit():
        return client.post(
            "/api/v1/dossiers",
            form_data(
                point,
                procedure=online.code,
                file_1=upload("a.pdf", PDF),
                file_2=upload("b.jpg", JPEG),
            ),
        )

    assert submit().status_code == 201
    assert selectors.online_offer(online.code) is selectors.online_offer(online.code)  # kept
    ProcedureAgency.objects.filter(procedure=online).delete()
    refused = submit()
    assert refused.status_code == 422 and refused.json()["field"] == "resolving_agency"
    online.online_level = "none"
    online.save()
    gone = submit()
    assert gone.status_code == 404 and gone.json()["field"] == "procedure"
    assert client.get(f"/nop-truc-tuyen/{online.code}/").status_code == 404
    assert Dossier.objects.count() == 1


def test_api_refusal_is_422_with_field(client, online, point):
    response = client.post(
        "/api/v1/dossiers",
        form_data(
            point,
            procedure=online.code,
            file_1=upload("a.pdf", PDF),
            file_2=upload("b.pdf", b"%PDF-1.4 << /Launch >>"),
        ),
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": response.json()["detail"],
        "code": "upload_active_content",
        "field": "file_2",
    }
    assert "Launch" in response.json()["detail"]
    assert Dossier.objects.count() == 0 and stored_files() == []


def test_api_unknown_procedure_is_404(client, online):
    response = client.post("/api/v1/dossiers", form_data(procedure="9.999999"))
    assert response.status_code == 404
    assert response.json()["field"] == "procedure"


def test_openapi_documents_the_multipart_submission(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/dossiers"]["post"]["requestBody"]["content"]
    assert "file_" in str(body["multipart/form-data"]["schema"]["patternProperties"])


def test_sending_the_same_form_twice_gives_one_dossier(client, online, point):
    data = form_data(point, file_1=upload("a.pdf", PDF), file_2=upload("b.png", PNG))
    data["submission_key"] = "3f2a0c6e1d9b4a7e8c5f1b2d3e4a5b6c"
    first = client.post(f"/nop-truc-tuyen/{online.code}/", data)
    data.update(file_1=upload("a.pdf", PDF), file_2=upload("b.png", PNG))
    second = client.post(f"/nop-truc-tuyen/{online.code}/", data)
    assert first.status_code == second.status_code == 302
    assert Dossier.objects.count() == 1
    assert Dossier.objects.get().code in client.get(second["Location"]).content.decode()


def test_a_refused_submission_releases_its_key_for_the_corrected_form(client, online, point):
    data = form_data(point, file_1=upload("a.pdf", b""), file_2=upload("b.png", PNG))
    data["submission_key"] = "k" * 32
    assert client.post(f"/nop-truc-tuyen/{online.code}/", data).status_code == 422
    data.update(file_1=upload("a.pdf", PDF), file_2=upload("b.png", PNG))
    assert client.post(f"/nop-truc-tuyen/{online.code}/", data).status_code == 302
    assert Dossier.objects.count() == 1


def test_api_retry_with_the_same_idempotency_key_returns_the_first_dossier(client, online, point):
    def send():
        return client.post(
            "/api/v1/dossiers",
            form_data(
                point,
                procedure=online.code,
                file_1=upload("a.pdf", PDF),
                file_2=upload("b.jpg", JPEG),
            ),
            headers={"Idempotency-Key": "retry-1"},
        )

    first, second = send(), send()
    assert first.json()["code"] == second.json()["code"]
    assert Dossier.objects.count() == 1


def test_a_submission_still_in_flight_is_a_conflict_not_a_duplicate(online):
    from tthc.core.errors import Conflict
    from tthc.dossiers.models import SubmissionKey
    from tthc.dossiers.services import submit_once

    SubmissionKey.objects.create(key="in-flight")  # another request holds the claim
    with pytest.raises(Conflict, match="đang được gửi"):
        submit_once(key="in-flight", submit=lambda then: pytest.fail("must not submit twice"))


def test_a_flood_from_one_address_is_throttled_and_others_pass(client, online, point, settings):
    settings.TTHC_DOSSIER_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        data = form_data(point, file_1=upload("a.pdf", PDF), file_2=upload("b.png", PNG))
        assert client.post(f"/nop-truc-tuyen/{online.code}/", data).status_code == 302
    data = form_data(point, file_1=upload("a.pdf", PDF), file_2=upload("b.png", PNG))
    throttled = client.post(f"/nop-truc-tuyen/{online.code}/", data)
    assert throttled.status_code == 429
    assert "quá nhiều hồ sơ trực tuyến" in throttled.content.decode()
    api = client.post(
        "/api/v1/dossiers",
        form_data(
            point, procedure=online.code, file_1=upload("a.pdf", PDF), file_2=upload("b.jpg", JPEG)
        ),
    )
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    data = form_data(point, file_1=upload("a.pdf", PDF), file_2=upload("b.png", PNG))
    other = client.post(f"/nop-truc-tuyen/{online.code}/", data, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    assert Dossier.objects.count() == 3, "nothing stored is lost"


# --------------------------------------------------------------------------- what the form keeps


def _input_tag(html: str, name: str) -> str:
    import re

    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def test_mandatory_uploads_are_marked_before_submitting(client, online):
    html = client.get(f"/nop-truc-tuyen/{online.code}/").content.decode()
    assert "required" in _input_tag(html, "file_1") and "required" in _input_tag(html, "file_2")
    assert "required" not in _input_tag(html, "file_3")  # “Giấy ủy quyền (nếu có)”
    assert html.count("Bắt buộc.") == 2 and "Nộp nếu có." in html
    # One file is enough for a document asked for in several copies.
    assert "1 bản chính; một tệp" in html


def test_a_refused_form_keeps_the_files_already_uploaded(client, online, point):
    url = f"/nop-truc-tuyen/{online.code}/"
    key = "b" * 32
    first = client.post(
        url,
        form_data(
            point,
            consent="",
            submission_key=key,
            file_1=upload("to-khai.pdf", PDF),
            file_2=upload("giay-chung-sinh.png", PNG),
        ),
    )
    assert first.status_code == 422
    html = first.content.decode()
    assert "Cần đồng ý xử lý dữ liệu cá nhân" in html
    assert "Đã tải lên: to-khai.pdf" in html and "Đã tải lên: giay-chung-sinh.png" in html
    assert "required" not in _input_tag(html, "file_1")  # nothing to choose again
    assert not Dossier.objects.exists()

    second = client.post(url, form_data(point, submission_key=key))
    assert second.status_code == 302, second.content.decode()[:2000]
    dossier = Dossier.objects.get()
    documents = list(dossier.documents.order_by("position"))
    assert [d.file_name for d in documents] == ["to-khai.pdf", "giay-chung-sinh.png"]
    assert default_storage.open(documents[0].file.name).read() == PDF
    # The kept copies are released once the dossier holds its own.
    assert not any("dossiers/pending" in f for f in stored_files())


def test_a_refused_file_is_not_kept_but_the_good_ones_are(client, online, point):
    url = f"/nop-truc-tuyen/{online.code}/"
    response = client.post(
        url,
        form_data(
            point,
            submission_key="c" * 32,
            file_1=upload("to-khai.pdf", PDF),
            file_2=upload("virus.exe", b"MZ\x90\x00"),
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "không được chấp nhận" in html and "Đã tải lên: to-khai.pdf" in html
    assert "virus.exe" not in html.split("Đã tải lên:")[-1][:200]
    assert "required" in _input_tag(html, "file_2")


def test_a_refused_form_shows_the_applicants_mistakes_with_the_missing_files(client, online):
    response = client.post(f"/nop-truc-tuyen/{online.code}/", form_data(citizen_id="12"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Cần tải lên “Tờ khai đăng ký khai sinh”" in html
    assert "định danh" in html.split('id="f-citizen_id"')[1][:800]


def test_files_of_abandoned_forms_are_discarded(settings):
    from datetime import date

    from django.core.files.base import ContentFile

    from tthc.dossiers import pending

    old = default_storage.save(f"{pending.FOLDER}/2026-01-01/a.pdf", ContentFile(PDF))
    fresh = default_storage.save(f"{pending.FOLDER}/2026-01-10/b.pdf", ContentFile(PDF))
    assert pending.discard_stale(today=date(2026, 1, 10)) == 1
    assert not default_storage.exists(old) and default_storage.exists(fresh)


def _api_send(client, online, point, key):
    return client.post(
        "/api/v1/dossiers",
        form_data(
            point, procedure=online.code, file_1=upload("a.pdf", PDF), file_2=upload("b.jpg", JPEG)
        ),
        headers={"Idempotency-Key": key},
    )


def test_a_claim_left_by_a_crashed_process_expires_and_the_retry_gets_one_dossier(
    client, online, point, settings
):
    """Issue 13: a web process killed mid-submission left its key claimed with no dossier."""
    from datetime import timedelta

    from django.utils import timezone

    from tthc.dossiers.models import SubmissionKey

    settings.TTHC_SUBMISSION_CLAIM_SECONDS = 120
    claim = SubmissionKey.objects.create(key="crashed-1")
    SubmissionKey.objects.filter(pk=claim.pk).update(
        created_at=timezone.now() - timedelta(seconds=121)
    )
    first = _api_send(client, online, point, "crashed-1")
    assert first.status_code == 201, first.content
    again = _api_send(client, online, point, "crashed-1")
    assert again.status_code == 201
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1
    assert SubmissionKey.objects.get(key="crashed-1").dossier.code == first.json()["code"]


def test_a_fresh_claim_still_answers_409(client, online, point, settings):
    from tthc.dossiers.models import SubmissionKey

    settings.TTHC_SUBMISSION_CLAIM_SECONDS = 120
    SubmissionKey.objects.create(key="fresh-1")
    response = _api_send(client, online, point, "fresh-1")
    assert response.status_code == 409
    assert response.json()["code"] == "submission_in_progress"
    assert Dossier.objects.count() == 0


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_two_retries_taking_over_one_stale_claim_give_one_dossier(online, point, settings):
    """Two retries of a crashed submission at once: one takes the claim over, one dossier."""
    import time
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from tthc.core.errors import Conflict
    from tthc.dossiers.models import SubmissionKey
    from tthc.dossiers.personal import ApplicantInput
    from tthc.dossiers.services import submit_once, submit_online_request

    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL (DATABASE_URL=postgres://...)")
    settings.TTHC_SUBMISSION_CLAIM_SECONDS = 120
    claim = SubmissionKey.objects.create(key="crashed-pg")
    SubmissionKey.objects.filter(pk=claim.pk).update(
        created_at=timezone.now() - timedelta(seconds=600)
    )
    data = form_data(point)
    applicant = ApplicantInput(
        full_name=data["full_name"],
        citizen_id=data["citizen_id"],
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
    )
    workers = 6

    def submit(then):
        time.sleep(0.3)  # the winner is still at work when the others look
        return submit_online_request(
            procedure_code=online.code,
            resolving_agency_code=data["resolving_agency"],
            reception_point_id=point.pk,
            applicant=applicant,
            files={"file_1": upload("a.pdf", PDF), "file_2": upload("b.png", PNG)},
            then=then,
        )

    def work():
        try:
            return ("made", submit_once(key="crashed-pg", submit=submit).code)
        except Conflict as exc:
            return ("conflict", exc.code)

    results, errors = race(workers, work)
    made = [value for kind, value in results if kind == "made"]
    conflicts = [value for kind, value in results if kind == "conflict"]
    assert errors == []
    assert len(set(made)) == 1 and len(made) + len(conflicts) == workers
    assert set(conflicts) <= {"submission_in_progress"}
    assert list(Dossier.objects.values_list("code", flat=True)) == made[:1]
    assert SubmissionKey.objects.get(key="crashed-pg").dossier.code == made[0]
