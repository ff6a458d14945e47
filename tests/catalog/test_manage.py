"""Catalog management screens: permissions, create/edit with the mandatory components,
publication decisions effective in the future, history diff, abolition, import from the UI."""

import json
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.factories import AgencyFactory, MembershipFactory, make_procedure, procedure_data
from tthc.catalog import selectors, services
from tthc.catalog.forms import ProcedureForm, build_formsets
from tthc.catalog.models import ImportJob, Procedure, ProcedureVersion
from tthc.catalog.services import DecisionItemInput, record_decision
from tthc.catalog.tasks import apply_due_versions_task

pytestmark = pytest.mark.django_db


def staff(role: str):
    user = MembershipFactory(role=role).user
    user.save()  # the factory sets the password after saving: keep the session hash valid
    return user


@pytest.fixture
def officer(client):
    user = staff("control_officer")
    client.force_login(user)
    return user


def form_post(form, formsets) -> dict:
    """What a browser sends back for an unbound form and its formsets, unchanged."""
    data = {}

    def put(bound_form):
        for bound in bound_form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    put(form)
    for formset in formsets.values():
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = str(value)
        for row in formset.forms:
            put(row)
    return data


def new_procedure_post(**overrides) -> dict:
    form = ProcedureForm(create=True, initial={"online_level": "none"})
    data = form_post(form, build_formsets(None))
    data.update(
        {
            "code": "2.000908",
            "name": "Chứng thực bản sao từ bản chính",
            "levels": ["commune"],
            "field": "Chứng thực",
            "subjects": "Công dân Việt Nam\nNgười nước ngoài",
            "buoc-0-text": "Nộp bản chính và bản sao",
            "kenh-0-channel": "in_person",
            "kenh-0-amount": "1",
            "kenh-0-unit": "working_days",
            "kenh-0-time_text": "Trong ngày làm việc",
            "kenh-0-fees": "2000 | 2.000 đồng/trang\n| Từ trang thứ ba 1.000 đồng/trang",
            "giayto-0-name": "Bản chính giấy tờ",
            "giayto-0-originals": "1",
            "cancu-0-title": "Nghị định về chứng thực",
            "cancu-0-number": "23/2015/NĐ-CP",
            "ketqua-0-name": "Bản sao được chứng thực",
            "implementing_agency": "Ủy ban nhân dân cấp xã",
        }
    )
    data.update(overrides)
    return data


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("catalog:manage-list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_staff_without_the_grant_get_a_403_in_vietnamese(client):
    client.force_login(staff("specialist"))
    response = client.get(reverse("catalog:manage-create"))
    assert response.status_code == 403
    assert "Bạn không có quyền sửa thủ tục hành chính." in response.content.decode()
    client.force_login(staff("administrator"))
    response = client.get(reverse("catalog:manage-decision-create"))
    assert response.status_code == 403
    assert "Chỉ cán bộ kiểm soát TTHC" in response.content.decode()


def test_create_stores_the_structured_schema(client, officer):
    response = client.post(reverse("catalog:manage-create"), new_procedure_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure = Procedure.objects.get(code="2.000908")
    data = procedure.current_version.data
    assert data["subjects"] == ["Công dân Việt Nam", "Người nước ngoài"]
    assert data["steps"] == ["Nộp bản chính và bản sao"]
    assert data["channels"] == [
        {
            "channel": "in_person",
            "processing_time": {
                "amount": "1",
                "unit": "working_days",
                "text": "Trong ngày làm việc",
            },
            "fees": [
                {"amount_vnd": 2000, "text": "2.000 đồng/trang"},
                {"amount_vnd": None, "text": "Từ trang thứ ba 1.000 đồng/trang"},
            ],
            "description": "",
        }
    ]
    assert data["documents"] == [
        {
            "name": "Bản chính giấy tờ",
            "group": "",
            "form": "",
            "originals": 1,
            "copies": None,
            "condition": "",
            "mandatory": True,
        }
    ]
    assert data["legal_bases"] == [{"title": "Nghị định về chứng thực", "number": "23/2015/NĐ-CP"}]
    assert procedure.current_version.created_by == officer


def test_saving_without_a_processing_time_is_refused_naming_it(client, officer):
    post = new_procedure_post(**{"kenh-0-amount": "", "kenh-0-time_text": ""})
    response = client.post(reverse("catalog:manage-create"), post)
    html = response.content.decode()
    assert response.status_code == 422
    assert "thiếu thành phần bắt buộc (đ) thời hạn giải quyết" in html
    assert "Chưa có thời hạn giải quyết" in html, "the message is next to the channels"
    assert not Procedure.objects.exists()


def test_each_missing_component_is_named(client, officer):
    post = new_procedure_post(
        **{"buoc-0-text": "", "subjects": "", "implementing_agency": "", "giayto-0-name": ""}
    )
    html = client.post(reverse("catalog:manage-create"), post).content.decode()
    for label in (
        "(b) trình tự thực hiện",
        "(d) thành phần, số lượng hồ sơ",
        "(e) đối tượng thực hiện",
        "(g) cơ quan thực hiện",
    ):
        assert label in html


def test_bad_input_errors_are_shown_next_to_the_field(client, officer):
    post = new_procedure_post(code="12345", **{"kenh-0-amount": "năm"})
    response = client.post(reverse("catalog:manage-create"), post)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Thời hạn phải là một số." in html
    post = new_procedure_post(code="12345")
    html = client.post(reverse("catalog:manage-create"), post).content.decode()
    assert "Mã thủ tục gồm một chữ số, dấu chấm và sáu chữ số" in html
    make_procedure("2.000908")
    html = client.post(reverse("catalog:manage-create"), new_procedure_post()).content.decode()
    assert "Đã có thủ tục mã 2.000908" in html


def test_the_edit_form_round_trips_the_schema_without_a_new_version(client, officer):
    procedure = make_procedure("1.001193")
    agency = AgencyFactory()
    services.save_procedure(
        code="1.001193",
        data=procedure_data(
            channels=[
                *procedure_data()["channels"],
                {
                    "channel": "online",
                    "processing_time": {"amount": "2.5", "unit": "hours", "text": ""},
                    "fees": [{"amount_vnd": 8000, "text": "8.000 đồng"}],
                    "description": "Nộp qua Cổng DVC",
                },
            ],
            boundary_free=True,
        ),
        agencies=[(agency, "competent")],
    )
    response = client.get(reverse("catalog:manage-edit", args=[procedure.code]))
    assert response.status_code == 200
    post = form_post(response.context["form"], response.context["formsets"])
    response = client.post(reverse("catalog:manage-edit", args=[procedure.code]), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 2, "nothing changed"
    assert list(procedure.agency_links.values_list("role", flat=True)) == ["competent"]
    post["giayto-0-DELETE"] = "on"
    post["giayto-1-name"] = "Giấy chứng sinh"
    post["giayto-1-copies"] = "1"
    post["cancu-1-title"] = "Thông tư 04/2020/TT-BTP"
    response = client.post(reverse("catalog:manage-edit", args=[procedure.code]), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = Procedure.objects.get(pk=procedure.pk).current_version
    assert latest.number == 3
    assert latest.data["documents"] == [
        {
            "name": "Giấy chứng sinh",
            "group": "",
            "form": "",
            "originals": None,
            "copies": 1,
            "condition": "",
            "mandatory": True,
        }
    ]
    assert latest.data["legal_bases"][-1]["title"] == "Thông tư 04/2020/TT-BTP"


def test_a_procedure_can_have_its_own_office_hours(client, officer):
    procedure = make_procedure("1.001193")
    edit_url = reverse("catalog:manage-edit", args=[procedure.code])
    response = client.get(edit_url)
    post = form_post(response.context["form"], response.context["formsets"])
    post["hours_afternoon_end"] = "25:00"
    response = client.post(edit_url, post)
    assert response.status_code == 422
    assert "Nhập giờ dạng HH:MM" in response.content.decode()
    post["hours_afternoon_end"] = "16:00"
    assert client.post(edit_url, post).status_code == 302
    latest = Procedure.objects.get(pk=procedure.pk).current_version
    assert latest.data["office_hours"]["afternoon_end"] == "16:00"
    assert latest.data["office_hours"]["cutoff"] is None
    again = client.get(edit_url).context["form"]
    assert again["hours_afternoon_end"].value() == "16:00", "the form shows the stored hours"


@time_machine.travel("2026-03-02 09:00 +0700", tick=False)
def test_a_decision_effective_in_the_future_waits_for_its_date(client, officer):
    make_procedure("1.001193", name="Đăng ký khai sinh")
    decision_post = {
        "number": "500/QĐ-UBND",
        "title": "Công bố thủ tục sửa đổi lĩnh vực hộ tịch",
        "issuer": "Chủ tịch UBND Thành phố Hà Nội",
        "signed_on": "2026-03-01",
        "effective_on": "16/03/2026",
        "muc-TOTAL_FORMS": "5",
        "muc-INITIAL_FORMS": "0",
        "muc-0-code": "1.001193",
        "muc-0-action": "amended",
    }
    response = client.post(reverse("catalog:manage-decision-create"), decision_post)
    assert response.status_code == 302, response.content.decode()[:2000]
    edit = client.get(reverse("catalog:manage-edit", args=["1.001193"]))
    post = form_post(edit.context["form"], edit.context["formsets"])
    post["name"] = "Đăng ký khai sinh (sửa đổi)"
    post["decision"] = str(services.PublicationDecision.objects.get().pk)
    response = client.post(reverse("catalog:manage-edit", args=["1.001193"]), post, follow=True)
    assert "có hiệu lực từ ngày 16/03/2026" in response.content.decode()

    public = reverse("catalog:procedure", args=["1.001193"])
    assert selectors.procedure_detail("1.001193").current_version.number == 1
    assert "Đăng ký khai sinh (sửa đổi)" not in client.get(public).content.decode()
    assert Procedure.objects.get().status == "published"
    with time_machine.travel("2026-03-15 23:59 +0700", tick=False):
        apply_due_versions_task.enqueue()  # the clock's run before midnight: nothing due
        assert "(sửa đổi)" not in client.get(public).content.decode()
    with time_machine.travel("2026-03-16 00:01 +0700", tick=False):
        assert "(sửa đổi)" not in client.get(public).content.decode(), "a read writes nothing"
        apply_due_versions_task.enqueue()  # the clock's first run after midnight
        page = client.get(public).content.decode()
        assert "Đăng ký khai sinh (sửa đổi)" in page
        assert (
            "(sửa đổi)"
            in client.get(reverse("catalog:search"), {"q": "khai sinh"}).content.decode()
        )
        procedure = Procedure.objects.get()
        assert procedure.current_version.number == 3
        assert procedure.status == "amended"
        assert procedure.name_folded == "dang ky khai sinh (sua doi)"


@time_machine.travel("2026-03-02 09:00 +0700", tick=False)
def test_the_daily_command_applies_due_versions(capsys):
    make_procedure("1.001193")
    record_decision(
        number="7/QĐ-UBND",
        signed_on=date(2026, 3, 1),
        issuer="Chủ tịch UBND",
        effective_on=date(2026, 4, 1),
        items=[DecisionItemInput("1.001193", "abolished")],
    )
    assert Procedure.objects.get().status == "published"
    call_command("apply-scheduled-versions", "--date", "2026-03-31")
    assert Procedure.objects.get().status == "published"
    call_command("apply-scheduled-versions", "--date", "2026-04-01")
    assert Procedure.objects.get().status == "abolished"
    assert "1.001193: áp dụng phiên bản 2" in capsys.readouterr().out
    call_command("apply-scheduled-versions", "--date", "2026-04-01")
    assert "Đã áp dụng 0 phiên bản" in capsys.readouterr().out


def test_the_clock_applies_due_versions_every_few_minutes(settings):
    intervals = dict((path, interval) for interval, path in settings.TTHC_PERIODIC_TASKS)
    assert intervals["tthc.catalog.tasks.apply_due_versions_task"] <= 300


@time_machine.travel("2026-04-01 00:02 +0700", tick=False)
def test_applying_twice_applies_a_due_version_once():
    with time_machine.travel("2026-03-02 09:00 +0700", tick=False):
        make_procedure("1.001193")
        record_decision(
            number="7/QĐ-UBND",
            signed_on=date(2026, 3, 1),
            issuer="Chủ tịch UBND",
            effective_on=date(2026, 4, 1),
            items=[DecisionItemInput("1.001193", "abolished")],
        )
    assert selectors.procedure_detail("1.001193").status == "published", "a read writes nothing"
    assert [v.number for v in services.apply_due_versions()] == [2]
    assert services.apply_due_versions() == []
    assert Procedure.objects.get().current_version.number == 2


def test_history_shows_a_readable_diff_between_any_two_versions(client, officer):
    make_procedure("1.001193")
    data = procedure_data(
        documents=[{"name": "Giấy chứng sinh", "originals": 1, "copies": 0}],
        requirements="Có mặt người yêu cầu",
    )
    services.save_procedure(code="1.001193", data=data)
    services.save_procedure(code="1.001193", data=dict(data, requirements=""))
    url = reverse("catalog:manage-history", args=["1.001193"])
    html = client.get(url, {"tu": 1, "den": 2}).content.decode()
    assert "<del>[Giấy tờ phải nộp] Tờ khai đăng ký khai sinh (1 bản chính)</del>" in html
    assert "<ins>Giấy chứng sinh (1 bản chính)</ins>" in html
    assert "<del>(trống)</del> → <ins>Có mặt người yêu cầu</ins>" in html
    html = client.get(url, {"tu": 1, "den": 3}).content.decode()
    assert "Yêu cầu, điều kiện" not in html.split("So sánh hai phiên bản")[1]


def test_abolish_keeps_the_procedure_readable(client, officer):
    make_procedure("1.001193")
    response = client.post(
        reverse("catalog:manage-abolish", args=["1.001193"]),
        {
            "number": "99/QĐ-UBND",
            "issuer": "Chủ tịch UBND",
            "signed_on": "2025-08-01",
            "effective_on": "2025-08-01",
        },
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get()
    assert procedure.status == "abolished"
    history = client.get(reverse("catalog:manage-history", args=["1.001193"]))
    assert "Đã bãi bỏ" in history.content.decode()
    edit = client.get(reverse("catalog:manage-edit", args=["1.001193"]))
    assert edit.status_code == 302, "an abolished procedure is not edited"
    assert client.get(reverse("catalog:procedure", args=["1.001193"])).status_code == 200


def test_decision_with_an_unknown_code_is_refused(client, officer):
    response = client.post(
        reverse("catalog:manage-decision-create"),
        {
            "number": "1/QĐ-UBND",
            "issuer": "Chủ tịch UBND",
            "signed_on": "2025-08-01",
            "effective_on": "2025-07-01",
            "muc-TOTAL_FORMS": "1",
            "muc-INITIAL_FORMS": "0",
            "muc-0-code": "9.999999",
            "muc-0-action": "abolished",
        },
    )
    assert response.status_code == 422
    assert "Ngày hiệu lực không thể trước ngày ban hành" in response.content.decode()


def national_record(code="1.009999"):
    return {
        "ma_thu_tuc": code,
        "ten_thu_tuc": "Thủ tục thử nghiệm",
        "cap_thuc_hien": "Cấp Tỉnh",
        "linh_vuc": "Tư pháp",
    }


def test_import_from_the_ui_runs_in_the_background_and_reports(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    good = SimpleUploadedFile(
        "Hồ sơ mẫu.json",
        json.dumps([national_record(), {"ten_thu_tuc": "không mã"}]).encode(),
        content_type="application/json",
    )
    response = client.post(reverse("catalog:manage-import"), {"files": [good]})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("catalog:manage-import-status", args=[job.pk])
    assert job.status == "done" and job.files_done == job.files_total == 1
    assert job.created_by == officer
    assert (tmp_path / job.directory / "ho-so-mau.json").is_file()
    assert job.counts["failed"] == 1
    html = client.get(response["Location"]).content.decode()
    assert "Hoàn tất" in html and "http-equiv" not in html
    assert "ho-so-mau.json#2" in html, "report lines name the file, not the server path"
    assert str(tmp_path) not in html


def test_import_refuses_wrong_files_in_vietnamese(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bad = SimpleUploadedFile("danh-sach.csv", b"a,b\n1,2\n")
    html = client.post(reverse("catalog:manage-import"), {"files": [bad]}).content.decode()
    assert "chỉ nhận tệp .json hoặc .xlsx" in html
    fake = SimpleUploadedFile("danh-sach.xlsx", b"not a zip file")
    html = client.post(reverse("catalog:manage-import"), {"files": [fake]}).content.decode()
    assert "không phải tệp Excel (.xlsx) hợp lệ" in html
    assert not ImportJob.objects.exists()


def test_status_page_polls_while_the_job_runs(client, officer):
    job = ImportJob.objects.create(
        created_by=officer, directory="imports/x", files_total=4, files_done=1
    )
    html = client.get(reverse("catalog:manage-import-status", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in html
    assert "1/4 tệp" in html


def test_list_page_searches_and_paginates(client, officer):
    make_procedure("1.001193")
    html = client.get(reverse("catalog:manage-list"), {"q": "khai sinh"}).content.decode()
    assert "1.001193" in html


@pytest.mark.parametrize("fees", ["²⁰⁰⁰ | hai nghìn", "٢٠٠٠ | hai nghìn", "²⁰⁰⁰"])
def test_fees_in_other_digits_are_refused_or_kept_as_text_not_a_500(client, officer, fees):
    response = client.post(
        reverse("catalog:manage-create"), new_procedure_post(**{"kenh-0-fees": fees})
    )
    assert response.status_code in (302, 422)
    if response.status_code == 302:  # no amount: the line is kept as text
        data = Procedure.objects.get(code="2.000908").current_version.data
        assert data["channels"][0]["fees"] == [{"amount_vnd": None, "text": fees}]
