"""Staff screens, the public page and the plan report."""

import re
from io import BytesIO

import pytest

from tests.simplification.conftest import staff_user
from tests.simplification.test_services import CHANGES, _approved
from tthc.org.models import Role
from tthc.simplification import services
from tthc.simplification.models import ComplianceCost, SimplificationProposal

pytestmark = pytest.mark.django_db


def test_staff_pages_are_policy_checked(client, agency):
    assert client.get("/quan-tri/don-gian-hoa/").status_code == 302  # to the login page
    client.force_login(staff_user(Role.SPECIALIST, agency))
    for url in (
        "/quan-tri/don-gian-hoa/",
        "/quan-tri/don-gian-hoa/so-lieu/",
        "/quan-tri/don-gian-hoa/bao-cao.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "đơn giản hóa" in response.content.decode()


def test_staff_home_lists_the_tool(client, control, leader, agency):
    client.force_login(control)
    assert "/quan-tri/don-gian-hoa/" in client.get("/quan-tri/").content.decode()
    client.force_login(staff_user(Role.SPECIALIST, agency))
    assert "/quan-tri/don-gian-hoa/" not in client.get("/quan-tri/").content.decode()


def test_officer_flow_from_form_to_implemented(client, control, procedure, agency):
    client.force_login(control)
    response = client.post(
        "/quan-tri/don-gian-hoa/tao/",
        {
            "title": "Đơn giản hóa khai sinh",
            "procedure_code": procedure.code,
            "channel": "in_person",
            "responsible_agency": agency.pk,
            "due_on": "2030-12-31",
            "legal_text": "Thông tư 04/2020/TT-BTP",
            "amending_body": "Bộ Tư pháp",
        },
    )
    proposal = SimplificationProposal.objects.get()
    assert response.status_code == 302 and proposal.code in response["Location"]
    item_url = f"/quan-tri/don-gian-hoa/{proposal.code}/thu-tuc/{procedure.code}/"
    page = client.get(item_url).content.decode()
    assert "Bản sao sổ hộ khẩu" in page
    response = client.post(
        item_url,
        {
            "channel": "in_person",
            "drop_document": ["Bản sao sổ hộ khẩu"],
            "fees_vnd": "20.000",
            "online_level": "full",
        },
    )
    assert response.status_code == 302
    item = proposal.items.get()
    assert [c["kind"] for c in item.changes] == ["drop_document", "lower_fee", "raise_online_level"]
    assert item.after_per_filing_vnd < item.before_per_filing_vnd
    bad = client.post(item_url, {"channel": "in_person", "fees_vnd": "nhiều"})
    assert bad.status_code == 422 and "không hợp lệ" in bad.content.decode()
    detail = client.get(f"/quan-tri/don-gian-hoa/{proposal.code}/").content.decode()
    assert "Bãi bỏ thành phần hồ sơ: Bản sao sổ hộ khẩu" in detail and "Trình phê duyệt" in detail
    assert f" — {control.full_name}</li>" in detail  # the history names who acted
    action = f"/quan-tri/don-gian-hoa/{proposal.code}/thao-tac/"
    assert client.post(action, {"move": "submit"}).status_code == 302
    refused = client.post(action, {"move": "approve"})
    assert refused.status_code == 422
    client.post(
        action, {"move": "approve", "decision_number": "12/QĐ-UBND", "decision_date": "2024-06-01"}
    )
    client.post(action, {"move": "implement"})
    proposal.refresh_from_db()
    assert proposal.status == "implemented"
    procedure.refresh_from_db()
    assert proposal.items.get().implemented_version == procedure.current_version
    public = client.get("/don-gian-hoa/").content.decode()
    assert procedure.code in public and "12/QĐ-UBND" in public


def test_add_a_second_procedure_from_the_detail_page(client, control, procedure, road_procedure):
    proposal = services.create_proposal(
        user=control, title="Hai thủ tục", items=[services.ItemInput(procedure.code)]
    )
    client.force_login(control)
    response = client.get(f"/quan-tri/don-gian-hoa/{proposal.code}/", {"ma": road_procedure.code})
    assert response.status_code == 302
    client.post(response["Location"], {"channel": "online"})
    assert proposal.items.count() == 2


def test_cost_screen_saves_and_refuses_negative_hours(client, control, procedure):
    client.force_login(control)
    url = f"/quan-tri/don-gian-hoa/chi-phi/{procedure.code}/in_person/"
    page = client.get(url)
    assert page.status_code == 200 and "Chuẩn bị hồ sơ" in page.content.decode()
    data = {
        "hourly_value_vnd": "25000",
        "hourly_value_source": "Khảo sát",
        "hourly_value_year": "2024",
        "activity_key": ["prepare", ""],
        "activity_name": ["Chuẩn bị", "Đi lại"],
        "activity_hours": ["16", "16"],
        "other_key": ["copies"],
        "other_name": ["Sao y"],
        "other_amount_vnd": ["124.000"],
        "fees_vnd": "100000",
        "filings_per_subject_per_year": "1",
        "subjects_per_year": "10",
    }
    assert client.post(url, data).status_code == 200
    cost = ComplianceCost.objects.get()
    assert cost.per_filing_vnd == 1_024_000 and cost.per_year_vnd == 10_240_000
    bad = client.post(url, {**data, "activity_hours": ["-1", "2"]})
    assert bad.status_code == 422 and "không được âm" in bad.content.decode()
    listing = client.get("/quan-tri/don-gian-hoa/chi-phi/").content.decode()
    assert procedure.code in listing
    assert "1024000" in re.sub(r"[.,\s\xa0]", "", listing)


def test_figures_and_reports(client, control, procedure, agency):
    proposal = _approved(control, procedure, agency, CHANGES)
    client.force_login(control)
    figures = client.get("/quan-tri/don-gian-hoa/so-lieu/").content.decode()
    assert agency.name in figures and "Hộ tịch" in figures
    response = client.get("/quan-tri/don-gian-hoa/bao-cao.xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    row = next(r for r in values if r[3] == procedure.code)
    item = proposal.items.get()
    assert row[11:16] == [
        item.before_per_filing_vnd,
        item.after_per_filing_vnd,
        item.before_per_year_vnd,
        item.after_per_year_vnd,
        item.saving_per_year_vnd,
    ]
    assert values[-1][15] == item.saving_per_year_vnd
    pdf = client.get("/quan-tri/don-gian-hoa/bao-cao.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_public_page_shows_only_approved(client, control, procedure):
    services.create_proposal(
        user=control,
        title="Dự thảo bí mật",
        items=[services.ItemInput(procedure.code, "in_person", CHANGES)],
    )
    page = client.get("/don-gian-hoa/")
    assert page.status_code == 200
    assert procedure.code not in page.content.decode()


def test_superscript_digits_are_refused_not_a_500(client, control, procedure, agency):
    """'²'.isdigit() is True but int('²') fails: ids and years accept ASCII digits only."""
    client.force_login(control)
    created = client.post(
        "/quan-tri/don-gian-hoa/tao/",
        {
            "title": "Đơn giản hóa khai sinh",
            "procedure_code": procedure.code,
            "channel": "in_person",
            "responsible_agency": "²",
            "due_on": "2030-12-31",
        },
    )
    assert created.status_code in (302, 422)
    url = f"/quan-tri/don-gian-hoa/chi-phi/{procedure.code}/in_person/"
    saved = client.post(
        url,
        {
            "hourly_value_vnd": "25000",
            "hourly_value_year": "²⁰²⁴",
            "activity_key": ["prepare"],
            "activity_name": ["Chuẩn bị"],
            "activity_hours": ["16"],
            "fees_vnd": "0",
            "filings_per_subject_per_year": "1",
            "subjects_per_year": "10",
        },
    )
    assert saved.status_code in (200, 422)
