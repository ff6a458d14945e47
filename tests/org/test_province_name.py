"""The province's name in every page's header: from `TTHC_PROVINCE_NAME`, else the current
province unit, kept by the process until the organisation changes."""

import pytest
from django.test.utils import CaptureQueriesContext

from tests.factories import ProvinceFactory


@pytest.mark.django_db(transaction=True)  # the committed path, as between two requests
def test_the_header_names_the_current_province_and_follows_a_rename(client, settings):
    from django.db import connection

    settings.TTHC_PROVINCE_NAME = ""
    province = ProvinceFactory(name="Tỉnh Bắc Thử")
    assert '<span class="brand__province">Tỉnh Bắc Thử</span>' in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as read:
        client.get("/")
    assert not any("org_administrativeunit" in q["sql"] for q in read.captured_queries)
    province.name = "Tỉnh Nam Thử"
    province.save()
    assert '<span class="brand__province">Tỉnh Nam Thử</span>' in client.get("/").content.decode()


def test_the_setting_wins(client, settings, db):
    settings.TTHC_PROVINCE_NAME = "Thành phố Cài Đặt"
    ProvinceFactory(name="Tỉnh Bắc Thử")
    html = client.get("/").content.decode()
    assert "Thành phố Cài Đặt" in html and "Tỉnh Bắc Thử" not in html
