"""`tthc workdays due|calendar|recompute`.

Hand computation for the main case: received Friday 02/02/2024 09:00 (within office hours, so
the receipt day is 02/02 and is not counted); 5 working days: Mon 05/02 (1), Tue 06/02 (2),
Wed 07/02 (3), Thu 08/02 - Wed 14/02 off for Tết (weekdays 8, 9, 12, 13, 14 and the weekend
10-11), Thu 15/02 (4), Fri 16/02 (5) -> due Friday 16/02/2024 at closing time 17:00, +07:00.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import AgencyFactory
from tthc.workdays import services
from tthc.workdays.management.commands.workdays import Command

pytestmark = pytest.mark.django_db

MAIN = ["--start", "2024-02-02T09:00", "--amount", "5", "--unit", "working_days"]


def run(*args) -> list[str]:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().splitlines()


def test_due_first_line_is_iso_with_offset_then_the_explanation():
    lines = run("due", *MAIN)
    assert lines[0] == "2024-02-16T17:00:00+07:00"
    assert lines[1] == "Tiếp nhận hồ sơ lúc 09 giờ 00 phút, ngày 02/02/2024 (Thứ Sáu)"
    assert "Bỏ qua 12/02/2024 (Thứ Hai): Mùng ba Tết Nguyên Đán" in lines
    assert "Ngày làm việc thứ 5: 16/02/2024 (Thứ Sáu)" in lines
    assert lines[-1] == "Hạn giải quyết: 17 giờ 00 phút, ngày 16 tháng 02 năm 2024"


def test_due_json():
    (line,) = run("due", *MAIN, "--json")
    data = json.loads(line)
    assert set(data) == {"due", "explanation"}
    assert data["due"] == "2024-02-16T17:00:00+07:00"
    assert data["explanation"][-1] == "Hạn giải quyết: 17 giờ 00 phút, ngày 16 tháng 02 năm 2024"


def test_due_with_pauses_and_open_pause():
    # Pause Mon 05/02 -> Thu 15/02: working days d with 05/02 < d <= 15/02 are 06, 07, 15 = 3;
    # 16/02 + 3 working days = Mon 19, Tue 20, Wed 21.
    lines = run("due", *MAIN, "--pause", "2024-02-05T08:00/2024-02-15T10:00")
    assert lines[0] == "2024-02-21T17:00:00+07:00"
    # a second pause Fri 16/02 -> Mon 19/02 adds 1 (19/02)
    lines = run(
        "due",
        *MAIN,
        "--pause",
        "2024-02-05T08:00/2024-02-15T10:00",
        "--pause",
        "2024-02-16/2024-02-19",
    )
    assert lines[0] == "2024-02-22T17:00:00+07:00"
    lines = run("due", *MAIN, "--pause", "2024-02-05T08:00/", "--as-of", "2024-02-15T10:00")
    assert lines[0] == "2024-02-21T17:00:00+07:00"
    assert "Hạn tạm tính: còn tạm dừng chưa kết thúc, hạn sẽ thay đổi" in lines


def test_due_cutoff_and_agency():
    # Monday 04/03/2024 15:30, same day: after the 15:00 cut-off -> next working day
    same_day = ["--start", "2024-03-04T15:30", "--amount", "1", "--unit", "same_day"]
    assert run("due", *same_day)[0] == "2024-03-05T17:00:00+07:00"
    assert run("due", *same_day, "--cutoff", "16:00")[0] == "2024-03-04T17:00:00+07:00"
    agency = AgencyFactory(code="000.00.15.H26")
    services.add_override(
        user=_superuser(),
        date=date(2024, 3, 5),
        is_working=False,
        name="Chuyển trụ sở",
        agency=agency,
    )
    assert run("due", *same_day, "--agency", "000.00.15.H26")[0] == "2024-03-06T17:00:00+07:00"


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(is_superuser=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--start", "2024-02-02T09:00", "--amount", "5", "--unit", "weeks"],
            "Đơn vị thời hạn không hợp lệ: 'weeks'. Giá trị hợp lệ: working_days, days, "
            "months, hours, same_day.",
        ),
        (
            ["--start", "2024-02-02T09:00", "--amount", "-1", "--unit", "days"],
            "Thời hạn không được là số âm.",
        ),
        (
            ["--start", "2024-02-02T09:00", "--amount", "năm", "--unit", "days"],
            "Thời hạn phải là một số, nhận được 'năm'.",
        ),
        (
            [*MAIN[:-2], "--unit", "working_days", "--pause", "2024-02-06T10:00/2024-02-05T10:00"],
            "Tạm dừng thứ 1: thời điểm kết thúc (10 giờ 00 phút, ngày 05/02/2024 (Thứ Hai)) "
            "trước thời điểm bắt đầu (10 giờ 00 phút, ngày 06/02/2024 (Thứ Ba)).",
        ),
        (
            ["--start", "2024-02-30T09:00", "--amount", "5", "--unit", "days"],
            "Thời điểm tiếp nhận (--start) không hợp lệ: '2024-02-30T09:00' (định dạng ISO 8601, "
            "ví dụ 2024-02-02T09:00 hoặc 2024-02-02).",
        ),
        (
            ["--start", "hôm qua", "--amount", "5", "--unit", "days"],
            "Thời điểm tiếp nhận (--start) không hợp lệ: 'hôm qua' (định dạng ISO 8601, "
            "ví dụ 2024-02-02T09:00 hoặc 2024-02-02).",
        ),
        (
            ["--amount", "5", "--unit", "days"],
            "Thiếu thời điểm tiếp nhận (--start), ví dụ 2024-02-02T09:00 hoặc 2024-02-02.",
        ),
        (
            [*MAIN, "--pause", "2024-02-05"],
            "Tạm dừng thứ 1 phải có dạng BẮT_ĐẦU/KẾT_THÚC, ví dụ 2024-02-05T08:00/"
            "2024-02-07T10:00, hoặc BẮT_ĐẦU/ nếu chưa kết thúc; nhận được '2024-02-05'.",
        ),
        (
            [*MAIN, "--pause", "2024-02-05/07-02-2024"],
            "Ngày kết thúc tạm dừng thứ 1 không hợp lệ: '07-02-2024' (định dạng ISO 8601, "
            "ví dụ 2024-02-02T09:00 hoặc 2024-02-02).",
        ),
        (
            [*MAIN, "--pause", "2024-02-05T08:00/"],
            "Tạm dừng thứ 1 chưa kết thúc: cần thời điểm tạm tính (--as-of) để tính hạn.",
        ),
        (
            [*MAIN, "--pause", "2024-02-01/2024-02-05"],
            "Tạm dừng thứ 1 bắt đầu trước thời điểm tiếp nhận hồ sơ.",
        ),
        (
            [*MAIN, "--cutoff", "25:00"],
            "Giờ làm việc 'cutoff' không hợp lệ: '25:00' (định dạng HH:MM).",
        ),
        ([*MAIN, "--agency", "KHONG-CO"], "Không tìm thấy cơ quan có mã 'KHONG-CO'."),
        (
            ["--start", "2024-02-02T09:00", "--amount", "5"],
            "Thiếu đơn vị thời hạn (--unit): working_days, days, months, hours hoặc same_day.",
        ),
    ],
)
def test_bad_due_parameters_are_command_errors_in_vietnamese(args, message):
    with pytest.raises(CommandError) as caught:
        run("due", *args)
    assert str(caught.value) == message


def test_errors_exit_non_zero_from_the_command_line(capsys):
    with pytest.raises(SystemExit) as caught:
        Command().run_from_argv(
            [
                "tthc",
                "workdays",
                "due",
                "--start",
                "2024-02-02T09:00",
                "--amount",
                "-1",
                "--unit",
                "days",
            ]
        )
    assert caught.value.code != 0
    assert "Thời hạn không được là số âm." in capsys.readouterr().err


def test_calendar_lists_days_off_and_weekend_workdays():
    lines = run("calendar", "2025")
    assert "29/01/2025  Thứ Tư    nghỉ      Tết Nguyên Đán" in lines
    assert "26/04/2025  Thứ Bảy   làm việc  Làm bù cho ngày nghỉ 02/05/2025" in lines
    assert len(lines) == 13
    (line,) = run("calendar", "2025", "--json")
    days = json.loads(line)
    assert {
        "date": "2025-04-26",
        "is_working": True,
        "name": "Làm bù cho ngày nghỉ 02/05/2025",
        "weekday": "Thứ Bảy",
    } in days


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("1990", "Năm 1990 nằm ngoài phạm vi lịch làm việc hỗ trợ (1995–2100)."),
        ("năm nay", "Năm không hợp lệ: 'năm nay' (ví dụ 2025)."),
    ],
)
def test_calendar_bad_year(year, message):
    with pytest.raises(CommandError) as caught:
        run("calendar", year)
    assert str(caught.value) == message


def test_recompute(memory_source):
    from datetime import datetime

    from tthc.workdays.engine import VN_TZ

    memory_source.add("HS-1", datetime(2024, 3, 4, 9, tzinfo=VN_TZ), 5)
    assert run("recompute") == ["Đã kiểm tra 1 hồ sơ, thay đổi hạn 0, lỗi 0."]
