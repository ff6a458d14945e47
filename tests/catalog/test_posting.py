"""Posting sheets (niêm yết): which procedures each agency / reception point receives, the A4
PDF with a QR code per procedure that decodes to its public page, and regeneration."""

from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from tests.factories import AgencyFactory, ProvinceFactory, UnitFactory, make_procedure
from tthc.catalog import posting, services
from tthc.catalog.documents import document_sections
from tthc.catalog.models import ProcedureAgency
from tthc.catalog.services import DecisionItemInput, record_decision
from tthc.org.models import AgencyKind, ReceptionPoint

pytestmark = pytest.mark.django_db


def link(procedure, agency, role="implementing"):
    ProcedureAgency.objects.create(procedure=procedure, agency=agency, role=role)


@pytest.fixture
def province_setup():
    province = ProvinceFactory()
    commune = UnitFactory(parent=province, name="Phường Hoàn Kiếm")
    other_commune = UnitFactory(parent=province, name="Phường Ba Đình")
    justice = AgencyFactory(unit=province, name="Sở Tư pháp", short_name="Sở Tư pháp")
    building = AgencyFactory(unit=province, name="Sở Xây dựng")
    centre = AgencyFactory(
        unit=province, name="Trung tâm Phục vụ hành chính công", kind=AgencyKind.SERVICE_CENTRE
    )
    ward = AgencyFactory(
        unit=commune, name="Ủy ban nhân dân phường Hoàn Kiếm", kind=AgencyKind.PEOPLES_COMMITTEE
    )
    other_ward = AgencyFactory(
        unit=other_commune,
        name="Ủy ban nhân dân phường Ba Đình",
        kind=AgencyKind.PEOPLES_COMMITTEE,
    )
    ward_centre = AgencyFactory(
        unit=commune,
        name="Trung tâm Phục vụ hành chính công phường Hoàn Kiếm",
        kind=AgencyKind.SERVICE_CENTRE,
    )
    p_justice = make_procedure("1.000001", name="Cấp phiếu lý lịch tư pháp", levels=["province"])
    p_building = make_procedure("1.000002", name="Cấp giấy phép xây dựng", levels=["province"])
    p_birth = make_procedure("1.001193", name="Đăng ký khai sinh", levels=["commune"])
    p_other = make_procedure("1.000003", name="Chứng thực bản sao", levels=["commune"])
    link(p_justice, justice)
    link(p_building, building, "competent")
    link(p_birth, ward)
    link(p_other, other_ward)
    return {
        "justice": justice,
        "building": building,
        "centre": centre,
        "ward": ward,
        "ward_centre": ward_centre,
    }


def codes(queryset):
    return sorted(p.code for p in queryset)


def test_each_agency_and_centre_receives_the_right_procedures(province_setup):
    s = province_setup
    assert codes(posting.received_procedures(s["justice"])) == ["1.000001"]
    assert codes(posting.received_procedures(s["building"])) == ["1.000002"], "any role counts"
    assert codes(posting.received_procedures(s["centre"])) == ["1.000001", "1.000002"]
    assert codes(posting.received_procedures(s["ward_centre"])) == ["1.001193"]
    point = ReceptionPoint.objects.create(agency=s["ward_centre"], name="Điểm tiếp nhận số 1")
    assert codes(posting.reception_point_procedures(point)) == ["1.001193"]


def test_abolished_procedures_are_not_posted(province_setup):
    record_decision(
        number="1/QĐ-UBND",
        signed_on=date(2025, 8, 1),
        issuer="Chủ tịch UBND",
        effective_on=date(2025, 8, 1),
        items=[DecisionItemInput("1.000001", "abolished")],
    )
    assert codes(posting.received_procedures(province_setup["centre"])) == ["1.000002"]


def test_the_html_sheet_lists_code_name_time_and_fee(client, province_setup):
    response = client.get(reverse("catalog:posting-agency", args=[province_setup["centre"].code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1.000001" in html and "Cấp phiếu lý lịch tư pháp" in html
    assert "1 Ngày làm việc" in html and "Miễn lệ phí" in html
    assert 'alt="Mã QR thủ tục 1.000002"' in html


def decoded_urls(pages: list[Path]) -> list[str]:
    found = []
    for page in pages:
        found += [r.text for r in zxingcpp.read_barcodes(Image.open(page))]
    return found


def public_url(code):
    return settings.TTHC_PUBLIC_BASE_URL + reverse("catalog:procedure", args=[code])


def test_agency_pdf_renders_and_every_qr_code_opens_the_procedure_page(
    client, province_setup, tmp_path, poppler
):
    centre = province_setup["centre"]
    response = client.get(reverse("catalog:posting-agency-pdf", args=[centre.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename=")
    assert disposition.isascii() and "trung-tam-phuc-vu-hanh-chinh-cong" in disposition
    text = poppler.text(response.content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "DANH MỤC THỦ TỤC HÀNH CHÍNH" in text
    assert "Trang 1/1" in text
    pages = poppler.pages(response.content, tmp_path)
    assert len(pages) == 1
    assert sorted(decoded_urls(pages)) == [public_url("1.000001"), public_url("1.000002")]


def test_procedure_sheet_is_one_page_with_its_qr_code(client, province_setup, tmp_path, poppler):
    response = client.get(reverse("catalog:posting-procedure-pdf", args=["1.001193"]))
    assert response.status_code == 200
    assert 'filename="thu-tuc-1.001193-dang-ky-khai-sinh.pdf"' in response["Content-Disposition"]
    pages = poppler.pages(response.content, tmp_path)
    assert len(pages) == 1
    assert decoded_urls(pages) == [public_url("1.001193")]


def test_the_pdf_is_regenerated_when_the_catalog_changes(client, province_setup, poppler):
    centre = province_setup["centre"]
    url = reverse("catalog:posting-agency-pdf", args=[centre.code])
    before = posting.fingerprint(centre)
    first = client.get(url).content
    assert client.get(url).content == first, "unchanged catalog: the cached file"
    services.save_procedure(
        code="1.000002",
        data=dict(
            services.Procedure.objects.get(code="1.000002").current_version.data,
            name="Cấp giấy phép xây dựng mới",
        ),
    )
    assert posting.fingerprint(centre) != before
    second = client.get(url).content
    assert second != first
    assert "Cấp giấy phép xây dựng mới" in poppler.text(second)


def test_a_new_link_changes_the_fingerprint(province_setup):
    centre = province_setup["centre"]
    before = posting.fingerprint(centre)
    link(services.Procedure.objects.get(code="1.000003"), province_setup["justice"])
    assert posting.fingerprint(centre) != before


def test_reception_point_sheet_and_unknown_agency(client, province_setup):
    point = ReceptionPoint.objects.create(
        agency=province_setup["centre"], name="Cơ sở 2", address="258 Võ Chí Công"
    )
    response = client.get(reverse("catalog:posting-point", args=[point.pk]))
    assert response.status_code == 200
    assert "Cơ sở 2" in response.content.decode()
    pdf = client.get(reverse("catalog:posting-point-pdf", args=[point.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("catalog:posting-agency", args=["khong-co"])).status_code == 404
    assert client.get(reverse("catalog:posting-index")).status_code == 200


@pytest.mark.slow
def test_demo_province_centre_sheet_has_a_decodable_qr_per_procedure(client, tmp_path, poppler):
    """The wall sheet of Hà Nội's service centre, on the real shipped records. With
    TTHC_SCREENSHOTS=docs/screenshots (`make screenshots`) its pages are kept as PNG."""
    import os
    import shutil

    from tthc.demo.services import build_demo
    from tthc.org.models import Agency

    build_demo(password="mat-khau-dai-12")
    centre = Agency.objects.get(kind=AgencyKind.SERVICE_CENTRE, unit__level="province")
    expected = {public_url(p.code) for p in posting.received_procedures(centre)}
    assert len(expected) > 20
    response = client.get(reverse("catalog:posting-agency-pdf", args=[centre.code]))
    assert response.status_code == 200
    pages = poppler.pages(response.content, tmp_path)
    assert set(decoded_urls(pages)) == expected
    single = client.get(reverse("catalog:posting-procedure-pdf", args=["1.001193"]))
    single_pages = poppler.pages(single.content, tmp_path / "single")
    assert len(single_pages) == 1
    if directory := os.environ.get("TTHC_SCREENSHOTS"):
        target = Path(directory)
        for number in (1, len(pages)):
            shutil.copy(pages[number - 1], target / f"posting-province-centre-p{number}.png")
        shutil.copy(single_pages[0], target / "posting-procedure-1.001193.png")


def test_the_procedure_sheet_marks_conditional_documents_and_counts_notes():
    procedure = make_procedure("1.001193", name="Đăng ký khai sinh")
    sections = document_sections(
        [
            {"name": "Trích lục", "condition": "Trường hợp đăng ký lại", "mandatory": False},
            {"name": "- Tờ khai", "originals": 1},
        ]
    )
    documents = [dict(d, condition=s.condition) for s in sections for d in s.documents]
    assert [d["name"] for d in documents] == ["Tờ khai", "Trích lục"]
    body = render_to_string(
        "catalog/posting/procedure_pdf.html",
        {
            "procedure": procedure,
            "data": {"channels": [], "subjects": [], "results": []},
            "row": posting.posting_row(procedure),
            "documents": documents,
            "document_notes": ["Người tiếp nhận có trách nhiệm đối chiếu.", "Lưu ý khác."],
            "more_documents": 0,
        },
    )
    # One A4 page: the notes are counted and read through the QR code, like documents past 7.
    assert "Trích lục <em>(tùy trường hợp)</em>" in body and "Tờ khai (1 bản chính)</li>" in body
    assert "Có 2 lưu ý về thành phần hồ sơ. Xem đầy đủ qua mã QR." in body
