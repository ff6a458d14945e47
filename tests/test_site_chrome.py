"""The header's and footer's links, rendered once per variant by each process
(tthc.core.templatetags.site_chrome): the variant of the page asked for, in its language,
for someone signed in or not, and the per-request parts still per request."""

import re

import pytest

from tests.factories import MembershipFactory
from tthc.org.models import Role

pytestmark = pytest.mark.django_db


def _nav(body: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', body, re.S).group(0)


def test_the_current_page_is_marked_and_only_it(client):
    for path, label in (("/lich-lam-viec/", "Lịch làm việc"), ("/tra-cuu-ho-so/", "Tra cứu hồ sơ")):
        nav = _nav(client.get(path).content.decode())
        assert nav.count('aria-current="page"') == 1
        assert re.search(rf'aria-current="page">{label}</a>', nav)


def test_signed_in_or_not_each_sees_their_links_and_their_own_sign_out_token(client):
    anonymous = _nav(client.get("/lich-lam-viec/").content.decode())
    assert 'href="/dang-nhap/"' in anonymous and "Đăng xuất" not in anonymous
    officer = MembershipFactory(role=Role.RECEPTION_OFFICER).user
    officer.save()
    tokens = []
    for _ in range(2):
        client.force_login(officer)
        nav = _nav(client.get("/lich-lam-viec/").content.decode())
        assert "Quản trị" in nav and 'href="/dang-nhap/"' not in nav
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', nav).group(1))
        client.logout()
    assert tokens[0] != tokens[1]  # the form is not part of what is kept


def test_each_language_has_its_own_links(client):
    vietnamese = client.get("/lich-lam-viec/").content.decode()
    client.post("/ngon-ngu/", {"language": "en", "next": "/lich-lam-viec/"})
    english = client.get("/lich-lam-viec/").content.decode()
    assert "Tra cứu thủ tục" in _nav(vietnamese) and "Find a procedure" not in _nav(vietnamese)
    assert "Find a procedure" in _nav(english) and "Tra cứu thủ tục" not in _nav(english)
    assert "Sơ đồ trang (XML)" in vietnamese and "Sơ đồ trang (XML)" not in english
