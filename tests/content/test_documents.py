"""Documents editors attach to articles and events follow the platform's upload rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model

pytestmark = pytest.mark.django_db

CLEAN_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SCRIPTED_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> "
    b">> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture
def editor_client(client, make_editor, site):
    client.force_login(make_editor("bientap"))
    return client


def upload(client, name, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": "Kế hoạch tập huấn", "file": SimpleUploadedFile(name, content)},
    )


def test_an_editor_uploads_a_clean_pdf(editor_client):
    response = upload(editor_client, "ke-hoach.pdf", CLEAN_PDF)
    assert response.status_code == 302
    assert get_document_model().objects.get().title == "Kế hoạch tập huấn"


def test_a_pdf_with_javascript_is_refused_with_the_reason(editor_client):
    response = upload(editor_client, "ke-hoach.pdf", SCRIPTED_PDF)
    assert response.status_code == 200  # the form again, with the message next to the file
    assert "Tệp PDF có JavaScript" in response.content.decode()
    assert not get_document_model().objects.exists()


def test_a_file_over_the_limit_is_refused(editor_client, settings):
    settings.TTHC_MAX_UPLOAD_MB = 1
    response = upload(editor_client, "so-lieu.pdf", CLEAN_PDF + b"0" * (1024 * 1024))
    assert "Tệp quá lớn (1,0 MB); tối đa 1 MB." in response.content.decode()
    assert not get_document_model().objects.exists()
