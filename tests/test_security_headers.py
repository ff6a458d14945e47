"""Content-Security-Policy on every page (no inline script anywhere), the relaxed style rule
scoped to the two admin sites, and the HTTPS settings of production."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import MembershipFactory, make_procedure
from tthc.org.models import Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "src" / "tthc").glob("**/templates/**/*.html"))


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _assert_strict_scripts(response):
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    return policy


@pytest.mark.parametrize("path", ["/thu-tuc/", "/lich-lam-viec/", "/dang-nhap/", "/phan-anh/"])
def test_public_pages_have_a_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _assert_strict_scripts(response)
    assert policy["style-src"] == ["'self'"]


def test_procedure_page_and_its_print_view(client):
    make_procedure(code="1.000001")
    for path in ["/thu-tuc/1.000001/", "/thu-tuc/1.000001/in/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response)["style-src"] == ["'self'"]
        _assert_strict_scripts(response)
        assert "onclick" not in response.content.decode()


def test_staff_pages_have_a_strict_policy(client):
    officer = MembershipFactory(role=Role.CONTROL_OFFICER).user
    officer.save()
    client.force_login(officer)
    for path in ["/quan-tri/", "/quan-tri/thu-tuc/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response)["style-src"] == ["'self'"]
        _assert_strict_scripts(response)


def test_only_the_admin_sites_are_relaxed_and_only_as_far_as_they_need(client):
    editor = MembershipFactory(role=Role.ADMINISTRATOR).user
    editor.is_staff = editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    django_admin = directives(client.get("/admin/"))
    assert "'unsafe-inline'" in django_admin["style-src"]
    assert django_admin["script-src"] == ["'self'"]
    wagtail = client.get("/bien-tap/")
    assert wagtail.status_code == 200
    policy = directives(wagtail)
    # Wagtail's date pickers and inline panels are initialised by inline <script>s.
    assert "'unsafe-inline'" in policy["style-src"] and "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    # The relaxation does not leak to a page that merely starts with the same letters.
    assert directives(client.get("/bien-tap-khac/"))["script-src"] == ["'self'"]


def test_no_template_carries_inline_script_or_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert not offenders


def test_html_pages_carry_no_inline_style_attribute():
    """Inline styles are left only in the templates WeasyPrint turns into PDF (no browser)."""
    pdf_only = ("_pdf", "pdf.html", "/forms/", "receipt.html", "_pdf_style")
    offenders = [
        str(t.relative_to(ROOT))
        for t in TEMPLATES
        if re.search(r"\sstyle=\"|<style", t.read_text(encoding="utf-8"))
        and not any(mark in str(t) for mark in pdf_only)
    ]
    assert not offenders


def _settings_in(env: dict) -> dict:
    code = (
        "import json, tthc.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', 'TTHC_REQUIRE_2FA', "
        "'AXES_FAILURE_LIMIT']}, default=str))"
    )
    import json
    import os

    full = {k: v for k, v in os.environ.items() if not k.startswith(("TTHC_", "SECURE_"))}
    full.update(env)
    out = subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_production_turns_https_on_and_development_leaves_it_off(tmp_path):
    dev = _settings_in({"TTHC_VAR_DIR": str(tmp_path)})
    assert dev["SECURE_SSL_REDIRECT"] is False and dev["SECURE_HSTS_SECONDS"] == 0
    assert dev["SESSION_COOKIE_SECURE"] is False and dev["SECURE_PROXY_SSL_HEADER"] is None
    assert dev["TTHC_REQUIRE_2FA"] is False
    prod = _settings_in(
        {"TTHC_VAR_DIR": str(tmp_path), "TTHC_ENV": "production", "TTHC_TRUSTED_PROXY_COUNT": "1"}
    )
    assert prod["SECURE_SSL_REDIRECT"] is True and prod["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert prod["SESSION_COOKIE_SECURE"] is True and prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    tuned = _settings_in(
        {
            "TTHC_VAR_DIR": str(tmp_path),
            "TTHC_ENV": "production",
            "TTHC_REQUIRE_2FA": "true",
            "TTHC_LOGIN_FAILURE_LIMIT": "8",
        }
    )
    assert tuned["SECURE_PROXY_SSL_HEADER"] is None  # no proxy of ours: header not trusted
    assert tuned["TTHC_REQUIRE_2FA"] is True and tuned["AXES_FAILURE_LIMIT"] == 8


def test_hsts_and_redirect_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/thu-tuc/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200  # the probe is not redirected
    secure = client.get("/thu-tuc/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
