from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgencyFactory
from tthc.workdays import services
from tthc.workdays.engine import VN_TZ
from tthc.workdays.models import CalendarOverride, DeadlineChange

pytestmark = pytest.mark.django_db

PUBLIC = "/lich-lam-viec/"
STAFF = "/quan-tri/lich-lam-viec/"
DENIED = "Bạn không có quyền điều chỉnh lịch làm việc."


# --------------------------------------------------------------------------- public page


def test_public_page_lists_tet_2025_and_the_working_saturday(client):
    response = client.get("/lich-lam-viec/2025/")
    assert response.status_code == 200
    html = response.content.decode()
    for day in ("27/01/2025", "28/01/2025", "29/01/2025", "30/01/2025", "31/01/2025"):
        assert day in html
    assert "Tết Nguyên Đán" in html
    assert "Lịch làm việc năm 2025" in html
    days_worked = response.context["days_worked"]
    assert [d["date"] for d in days_worked] == [date(2025, 4, 26)]
    assert days_worked[0]["weekday"] == "Thứ Bảy"
    assert "Làm bù cho ngày nghỉ 02/05/2025" in html
    assert 'href="/lich-lam-viec/2024/"' in html
    assert 'href="/lich-lam-viec/2026/"' in html


def test_public_page_defaults_to_this_year_and_refuses_unsupported_years(client):
    from django.utils import timezone

    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert client.get("/lich-lam-viec/1990/").status_code == 404
    assert client.get("/lich-lam-viec/1995/").context["previous_year"] is None


def test_public_page_shows_local_overrides(client, control_officer):
    services.add_override(
        user=control_officer,
        date=date(2025, 3, 4),
        is_working=False,
        name="Lễ hội Đền Hùng của tỉnh",
    )
    assert "Lễ hội Đền Hùng của tỉnh" in client.get("/lich-lam-viec/2025/").content.decode()


def test_citizen_checks_an_appointment_date(client):
    response = client.get(
        "/lich-lam-viec/2024/", {"start": "2024-02-02T09:00", "amount": "5", "unit": "working_days"}
    )
    assert response.status_code == 200
    deadline = response.context["deadline"]
    assert deadline.due_at == datetime(2024, 2, 16, 17, 0, tzinfo=VN_TZ)
    html = response.content.decode()
    assert "17:00, 16/02/2024" in html
    assert "Bỏ qua 12/02/2024 (Thứ Hai): Mùng ba Tết Nguyên Đán" in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "", "amount": "5", "unit": "days"}, "start", "Cần nhập ngày giờ tiếp nhận."),
        (
            {"start": "2024-13-01T09:00", "amount": "5", "unit": "days"},
            "start",
            "Ngày giờ tiếp nhận không hợp lệ.",
        ),
        (
            {"start": "2024-02-02T09:00", "amount": "-2", "unit": "days"},
            "amount",
            "Thời hạn không được là số âm.",
        ),
        (
            {"start": "2024-02-02T09:00", "amount": "abc", "unit": "days"},
            "amount",
            "Thời hạn phải là một số, nhận được 'abc'.",
        ),
        (
            {"start": "2024-02-02T09:00", "amount": "1.5", "unit": "days"},
            "amount",
            "Thời hạn tính theo ngày phải là số nguyên.",
        ),
    ],
)
def test_calculator_shows_errors_next_to_the_field(client, params, field, message):
    response = client.get(PUBLIC, params)
    assert response.status_code == 200
    assert response.context["deadline"] is None
    assert response.context["form"].errors[field] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()


# --------------------------------------------------------------------------- staff page


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(STAFF)
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/quan-tri/lich-lam-viec/"


@pytest.mark.parametrize("role", ["specialist", "reception_officer", "editor"])
def test_staff_without_the_permission_get_a_403_in_vietnamese(client, user_with_role, role):
    client.force_login(user_with_role(role))
    for response in (client.get(STAFF), client.post(STAFF, {"date": "2024-03-04"})):
        assert response.status_code == 403
        assert DENIED in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_control_officer_adds_an_override_through_the_form(
    client, control_officer, memory_source, django_capture_on_commit_callbacks
):
    record = memory_source.add("HS-001", datetime(2024, 3, 4, 9, tzinfo=VN_TZ), 5)
    client.force_login(control_officer)
    page = client.get(STAFF)
    assert page.status_code == 200
    assert ("", "Toàn tỉnh") in page.context["form"].fields["scope"].choices
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            STAFF,
            {
                "date": "2024-03-06",
                "kind": "off",
                "name": "Lễ hội địa phương",
                "reference": "12/QĐ-UBND",
                "scope": "",
            },
        )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert response["Location"] == f"/quan-tri/lich-lam-viec/?nam=2024#dieu-chinh-{override.pk}"
    assert (override.date, override.is_working, override.agency) == (date(2024, 3, 6), False, None)
    assert record.due_at == datetime(2024, 3, 12, 17, tzinfo=VN_TZ)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Đã thêm ngày nghỉ 06/03/2024 “Lễ hội địa phương”" in html
    assert "Hồ sơ HS-001" in html
    assert "17:00 11/03/2024" in html and "17:00 12/03/2024" in html


def test_form_errors_are_shown_next_to_the_fields(client, control_officer):
    client.force_login(control_officer)
    response = client.post(STAFF, {"date": "2024-03-02", "kind": "off", "name": "x", "scope": ""})
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["kind"] == [
        "Ngày 02/03/2024 (Thứ Bảy) đã là ngày nghỉ (nghỉ cuối tuần); không cần điều chỉnh thành "
        "ngày nghỉ."
    ]
    response = client.post(STAFF, {"date": "2024-03-04", "kind": "off", "name": " ", "scope": ""})
    assert response.context["form"].errors["name"] == [
        "Cần nhập tên hoặc lý do của ngày điều chỉnh."
    ]
    response = client.post(STAFF, {"date": "", "kind": "off", "name": "x", "scope": ""})
    assert response.context["form"].errors["date"] == ["Cần chọn ngày."]
    client.post(STAFF, {"date": "2024-03-04", "kind": "off", "name": "Lễ", "scope": ""})
    response = client.post(STAFF, {"date": "2024-03-04", "kind": "off", "name": "x", "scope": ""})
    assert "đã có điều chỉnh trong phạm vi toàn tỉnh" in response.context["form"].errors["date"][0]
    assert response.context["year"] == 2024  # the list of the year being edited
    assert CalendarOverride.objects.count() == 1


def test_agency_leader_may_only_choose_own_agencies(client, user_with_role):
    department = AgencyFactory(name="Sở Nội vụ")
    other = AgencyFactory(name="Sở Y tế")
    client.force_login(user_with_role("agency_leader", department))
    page = client.get(STAFF)
    assert page.status_code == 200
    assert page.context["form"].fields["scope"].choices == [(str(department.pk), "Sở Nội vụ")]
    response = client.post(
        STAFF, {"date": "2024-03-04", "kind": "off", "name": "x", "scope": str(other.pk)}
    )
    assert response.status_code == 422
    assert "scope" in response.context["form"].errors
    response = client.post(STAFF, {"date": "2024-03-04", "kind": "off", "name": "x", "scope": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["scope"] == ["Cần chọn phạm vi áp dụng."]
    response = client.post(
        STAFF, {"date": "2024-03-04", "kind": "off", "name": "x", "scope": str(department.pk)}
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get().agency == department


def test_year_filter_and_manage_links(client, user_with_role, control_officer):
    department = AgencyFactory()
    province_row = services.add_override(
        user=control_officer, date=date(2024, 3, 4), is_working=False, name="Tỉnh 2024"
    )
    own = services.add_override(
        user=control_officer, date=date(2024, 3, 5), is_working=False, name="Sở", agency=department
    )
    services.add_override(
        user=control_officer, date=date(2025, 3, 4), is_working=False, name="Tỉnh 2025"
    )
    client.force_login(user_with_role("agency_leader", department))
    page = client.get(STAFF, {"nam": "2024"})
    assert [(row.name, may) for row, may in page.context["rows"]] == [
        ("Tỉnh 2024", False),
        ("Sở", True),
    ]
    html = page.content.decode()
    assert f"/quan-tri/lich-lam-viec/{own.pk}/xoa/" in html
    assert f"/quan-tri/lich-lam-viec/{province_row.pk}/xoa/" not in html
    assert "Tỉnh 2025" not in html
    assert "Tỉnh 2025" in client.get(STAFF, {"nam": "2025"}).content.decode()
    # the leader may not delete the province's row, even by posting directly
    assert client.post(f"/quan-tri/lich-lam-viec/{province_row.pk}/xoa/").status_code == 403
    assert client.get(f"/quan-tri/lich-lam-viec/{province_row.pk}/sua/").status_code == 403
    assert CalendarOverride.objects.filter(pk=province_row.pk).exists()


def test_delete_asks_for_confirmation_then_deletes(
    client, control_officer, memory_source, django_capture_on_commit_callbacks
):
    record = memory_source.add("HS-001", datetime(2024, 3, 4, 9, tzinfo=VN_TZ), 5)
    with django_capture_on_commit_callbacks(execute=True):
        override = services.add_override(
            user=control_officer, date=date(2024, 3, 6), is_working=False, name="Lễ"
        )
    client.force_login(control_officer)
    url = f"/quan-tri/lich-lam-viec/{override.pk}/xoa/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Xóa ngày điều chỉnh?" in html
    assert "đã làm thay đổi 1 hạn giải quyết" in html
    assert CalendarOverride.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert record.due_at == datetime(2024, 3, 11, 17, tzinfo=VN_TZ)
    assert DeadlineChange.objects.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Đã xóa ngày nghỉ 06/03/2024 “Lễ”" in page
    assert "Xóa ngày nghỉ 06/03/2024" in page  # the recent changes log
    assert client.get(url).status_code == 404


def test_edit(client, control_officer):
    override = services.add_override(
        user=control_officer, date=date(2024, 3, 4), is_working=False, name="Lễ"
    )
    client.force_login(control_officer)
    url = f"/quan-tri/lich-lam-viec/{override.pk}/sua/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["name"] == "Lễ"
    response = client.post(
        url, {"date": "2024-03-05", "kind": "off", "name": "Lễ hội", "reference": "", "scope": ""}
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert (override.date, override.name) == (date(2024, 3, 5), "Lễ hội")
    response = client.post(
        url, {"date": "2024-03-05", "kind": "working", "name": "x", "reference": "", "scope": ""}
    )
    assert response.status_code == 422
    assert "đã là ngày làm việc" in response.context["form"].errors["kind"][0]


def test_staff_page_query_count_is_flat(client, control_officer):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(STAFF, {"nam": "2024"}).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(control_officer)
    services.add_override(user=control_officer, date=date(2024, 3, 4), is_working=False, name="a")
    count()  # warm the per-process caches (province name, ...)
    small = count()
    for day in (5, 6, 7, 8, 11, 12):
        override = services.add_override(
            user=control_officer,
            date=date(2024, 3, day),
            is_working=False,
            name="b",
            agency=AgencyFactory(),
        )
        for n in range(3):
            DeadlineChange.objects.create(
                source="t", object_id=str(n), label="a", reason="r", override=override
            )
    count()  # the new agencies moved "org": what the process keeps is rebuilt once
    assert count() == small


def test_navigation_links(client, control_officer):
    html = client.get(PUBLIC).content.decode()
    assert 'href="/lich-lam-viec/"' in html
    assert 'href="/quan-tri/lich-lam-viec/"' not in html
    client.force_login(control_officer)
    assert 'href="/quan-tri/"' in client.get(PUBLIC).content.decode()
    assert 'href="/quan-tri/lich-lam-viec/"' in client.get("/quan-tri/").content.decode(), (
        "the staff home leads to the calendar screen"
    )
