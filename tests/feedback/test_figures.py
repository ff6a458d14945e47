"""Figures by category, agency, status and timeliness, and DOMAIN §6's satisfaction rate."""

from datetime import date

import pytest

from tests.feedback.conftest import at
from tests.feedback.test_public import publish
from tthc.feedback import selectors, services
from tthc.feedback.models import Vote

pytestmark = pytest.mark.django_db


def votes(fb, likes, dislikes):
    for i in range(likes + dislikes):
        Vote.objects.create(
            feedback=fb, value=1 if i < likes else -1, cookie_key=f"c{i}", client_key=f"k{i}"
        )


def test_figures_and_satisfaction(travel, submit, control):
    travel(2024, 3, 4, 9)
    good = publish(submit(sender_phone="0911000001"), control)  # on time, liked
    votes(good, 3, 1)
    disliked = publish(submit(sender_phone="0911000002"), control)
    votes(disliked, 1, 2)  # majority dislike
    repeated = publish(submit(sender_phone="0911000003"), control)
    submit(sender_phone="0911000004", repeat_of_code=repeated.code, category="conduct")
    late = submit(sender_phone="0911000005")
    travel(2024, 3, 7, 9)  # refuse limit of `late` and of the repeat passed
    services.receive(user=control, feedback=late)

    result = selectors.figures(start=date(2024, 3, 1), end=date(2024, 3, 31), now=at(2024, 3, 7, 9))
    assert result.total == 5
    assert {r["category"]: r["count"] for r in result.by_category} == {
        "conduct": 1,
        "regulation": 4,
    }
    assert {r["status"]: r["count"] for r in result.by_status} == {
        "published": 3,
        "received": 1,
        "waiting": 1,
    }
    assert result.timeliness == {
        "closed_on_time": 3,
        "closed_late": 0,
        "open_within_time": 0,
        "open_overdue": 2,
    }
    assert (result.majority_dislike, result.overdue, result.repeated) == (1, 2, 1)
    # (5 − 1 − 2 − 1) / 5
    assert result.satisfaction == pytest.approx(0.2)
    assert result.by_agency[0]["count"] == 5

    empty = selectors.figures(start=date(2023, 1, 1), end=date(2023, 1, 31))
    assert empty.total == 0 and empty.satisfaction is None


def test_figures_api(client, travel, submit, control, specialist, leader, office):
    travel(2024, 3, 4, 9)
    publish(submit(sender_phone="0911000001"), control)
    submit(sender_phone="0911000002")
    url = "/api/v1/feedback/figures"
    params = {"start": "2024-03-01", "end": "2024-03-31"}
    assert client.get(url, params).status_code == 403  # anonymous
    client.force_login(specialist)
    denied = client.get(url, params)
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    client.force_login(control)
    for bad in ({"start": "2024-13-01", "end": "2024-03-31"}, {"start": "x"}, {}):
        response = client.get(url, bad)
        assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert client.get(url, {"start": "2024-03-31", "end": "2024-03-01"}).status_code == 422
    body = client.get(url, params).json()
    assert body["total"] == 2 and body["start"] == "2024-03-01"
    assert {r["key"]: r["count"] for r in body["by_status"]} == {"published": 1, "waiting": 1}
    assert body["timeliness"]["closed_on_time"] == 1
    assert body["satisfaction"] == pytest.approx(1.0)
    assert client.get(url, {**params, "agency": office.pk + 999}).json()["total"] == 0
    client.force_login(leader)  # agency leaders see the province's figures
    assert client.get(url, params).status_code == 200


def test_figures_excel(client, travel, submit, control, specialist):
    from io import BytesIO

    from openpyxl import load_workbook

    travel(2024, 3, 4, 9)
    publish(submit(sender_phone="0911000001"), control)
    url = "/quan-tri/phan-anh/so-lieu/excel/"
    client.force_login(specialist)
    assert client.get(url).status_code == 403
    client.force_login(control)
    assert (
        "so-lieu/excel/?"
        in client.get("/quan-tri/phan-anh/so-lieu/", {"tu": "2024-03-01"}).content.decode()
    )
    response = client.get(url, {"tu": "2024-03-01", "den": "2024-03-31"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "so-lieu-phan-anh-20240301-20240331.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["Tổng số phản ánh, kiến nghị"] == 1
    assert rows["Tỷ lệ hài lòng (%)"] == 100
    assert rows["Đã xong, đúng hạn"] == 1
    assert "Nguyễn Văn An" not in rows
