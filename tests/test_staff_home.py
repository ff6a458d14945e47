import pytest

from tests.factories import MembershipFactory
from tthc.org.models import Role

pytestmark = pytest.mark.django_db


def test_pages_are_vietnamese_whatever_the_browser_asks_until_the_visitor_switches(client):
    page = client.get("/lich-lam-viec/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in page.content.decode()
    client.cookies["django_language"] = "en"
    assert 'lang="en"' in client.get("/lich-lam-viec/").content.decode()


def test_login_lands_on_the_staff_home_with_the_tools_of_the_role(client):
    officer = MembershipFactory(role=Role.CONTROL_OFFICER).user
    officer.save()
    response = client.post(
        "/dang-nhap/", {"username": officer.username, "password": "mat-khau-dai-12"}
    )
    assert response.status_code == 302 and response["Location"] == "/quan-tri/"
    html = client.get("/quan-tri/").content.decode()
    assert "Quản lý danh mục thủ tục" in html
    assert "Lịch làm việc" in html
    assert "Quản trị kỹ thuật" not in html
    assert "Nhật ký truy cập" not in html, "only administrators read the audit log"


def test_a_reception_officer_sees_no_catalog_tools(client):
    user = MembershipFactory(role=Role.RECEPTION_OFFICER).user
    user.save()
    client.force_login(user)
    html = client.get("/quan-tri/").content.decode()
    assert "Quản lý danh mục thủ tục" not in html
    assert "Niêm yết thủ tục" in html
    assert "Tra cứu hồ sơ" in html


def test_staff_home_needs_login(client):
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_an_administrator_reaches_the_audit_log_from_the_staff_home(client):
    admin = MembershipFactory(role=Role.ADMINISTRATOR).user
    admin.save()
    client.force_login(admin)
    html = client.get("/quan-tri/").content.decode()
    assert 'href="/quan-tri/nhat-ky/"' in html
    assert client.get("/quan-tri/nhat-ky/").status_code == 200
