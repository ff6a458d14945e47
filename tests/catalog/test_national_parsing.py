"""Parsing the national portal's records and list exports (pure Python, no database).

Run alone with: pytest -p no:django -p no:cacheprovider tests/catalog/test_national_parsing.py
"""

import json
import os
import re
import time
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from tthc.catalog.importing.national_json import (
    Channel,
    ParsedProcedure,
    RecordError,
    parse_record,
    to_dict,
)
from tthc.catalog.importing.national_xlsx import (
    ListFileError,
    ParsedListRow,
    RowError,
    iter_rows,
)


def _shared_data() -> Path | None:
    candidates = [Path(__file__).resolve().parents[3] / "shared" / "data"]
    if os.environ.get("TTHC_SHARED_DATA"):
        candidates.append(Path(os.environ["TTHC_SHARED_DATA"]))
    return next((path for path in candidates if path.is_dir()), None)


SHARED_DATA = _shared_data()
needs_shared_data = pytest.mark.skipif(
    SHARED_DATA is None,
    reason="dữ liệu thật không có: thiếu thư mục shared/data cạnh dự án và biến TTHC_SHARED_DATA",
)

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
RESULT_JUNK = (
    "Chọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Phường/ XãSở"
    "-- Chọn Phường/ Xã --Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực "
    "tuyếnNộp hồ sơ"
)


def record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "ma_thu_tuc": "1.001193",
        "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc",
        "ten_thu_tuc": "Thủ tục đăng ký khai sinh",
        "so_quyet_dinh": "163/QĐ-BTP",
        "cap_thuc_hien": "Cấp xã",
        "linh_vuc": "Hộ tịch",
    }
    base.update(fields)
    return base


def channels_of(text: str) -> list[Channel]:
    return parse_record(record(cach_thuc_thuc_hien=HEADER + text)).channels


def messages(parsed: ParsedProcedure, component: str) -> list[str]:
    return [p.message for p in parsed.problems if p.component == component]


# --------------------------------------------------------------------------- simple fields


def test_simple_fields_are_normalised_and_placeholders_dropped():
    parsed = parse_record(
        record(
            ten_thu_tuc="  Thủ tục\xa0đăng ký   khai sinh ",
            co_quan_co_tham_quyen="Ủy ban Nhân dân\xa0xã,\xa0phường,\xa0thị trấn.",
            thu_tuc_lien_quan="Không có thông tin",
            yeu_cau_dieu_kien="Không có thông tin",
            dia_chi_tiep_nhan="119 Nguyễn Sơn,\tphường Bồ Đề",
        )
    )
    assert parsed.name == "Thủ tục đăng ký khai sinh"
    assert parsed.competent_agency == "Ủy ban Nhân dân xã, phường, thị trấn."
    assert parsed.related_procedures == ""
    assert parsed.requirements == ""
    assert parsed.reception_address == "119 Nguyễn Sơn, phường Bồ Đề"
    assert parsed.decision_number == "163/QĐ-BTP"
    assert parsed.source_url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc"
    # the source keeps the text exactly as received
    assert parsed.source["ten_thu_tuc"] == "  Thủ tục\xa0đăng ký   khai sinh "
    assert parsed.source["thu_tuc_lien_quan"] == "Không có thông tin"


def test_decomposed_unicode_is_composed_before_parsing():
    decomposed = unicodedata.normalize("NFD", "Trực tiếp5 Ngày làm việcMiễn phí")
    (channel,) = channels_of(decomposed)
    assert channel.channel == "in_person"
    assert channel.processing_time.unit == "working_days"


@pytest.mark.parametrize(
    ("text", "levels", "others"),
    [
        ("Cấp bộ", ["ministry"], []),
        ("Cấp Tỉnh", ["province"], []),
        ("Cấp bộ, Cấp tỉnh, Cấp xã", ["ministry", "province", "commune"], []),
        ("Cấp xã, Cơ quan khác", ["commune"], ["Cơ quan khác"]),
    ],
)
def test_levels(text, levels, others):
    parsed = parse_record(record(cap_thuc_hien=text))
    assert parsed.levels == levels
    assert parsed.other_levels == others
    assert parsed.problems == []


def test_unknown_level_is_a_problem():
    parsed = parse_record(record(cap_thuc_hien="Cấp tỉnh, Cấp huyện"))
    assert parsed.levels == ["province"]
    assert messages(parsed, "cap_thuc_hien") == [
        "Không nhận ra cấp thực hiện 'Cấp huyện' (chỉ biết Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác)."
    ]


def test_subjects_keep_commas_inside_parentheses_and_lower_case_continuations():
    parsed = parse_record(
        record(
            doi_tuong_thuc_hien="Công dân Việt Nam, Tổ chức (không bao gồm doanh nghiệp, HTX), "
            "Cán bộ, công chức, viên chức, Người nước ngoài"
        )
    )
    assert parsed.subjects == [
        "Công dân Việt Nam",
        "Tổ chức (không bao gồm doanh nghiệp, HTX)",
        "Cán bộ, công chức, viên chức",
        "Người nước ngoài",
    ]


def test_steps_split_on_markers_and_keep_the_full_text():
    text = (
        "a) Nộp hồ sơ TTHC:\n- Người yêu cầu nộp hồ sơ.\nb) Giải quyết TTHC:\n"
        "- Trong thời hạn 03 ngày làm việc, cơ quan\nđăng ký kiểm tra hồ sơ.\n"
        "+ Trường hợp hồ sơ hợp lệ thì cấp giấy.\n-\tBước 3: Trả kết quả."
    )
    parsed = parse_record(record(trinh_tu_thuc_hien=text))
    assert parsed.steps == [
        "a) Nộp hồ sơ TTHC:",
        "Người yêu cầu nộp hồ sơ.",
        "b) Giải quyết TTHC:",
        "Trong thời hạn 03 ngày làm việc, cơ quan đăng ký kiểm tra hồ sơ.\n"
        "+ Trường hợp hồ sơ hợp lệ thì cấp giấy.",
        "Bước 3: Trả kết quả.",
    ]
    assert parsed.steps_text.startswith("a) Nộp hồ sơ TTHC:\n- Người yêu cầu")


def test_steps_without_markers_are_lines():
    parsed = parse_record(record(trinh_tu_thuc_hien="Nộp hồ sơ.\nNhận kết quả."))
    assert parsed.steps == ["Nộp hồ sơ.", "Nhận kết quả."]


# --------------------------------------------------------------------------- channels


@pytest.mark.parametrize(
    ("cell", "amount", "unit"),
    [
        ("7 Ngày làm việc", Decimal(7), "working_days"),
        ("15 Ngày", Decimal(15), "days"),
        ("03 ngày", Decimal(3), "days"),
        ("4 Giờ", Decimal(4), "hours"),
        ("24 giờ làm việc", Decimal(24), "hours"),
        ("1 Tháng", Decimal(1), "months"),
        ("2 Tuần", Decimal(14), "days"),
        ("7", Decimal(7), "none"),
        ("1.5 Ngày làm việc", Decimal("1.5"), "working_days"),
        ("0,5 ngày làm việc", Decimal("0.5"), "working_days"),
        ("1/2 ngày làm việc", Decimal("0.5"), "working_days"),
        ("05 - 07 ngày", Decimal(7), "days"),
        ("Trong ngày", Decimal(0), "working_days"),
        ("trong ngày làm việc", Decimal(0), "working_days"),
        ("Không có thông tin", None, "none"),
    ],
)
def test_time_shapes(cell, amount, unit):
    (channel,) = channels_of(f"Trực tiếp{cell}Miễn phí")
    assert channel.processing_time.amount == amount
    assert channel.processing_time.unit == unit
    assert channel.processing_time.text == cell
    assert [fee.amount_vnd for fee in channel.fees] == [0]


def test_channel_kinds_descriptions_and_bare_numbers():
    channels = channels_of(
        "Trực tuyến7Miễn phí(Mức lệ phí do HĐND tỉnh quyết định.)"
        "Dịch vụ bưu chính7 Ngày làm việcKhông có thông tin07 ngày làm việc kể từ khi nhận hồ sơ"
        "Trực tiếp3 NgàyMiễn phíTrực tiếp tại Cục (không quy định thời gian)"
    )
    assert [c.channel for c in channels] == ["online", "postal", "in_person"]
    online, postal, in_person = channels
    assert (online.processing_time.amount, online.processing_time.unit) == (Decimal(7), "none")
    assert online.fees[0].text == "Miễn phí(Mức lệ phí do HĐND tỉnh quyết định.)"
    assert online.description == ""
    assert postal.fees == []
    assert postal.description == "07 ngày làm việc kể từ khi nhận hồ sơ"
    # "Trực tiếp tại ..." inside a description is not a new row
    assert in_person.description == "Trực tiếp tại Cục (không quy định thời gian)"
    assert in_person.source.startswith("Trực tiếp3 Ngày")


def test_portal_fee_with_thousands_separators_and_note():
    (channel,) = channels_of(
        "Trực tuyến40 Ngày làm việc20,000,000 Việt Nam Đồng((áp dụng mức phí 10.000.000 "
        "đồng/hồ sơ đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC))Trong thời hạn 40 ngày"
    )
    (fee,) = channel.fees
    assert fee.amount_vnd == 20_000_000
    assert fee.text.endswith("64/2025/TT-BTC))")
    assert channel.description == "Trong thời hạn 40 ngày"


def test_labelled_fees_several_in_one_cell():
    (channel,) = channels_of(
        "Trực tiếp7 Ngày làm việcLệ phí : 8.000 Đồng(Miễn cho hộ nghèo)Phí : 50.000 Đồng/hồ sơ"
        "Nộp tại bộ phận một cửa"
    )
    assert [fee.amount_vnd for fee in channel.fees] == [8_000, 50_000]
    assert channel.fees[0].text == "Lệ phí : 8.000 Đồng(Miễn cho hộ nghèo)"
    assert channel.fees[1].text == "Phí : 50.000 Đồng/hồ sơ"
    assert channel.description == "Nộp tại bộ phận một cửa"


def test_unbalanced_fee_note_ends_where_the_next_cell_is_glued():
    (channel,) = channels_of(
        "Dịch vụ bưu chính25 Ngày1,700,000 VNĐ(Sát hạch thực hành, Phí: 600,000 (Sát hạch lý "
        "thuyết (Miễn phí từ ngày 07/4/2026 theo Thông tư 40/2026/TT-BTC)25 ngày, kể từ ngày "
        "nhận hồ sơ (hợp lệ)"
    )
    assert channel.fees[0].amount_vnd == 1_700_000
    assert channel.fees[0].text.endswith("40/2026/TT-BTC)")
    assert channel.description == "25 ngày, kể từ ngày nhận hồ sơ (hợp lệ)"


def test_fee_in_usd_is_kept_without_a_vnd_amount():
    parsed = parse_record(
        record(cach_thuc_thuc_hien=HEADER + "Trực tiếpKhông có thông tin10 USD(/bản)Tại cơ quan")
    )
    (fee,) = parsed.channels[0].fees
    assert (fee.amount_vnd, fee.currency, fee.text) == (None, "USD", "10 USD(/bản)")
    assert messages(parsed, "cach_thuc_thuc_hien") == [
        "Mức phí của cách thức 'Trực tiếp' tính bằng USD, không quy đổi sang đồng: '10 USD(/bản)'."
    ]


def test_suspiciously_small_fee_is_kept_and_reported():
    parsed = parse_record(record(cach_thuc_thuc_hien=HEADER + "Trực tiếp5 Ngày làm việc50 VNĐ"))
    assert parsed.channels[0].fees[0].amount_vnd == 50
    assert "nhỏ bất thường" in messages(parsed, "cach_thuc_thuc_hien")[0]


def test_glued_time_and_amount_split_with_a_hint_from_another_row():
    channels = channels_of(
        "Trực tuyến1Miễn phí(Giá dịch vụ kiểm định)Dịch vụ bưu chính140 VNĐ(Lệ phí: 40.000 đồng)"
    )
    postal = channels[1]
    assert (postal.processing_time.amount, postal.processing_time.unit) == (Decimal(1), "none")
    assert postal.fees[0].amount_vnd == 40
    assert postal.fees[0].text == "40 VNĐ(Lệ phí: 40.000 đồng)"


def test_glued_time_and_amount_without_a_hint_is_a_problem_not_a_guess():
    parsed = parse_record(record(cach_thuc_thuc_hien=HEADER + "Trực tuyến1200 VNĐ"))
    (channel,) = parsed.channels
    assert channel.processing_time.amount is None
    assert channel.processing_time.text == "1200"
    assert channel.fees[0].amount_vnd is None
    assert messages(parsed, "cach_thuc_thuc_hien") == [
        "Không tách được thời hạn và mức phí của cách thức 'Trực tuyến': hai số viết liền nhau "
        "'1200 VNĐ' có thể tách theo nhiều cách."
    ]


def test_unreadable_channel_table_is_a_problem():
    parsed = parse_record(record(cach_thuc_thuc_hien="Nộp trực tiếp tại UBND xã"))
    assert parsed.channels == []
    assert messages(parsed, "cach_thuc_thuc_hien")[0].startswith(
        "Không nhận ra dòng cách thức nộp nào trong 'Nộp trực tiếp tại UBND xã'"
    )


# --------------------------------------------------------------------------- documents


def test_document_groups_forms_and_quantities():
    text = (
        "* Giấy tờ phải nộp:" + DOC_HEADER + "Tờ khai đăng ký khai sinh theo mẫuTK khai sinh.docx"
        "1 bản chínhGiấy chứng sinh0 bản chính,1 bản saoHợp đồng (01 bản chính hoặc 01 bản sao "
        "có chứng thực) (khoản 1 Điều 27).Mau so 01a.docxMau so 01b.doc2 bản chính"
        "* Giấy tờ phải xuất trình:" + DOC_HEADER + "- Hộ chiếu hoặc Thẻ căn cước1 bản chính"
    )
    documents = parse_record(record(thanh_phan_ho_so=text)).documents
    assert [(d.group, d.name, d.form, d.originals, d.copies) for d in documents] == [
        ("Giấy tờ phải nộp", "Tờ khai đăng ký khai sinh theo mẫu", "TK khai sinh.docx", 1, 0),
        ("Giấy tờ phải nộp", "Giấy chứng sinh", "", 0, 1),
        (
            "Giấy tờ phải nộp",
            "Hợp đồng (01 bản chính hoặc 01 bản sao có chứng thực) (khoản 1 Điều 27).",
            "Mau so 01a.docx; Mau so 01b.doc",
            2,
            0,
        ),
        ("Giấy tờ phải xuất trình", "- Hộ chiếu hoặc Thẻ căn cước", "", 1, 0),
    ]
    assert documents[1].quantity_text == "0 bản chính,1 bản sao"
    assert documents[2].forms == ["Mau so 01a.docx", "Mau so 01b.doc"]


def test_untitled_group_and_name_ending_in_a_year():
    text = (
        "--" + DOC_HEADER + "Văn bản theo Điều 218 của Luật Đất đai năm 20240 bản chính,1 bản sao"
        "Đơn đề nghị theo mẫu1.000312.docx1 bản chính"
    )
    documents = parse_record(record(thanh_phan_ho_so=text)).documents
    assert [(d.group, d.name, d.form, d.originals, d.copies) for d in documents] == [
        ("", "Văn bản theo Điều 218 của Luật Đất đai năm 2024", "", 0, 1),
        ("", "Đơn đề nghị theo mẫu", "1.000312.docx", 1, 0),
    ]


def test_document_without_quantity_is_kept_and_reported():
    parsed = parse_record(
        record(thanh_phan_ho_so="--" + DOC_HEADER + "Đơn1 bản chínhBản sao giấy tờ khác")
    )
    assert [(d.name, d.originals, d.copies) for d in parsed.documents] == [
        ("Đơn", 1, 0),
        ("Bản sao giấy tờ khác", None, None),
    ]
    assert messages(parsed, "thanh_phan_ho_so") == [
        "Giấy tờ cuối bảng không có số lượng (bản chính/bản sao): 'Bản sao giấy tờ khác'."
    ]


def checklist_of(text: str) -> ParsedProcedure:
    return parse_record(record(thanh_phan_ho_so=text))


def test_notes_leave_the_checklist():
    parsed = checklist_of(
        "* Giấy tờ phải nộp:" + DOC_HEADER + "- Tờ khai theo mẫu1 bản chính"
        "+ Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ.0 bản chính"
        "- Giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp phải được hợp pháp hóa lãnh sự."
        "0 bản chính"
        "- Đối với giấy tờ nộp, xuất trình nếu người yêu cầu nộp hồ sơ theo hình thức trực tiếp:"
        "0 bản chính"
        "Trường hợp các thông tin đã có trong Cơ sở dữ liệu thì không phải tải lên0 bản chính"
        "- Giấy tờ phải xuất trình:0 bản chính"
        "* Lưu ý :" + DOC_HEADER + "- Bản chụp phải rõ nét.1 bản chính"
    )
    assert [d.name for d in parsed.documents] == ["- Tờ khai theo mẫu"]
    assert parsed.document_notes == [
        "Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ",
        "Giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp phải được hợp pháp hóa lãnh sự",
        "Đối với giấy tờ nộp, xuất trình nếu người yêu cầu nộp hồ sơ theo hình thức trực tiếp:",
        "Trường hợp các thông tin đã có trong Cơ sở dữ liệu thì không phải tải lên",
        "Bản chụp phải rõ nét",
    ]


def test_a_paper_that_explains_itself_stays_a_document():
    parsed = checklist_of(
        "--" + DOC_HEADER + "- Giấy tờ chứng minh nơi cư trú. Trường hợp đã khai thác được thông "
        "tin thì người yêu cầu không phải xuất trình.1 bản chính"
    )
    assert len(parsed.documents) == 1 and parsed.document_notes == []
    assert parsed.documents[0].mandatory and parsed.documents[0].condition == ""


def test_conditional_group_and_conditional_rows():
    parsed = checklist_of(
        "* Trường hợp kiểm định lần đầu" + DOC_HEADER + "Văn bản đề nghị1 bản chính"
        "--" + DOC_HEADER + "Đơn đề nghị1 bản chính"
        "- Trường hợp tàu biển đang được thế chấp thì phải nộp thêm bản chính văn bản đồng ý "
        "của bên nhận thế chấp.1 bản chính"
        "Khi cơ quan quản lý yêu cầu trình: Hộ chiếu của hành khách0 bản chính"
        "Trường hợp gửi hồ sơ qua bưu chính thì phải gửi kèm bản sao các giấy tờ nêu trên."
        "0 bản chính"
        "Trường hợp X thì cơ quan đăng ký hộ tịch tra cứu thông tin.1 bản chính"
    )
    assert [(d.group, d.condition, d.mandatory) for d in parsed.documents] == [
        ("Trường hợp kiểm định lần đầu", "Trường hợp kiểm định lần đầu", False),
        ("", "", True),
        ("", "Trường hợp tàu biển đang được thế chấp", False),
        ("", "Khi cơ quan quản lý yêu cầu trình", False),
    ]
    assert parsed.document_notes == [
        "Trường hợp gửi hồ sơ qua bưu chính thì phải gửi kèm bản sao các giấy tờ nêu trên",
        "Trường hợp X thì cơ quan đăng ký hộ tịch tra cứu thông tin",
    ]


def test_optional_documents_and_alternatives():
    parsed = checklist_of(
        "--" + DOC_HEADER + "Chứng chỉ cũ (nếu có).1 bản chính"
        "Hợp đồng có chữ ký, con dấu của các bên theo quy định của pháp luật về dân sự (nếu có) "
        "kèm theo biên bản1 bản chính"
        "Hoặc giấy tờ khác chứng minh quyền sở hữu1 bản chính"
        "Hộ chiếu hoặc Thẻ căn cước1 bản chính"
    )
    assert [d.mandatory for d in parsed.documents] == [False, True, False, True]


@pytest.mark.parametrize(
    ("cell", "originals", "copies"),
    [
        ("1 bản chính", 1, 0),
        ("0 bản chính,1 bản sao", 0, 1),
        ("2 bản chính,2 bản sao", 2, 2),
        ("Bản chính: 1, Bản sao: 0", 1, 0),
        ("Bản chính: 0; Bản sao: 2", 0, 2),
    ],
)
def test_quantity_cells(cell, originals, copies):
    parsed = checklist_of("--" + DOC_HEADER + "Đơn đề nghị" + cell + "Tờ khai1 bản chính")
    assert [(d.name, d.originals, d.copies) for d in parsed.documents] == [
        ("Đơn đề nghị", originals, copies),
        ("Tờ khai", 1, 0),
    ]


def test_zero_padded_quantity_inside_a_name_stays_in_the_name():
    parsed = checklist_of(
        "--" + DOC_HEADER + "Phiếu yêu cầu theo Mẫu số 02b (01 bản chính) (khoản 2 Điều 39)."
        "1 bản chính,1 bản saoHợp đồng (01 bản chính hoặc 01 bản sao có chứng thực)1 bản chính"
        "01 bản Đánh giá an ninh cảng biển1 bản chính"
    )
    assert [(d.name, d.originals, d.copies) for d in parsed.documents] == [
        ("Phiếu yêu cầu theo Mẫu số 02b (01 bản chính) (khoản 2 Điều 39).", 1, 1),
        ("Hợp đồng (01 bản chính hoặc 01 bản sao có chứng thực)", 1, 0),
        ("01 bản Đánh giá an ninh cảng biển", 1, 0),
    ]


# --------------------------------------------------------------------------- legal bases


def test_legal_bases_titles_and_numbers():
    text = LEGAL_HEADER + (
        "Thông tư Hướng dẫn về phí và lệ phí thuộc thẩm quyền của HĐND tỉnh85/2019/TT-BTC"
        "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định chi tiết Luật Hộ tịch"
        "123/2015/NĐ-CPNghị định sửa đổi, bổ sung một số nghị định thuộc phạm vi quản lý của Bộ "
        "Tư pháp18/2026/NĐ-CPLuật 61/2014/QH1361/2014/QH13"
        "Sửa đổi Quy chế an toàn hàng không của Bộ GTVTThông tư 09/2023/TT-BGTVT"
        "Nghị quyết cắt giảm thủ tục hành chính dựa trên dữ liệu66.7/2025/NQ-CP"
        "Quy định chi tiết Luật Đường bộ.165/2024/NĐ- CP"
    )
    parsed = parse_record(record(can_cu_phap_ly=text))
    assert [(b.title, b.number) for b in parsed.legal_bases] == [
        ("Thông tư Hướng dẫn về phí và lệ phí thuộc thẩm quyền của HĐND tỉnh", "85/2019/TT-BTC"),
        (
            "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định chi tiết "
            "Luật Hộ tịch",
            "123/2015/NĐ-CP",
        ),
        (
            "Nghị định sửa đổi, bổ sung một số nghị định thuộc phạm vi quản lý của Bộ Tư pháp",
            "18/2026/NĐ-CP",
        ),
        ("Luật 61/2014/QH13", "61/2014/QH13"),
        ("Sửa đổi Quy chế an toàn hàng không của Bộ GTVT", "09/2023/TT-BGTVT"),
        ("Nghị quyết cắt giảm thủ tục hành chính dựa trên dữ liệu", "66.7/2025/NQ-CP"),
        ("Quy định chi tiết Luật Đường bộ.", "165/2024/NĐ-CP"),
    ]
    assert parsed.problems == []


def test_legal_basis_without_number_is_reported():
    parsed = parse_record(
        record(can_cu_phap_ly=LEGAL_HEADER + "Luật Hộ tịch60/2014/QH13BỘ LUẬT HÀNG HẢI")
    )
    assert [(b.title, b.number) for b in parsed.legal_bases] == [
        ("Luật Hộ tịch", "60/2014/QH13"),
        ("BỘ LUẬT HÀNG HẢI", ""),
    ]
    assert messages(parsed, "can_cu_phap_ly") == [
        "Không tìm thấy số hiệu (ví dụ 85/2019/TT-BTC) cho văn bản 'BỘ LUẬT HÀNG HẢI'."
    ]


def test_no_legal_basis():
    assert parse_record(record(can_cu_phap_ly="Không có thông tin")).legal_bases == []


# --------------------------------------------------------------------------- results


def test_results_codes_keywords_and_junk_stripping():
    text = (
        "Giấy khai sinhMã: KQ.G15.000033Trích lục khai sinhMã: 000.00.00.G04-KQ0345"
        "Từ khóaKhai sinh, trẻ emMô tảCấp cho trẻ em." + RESULT_JUNK
    )
    parsed = parse_record(record(ket_qua_xu_ly=text))
    assert [(r.name, r.code) for r in parsed.results] == [
        ("Giấy khai sinh", "KQ.G15.000033"),
        ("Trích lục khai sinh", "000.00.00.G04-KQ0345"),
    ]
    assert parsed.keywords == "Khai sinh, trẻ em"
    assert parsed.description == "Cấp cho trẻ em."


def test_result_placeholders_and_odd_codes():
    text = "Quyết định cấp lạiMã: utwChứng chỉ hành nghềMã: 12231Từ khóaKhông có thông tin"
    parsed = parse_record(record(ket_qua_xu_ly=text + "Mô tảKhông có thông tin" + RESULT_JUNK))
    assert [(r.name, r.code) for r in parsed.results] == [
        ("Quyết định cấp lại", "utw"),
        ("Chứng chỉ hành nghề", "12231"),
    ]
    assert (parsed.keywords, parsed.description) == ("", "")


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (None, "Bản ghi không có mã thủ tục (ma_thu_tuc)."),
        ("", "Bản ghi không có mã thủ tục (ma_thu_tuc)."),
        (
            "1.00119",
            "Mã thủ tục '1.00119' không đúng định dạng "
            "(ví dụ hợp lệ: 1.001193 hoặc 1.001612.000.00.00.H01).",
        ),
        (
            "<script>alert(1)</script>",
            "Mã thủ tục '<script>alert(1)</script>' không đúng định dạng "
            "(ví dụ hợp lệ: 1.001193 hoặc 1.001612.000.00.00.H01).",
        ),
    ],
)
def test_bad_code_raises_record_error(code, message):
    with pytest.raises(RecordError) as error:
        parse_record(record(ma_thu_tuc=code))
    assert error.value.message == message


def test_long_code_form_is_accepted():
    assert parse_record(record(ma_thu_tuc="1.001612.000.00.00.H01")).code == (
        "1.001612.000.00.00.H01"
    )


@pytest.mark.parametrize("data", [{}, {"ten_thu_tuc": "Thủ tục"}, None, [], "1.001193"])
def test_missing_code_or_non_dict_raises_record_error(data):
    with pytest.raises(RecordError):
        parse_record(data)  # type: ignore[arg-type]


def test_empty_name_raises_record_error():
    with pytest.raises(RecordError, match="không có tên"):
        parse_record(record(ten_thu_tuc=" \xa0 "))


def test_missing_keys_none_values_and_wrong_types_never_raise():
    parsed = parse_record(
        {
            "ma_thu_tuc": "1.001193",
            "ten_thu_tuc": "Thủ tục",
            "cap_thuc_hien": None,
            "linh_vuc": 42,
            "can_cu_phap_ly": 3.5,
            "thanh_phan_ho_so": {"a": 1},
            "cach_thuc_thuc_hien": ["Trực tiếp"],
            "ket_qua_xu_ly": True,
        }
    )
    assert parsed.field == "42"
    assert parsed.levels == [] and parsed.channels == [] and parsed.documents == []
    assert {p.component for p in parsed.problems} == {
        "thanh_phan_ho_so",  # a dict
        "cach_thuc_thuc_hien",  # a list
        "ket_qua_xu_ly",  # a bool
        "can_cu_phap_ly",  # "3.5" is read as text, and it is no legal basis
    }
    assert messages(parsed, "thanh_phan_ho_so") == [
        "Trường 'thanh_phan_ho_so' có kiểu dict, không phải văn bản; đã bỏ qua."
    ]
    assert "trinh_tu_thuc_hien" not in parsed.source
    json.dumps(to_dict(parsed))


def test_script_strings_are_plain_text():
    script = "<script>alert('x')</script>"
    parsed = parse_record(
        record(ten_thu_tuc=script, linh_vuc=script, cach_thuc_thuc_hien=HEADER + script)
    )
    assert parsed.name == script
    assert parsed.field == script
    assert parsed.channels == []


_ALL_COMPONENT_KEYS = (
    "detail_url",
    "so_quyet_dinh",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "thu_tuc_lien_quan",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
)


@pytest.mark.parametrize(
    "filler",
    ["x", "1", "(", ")", ",", "Trực tiếp1200 VNĐ(", "1 bản chính", "85/2019/TT-BTC", "- a\n"],
)
def test_megabyte_fields_parse_quickly(filler):
    huge = (filler * (1_000_000 // len(filler) + 1))[:1_000_000]
    data = {key: huge for key in ("raw_text", *_ALL_COMPONENT_KEYS)}
    data.update(ma_thu_tuc="1.001193", ten_thu_tuc="Thủ tục")
    started = time.perf_counter()
    parsed = parse_record(data)
    assert time.perf_counter() - started < 10
    assert len(parsed.source["linh_vuc"]) == 1_000_000  # the source is kept whole
    assert any("vượt giới hạn" in p.message for p in parsed.problems)
    assert all(len(messages(parsed, key)) <= 21 for key in _ALL_COMPONENT_KEYS)


def test_to_dict_is_json_serialisable_with_decimals_as_numbers_or_strings():
    parsed = parse_record(
        record(cach_thuc_thuc_hien=HEADER + "Trực tiếp1.5 Ngày làm việcMiễn phíTrực tuyến3Miễn phí")
    )
    data = json.loads(json.dumps(to_dict(parsed)))
    times = [c["processing_time"]["amount"] for c in data["channels"]]
    assert times == ["1.5", 3]
    assert data["channels"][0]["fees"] == [{"amount_vnd": 0, "text": "Miễn phí", "currency": "VND"}]


# --------------------------------------------------------------------------- real data

CHANNEL_NAME_RE = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\S)")
LEGAL_NUMBER_RE = re.compile(r"\d[\d.a-z]*(?:/\d{4})?/[A-ZĐ][\w\-/]*")
_LETTERS = [chr(c) for c in (*range(0x41, 0x250), *range(0x1E00, 0x1F00))]
_LOWER = "".join(re.escape(c) for c in _LETTERS if c.islower())
_UPPER = "".join(re.escape(c) for c in _LETTERS if c.isupper())
# Two cells run together in a title: a lower-case letter glued to a capital + lower-case pair.
GLUED_TITLES_RE = re.compile(f"[{_LOWER}][{_UPPER}][{_LOWER}]")


@needs_shared_data
def test_real_records_parse_with_high_coverage():
    assert SHARED_DATA is not None
    files = sorted((SHARED_DATA / "national-procedures").glob("*/*.json"))
    assert len(files) == 796
    parsed: list[ParsedProcedure] = []
    source_rows = 0
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        parsed.append(parse_record(data))
        method = unicodedata.normalize("NFC", data["cach_thuc_thuc_hien"])
        source_rows += len(CHANNEL_NAME_RE.findall(method))
        json.dumps(to_dict(parsed[-1]))

    channels = [c for p in parsed for c in p.channels]
    timed = [c for c in channels if _time_is_right(c)]
    with_amount = [c for c in timed if c.processing_time.amount is not None]
    bases = [b for p in parsed for b in p.legal_bases]
    good_bases = [
        b
        for b in bases
        if b.title and LEGAL_NUMBER_RE.fullmatch(b.number) and not GLUED_TITLES_RE.search(b.title)
    ]
    documents = [d for p in parsed for d in p.documents]
    counted = [d for d in documents if d.originals is not None or d.copies is not None]

    channel_share = len(timed) / source_rows
    legal_share = len(good_bases) / len(bases)
    document_share = len(counted) / len(documents)
    print(
        f"\n{len(parsed)} records; channel rows in source: {source_rows}, parsed {len(channels)}, "
        f"with channel and time {len(timed)} ({channel_share:.2%}), of which a numeric time "
        f"{len(with_amount)} ({len(with_amount) / source_rows:.2%}); legal bases with title and "
        f"number {len(good_bases)}/{len(bases)} ({legal_share:.2%}); documents with quantities "
        f"{len(counted)}/{len(documents)} ({document_share:.2%}); notes taken out of the "
        f"checklist {sum(len(p.document_notes) for p in parsed)}; problems "
        f"{sum(len(p.problems) for p in parsed)}"
    )
    assert len(channels) == source_rows
    assert channel_share >= 0.95
    assert legal_share >= 0.95
    assert document_share >= 0.995
    # Removing notes must not be how the share is reached: the checklist keeps its documents.
    assert len(documents) >= 3400


# What a row that is not a paper looks like, checked independently of the importer's rules.
# (Papers may quote rules further in: "… phải được hợp pháp hóa lãnh sự", so only starts.)
NOTE_LOOKING_RE = re.compile(
    r"^(?:lưu ý|ghi chú|chú ý|người tiếp nhận|cán bộ|cơ quan đăng ký|cá nhân có quyền|việc)"
    r"|^[^.]{0,200}(?:có trách nhiệm|không được yêu cầu)",
    re.IGNORECASE,
)


@needs_shared_data
def test_sample_checklists_hold_no_notes():
    """Every 8th record by path (100 records): their checklists were read by hand (docs/
    catalog.md); this keeps the rules that came out of that reading."""
    assert SHARED_DATA is not None
    files = sorted((SHARED_DATA / "national-procedures").glob("*/*.json"))[::8]
    assert len(files) == 100
    parsed = {
        path.stem: parse_record(json.loads(path.read_text(encoding="utf-8"))) for path in files
    }
    rows = [(code, d) for code, p in parsed.items() for d in p.documents]
    note_looking = [
        (code, d.name)
        for code, d in rows
        if NOTE_LOOKING_RE.search(d.name.lstrip("-+* ").strip())
        or (d.name.endswith(":") and not (d.originals or d.copies))  # a heading
    ]
    notes = sum(len(p.document_notes) for p in parsed.values())
    print(
        f"\nsample of {len(files)} records: {len(rows)} checklist rows, {notes} notes, "
        f"{len(note_looking)} rows that look like notes"
    )
    assert note_looking == []
    assert len(parsed["1.000080"].documents) == 7
    assert len(parsed["1.000080"].document_notes) == 21


@needs_shared_data
def test_marriage_checklist_is_what_a_citizen_brings():
    """1.000894 (kết hôn): the portal's 23 rows are 4 documents and 19 notes."""
    assert SHARED_DATA is not None
    path = SHARED_DATA / "national-procedures" / "bo-tu-phap" / "1.000894.json"
    parsed = parse_record(json.loads(path.read_text(encoding="utf-8")))
    names = [d.name.lstrip("- ") for d in parsed.documents]
    assert len(names) == 4
    assert all(name.startswith(("Hộ chiếu", "Giấy tờ", "Mẫu hộ tịch", "Tờ khai")) for name in names)
    assert any(note.startswith("Người tiếp nhận") for note in parsed.document_notes)
    assert not any(n.startswith(("Người tiếp nhận", "Đối với")) for n in names)


def _time_is_right(channel: Channel) -> bool:
    """A row counts when its time was read: a number that the time text shows (weeks and years
    aside), or the portal's explicit "Không có thông tin"."""
    time_ = channel.processing_time
    if time_.amount is None:
        return time_.text == "Không có thông tin"
    shown = {_decimal_text(n) for n in re.findall(r"\d+(?:[.,]\d+)?", time_.text)}
    return _decimal_text(str(time_.amount)) in shown or time_.amount == 0


def _decimal_text(number: str) -> str:
    return str(Decimal(number.replace(",", ".")).normalize())


@needs_shared_data
def test_real_list_export():
    assert SHARED_DATA is not None
    (path,) = sorted((SHARED_DATA / "procedure-lists").glob("*.xlsx"))
    rows = list(iter_rows(path))
    parsed = [row for row in rows if isinstance(row, ParsedListRow)]
    errors = [row for row in rows if isinstance(row, RowError)]
    print(f"\n{path.name}: {len(parsed)} procedures, {len(errors)} rejected rows")
    assert len(rows) == 537
    assert errors == []
    first = parsed[0]
    assert (first.row_number, first.code, first.field) == (3, "3.000545", "Biến đổi khí hậu")
    assert first.name == "Thay đổi thành phần tham gia thực hiện chương trình, dự án Điều 6.4"
    assert first.issuing_agency == "Bộ Nông nghiệp và Môi trường"
    assert first.implementing_agencies == ["Cục Biến đổi khí hậu - Bộ NN và MT"]
    assert first.levels == []  # this export has no "Cấp thực hiện" column
    several = next(row for row in parsed if len(row.implementing_agencies) > 1)
    assert "\n" not in several.implementing_agency
    assert all(row.name and row.code for row in parsed)


# --------------------------------------------------------------------------- list export


def _write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_list_export_header_found_by_label_with_optional_columns(tmp_path):
    path = _write_xlsx(
        tmp_path / "list.xlsx",
        [
            ["DANH SÁCH THỦ TỤC HÀNH CHÍNH"],
            [],
            [
                "STT",
                "Mã thủ tục",
                "Tên thủ tục",
                "Cấp thực hiện",
                "Lĩnh vực",
                "Số quyết định",
                "Ghi chú",
            ],
            [1, "1.001193", "Đăng ký khai sinh", "Cấp xã", "Hộ tịch", "163/QĐ-BTP", "mới"],
            [None, None, None, None, None, None, None],
            [
                2,
                1.00012,
                "Thủ tục có mã bị Excel đổi thành số",
                "Cấp tỉnh, Cơ quan khác",
                "",
                "",
                "",
            ],
            [3, "abc", "Mã sai", "", "", "", ""],
            [4, "1.000001", "", "", "", "", ""],
        ],
    )
    rows = list(iter_rows(path))
    assert [type(row).__name__ for row in rows] == [
        "ParsedListRow",
        "ParsedListRow",
        "RowError",
        "RowError",
    ]
    first, second, bad_code, no_name = rows
    assert (first.code, first.name, first.levels, first.decision_number, first.extra) == (
        "1.001193",
        "Đăng ký khai sinh",
        ["commune"],
        "163/QĐ-BTP",
        {"Ghi chú": "mới"},
    )
    assert (second.row_number, second.code, second.levels, second.other_levels) == (
        6,
        "1.000120",
        ["province"],
        ["Cơ quan khác"],
    )
    assert bad_code.message == (
        "Dòng 7: mã thủ tục 'abc' không đúng định dạng "
        "(ví dụ hợp lệ: 1.001193 hoặc 1.001612.000.00.00.H01)."
    )
    assert bad_code.values["Mã thủ tục"] == "abc"
    assert no_name.message == "Dòng 8: thủ tục 1.000001 không có tên."


def test_list_export_missing_required_column(tmp_path):
    path = _write_xlsx(tmp_path / "list.xlsx", [["Mã số", "Lĩnh vực"], ["1.001193", "Hộ tịch"]])
    with pytest.raises(ListFileError) as error:
        list(iter_rows(path))
    assert error.value.message == (
        "Tệp không có dòng tiêu đề với các cột bắt buộc trong 30 dòng đầu; "
        "thiếu cột: Tên thủ tục (Tên)."
    )


def test_list_export_not_an_xlsx(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip <script>")
    with pytest.raises(ListFileError, match="không phải tệp Excel"):
        list(iter_rows(path))
    with pytest.raises(ListFileError, match="Không tìm thấy tệp"):
        list(iter_rows(tmp_path / "missing.xlsx"))
