"""The Content-Security-Policy in a real browser: the home page, a procedure page, the online
application form, the staff home and Wagtail's editor (under its relaxed, path-scoped policy)
load with zero violations (the `securitypolicyviolation` event and Chromium's console report
both counted)."""

import pytest

from tests.factories import AgencyFactory, MembershipFactory, UserFactory, make_procedure
from tthc.catalog.models import ProcedureAgency
from tthc.content import services
from tthc.org.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def world():
    services.ensure_site()  # an earlier browser test may have emptied the database
    agency = AgencyFactory(code="000.00.15.H26", name="Sở Tư pháp thành phố Hà Nội")
    procedure = make_procedure(
        code="1.001193",
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        online_level="full",
        channels=[
            {
                "channel": "online",
                "processing_time": {"amount": "10", "unit": "working_days", "text": "10 ngày"},
                "fees": [{"amount_vnd": 200000, "text": "200.000 đồng/lần/người"}],
            }
        ],
        documents=[{"name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "originals": 1}],
    )
    ProcedureAgency.objects.create(procedure=procedure, agency=agency, role="implementing")
    account = UserFactory(username="kiemsoat")
    MembershipFactory(user=account, role=Role.CONTROL_OFFICER, agency=agency)
    MembershipFactory(user=account, role=Role.EDITOR, agency=agency)
    account.set_password(PASSWORD)
    account.is_staff = True  # Django's admin too
    account.save()
    return procedure


def test_pages_load_without_a_csp_violation(live_server, page, world):
    base = live_server.url
    console = []
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.add_init_script(LISTEN)
    seen = {}

    def visit(path, label):
        response = page.goto(base + path)
        assert response.status < 400, (label, response.status)
        header = response.headers.get("content-security-policy", "")
        scripts = header.split("script-src", 1)[1].split(";", 1)[0]
        if not path.startswith("/bien-tap/"):  # Wagtail's editor: inline scripts, scoped
            assert scripts.split() == ["'self'"], (label, header)
        page.wait_for_load_state("networkidle")
        seen[label] = page.evaluate("window.__cspViolations")

    visit("/", "home")
    visit("/thu-tuc/", "catalog")
    visit(f"/thu-tuc/{world.code}/", "procedure")
    visit(f"/thu-tuc/{world.code}/in/", "print view")
    assert page.get_by_role("button", name="In trang này").is_visible()  # print.js ran
    visit(f"/nop-truc-tuyen/{world.code}/", "apply form")

    page.goto(base + "/dang-nhap/")
    page.fill("input[name=username]", "kiemsoat")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/quan-tri/")
    seen["login"] = page.evaluate("window.__cspViolations")
    visit("/quan-tri/", "staff home")
    visit("/bien-tap/", "wagtail dashboard")
    visit("/bien-tap/pages/", "wagtail pages")
    visit("/admin/", "django admin")

    assert not {label: v for label, v in seen.items() if v}, seen
    assert not console, console
