"""Report 06/VPCP/KSTT computed by hand on a known set of dossiers (DOMAIN §9).

March 2025 has no holiday. Sở Tư pháp (provincial) resolves "Hộ tịch" (5 working days);
UBND phường Hoàn Kiếm (commune) resolves "Chứng thực" (3 working days) and one "Hộ tịch".

    Sở Tư pháp, Hộ tịch
      D1 in person 25/2, due 4/3, resolved 6/3   carried over, late
      D2 in person 26/2, resolved 27/2            finished before March: not in the report
      D3 by post   3/3,  due 10/3, resolved 5/3   early
      D4 online, accepted 4/3, due 11/3, resolved 11/3 15:00   on time
      D5 in person 26/3, due 2/4                  pending, within time
      D6 in person 10/3, due 17/3                 pending, overdue
      D7 in person 27/2, supplement asked 28/2    carried over, pending within (waiting)
      D8 in person 5/3, withdrawn 6/3             "resolved" early (withdrawn)
    Phường Hoàn Kiếm, Chứng thực
      C1 online 28/2 16:00, accepted 3/3, due 6/3, resolved 6/3 10:00   on time
      C2 in person 12/3, stopped 13/3             "resolved" early (stopped)
      C3 in person 27/3, due 1/4                  pending, within time
      C4 in person 25/3, due 28/3                 pending, overdue
      C5 online 10/3, refused at intake           never received: not in the report
      C6 in person 27/2, due 4/3, resolved 3/3    carried over, early
    Phường Hoàn Kiếm, Hộ tịch
      C7 in person 17/3, due 24/3, resolved 24/3 16:00   on time
"""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import DOCUMENTS, PERSON, at, staff
from tests.factories import AgencyFactory, UnitFactory, make_procedure
from tthc.dossiers import services
from tthc.dossiers.models import Channel
from tthc.dossiers.services import DocumentInput
from tthc.metrics import facts, index, report06
from tthc.metrics.report06 import Counts
from tthc.org.models import AgencyKind, ReceptionPoint, Role, UnitLevel

pytestmark = pytest.mark.django_db

# From the dossier tests, besides those of the metrics conftest (procedure: "Hộ tịch", 5 working
# days; department: Sở Tư pháp; travel): a superuser.
root = dossier_fixtures.root

MARCH = index.Period(date(2025, 3, 1), date(2025, 3, 31))
FEBRUARY = index.Period(date(2025, 2, 1), date(2025, 2, 28))

#            (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13)
DEPT_HT = [7, 1, 4, 2, 4, 2, 1, 1, 3, 2, 1]
WARD_CT = [5, 1, 3, 1, 3, 2, 1, 0, 2, 1, 1]
WARD_HT = [1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0]
WARD = [a + b for a, b in zip(WARD_CT, WARD_HT, strict=True)]
TOTAL = [a + b for a, b in zip(DEPT_HT, WARD, strict=True)]


@pytest.fixture
def ward(db):
    unit = UnitFactory(code="00070", name="Phường Hoàn Kiếm", level=UnitLevel.COMMUNE)
    committee = AgencyFactory(
        code="000.00.21.H26",
        name="Ủy ban nhân dân phường Hoàn Kiếm",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        unit=unit,
    )
    AgencyFactory(
        code="000.01.21.H26",
        name="Trung tâm Phục vụ hành chính công phường Hoàn Kiếm",
        kind=AgencyKind.SERVICE_CENTRE,
        unit=unit,
        parent=committee,
    )
    return committee


@pytest.fixture
def desk(ward):
    return ReceptionPoint.objects.create(agency=ward.children.get(), name="Bộ phận Một cửa")


@pytest.fixture
def certification(db):
    return make_procedure(
        code="2.000815",
        field="Chứng thực",
        boundary_free=True,
        channels=[
            {
                "channel": "in_person",
                "processing_time": {"amount": "3", "unit": "working_days", "text": "3 ngày"},
                "fees": [],
            }
        ],
    )


@pytest.fixture
def book(procedure, certification, department, ward, desk, root, travel):
    """The dossiers of the module docstring, by letter; facts refreshed on 15/4/2025."""
    made = {}

    def counter(letter, when, agency, proc, channel=Channel.IN_PERSON):
        travel(*when)
        made[letter] = services.receive(
            user=root,
            procedure=proc,
            reception_point=desk,
            resolving_agency=agency,
            applicant=PERSON,
            documents=[DocumentInput(DOCUMENTS[0])],
            channel=channel,
        )

    def online(letter, when, agency, proc):
        travel(*when)
        made[letter] = services.submit_online(
            procedure=proc,
            receiving_agency=ward.children.get(),
            resolving_agency=agency,
            applicant=PERSON,
            documents=[DocumentInput(DOCUMENTS[0], form="electronic")],
        )

    def act(letter, when, action, **kwargs):
        travel(*when)
        made[letter] = action(user=root, dossier=made[letter], **kwargs)

    def resolve(letter, when):
        act(letter, (*when[:3], 8), services.start_processing)
        act(letter, when, services.resolve)

    ht, ct = procedure, certification
    counter("D1", (2025, 2, 25, 10), department, ht)
    counter("D2", (2025, 2, 26, 10), department, ht)
    counter("D7", (2025, 2, 27, 10), department, ht)
    counter("C6", (2025, 2, 27, 10), ward, ct)
    online("C1", (2025, 2, 28, 16), ward, ct)
    resolve("D2", (2025, 2, 27, 10))
    act("D7", (2025, 2, 28, 9), services.request_supplement, reason="Thiếu giấy chứng sinh")
    act("C1", (2025, 3, 3, 9), services.accept)
    counter("D3", (2025, 3, 3, 9), department, ht, Channel.POSTAL)
    resolve("C6", (2025, 3, 3, 15))
    online("D4", (2025, 3, 4, 8), department, ht)
    act("D4", (2025, 3, 4, 9), services.accept)
    resolve("D3", (2025, 3, 5, 9))
    counter("D8", (2025, 3, 5, 10), department, ht)
    resolve("D1", (2025, 3, 6, 9))
    resolve("C1", (2025, 3, 6, 10))
    act("D8", (2025, 3, 6, 9), services.withdraw, reason="Người dân rút hồ sơ")
    counter("D6", (2025, 3, 10, 10), department, ht)
    online("C5", (2025, 3, 10, 10), ward, ct)
    act("C5", (2025, 3, 10, 11), services.refuse, reason="Không thuộc thẩm quyền")
    resolve("D4", (2025, 3, 11, 15))
    counter("C2", (2025, 3, 12, 10), ward, ct)
    act("C2", (2025, 3, 13, 9), services.stop, reason="Cơ quan có thẩm quyền yêu cầu dừng")
    counter("C7", (2025, 3, 17, 10), ward, ht)
    resolve("C7", (2025, 3, 24, 16))
    counter("C4", (2025, 3, 25, 10), ward, ct)
    counter("D5", (2025, 3, 26, 10), department, ht)
    counter("C3", (2025, 3, 27, 10), ward, ct)
    travel(2025, 4, 15, 9)
    facts.refresh_all()
    return made


def cells(report):
    """{(group roman, row label): columns} plus the group and grand totals."""
    got = {}
    for group in report.groups:
        got[(group.roman, "total")] = group.total.columns()
        for row in group.rows:
            got[(group.roman, row.label)] = row.counts.columns()
    got["total"] = report.total.columns()
    return got


def test_march_by_hand(book):
    report = report06.build(MARCH)
    assert [(g.roman, g.level) for g in report.groups] == [("I", "province"), ("II", "commune")]
    assert cells(report) == {
        ("I", "total"): DEPT_HT,
        ("I", "Hộ tịch"): DEPT_HT,
        ("II", "total"): WARD,
        ("II", "Chứng thực"): WARD_CT,
        ("II", "Hộ tịch"): WARD_HT,
        "total": TOTAL,
    }
    assert (report.total.withdrawn, report.total.stopped) == (1, 1)
    assert not report.partial


def test_the_numbers_balance(book):
    for period in (MARCH, FEBRUARY, index.Period(date(2025, 2, 1), date(2025, 3, 31))):
        report = report06.build(period)
        for _, row in report.rows():
            c = row.counts
            assert c.received == c.online + c.in_person + c.carried_over
            assert c.received == c.resolved + c.pending
            assert c.resolved == c.early + c.on_time + c.late
            assert c.pending == c.within_time + c.overdue
        for group in report.groups:
            summed = Counts()
            for row in group.rows:
                summed.add(row.counts)
            assert summed == group.total
        assert [
            sum(col) for col in zip(*(g.total.columns() for g in report.groups), strict=True)
        ] == (report.total.columns())


def test_carried_over_is_last_periods_pending(book):
    february = report06.build(FEBRUARY)
    # February: D1, D7 (department) and C6 (ward) open at its end; D2 resolved early; C1 was
    # only submitted (accepted on 3/3).
    assert cells(february)["total"] == [4, 0, 4, 0, 1, 1, 0, 0, 3, 3, 0]
    assert report06.build(MARCH).total.carried_over == february.total.pending


def test_pending_and_on_time_agree_with_index_21(book):
    report = report06.build(MARCH)
    figure = index.compute(index.Scope.of(MARCH)).indicator("2.1").figure
    assert figure.denominator == report.total.received
    t = report.total
    assert figure.numerator == t.early + t.on_time + t.within_time


def test_one_agency_with_its_sub_agencies(book, ward, department):
    mine = report06.build(MARCH, ward)
    assert [g.roman for g in mine.groups] == ["I", "II"]
    assert mine.groups[0].rows == []
    assert mine.total.columns() == WARD
    assert report06.build(MARCH, department).total.columns() == DEPT_HT
    centre = ward.children.get()
    assert report06.build(MARCH, centre).total.columns() == [0] * 11  # resolves nothing


def test_a_period_not_over_is_judged_now(book):
    report = report06.build(MARCH, now=at(2025, 3, 12, 12))
    assert report.partial
    # At noon on 12/3: D6 (due 17/3) still within time; D4 resolved 11/3; C2 received later.
    assert report.total.overdue == 0
    assert any("chưa kết thúc" in text for text in report06.notes(report))


def test_query_count_is_flat(book, ward, django_assert_max_num_queries, root, travel):
    with django_assert_max_num_queries(1):
        small = report06.build(MARCH)
    with django_assert_max_num_queries(4):  # + the sub-agencies, one query per level
        report06.build(MARCH, ward)
    travel(2025, 3, 18, 10)
    for _ in range(6):
        services.receive(
            user=root,
            procedure=book["D1"].procedure,
            reception_point=book["D1"].reception_point,
            resolving_agency=book["D1"].resolving_agency,
            applicant=PERSON,
            documents=[DocumentInput(DOCUMENTS[0])],
        )
    travel(2025, 4, 15, 9)
    facts.refresh_all()
    with django_assert_max_num_queries(1):
        bigger = report06.build(MARCH)
    assert bigger.total.received == small.total.received + 6


# --------------------------------------------------------------------------- Excel


def sheet_of(data: bytes):
    return load_workbook(BytesIO(data)).active


def table(ws):
    """{label in column B: [values of columns C…M]} for the rows below the numbers row."""
    numbers = next(r for r in range(1, 30) if ws.cell(r, 1).value == "(1)")
    rows = {}
    r = numbers + 1
    while ws.cell(r, 2).value:
        key = (ws.cell(r, 1).value, ws.cell(r, 2).value)
        rows[key] = [ws.cell(r, c).value for c in range(3, 14)]
        r += 1
    return numbers, rows


def test_excel_in_the_official_layout(book):
    report = report06.build(MARCH)
    ws = sheet_of(report06.xlsx(report, issued_on=date(2025, 4, 5)))
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Biểu số 06/VPCP/KSTT",
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        "Kỳ báo cáo: từ ngày 01/03/2025 đến ngày 31/03/2025",
        "Đơn vị tính: Số hồ sơ",
        "Số hồ sơ nhận giải quyết",
        "Số hồ sơ đã giải quyết",
        "Số hồ sơ đang giải quyết",
        "NGƯỜI LẬP BIỂU",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "Ngày 05 tháng 04 năm 2025",
    ):
        assert expected in text, expected
    numbers, rows = table(ws)
    assert [ws.cell(numbers, c).value for c in range(1, 14)] == [f"({n})" for n in range(1, 14)]
    # The header: two merged rows above the numbers.
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A10:A11", "B10:B11", "C10:F10", "G10:J10", "K10:M10"} <= merged
    assert rows == {
        ("I", "Cấp tỉnh (sở, ban, ngành)"): DEPT_HT,
        (1, "Hộ tịch"): DEPT_HT,
        ("II", "Cấp xã (Ủy ban nhân dân cấp xã)"): WARD,
        (1, "Chứng thực"): WARD_CT,
        (2, "Hộ tịch"): WARD_HT,
        (None, "Tổng cộng"): TOTAL,
    }
    # Totals are values equal to the sums of the rows.
    field_rows = [v for (n, _), v in rows.items() if isinstance(n, int)]
    assert [sum(col) for col in zip(*field_rows, strict=True)] == rows[(None, "Tổng cộng")]
    assert ws.freeze_panes == "C13"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows.replace("$", "") == "10:12"
    assert ws.cell(13, 3).border.left.style == "thin"
    assert ws.column_dimensions["B"].width >= 30


def test_excel_keeps_a_formula_like_field_name_as_text(book, procedure):
    from tthc.catalog.models import Field

    Field.objects.filter(pk=procedure.field_id).update(name="=HYPERLINK(1)")
    ws = sheet_of(report06.xlsx(report06.build(MARCH)))
    _, rows = table(ws)
    assert (1, "=HYPERLINK(1)") in rows
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_excel_for_an_agency_names_it(book, ward):
    ws = sheet_of(report06.xlsx(report06.build(MARCH, ward)))
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM" in text
    assert "Cơ quan giải quyết: Ủy ban nhân dân phường Hoàn Kiếm" in text


# --------------------------------------------------------------------------- command


def test_command_writes_the_file(book, tmp_path, ward):
    from django.core.management import call_command

    out = tmp_path / "bc06.xlsx"
    call_command(
        "report-06", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(out), "--no-refresh"
    )
    _, rows = table(sheet_of(out.read_bytes()))
    assert rows[(None, "Tổng cộng")] == TOTAL
    call_command(
        "report-06",
        "--from=2025-03-01",
        "--to=2025-03-31",
        f"--agency={ward.code}",
        f"--out={out}",
    )
    _, rows = table(sheet_of(out.read_bytes()))
    assert rows[(None, "Tổng cộng")] == WARD


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "01/03/2025", "--to", "2025-03-31"], "không hợp lệ"),
        (["--from", "2025-02-30", "--to", "2025-03-31"], "không hợp lệ"),
        (["--from", "2025-04-01", "--to", "2025-03-31"], "phải trước"),
        (["--from", "2025-03-01", "--to", "2025-03-31", "--agency", "X.Y"], "Không có cơ quan"),
    ],
)
def test_command_errors_are_vietnamese(db, tmp_path, args, message):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("report-06", *args, "--out", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_command_has_no_traceback(db, tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [
            *(sys.executable, "-m", "tthc.cli", "report-06"),
            *("--from", "x", "--to", "2025-03-31", "--out", str(tmp_path / "x.xlsx")),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "YYYY-MM-DD" in done.stderr


# --------------------------------------------------------------------------- page


@pytest.fixture
def control(db):
    return staff(Role.CONTROL_OFFICER, AgencyFactory(kind=AgencyKind.OFFICE))


URL = "/quan-tri/bao-cao-06/"
MARCH_QUERY = {"ky": "thang", "thang": "3", "nam": "2025"}


def test_page_renders_for_a_control_officer(book, client, control):
    client.force_login(control)
    response = client.get(URL, MARCH_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kỳ báo cáo: từ ngày 01/03/2025 đến ngày 31/03/2025" in html
    assert "Chứng thực" in html and "Tổng cộng" in html
    assert response.context["report"].total.columns() == TOTAL
    download = client.get(URL + "excel/", MARCH_QUERY)
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="bao-cao-06-20250301-20250331.xlsx"'
    )
    _, rows = table(sheet_of(download.content))
    assert rows[(None, "Tổng cộng")] == TOTAL


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ({"ky": "quy", "quy": "1", "nam": "2025"}, date(2025, 1, 1), date(2025, 3, 31)),
        ({"ky": "nam", "nam": "2024"}, date(2024, 1, 1), date(2024, 12, 31)),
        ({"ky": "khoang", "tu": "15/02/2025", "den": "10/03/2025"}, date(2025, 2, 15), None),
        ({}, date(2025, 3, 1), date(2025, 3, 31)),  # the previous month of 15/4/2025
    ],
)
def test_period_picker(book, client, control, query, start, end):
    client.force_login(control)
    report = client.get(URL, query).context["report"]
    assert report.period.start == start
    assert report.period.end == (end or date(2025, 3, 10))


def test_bad_range_says_so(db, client, control):
    client.force_login(control)
    response = client.get(URL, {"ky": "khoang", "tu": "10/03/2025", "den": "01/03/2025"})
    assert response.status_code == 200
    assert "Ngày bắt đầu phải trước" in response.content.decode()


def test_agency_leader_sees_own_agency_only(book, client, ward, department):
    leader = staff(Role.AGENCY_LEADER, ward)
    client.force_login(leader)
    response = client.get(URL, MARCH_QUERY)
    assert response.status_code == 200
    assert response.context["agency"] == ward
    assert response.context["report"].total.columns() == WARD
    assert "Toàn tỉnh" not in response.content.decode()
    assert client.get(URL, {**MARCH_QUERY, "co_quan": department.code}).status_code == 403
    assert client.get(URL + "excel/", {**MARCH_QUERY, "co_quan": department.code}).status_code == (
        403
    )


def test_reception_officer_is_refused(db, client, ward):
    officer = staff(Role.RECEPTION_OFFICER, AgencyFactory())
    client.force_login(officer)
    response = client.get(URL, MARCH_QUERY)
    assert response.status_code == 403
    assert "kiểm soát TTHC" in response.content.decode()
    assert client.get(URL + "excel/", MARCH_QUERY).status_code == 403


def test_linked_from_the_staff_home(db, client, control):
    client.force_login(control)
    assert URL in client.get("/quan-tri/").content.decode()
    other = staff(Role.RECEPTION_OFFICER, AgencyFactory())
    client.force_login(other)
    assert URL not in client.get("/quan-tri/").content.decode()


def test_page_query_count_is_flat(book, client, control, django_assert_max_num_queries):
    client.force_login(control)
    client.get(URL, MARCH_QUERY)
    with django_assert_max_num_queries(20):
        assert client.get(URL, MARCH_QUERY).status_code == 200
