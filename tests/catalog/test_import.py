"""Importing the national portal's records: batches survive bad input, re-imports are no-ops."""

import json
import shutil

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from tests.factories import AgencyFactory
from tthc.catalog.imports import import_procedures
from tthc.catalog.models import Procedure, ProcedureVersion
from tthc.org.models import AgencyKind, UnitLevel

pytestmark = pytest.mark.django_db

RECORD = {
    "ma_thu_tuc": "1.001193",
    "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x",
    "ten_thu_tuc": "Thủ tục đăng ký khai sinh",
    "so_quyet_dinh": "1872/QĐ-BTP",
    "cap_thuc_hien": "Cấp xã",
    "loai_thu_tuc": "TTHC được luật giao quy định chi tiết",
    "linh_vuc": "Hộ tịch",
    "doi_tuong_thuc_hien": "Công dân Việt Nam",
    "co_quan_co_tham_quyen": "Ủy ban Nhân dân xã, phường, thị trấn.",
    "dia_chi_tiep_nhan": "",
    "co_quan_duoc_uy_quyen": "",
    "co_quan_phoi_hop": "",
    "thu_tuc_lien_quan": "Không có thông tin",
    "trinh_tu_thuc_hien": "- Người yêu cầu nộp hồ sơ.\n- Công chức tư pháp - hộ tịch kiểm tra.",
    "cach_thuc_thuc_hien": (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp1 Ngày làm việcLệ phí : 8.000 Đồng"
        "Trực tuyến1 Ngày làm việcMiễn phí"
    ),
    "thanh_phan_ho_so": (
        "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng"
        "Tờ khai đăng ký khai sinh theo mẫuTo khai dang ky khai sinh.docx1 bản chính"
        "* Giấy tờ phải xuất trình:Tên giấy tờMẫu đơn, tờ khaiSố lượng"
        "Giấy chứng sinh1 bản chính, 1 bản sao"
    ),
    "can_cu_phap_ly": "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13",
    "co_quan_thuc_hien": "Ủy ban Nhân dân xã, phường, thị trấn.",
    "yeu_cau_dieu_kien": "Không có thông tin",
    "ket_qua_xu_ly": "Giấy khai sinhMã: KQ.G15.000001Từ khóaKhông có thông tinMô tả",
    "raw_text": "",
}


@pytest.fixture
def commune_committee():
    return AgencyFactory(
        kind=AgencyKind.PEOPLES_COMMITTEE,
        name="Ủy ban nhân dân phường Hoàn Kiếm",
        unit__level=UnitLevel.COMMUNE,
        unit__name="Phường Hoàn Kiếm",
    )


def write(path, payload):
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_record_becomes_a_structured_procedure_linked_to_the_communes(
    tmp_path, commune_committee
):
    report = import_procedures(paths=[write(tmp_path / "a.json", RECORD)])
    assert report.counts["created"] == 1
    procedure = Procedure.objects.get(code="1.001193")
    data = procedure.current_version.data
    assert procedure.levels == ["commune"]
    assert procedure.online_level == "partial"
    channels = {c["channel"]: c for c in data["channels"]}
    assert channels["in_person"]["processing_time"]["unit"] == "working_days"
    assert channels["in_person"]["fees"][0]["amount_vnd"] == 8000
    groups = {d["group"] for d in data["documents"]}
    assert groups == {"Giấy tờ phải nộp", "Giấy tờ phải xuất trình"}
    assert {"title": "Luật Hộ tịch", "number": "60/2014/QH13"} in data["legal_bases"]
    assert data["results"][0]["code"] == "KQ.G15.000001"
    assert procedure.current_version.source["cach_thuc_thuc_hien"] == RECORD["cach_thuc_thuc_hien"]
    assert list(procedure.agencies.distinct()) == [commune_committee]
    assert procedure.current_version.decision.number == "1872/QĐ-BTP"


def test_same_input_twice_creates_no_version_and_one_change_creates_exactly_one(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    write(folder / "a.json", RECORD)
    write(folder / "b.json", {**RECORD, "ma_thu_tuc": "1.000001", "ten_thu_tuc": "Thủ tục khác"})
    first = import_procedures(paths=[folder])
    assert first.counts["created"] == 2
    second = import_procedures(paths=[folder])
    assert second.counts == {"created": 0, "updated": 0, "unchanged": 2, "failed": 0}
    assert ProcedureVersion.objects.count() == 2

    write(folder / "a.json", {**RECORD, "yeu_cau_dieu_kien": "Người yêu cầu phải có mặt."})
    third = import_procedures(paths=[folder])
    assert third.counts["updated"] == 1 and third.counts["unchanged"] == 1
    version = Procedure.objects.get(code="1.001193").current_version
    assert version.number == 2
    assert set(version.diff) == {"requirements"}


def test_bad_input_is_reported_in_vietnamese_and_loses_nothing(tmp_path):
    good = write(tmp_path / "good.json", RECORD)
    import_procedures(paths=[good])
    first_version = Procedure.objects.get().current_version

    (tmp_path / "truncated.json").write_text(json.dumps(RECORD)[:200], encoding="utf-8")
    write(tmp_path / "nocode.json", {**RECORD, "ma_thu_tuc": ""})
    write(tmp_path / "badcode.json", {**RECORD, "ma_thu_tuc": "<script>alert(1)</script>"})
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    write(tmp_path / "scalar.json", [1, "x", None])
    write(
        tmp_path / "hostile.json",
        {**RECORD, "ma_thu_tuc": "1.000002", "ten_thu_tuc": "Robert'); DROP TABLE x;-- <b>"},
    )
    write(tmp_path / "hostile-change.json", {**RECORD, "cach_thuc_thuc_hien": None})

    report = import_procedures(paths=[tmp_path, tmp_path / "missing.json"])
    failed = {r.source.split("/")[-1]: r.problems for r in report.records if r.outcome == "failed"}
    assert "Tệp JSON hỏng ở dòng 1" in failed["truncated.json"][0]
    assert "UTF-8" in failed["binary.json"][0]
    assert any("mã thủ tục" in p.lower() for p in failed["nocode.json"])
    assert any("mã thủ tục" in p.lower() for p in failed["badcode.json"])
    assert failed["missing.json"] == ["Không tìm thấy tệp hoặc thư mục."]
    assert sum(1 for name in failed if name.startswith("scalar.json")) == 3
    assert Procedure.objects.get(code="1.000002").name == "Robert'); DROP TABLE x;-- <b>"
    assert Procedure.objects.count() == 2
    # A record whose channel table is missing becomes a new version flagged in the report;
    # the earlier version keeps its channels.
    first_version.refresh_from_db()
    assert len(first_version.data["channels"]) == 2
    flagged = next(r for r in report.records if r.source.endswith("hostile-change.json"))
    assert flagged.problems == [
        "Thiếu thành phần bắt buộc: (c) cách thức thực hiện, (đ) thời hạn giải quyết."
    ]


def test_excel_list_creates_and_updates_only_its_columns(tmp_path):
    import_procedures(paths=[write(tmp_path / "a.json", RECORD)])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append(["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
    sheet.append(["1.001193", "Thủ tục đăng ký khai sinh", "Bộ Tư pháp", "", "Hộ tịch"])
    sheet.append(["2.000908", "Cấp bản sao từ sổ gốc", "Bộ Tư pháp", "Phòng Tư pháp", "Chứng thực"])
    workbook.save(tmp_path / "list.xlsx")
    report = import_procedures(paths=[tmp_path / "list.xlsx"])
    assert report.counts["created"] == 1
    assert report.counts["unchanged"] == 1, "the list agrees with the detailed record"
    assert Procedure.objects.get(code="2.000908").field.name == "Chứng thực"
    assert Procedure.objects.get(code="1.001193").current_version.number == 1


def test_excel_with_missing_columns_is_refused_with_the_column_names(tmp_path):
    workbook = Workbook()
    workbook.active.append(["STT", "Tên"])
    workbook.active.append([1, "Thủ tục"])
    workbook.save(tmp_path / "bad.xlsx")
    (tmp_path / "fake.xlsx").write_text("not a zip")
    report = import_procedures(paths=[tmp_path])
    messages = {r.source.split("/")[-1]: " ".join(r.problems) for r in report.records}
    assert "Mã" in messages["bad.xlsx"]
    assert messages["fake.xlsx"]
    assert report.counts["failed"] == 2
    assert not Procedure.objects.exists()


def test_command_prints_a_summary_and_writes_the_report(tmp_path, capsys):
    write(tmp_path / "a.json", RECORD)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    report_file = tmp_path / "report.json"
    with pytest.raises(SystemExit) as exit_info:
        call_command("import-procedures", str(tmp_path), report=str(report_file))
    assert exit_info.value.code == 1
    out = capsys.readouterr()
    assert "Tạo mới: 1 · Cập nhật: 0 · Không đổi: 0 · Lỗi: 1" in out.out
    assert "broken.json" in out.err
    saved = json.loads(report_file.read_text(encoding="utf-8"))
    assert saved["counts"]["failed"] == 1


@pytest.mark.slow
def test_all_national_records_import_without_failure_and_reimport_is_a_no_op(shared_data, tmp_path):
    folder = shared_data / "national-procedures"
    first = import_procedures(paths=[folder])
    assert first.counts["failed"] == 0, [r for r in first.records if r.outcome == "failed"][:3]
    assert first.counts["created"] == 796
    again = import_procedures(paths=[folder])
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 796, "failed": 0}

    copy = tmp_path / "one"
    copy.mkdir()
    source = next(folder.glob("*/1.001193.json"))
    record = json.loads(source.read_text(encoding="utf-8"))
    record["yeu_cau_dieu_kien"] = "Điều kiện mới theo quyết định sửa đổi."
    (copy / "1.001193.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    changed = import_procedures(paths=[copy])
    assert changed.counts["updated"] == 1
    assert ProcedureVersion.objects.filter(procedure__code="1.001193").count() == 2
    shutil.rmtree(copy)
