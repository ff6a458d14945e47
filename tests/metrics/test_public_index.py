"""The public pages of the index 766: /chi-so-phuc-vu/ (province and agency), the late list
/danh-sach-tre-han/ and /cong-khai/, on the known world of tests/metrics/public_data.py."""

import re
from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dossiers.conftest import DOCUMENTS, PERSON, staff
from tests.factories import AgencyFactory, UnitFactory
from tests.metrics import public_data
from tthc.core import revisions
from tthc.dossiers import services
from tthc.dossiers.services import DocumentInput
from tthc.metrics import facts, index, public
from tthc.org.models import AgencyKind, ReceptionPoint, Role, UnitLevel

pytestmark = pytest.mark.django_db

FEBRUARY = index.Period(date(2025, 2, 1), date(2025, 2, 28))
JANUARY = index.Period(date(2025, 1, 1), date(2025, 1, 31))
YEAR = index.Period(date(2025, 1, 1), date(2025, 3, 3))
NOW = (2025, 3, 3, 9)


@pytest.fixture(autouse=True)
def _cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return public_data.build()


@pytest.fixture
def now():
    with time_machine.travel(public_data.at(*NOW), tick=False):
        yield


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def figures(result):
    return {
        r.indicator.code: (r.figure.numerator, r.figure.denominator, r.figure.rate, r.figure.points)
        for g in result.groups
        for r in g.indicators
    }


def test_periods():
    today = date(2025, 3, 3)
    assert public.parse_period(None, today).period == YEAR
    assert public.parse_period("2025-q1", today).period == index.Period(
        date(2025, 1, 1), date(2025, 3, 3)
    )
    assert public.parse_period("2024-q4", today).period == index.Period(
        date(2024, 10, 1), date(2024, 12, 31)
    )
    assert public.parse_period("2025-02", today).period == FEBRUARY
    assert public.parse_period("2025-04", today).period == YEAR  # the future: the default
    assert public.parse_period("<script>", today).period == YEAR
    months = public.last_months(12, today)
    assert [m.value for m in months][-1] == "2025-03" and months[0].value == "2024-04"


@pytest.mark.parametrize("period", [FEBRUARY, JANUARY, YEAR], ids=["feb", "jan", "ytd"])
def test_table_equals_the_index_of_each_scope(world, now, period):
    """The ranking's one-pass table gives every agency exactly index.compute's result."""
    data = public._compute_table(period)
    assert figures(data.province) == figures(index.compute(index.Scope.of(period)))
    for agency in (world.department, world.other_department, world.ward):
        expected = index.compute(index.Scope.of(period, agency))
        assert figures(data.agencies[agency.pk]) == figures(expected), agency.name
        assert data.agencies[agency.pk].total_points == expected.total_points


def test_province_page_shows_the_index_and_the_ranking(client, world, now):
    page = html(client, "/chi-so-phuc-vu/?ky=2025-02")
    expected = index.compute(index.Scope.of(FEBRUARY))
    assert public.vn(expected.total_points) in page
    assert "Tháng 2/2025" in page
    # Every group and indicator; the ones without data say so, with the reason.
    for group in expected.groups:
        assert str(group.name) in page  # the names are translated when shown
    assert page.count("không có dữ liệu") >= 5
    assert str(index.BY_CODE["1.4"].note) in page
    figure = expected.indicator("2.1").figure
    assert f"{figure.numerator}/{figure.denominator}" in page
    # The ranking: departments by total points, the ward among the communes.
    totals = {
        a.name: index.compute(index.Scope.of(FEBRUARY, a)).total_points
        for a in (world.department, world.other_department)
    }
    order = sorted(totals, key=lambda name: -totals[name])
    ranking = page[page.index('id="rank-departments"') : page.index('id="rank-communes"')]
    assert ranking.index(order[0]) < ranking.index(order[1])
    assert totals[world.department.name] > totals[world.other_department.name]
    assert world.ward.name in page[page.index('id="rank-communes"') :]
    assert f'href="/chi-so-phuc-vu/{world.ward.code}/?ky=2025-02"' in page


def test_charts_are_accessible_svg_with_a_table(client, world, now):
    page = html(client, "/chi-so-phuc-vu/")
    charts = re.findall(r"<svg\b[^>]*>.*?</svg>", page, flags=re.S)
    assert len(charts) == 7  # six groups and the months
    for svg in charts:
        assert 'role="img"' in svg
        ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        assert f'<title id="{ids[0]}">' in svg and f'<desc id="{ids[1]}">' in svg
        assert "style=" not in svg  # the CSP forbids inline styles
    # Each chart is followed by its table of the same figures.
    for svg in charts:
        after = page[page.index(svg) + len(svg) :]
        assert after.lstrip().startswith("<table")
    assert "<script" not in page.split("</header>")[1]
    assert "Tháng 3/2025" in page and "Tháng 4/2024" in page  # the 12 months


def test_agency_page(client, world, now):
    page = html(client, f"/chi-so-phuc-vu/{world.department.code}/?ky=2025-02")
    mine = index.compute(index.Scope.of(FEBRUARY, world.department))
    assert world.department.name in page
    assert public.vn(mine.total_points) in page
    assert "Xếp hạng 1/2 sở, ban, ngành." in page
    assert 'id="rank-departments"' not in page
    assert client.get("/chi-so-phuc-vu/000.99.99.H99/").status_code == 404


def test_late_list(client, world, now):
    page = html(client, "/danh-sach-tre-han/?ky=2025-02")
    c, f, a = (world.dossiers[k].code for k in "CFA")
    resolved = page[page.index('id="resolved-title"') : page.index('id="overdue-title"')]
    overdue = page[page.index('id="overdue-title"') :]
    assert c in resolved and f not in resolved and a not in resolved
    assert "1 hồ sơ giải quyết trễ hạn" in resolved
    row = resolved[resolved.index(c) :]
    assert "05/02/2025" in row and "07/02/2025" in row  # due date, finish date
    assert re.search(r'class="ix-num">2<', row)  # two working days late
    assert "Đã gửi ngày 05/02/2025; hẹn lại 17:00 07/02/2025" in row
    assert f in overdue and c not in overdue
    # F: due 5/2 17:00; 6/2 … 3/3 are 18 working days (6–7/2, three weeks, 3/3).
    assert re.search(r'class="ix-num">18<', overdue[overdue.index(f) :])
    # Per agency: the ward has none.
    ward = html(client, f"/danh-sach-tre-han/?ky=2025-02&co_quan={world.ward.code}")
    assert c not in ward and f not in ward
    assert "Không có hồ sơ giải quyết trễ hạn trong kỳ." in ward
    department = html(client, f"/danh-sach-tre-han/?co_quan={world.department.code}")
    assert c in department and f in department


def test_no_personal_data_on_public_pages(client, world, now):
    urls = [
        "/chi-so-phuc-vu/?ky=2025-02",
        f"/chi-so-phuc-vu/{world.department.code}/?ky=2025-02",
        "/danh-sach-tre-han/?ky=2025-02",
        "/cong-khai/",
    ]
    for url in urls:
        page = html(client, url)
        for secret in (PERSON.full_name, PERSON.citizen_id, PERSON.phone, PERSON.email):
            assert secret not in page, (url, secret)
        for d in world.dossiers.values():
            assert d.lookup_secret not in page


def test_transparency_page_links_real_pages(client, db):
    page = html(client, "/cong-khai/")
    links = set(
        re.findall(r'href="(/[^"#]*)"', page.split('<main id="main"')[1].split("</main>")[0])
    )
    assert {"/chi-so-phuc-vu/", "/danh-sach-tre-han/", "/thu-tuc/", "/tra-cuu-ho-so/"} <= links
    for link in links:
        assert client.get(link).status_code in (200, 301, 302), link


def test_navigation_links(client, db):
    page = html(client, "/cong-khai/")
    assert 'href="/chi-so-phuc-vu/"' in page and 'href="/danh-sach-tre-han/"' in page


# --------------------------------------------------------------------------- query counts


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def more_agencies_and_dossiers(world, n=12):
    """Another ward with n late dossiers of its own, and n more late at the department."""
    ward = AgencyFactory(
        code="000.00.22.H26",
        name="Ủy ban nhân dân phường Cửa Nam",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        unit=UnitFactory(level=UnitLevel.COMMUNE),
    )
    point = ReceptionPoint.objects.create(agency=ward, name="Trung tâm phường Cửa Nam")
    officer = staff(Role.RECEPTION_OFFICER, ward)
    procedure = world.dossiers["A"].procedure
    specialists = {ward: staff(Role.SPECIALIST, ward), world.department: None}
    specialists[world.department] = staff(Role.SPECIALIST, world.department)
    for resolver, user in specialists.items():
        for _ in range(n):
            with time_machine.travel(public_data.at(2025, 1, 22, 10), tick=False):
                d = services.receive(
                    user=officer,
                    procedure=procedure,
                    reception_point=point,
                    resolving_agency=resolver,
                    applicant=PERSON,
                    documents=[DocumentInput(DOCUMENTS[0])],
                    fee_due=8000,
                )
                d = services.start_processing(user=user, dossier=d)
            with time_machine.travel(public_data.at(2025, 2, 12, 9), tick=False):
                services.resolve(user=user, dossier=d)
    with time_machine.travel(public_data.at(*NOW), tick=False):
        facts.refresh_all()


def test_query_counts_stay_flat(client, world):
    urls = ["/chi-so-phuc-vu/?ky=2025-02", f"/chi-so-phuc-vu/{world.department.code}/"]
    late = ["/danh-sach-tre-han/?ky=2025-02", f"/danh-sach-tre-han/?co_quan={world.ward.code}"]
    with time_machine.travel(public_data.at(*NOW), tick=False):
        before = {}
        for url in urls:
            cache.clear()
            revisions.forget_all()  # cold: nothing kept by the process either
            before[url] = count(client, url)  # cold: 13 periods (the chosen, 12 months)
            assert count(client, url) <= 3  # warm: from the cache
        before.update({url: count(client, url) for url in late})
    more_agencies_and_dossiers(world)
    with time_machine.travel(public_data.at(*NOW), tick=False):
        for url in urls:
            cache.clear()
            revisions.forget_all()  # cold: nothing kept by the process either
            assert count(client, url) == before[url], url
        for url in late:
            assert count(client, url) == before[url], url
        assert max(before[u] for u in urls) <= 13 * 25
        assert max(before[u] for u in late) <= 8
        page = html(client, "/danh-sach-tre-han/?ky=2025-02")
        assert "25 hồ sơ giải quyết trễ hạn" in page  # C and the 24 new ones
        assert "Trang 1/2" in page
