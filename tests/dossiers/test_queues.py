"""The staff queues' fast path (decision 0011, issue 15): the copies the database keeps on
DossierAgency, keyset pages equal to the tab's definition (`selectors.queue`), the counts of
every tab in one query, and a number of queries that does not grow with the rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.dossiers.conftest import staff
from tthc.dossiers import queue_triggers, queues, selectors, services
from tthc.dossiers.models import Dossier, DossierAgency, Status
from tthc.org.models import Membership, Role

pytestmark = pytest.mark.django_db


def copies_match() -> bool:
    rows = DossierAgency.objects.values_list(
        "status",
        "due_at",
        "submitted_at",
        "dossier__status",
        "dossier__due_at",
        "dossier__submitted_at",
    )
    return all(row[:3] == row[3:] for row in rows) and rows.exists()


def resolved(user, dossier):
    return services.resolve(
        user=user, dossier=services.start_processing(user=user, dossier=dossier)
    )


@pytest.fixture
def mixed(received, submitted, root, other_agency):
    """Dossiers in every tab: new online, received, processing, supplement, resolved, returned,
    refused, withdrawn, one transferred to another agency."""
    made = {"submitted": [submitted() for _ in range(3)]}
    made["received"] = [received() for _ in range(4)]
    made["processing"] = [
        services.start_processing(user=root, dossier=received()) for _ in range(3)
    ]
    made["supplement"] = [
        services.request_supplement(user=root, dossier=received(), reason="Thiếu giấy tờ")
        for _ in range(2)
    ]
    made["resolved"] = [resolved(root, received()) for _ in range(2)]
    made["returned"] = [
        services.return_result(user=root, dossier=resolved(root, received())) for _ in range(3)
    ]
    made["refused"] = [services.refuse(user=root, dossier=submitted(), reason="Không đủ")]
    made["withdrawn"] = [services.withdraw(user=root, dossier=received(), reason="Rút")]
    moved = services.start_processing(user=root, dossier=received())
    made["transferred"] = [services.transfer(user=root, dossier=moved, to_agency=other_agency)]
    return made


def test_the_database_keeps_the_copies_whoever_writes(mixed):
    assert queue_triggers.installed(connection)
    assert copies_match()
    # A plain UPDATE of the dossiers (as the workdays registry does) and a bulk_create.
    dossier = mixed["received"][0]
    later = dossier.due_at + timedelta(days=3)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=later, status=Status.PROCESSING)
    row = DossierAgency.objects.filter(dossier=dossier).first()
    assert (row.status, row.due_at) == (Status.PROCESSING, later)
    DossierAgency.objects.filter(dossier=dossier).delete()
    DossierAgency.objects.bulk_create(
        [DossierAgency(dossier=dossier, agency=dossier.receiving_agency, role="receiving")]
    )
    assert copies_match()
    # Rows loaded with the triggers off (status 0) come back with resync().
    DossierAgency.objects.update(status=0)
    assert queue_triggers.resync(connection) == DossierAgency.objects.count()
    assert copies_match()


def walk(user, tab, size, **options):
    """Every row of a tab, page by page with the `next` cursors; and back with `before`."""
    pages = [queues.page(user, tab, size=size, **options)]
    while pages[-1].next_cursor:
        assert len(pages) < 50
        pages.append(queues.page(user, tab, size=size, after=pages[-1].next_cursor, **options))
    forward = [d.code for p in pages for d in p.rows]
    back, current = [], pages[-1]
    while True:
        back[:0] = [d.code for d in current.rows]
        if current.first:
            break
        current = queues.page(user, tab, size=size, before=current.previous_cursor, **options)
    return forward, back, pages


@pytest.fixture
def viewers(commune, department, other_agency):
    """A desk (one agency), a user of two agencies both involved in every dossier (the same
    dossier through two rows), a control officer (the whole province), and an outsider."""
    both = staff(Role.RECEPTION_OFFICER, commune)
    Membership.objects.create(user=both, agency=department, role=Role.SPECIALIST)
    return {
        "desk": staff(Role.RECEPTION_OFFICER, commune),
        "two agencies": both,
        "specialist": staff(Role.SPECIALIST, department),
        "control": staff(Role.CONTROL_OFFICER, other_agency),
        "outsider": staff(Role.RECEPTION_OFFICER, other_agency),
    }


@pytest.mark.parametrize("tab", list(selectors.QUEUE_TABS))
@pytest.mark.parametrize("who", ["desk", "two agencies", "specialist", "control", "outsider"])
def test_pages_walk_the_tab_in_its_order(mixed, viewers, who, tab):
    user = viewers[who]
    now = timezone.now()
    expected = [d.code for d in selectors.queue(user, tab, now=now)]
    forward, back, pages = walk(user, tab, 2, now=now)
    assert forward == expected
    assert back == expected
    assert all(len(p.rows) == 2 for p in pages[:-1])
    counts = selectors.queue_counts(user, now=now)
    assert counts[tab] == len(expected)
    if who == "outsider":  # only the dossier transferred to its agency
        assert set(forward) <= {mixed["transferred"][0].code}


def test_offset_pages_as_the_api_asks(mixed, viewers):
    user = viewers["two agencies"]
    expected = [d.code for d in selectors.queue(user, "dang-xu-ly")]
    got = []
    for number in range(5):
        got += [d.code for d in queues.page(user, "dang-xu-ly", size=2, offset=2 * number).rows]
    assert got == expected


def test_the_finished_tab_count_is_capped(mixed, viewers, monkeypatch, client):
    monkeypatch.setattr(queues, "DONE_COUNT_CAP", 2)
    user = viewers["desk"]
    done = len(selectors.queue(user, "da-xong"))
    assert done == 5
    assert selectors.queue_counts(user)["da-xong"] == 3  # cap + 1: more than the cap
    client.force_login(user)
    html = client.get("/quan-tri/ho-so/?the=da-xong").content.decode()
    assert 'ds-tab--da-xong">Đã trả, kết thúc <span class="count">2+</span>' in html
    monkeypatch.setattr(queues, "DONE_COUNT_CAP", 5)
    assert selectors.queue_counts(user)["da-xong"] == 5


def test_the_page_links_walk_without_javascript(mixed, viewers, client):
    client.force_login(viewers["two agencies"])
    expected = [d.code for d in selectors.queue(viewers["two agencies"], "dang-xu-ly")]
    import re

    from tthc.dossiers import staff_views

    seen, path = [], "/quan-tri/ho-so/?the=dang-xu-ly"
    original = staff_views.PAGE_SIZE
    staff_views.PAGE_SIZE = 3
    try:
        for _ in range(10):
            html = client.get(path).content.decode()
            seen += re.findall(r'<th scope="row"[^>]*><a href="/quan-tri/ho-so/([^/]+)/"', html)
            found = re.search(r'href="(\?the=dang-xu-ly&amp;sau=[^"]+)" rel="next"', html)
            if not found:
                break
            path = "/quan-tri/ho-so/" + found.group(1).replace("&amp;", "&")
        assert 'rel="prev"' in html
    finally:
        staff_views.PAGE_SIZE = original
    assert seen == expected


def queries(client, path) -> int:
    client.get(path)  # warm: the calendars' and the session's first reads are cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("tab", list(selectors.QUEUE_TABS))
def test_query_count_stays_flat_as_rows_grow(client, viewers, received, submitted, root, tab):
    user = viewers["two agencies"]
    client.force_login(user)

    def grow(n):
        for _ in range(n):
            submitted()
            services.start_processing(user=root, dossier=received())
            services.return_result(user=root, dossier=resolved(root, received()))

    grow(1)
    page = f"/quan-tri/ho-so/?the={tab}"
    api = f"/api/v1/staff/dossiers?tab={tab}&page_size=2"
    few = (queries(client, page), queries(client, api))
    grow(4)
    many = (queries(client, page), queries(client, api))
    assert many == few
    body = client.get(api).json()
    if body["next"]:
        nxt = f"{api}&cursor={body['next']}"
        assert queries(client, nxt) == few[1]
    # The page: session and user, the policy's memberships, the counts (one query), the ids,
    # the rows with what they show, the calendars of the time left.
    assert few[0] <= 12


def test_the_api_walks_with_the_next_cursor(client, mixed, viewers):
    user = viewers["two agencies"]
    client.force_login(user)
    expected = [d.code for d in selectors.queue(user, "da-xong")]
    body = client.get("/api/v1/staff/dossiers?tab=da-xong&page_size=2").json()
    codes = [i["code"] for i in body["items"]]
    assert body["count"] == len(expected)
    while body["next"]:
        body = client.get(
            f"/api/v1/staff/dossiers?tab=da-xong&page_size=2&cursor={body['next']}"
        ).json()
        codes += [i["code"] for i in body["items"]]
    assert codes == expected
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/staff/dossiers"]["get"]
    assert {"tab", "page", "page_size", "cursor"} <= {p["name"] for p in operation["parameters"]}


def test_time_left_uses_an_agencys_own_calendar(received, department, travel):
    from tthc.workdays.models import CalendarOverride

    travel(2025, 1, 22, 10)
    dossier = received()  # due 05/02/2025 17:00 (after the Tết days off)
    travel(2025, 2, 3, 10)

    def left():
        return selectors.queue_rows(queues.items([dossier.pk]))[0].left

    assert left() == "Còn 2 ngày làm việc"  # 03/02 → 05/02
    CalendarOverride.objects.create(
        date=date(2025, 2, 4), is_working=False, name="Nghỉ", agency=department
    )
    assert left() == "Còn 1 ngày làm việc"


def test_a_finished_dossier_held_twice_by_one_agency_is_counted_once(mixed, viewers):
    """One agency in two roles on a dossier (a department receiving for its own procedure):
    two rows of that agency, one dossier in its finished tab."""
    from tthc.dossiers.models import Involvement

    user = viewers["desk"]
    assert selectors.queue_counts(user)["da-xong"] == 5
    returned = mixed["returned"][0]
    held = DossierAgency.objects.filter(dossier=returned, agency=returned.receiving_agency)
    assert set(held.values_list("role", flat=True)) == {Involvement.RECEIVING}
    DossierAgency.objects.create(
        dossier=returned, agency=returned.receiving_agency, role=Involvement.CONSULTED
    )
    assert held.count() == 2
    assert selectors.queue_counts(user)["da-xong"] == 5
    assert len(selectors.queue(user, "da-xong")) == 5
