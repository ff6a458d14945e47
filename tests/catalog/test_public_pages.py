"""The public portal: pages, highlighting, filters, the procedure page's tables, caching
headers, sitemap, English interface, and query counts that stay flat as rows grow."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AgencyFactory, UserFactory, procedure_data
from tthc.catalog import hooks, services
from tthc.catalog.models import AgencyRole, Field, Procedure
from tthc.catalog.views_public import highlight

pytestmark = pytest.mark.django_db

NATIONAL = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7"


def save(code="1.001193", *, origin=NATIONAL, agencies=None, **overrides):
    return services.save_procedure(
        code=code, data=procedure_data(**overrides), origin=origin, agencies=agencies
    ).procedure


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- highlighting ------------------------------------------------------------------------------


def test_highlight_is_folded_and_marks_whole_words():
    assert str(highlight("Thủ tục đăng ký khai sinh", ["dang", "ky", "khai", "si"])) == (
        "Thủ tục <mark>đăng</mark> <mark>ký</mark> <mark>khai</mark> <mark>sinh</mark>"
    )
    assert str(highlight("ĐĂNG KÝ KẾT HÔN", ["ket"])) == "ĐĂNG KÝ <mark>KẾT</mark> HÔN"


def test_highlight_escapes_first_and_matches_only_word_starts():
    out = str(highlight("<script>alert(1)</script> khai sinh", ["sinh", "script"]))
    assert "<script>" not in out
    assert "&lt;<mark>script</mark>&gt;" in out
    assert "<mark>sinh</mark>" in out
    assert str(highlight("tái sinh", ["ai"])) == "tái sinh"  # "ai" inside a word is no match


# --- home and search ---------------------------------------------------------------------------


def test_home_has_search_and_entry_points(client):
    save()
    body = html(client.get(reverse("catalog:home")))
    assert 'role="search"' in body and 'action="/tim-kiem/"' in body
    assert "Khi sinh con" in body and "/su-kien/sinh-con/" in body
    field = Field.objects.get(name="Hộ tịch")
    assert f"/linh-vuc/{field.pk}/" in body
    assert '<a class="skip-link" href="#main">' in body
    assert '<link rel="canonical" href="http://testserver/thu-tuc/">' in body
    assert '<meta name="description" content="' in body


def test_search_highlights_matches_and_escapes_the_query(client):
    save()
    save("2.000908", name="Thủ tục cấp bản sao <b>từ sổ gốc</b>", field="Chứng thực")
    body = html(client.get("/tim-kiem/", {"q": "dang ky khai sinh"}))
    assert "<mark>đăng</mark> <mark>ký</mark> <mark>khai</mark> <mark>sinh</mark>" in body
    assert 'href="/thu-tuc/1.001193/"' in body
    body = html(client.get("/tim-kiem/", {"q": '"><script>x</script> ban sao'}))
    assert "<script>x</script>" not in body
    assert "&lt;b&gt;" in body  # the stored name is escaped as well
    assert '<meta name="robots" content="noindex, follow">' in body


def test_search_filters(client):
    agency = AgencyFactory(code="000.00.21.H26", name="UBND phường Hoàn Kiếm")
    save("1.001193", agencies=[(agency, AgencyRole.IMPLEMENTING)], online_level="partial")
    save("1.000001", name="Cấp giấy phép xây dựng", levels=["province"], field="Xây dựng")
    field = Field.objects.get(name="Xây dựng")

    def codes(**params):
        body = html(client.get("/tim-kiem/", params))
        return re.findall(r'href="/thu-tuc/([\d.]+)/"', body)

    assert set(codes()) == {"1.001193", "1.000001"}
    assert codes(cap="province") == ["1.000001"]
    assert codes(linh_vuc=field.pk) == ["1.000001"]
    assert codes(co_quan="000.00.21.H26") == ["1.001193"]
    assert codes(muc_do="partial") == ["1.001193"]
    assert codes(cap="bogus", linh_vuc="x") == codes()  # bad filter values are ignored
    body = html(client.get("/tim-kiem/"))
    for name in ("cap", "linh_vuc", "co_quan", "muc_do"):
        assert f'name="{name}"' in body


def test_english_query_parameters_redirect_permanently_to_the_vietnamese_ones(client):
    """Links made before the parameters were Vietnamese (bookmarks, search engines)."""
    save()
    response = client.get(
        "/tim-kiem/?q=khai+sinh&level=province&field=3&agency=000.00.21.H26"
        "&online_level=full&page=2"
    )
    assert response.status_code == 301
    assert response["Location"] == (
        "/tim-kiem/?q=khai+sinh&cap=province&linh_vuc=3&co_quan=000.00.21.H26&muc_do=full&trang=2"
    )
    field = Field.objects.get()
    response = client.get(f"/linh-vuc/{field.pk}/?page=2")
    assert response.status_code == 301
    assert response["Location"] == f"/linh-vuc/{field.pk}/?trang=2"
    response = client.get("/tim-kiem/?trang=3&page=2")  # the Vietnamese one wins
    assert response["Location"] == "/tim-kiem/?trang=3"
    assert client.get("/tim-kiem/?q=khai+sinh&cap=province").status_code == 200


def test_search_paginates(client):
    for i in range(25):
        save(f"1.{i:06d}", name=f"Thủ tục đăng ký số {i}")
    first = html(client.get("/tim-kiem/", {"q": "dang ky"}))
    assert first.count('class="result"') == 20
    assert "q=dang+ky&amp;trang=2" in first
    second = html(client.get("/tim-kiem/", {"q": "dang ky", "trang": 2}))
    assert second.count('class="result"') == 5
    assert html(client.get("/tim-kiem/", {"q": "dang ky", "trang": "zz"})).count("result__title")


def test_nothing_found_helps(client):
    save()
    body = html(client.get("/tim-kiem/", {"q": "khai sinhh xyz"}))
    assert "Không tìm thấy thủ tục phù hợp." in body
    assert "Tìm theo mã thủ tục" in body


# --- procedure page ----------------------------------------------------------------------------


def test_procedure_page_groups_documents_by_condition_and_shows_notes(client):
    save(
        documents=[
            {"name": "Trích lục", "condition": "Trường hợp đăng ký lại", "mandatory": False},
            {"name": "- Tờ khai đăng ký khai sinh", "originals": 1},
            {"name": "Giấy chứng sinh (nếu có)", "originals": 1, "mandatory": False},
        ],
        document_notes=["Người tiếp nhận có trách nhiệm kiểm tra, đối chiếu giấy tờ."],
    )
    body = html(client.get("/thu-tuc/1.001193/"))
    always, _, conditional = body.partition("Tùy trường hợp")
    assert "Tờ khai đăng ký khai sinh" in always and "Giấy chứng sinh" in always
    assert "Trường hợp đăng ký lại" in conditional and "Trích lục" in conditional
    assert always.count("(không bắt buộc)") == 1
    assert "Lưu ý về thành phần hồ sơ" in body
    assert "Người tiếp nhận có trách nhiệm kiểm tra, đối chiếu giấy tờ." in body


def test_a_version_stored_before_conditions_still_shows(client):
    procedure = save(documents=[{"name": "Tờ khai", "originals": 1}])
    version = procedure.current_version
    version.data["documents"] = [{"name": "Tờ khai cũ", "group": "", "form": "", "originals": 1}]
    version.data.pop("document_notes", None)
    version.save(update_fields=["data"])
    body = html(client.get("/thu-tuc/1.001193/"))
    assert "Tờ khai cũ" in body and "(không bắt buộc)" not in body
    assert "Lưu ý về thành phần hồ sơ" not in body


def test_procedure_page_has_the_national_layout(client):
    agency = AgencyFactory(code="000.00.21.H26", name="UBND phường Hoàn Kiếm")
    save(
        agencies=[(agency, AgencyRole.IMPLEMENTING)],
        online_level="partial",
        boundary_free=True,
        requirements="Không quá 60 ngày kể từ ngày sinh.",
        documents=[
            {
                "name": "Tờ khai đăng ký khai sinh",
                "group": "Giấy tờ phải nộp",
                "form": "Mẫu tờ khai khai sinh.docx",
                "originals": 1,
                "copies": 2,
            }
        ],
    )
    body = html(client.get("/thu-tuc/1.001193/"))
    assert '<h1 lang="vi">Thủ tục đăng ký khai sinh</h1>' in body
    assert 'id="channels"' in body and "Trực tiếp" in body and "1 Ngày làm việc" in body
    assert "Miễn lệ phí" in body
    assert "Giấy tờ phải nộp" in body and "1 bản chính, 2 bản sao" in body
    assert f'<a href="{NATIONAL}" rel="noopener">Mẫu tờ khai khai sinh.docx' in body
    assert "60/2014/QH13" in body and "Luật Hộ tịch" in body
    assert "Giấy khai sinh" in body and "KQ.G15.000001" in body
    assert "Không quá 60 ngày kể từ ngày sinh." in body
    assert "Một phần" in body and "Không phụ thuộc địa giới hành chính" in body
    assert 'href="/co-quan/000.00.21.H26/"' in body
    assert 'href="/thu-tuc/1.001193/in/"' in body
    # Online procedures lead to the province's own application form (the dossiers app
    # registers it through the catalog's hook).
    apply_url = reverse("dossiers:apply", args=["1.001193"])
    assert re.search(rf'class="button button--apply" href="{re.escape(apply_url)}"', body)
    assert '<link rel="canonical" href="http://testserver/thu-tuc/1.001193/">' in body


def test_no_apply_entry_when_not_online_and_no_invented_form_urls(client):
    save(
        origin="bo-tu-phap__1.001193.json",
        documents=[{"name": "Tờ khai", "form": "TK.docx", "originals": 1, "copies": 0}],
    )
    body = html(client.get("/thu-tuc/1.001193/"))
    assert "button--apply" not in body
    assert "TK.docx" in body and "TK.docx</a>" not in body


def test_apply_online_uses_the_intake_an_app_registers(client, monkeypatch):
    monkeypatch.setattr(hooks, "_APPLY_LINKS", [])
    save(online_level="full")
    hooks.register_apply_link(lambda procedure: "")  # an app without a form for this one
    hooks.register_apply_link(lambda procedure: f"/nop-truc-tuyen/{procedure.code}/")
    body = html(client.get("/thu-tuc/1.001193/"))
    assert 'class="button button--apply" href="/nop-truc-tuyen/1.001193/"' in body


def test_apply_online_leads_to_the_national_portal_without_an_intake(client, monkeypatch):
    monkeypatch.setattr(hooks, "_APPLY_LINKS", [])  # as without the dossiers app
    save(online_level="full")
    body = html(client.get("/thu-tuc/1.001193/"))
    assert re.search(rf'class="button button--apply" href="{re.escape(NATIONAL)}" rel', body)


def test_print_view_and_unknown_code(client):
    save()
    body = html(client.get("/thu-tuc/1.001193/in/"))
    assert "THỦ TỤC HÀNH CHÍNH" in body and 'class="site-nav"' not in body
    assert "Cách thức thực hiện" in body and "Thành phần hồ sơ" in body
    assert client.get("/thu-tuc/9.999999/").status_code == 404
    assert client.get("/thu-tuc/9.999999/in/").status_code == 404


def test_field_agency_and_life_event_pages(client):
    agency = AgencyFactory(code="000.00.03.H26", name="Sở Tư pháp", address="1B Trần Phú")
    save(agencies=[(agency, AgencyRole.COMPETENT)])
    save("1.000894", name="Thủ tục đăng ký kết hôn")
    field = Field.objects.get(name="Hộ tịch")
    assert "Thủ tục đăng ký kết hôn" in html(client.get(f"/linh-vuc/{field.pk}/"))
    body = html(client.get("/co-quan/000.00.03.H26/"))
    assert "1B Trần Phú" in body and 'href="/thu-tuc/1.001193/"' in body
    assert "Sở Tư pháp" in html(client.get("/co-quan/"))
    assert "Khi sinh con" in html(client.get("/su-kien/"))
    body = html(client.get("/su-kien/sinh-con/"))
    assert "/thu-tuc/1.001193/" in body and "/thu-tuc/1.000894/" not in body
    assert "/thu-tuc/1.000894/" in html(client.get("/su-kien/ket-hon/"))
    for url in ("/linh-vuc/999999/", "/co-quan/nope/", "/su-kien/nope/"):
        assert client.get(url).status_code == 404


# --- caching, sitemap, language ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/thu-tuc/", "/tim-kiem/?q=khai+sinh", "/thu-tuc/1.001193/"])
def test_anonymous_pages_are_publicly_cacheable_and_signed_in_ones_are_not(client, url):
    save()
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=300"
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    assert "csrftoken" not in response.cookies  # nothing per-user in a shared cache
    user = UserFactory()
    user.save()
    client.force_login(user)
    response = client.get(url)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_public_pages_refuse_posts(client):
    assert client.post("/tim-kiem/").status_code == 405


def test_sitemap_lists_public_pages_but_not_abolished_procedures(client):
    save()
    save("1.000002", name="Thủ tục cũ", status="abolished")
    response = client.get("/sitemap.xml")
    body = html(response)
    assert "<loc>http://testserver/thu-tuc/1.001193/</loc>" in body
    assert "1.000002" not in body
    assert "<loc>http://testserver/su-kien/sinh-con/</loc>" in body
    assert "<loc>http://testserver/thu-tuc/</loc>" in body


def test_english_interface_keeps_procedure_content_vietnamese(client):
    save()
    response = client.post("/ngon-ngu/", {"language": "en", "next": "/thu-tuc/1.001193/"})
    assert response.status_code == 302
    body = html(client.get("/thu-tuc/1.001193/"))
    assert '<html lang="en">' in body
    assert "Document requirements" in body or "Required documents" in body
    assert "Skip to main content" in body
    assert "Thủ tục đăng ký khai sinh" in body  # content stays Vietnamese
    body = html(client.get("/thu-tuc/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Search" in body


# --- query counts ------------------------------------------------------------------------------


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_results_and_list_pages_cost_the_same_whatever_the_number_of_rows(client):
    agency = AgencyFactory(code="000.00.21.H26")
    for i in range(3):
        save(f"1.{i:06d}", agencies=[(agency, AgencyRole.IMPLEMENTING)])
    field = Field.objects.get()
    urls = [
        ("/tim-kiem/", {"q": "khai sinh"}),
        ("/tim-kiem/", {}),
        (f"/linh-vuc/{field.pk}/", {}),
        ("/co-quan/000.00.21.H26/", {}),
        ("/su-kien/sinh-con/", {}),
        ("/thu-tuc/", {}),
    ]
    for url, params in urls:  # warm the per-process caches (province name, ...)
        client.get(url, params)
    few = [_count(client, url, **params) for url, params in urls]
    for i in range(3, 30):
        save(f"1.{i:06d}", agencies=[(agency, AgencyRole.IMPLEMENTING)], field=f"Lĩnh vực {i}")
        AgencyFactory()
    for url, params in urls:  # the new agencies moved "org": what the process keeps is rebuilt
        client.get(url, params)
    many = [_count(client, url, **params) for url, params in urls]
    assert few == many


def test_procedure_page_costs_the_same_whatever_its_size(client):
    small = save("1.000001")
    agencies = [(AgencyFactory(), AgencyRole.IMPLEMENTING) for _ in range(15)]
    documents = [{"name": f"Giấy tờ {i}", "form": f"M{i}.docx", "originals": 1} for i in range(30)]
    big = save("1.000002", agencies=agencies, documents=documents)
    for number in range(2, 6):  # more versions and decisions
        services.save_procedure(
            code=big.code,
            data=procedure_data(documents=documents, name=f"Thủ tục {number}"),
            decision=services.get_or_create_decision(number=f"{number}/QĐ-UBND"),
        )
    assert Procedure.objects.get(code="1.000002").current_version.number == 5
    client.get(reverse("catalog:home"))  # warm the per-process caches (province name, ...)
    assert _count(client, f"/thu-tuc/{small.code}/") == _count(client, f"/thu-tuc/{big.code}/")
    assert _count(client, f"/thu-tuc/{small.code}/in/") == _count(
        client, f"/thu-tuc/{big.code}/in/"
    )
