"""Generate a large, realistic procedure catalog for the benchmarks.

    .venv/bin/python bench/generate.py                    # 20,000 procedures, fresh SQLite file
    .venv/bin/python bench/generate.py --count 5000
    .venv/bin/python bench/generate.py --database-url postgres://postgres@127.0.0.1:5432/tthc_bench

Names are built from the vocabulary of the national catalogue (đăng ký, cấp, cấp lại, gia hạn,
thay đổi, xác nhận… + khai sinh, kết hôn, giấy phép xây dựng, chứng chỉ hành nghề…), with fields,
levels, 1–3 channels with times and fees, 2–8 documents, legal bases, results, publication
decisions and the province's agencies. Every procedure goes through
`tthc.catalog.services.save_procedure`, so the search index is the one the application keeps.
The output is deterministic for a given `--seed` and `--count`.

SQLite: the catalog is written to a temporary file renamed at the end, so an interrupted run
never leaves a half-filled catalog behind. PostgreSQL: the whole generation is one transaction,
and the target must be a dedicated database (the generator refuses a non-empty one unless
`--reuse` is given, which then keeps what is there).

`--manifest FILE` writes the catalog's codes and size as JSON (used by bench/run.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BATCH = 500
# Part of the SQLite file's name: bump it when the generated content changes, so that a run
# never compares figures measured on two different catalogs of the same size.
CATALOG_VERSION = 2

# --- Vocabulary ---------------------------------------------------------------------------------
# Kinds of objects and the actions that apply to each (as in the national catalogue's names).
ACTIONS = {
    "event": [
        "Đăng ký",
        "Đăng ký lại",
        "Đăng ký",
        "Cải chính",
        "Xác nhận",
        "Trích lục",
        "Ghi vào Sổ hộ tịch việc",
        "Thay đổi, cải chính, bổ sung thông tin",
    ],
    "document": [
        "Cấp",
        "Cấp",
        "Cấp lại",
        "Cấp lại",
        "Cấp đổi",
        "Gia hạn",
        "Điều chỉnh",
        "Thu hồi",
        "Cấp, cấp lại",
        "Sửa đổi, bổ sung",
        "Xác nhận",
        "Công nhận",
    ],
    "entity": [
        "Đăng ký thành lập",
        "Thành lập",
        "Đăng ký hoạt động",
        "Thay đổi nội dung đăng ký",
        "Tạm ngừng hoạt động",
        "Chấm dứt hoạt động",
        "Giải thể",
        "Sáp nhập, chia, tách",
        "Công nhận",
        "Cho phép hoạt động",
    ],
    "plan": [
        "Phê duyệt",
        "Thẩm định",
        "Điều chỉnh",
        "Chấp thuận",
        "Thẩm định, phê duyệt",
        "Lấy ý kiến về",
        "Thỏa thuận",
    ],
    "benefit": [
        "Giải quyết",
        "Điều chỉnh",
        "Thôi hưởng",
        "Chi trả",
        "Xác nhận",
        "Hỗ trợ",
        "Đề nghị",
    ],
}

SUFFIXES = {
    "event": [
        "",
        "",
        "",
        " có yếu tố nước ngoài",
        " cho người Việt Nam định cư ở nước ngoài",
        " lưu động",
        " kết hợp nhận cha, mẹ, con",
        " trong trường hợp quá hạn",
    ],
    "document": [
        "",
        "",
        "",
        " trong trường hợp bị mất, bị hư hỏng",
        " do thay đổi thông tin",
        " cho người nước ngoài",
        " khi hết hạn",
        " đối với tổ chức",
        " đối với cá nhân",
        " thuộc thẩm quyền của Ủy ban nhân dân cấp tỉnh",
    ],
    "entity": [
        "",
        "",
        " trên địa bàn tỉnh",
        " có vốn đầu tư nước ngoài",
        " thuộc thẩm quyền của Ủy ban nhân dân cấp xã",
        " ngoài công lập",
    ],
    "plan": [
        "",
        "",
        " thuộc thẩm quyền của Ủy ban nhân dân cấp tỉnh",
        " sử dụng vốn đầu tư công",
        " trên địa bàn tỉnh",
        " đối với công trình cấp III, cấp IV",
    ],
    "benefit": [
        "",
        "",
        " đối với người cao tuổi",
        " khi thay đổi nơi cư trú",
        " cho người khuyết tật",
        " đối với hộ nghèo, hộ cận nghèo",
    ],
}

# name, kind of object, default levels, objects (object, result or None = the object itself),
# legal bases, agency (implementing), fee pool (VND).
FIELDS = [
    {
        "name": "Hộ tịch",
        "levels": [["commune"], ["province"], ["commune", "province"]],
        "objects": [
            ("event", "khai sinh", "Giấy khai sinh"),
            ("event", "kết hôn", "Giấy chứng nhận kết hôn"),
            ("event", "khai tử", "Trích lục khai tử"),
            ("event", "giám hộ", "Trích lục đăng ký giám hộ"),
            ("event", "nhận cha, mẹ, con", "Trích lục đăng ký nhận cha, mẹ, con"),
            ("event", "thay đổi hộ tịch", "Trích lục thay đổi hộ tịch"),
            ("event", "tình trạng hôn nhân", "Giấy xác nhận tình trạng hôn nhân"),
            ("event", "chấm dứt giám hộ", "Trích lục chấm dứt giám hộ"),
        ],
        "laws": [
            ("Luật Hộ tịch", "60/2014/QH13"),
            ("Nghị định quy định chi tiết Luật Hộ tịch", "123/2015/NĐ-CP"),
            ("Thông tư quy định chi tiết thi hành Luật Hộ tịch", "04/2020/TT-BTP"),
        ],
        "agency": "Ủy ban nhân dân cấp xã",
        "fees": [0, 0, 5000, 8000, 10000, 100000],
    },
    {
        "name": "Chứng thực",
        "levels": [["commune"], ["commune", "other"]],
        "objects": [
            ("document", "bản sao từ bản chính", "Bản sao được chứng thực từ bản chính"),
            ("document", "chữ ký trong giấy tờ, văn bản", "Giấy tờ được chứng thực chữ ký"),
            ("document", "hợp đồng, giao dịch", "Hợp đồng, giao dịch được chứng thực"),
            ("document", "bản sao từ sổ gốc", "Bản sao từ sổ gốc"),
        ],
        "laws": [
            ("Nghị định về cấp bản sao từ sổ gốc, chứng thực", "23/2015/NĐ-CP"),
            ("Thông tư quy định mức thu phí chứng thực", "226/2016/TT-BTC"),
        ],
        "agency": "Ủy ban nhân dân cấp xã",
        "fees": [2000, 10000, 30000, 50000],
    },
    {
        "name": "Hoạt động xây dựng",
        "levels": [["province"], ["ministry"], ["province", "commune"]],
        "objects": [
            ("document", "giấy phép xây dựng", None),
            ("document", "giấy phép xây dựng công trình không theo tuyến", None),
            ("document", "giấy phép xây dựng nhà ở riêng lẻ", None),
            ("document", "giấy phép di dời công trình", None),
            ("document", "chứng chỉ hành nghề hoạt động xây dựng", None),
            ("document", "chứng chỉ năng lực hoạt động xây dựng", None),
            ("plan", "báo cáo nghiên cứu khả thi đầu tư xây dựng", "Văn bản thông báo kết quả"),
            ("plan", "thiết kế xây dựng triển khai sau thiết kế cơ sở", "Văn bản thẩm định"),
        ],
        "laws": [
            ("Luật Xây dựng", "50/2014/QH13"),
            ("Luật sửa đổi, bổ sung một số điều của Luật Xây dựng", "62/2020/QH14"),
            ("Nghị định quy định chi tiết một số nội dung về quản lý dự án", "15/2021/NĐ-CP"),
        ],
        "agency": "Sở Xây dựng",
        "fees": [50000, 75000, 100000, 150000, 300000, 500000],
    },
    {
        "name": "Đất đai",
        "levels": [["province"], ["commune"], ["province", "commune"]],
        "objects": [
            (
                "document",
                "giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
                None,
            ),
            ("plan", "chuyển mục đích sử dụng đất", "Quyết định cho phép chuyển mục đích"),
            ("plan", "giao đất, cho thuê đất", "Quyết định giao đất, cho thuê đất"),
            ("event", "biến động đất đai", "Giấy chứng nhận đã xác nhận biến động"),
            ("plan", "gia hạn sử dụng đất", "Văn bản chấp thuận gia hạn"),
            ("plan", "tách thửa, hợp thửa đất", "Giấy chứng nhận sau tách thửa"),
        ],
        "laws": [
            ("Luật Đất đai", "31/2024/QH15"),
            ("Nghị định quy định về cấp Giấy chứng nhận", "101/2024/NĐ-CP"),
            ("Nghị định quy định chi tiết thi hành Luật Đất đai", "102/2024/NĐ-CP"),
        ],
        "agency": "Sở Nông nghiệp và Môi trường",
        "fees": [25000, 50000, 100000, 500000, 1000000],
    },
    {
        "name": "Khám bệnh, chữa bệnh",
        "levels": [["province"], ["ministry"], ["ministry", "province"]],
        "objects": [
            ("document", "giấy phép hành nghề khám bệnh, chữa bệnh", None),
            ("document", "giấy phép hoạt động khám bệnh, chữa bệnh", None),
            ("document", "chứng chỉ hành nghề khám bệnh, chữa bệnh", None),
            ("entity", "phòng khám đa khoa", "Giấy phép hoạt động"),
            ("entity", "phòng khám chuyên khoa", "Giấy phép hoạt động"),
        ],
        "laws": [
            ("Luật Khám bệnh, chữa bệnh", "15/2023/QH15"),
            ("Nghị định quy định chi tiết Luật Khám bệnh, chữa bệnh", "96/2023/NĐ-CP"),
        ],
        "agency": "Sở Y tế",
        "fees": [360000, 430000, 1500000, 3100000, 5700000],
    },
    {
        "name": "Dược phẩm",
        "levels": [["province"], ["ministry"]],
        "objects": [
            ("document", "chứng chỉ hành nghề dược", None),
            ("document", "giấy chứng nhận đủ điều kiện kinh doanh dược", None),
            ("document", "giấy xác nhận nội dung quảng cáo thuốc", None),
            ("entity", "nhà thuốc", "Giấy chứng nhận đủ điều kiện kinh doanh dược"),
            ("entity", "quầy thuốc", "Giấy chứng nhận đủ điều kiện kinh doanh dược"),
        ],
        "laws": [
            ("Luật Dược", "105/2016/QH13"),
            ("Luật sửa đổi, bổ sung một số điều của Luật Dược", "44/2024/QH15"),
            ("Nghị định quy định chi tiết Luật Dược", "54/2017/NĐ-CP"),
        ],
        "agency": "Sở Y tế",
        "fees": [500000, 1000000, 1600000],
    },
    {
        "name": "Thành lập và hoạt động của doanh nghiệp",
        "levels": [["province"]],
        "objects": [
            ("entity", "doanh nghiệp tư nhân", "Giấy chứng nhận đăng ký doanh nghiệp"),
            ("entity", "công ty trách nhiệm hữu hạn một thành viên", None),
            ("entity", "công ty trách nhiệm hữu hạn hai thành viên trở lên", None),
            ("entity", "công ty cổ phần", "Giấy chứng nhận đăng ký doanh nghiệp"),
            ("entity", "chi nhánh, văn phòng đại diện, địa điểm kinh doanh", None),
            ("document", "giấy chứng nhận đăng ký doanh nghiệp", None),
        ],
        "laws": [
            ("Luật Doanh nghiệp", "59/2020/QH14"),
            ("Nghị định về đăng ký doanh nghiệp", "168/2025/NĐ-CP"),
            ("Thông tư quy định phí, lệ phí đăng ký doanh nghiệp", "47/2019/TT-BTC"),
        ],
        "agency": "Sở Tài chính",
        "fees": [0, 50000, 100000],
    },
    {
        "name": "Thành lập và hoạt động của hộ kinh doanh",
        "levels": [["commune"]],
        "objects": [
            ("entity", "hộ kinh doanh", "Giấy chứng nhận đăng ký hộ kinh doanh"),
            ("document", "giấy chứng nhận đăng ký hộ kinh doanh", None),
        ],
        "laws": [("Nghị định về đăng ký doanh nghiệp", "168/2025/NĐ-CP")],
        "agency": "Ủy ban nhân dân cấp xã",
        "fees": [0, 50000, 100000],
    },
    {
        "name": "Giáo dục và Đào tạo",
        "levels": [["province"], ["commune"], ["province", "commune"]],
        "objects": [
            ("entity", "trường mầm non", "Quyết định cho phép hoạt động giáo dục"),
            ("entity", "trường tiểu học", "Quyết định cho phép hoạt động giáo dục"),
            ("entity", "trung tâm ngoại ngữ, tin học", "Quyết định cho phép hoạt động"),
            ("document", "văn bằng, chứng chỉ", "Bản sao văn bằng, chứng chỉ"),
            ("document", "giấy phép tổ chức hoạt động dạy thêm, học thêm", None),
        ],
        "laws": [
            ("Luật Giáo dục", "43/2019/QH14"),
            ("Nghị định quy định về điều kiện đầu tư và hoạt động", "125/2024/NĐ-CP"),
        ],
        "agency": "Sở Giáo dục và Đào tạo",
        "fees": [0, 0, 50000],
    },
    {
        "name": "Việc làm",
        "levels": [["province"], ["ministry", "province"]],
        "objects": [
            ("document", "giấy phép lao động cho người nước ngoài", None),
            ("document", "giấy phép hoạt động dịch vụ việc làm", None),
            ("benefit", "trợ cấp thất nghiệp", "Quyết định hưởng trợ cấp thất nghiệp"),
            ("document", "giấy phép hoạt động cho thuê lại lao động", None),
        ],
        "laws": [
            ("Bộ luật Lao động", "45/2019/QH14"),
            ("Luật Việc làm", "74/2025/QH15"),
            ("Nghị định quy định về người lao động nước ngoài", "152/2020/NĐ-CP"),
        ],
        "agency": "Sở Nội vụ",
        "fees": [0, 400000, 600000],
    },
    {
        "name": "Đường bộ",
        "levels": [["province"], ["ministry"], ["ministry", "province"]],
        "objects": [
            ("document", "giấy phép lái xe", None),
            ("document", "giấy phép kinh doanh vận tải bằng xe ô tô", None),
            ("document", "phù hiệu xe ô tô kinh doanh vận tải", None),
            ("document", "giấy phép vận tải đường bộ quốc tế", None),
            ("plan", "phương án tổ chức giao thông", "Văn bản chấp thuận"),
        ],
        "laws": [
            ("Luật Trật tự, an toàn giao thông đường bộ", "36/2024/QH15"),
            ("Luật Đường bộ", "35/2024/QH15"),
            ("Nghị định quy định về kinh doanh vận tải bằng xe ô tô", "158/2024/NĐ-CP"),
        ],
        "agency": "Sở Xây dựng",
        "fees": [0, 115000, 135000, 200000],
    },
    {
        "name": "Bảo trợ xã hội",
        "levels": [["commune"], ["province"], ["commune", "province"]],
        "objects": [
            ("benefit", "trợ cấp xã hội hằng tháng", "Quyết định trợ cấp xã hội hằng tháng"),
            ("benefit", "hỗ trợ chi phí mai táng", "Quyết định hỗ trợ chi phí mai táng"),
            ("benefit", "xác định, xác định lại mức độ khuyết tật", "Giấy xác nhận khuyết tật"),
            ("entity", "cơ sở trợ giúp xã hội", "Giấy chứng nhận đăng ký thành lập"),
        ],
        "laws": [
            ("Nghị định quy định chính sách trợ giúp xã hội", "20/2021/NĐ-CP"),
            ("Luật Người khuyết tật", "51/2010/QH12"),
        ],
        "agency": "Ủy ban nhân dân cấp xã",
        "fees": [0],
    },
    {
        "name": "Người có công",
        "levels": [["province"], ["commune", "province"]],
        "objects": [
            ("benefit", "trợ cấp ưu đãi hằng tháng", "Quyết định trợ cấp ưu đãi"),
            ("benefit", "chế độ điều dưỡng phục hồi sức khỏe", "Quyết định điều dưỡng"),
            ("document", "giấy chứng nhận thân nhân liệt sĩ", None),
            ("benefit", "hỗ trợ cải thiện nhà ở", "Quyết định hỗ trợ"),
        ],
        "laws": [
            ("Pháp lệnh Ưu đãi người có công với cách mạng", "02/2020/UBTVQH14"),
            ("Nghị định quy định chi tiết Pháp lệnh Ưu đãi người có công", "131/2021/NĐ-CP"),
        ],
        "agency": "Sở Nội vụ",
        "fees": [0],
    },
    {
        "name": "Công chứng",
        "levels": [["province"], ["ministry", "province"]],
        "objects": [
            ("entity", "văn phòng công chứng", "Giấy đăng ký hoạt động"),
            ("document", "thẻ công chứng viên", None),
            ("document", "hợp đồng, giao dịch về bất động sản", "Văn bản công chứng"),
            ("event", "hành nghề công chứng", "Quyết định"),
        ],
        "laws": [
            ("Luật Công chứng", "46/2024/QH15"),
            ("Nghị định quy định chi tiết Luật Công chứng", "104/2025/NĐ-CP"),
        ],
        "agency": "Sở Tư pháp",
        "fees": [100000, 500000, 1000000],
    },
    {
        "name": "Môi trường",
        "levels": [["province"], ["ministry"], ["province", "commune"]],
        "objects": [
            ("document", "giấy phép môi trường", None),
            ("event", "môi trường", "Văn bản tiếp nhận đăng ký"),
            ("plan", "báo cáo đánh giá tác động môi trường", "Quyết định phê duyệt"),
            ("plan", "phương án cải tạo, phục hồi môi trường", "Quyết định phê duyệt"),
        ],
        "laws": [
            ("Luật Bảo vệ môi trường", "72/2020/QH14"),
            ("Nghị định quy định chi tiết Luật Bảo vệ môi trường", "08/2022/NĐ-CP"),
        ],
        "agency": "Sở Nông nghiệp và Môi trường",
        "fees": [6000000, 8000000, 12000000, 19000000],
    },
    {
        "name": "Tài nguyên nước",
        "levels": [["province"], ["ministry"]],
        "objects": [
            ("document", "giấy phép khai thác nước dưới đất", None),
            ("document", "giấy phép khai thác, sử dụng nước mặt", None),
            ("document", "giấy phép xả nước thải vào nguồn nước", None),
        ],
        "laws": [("Luật Tài nguyên nước", "28/2023/QH15")],
        "agency": "Sở Nông nghiệp và Môi trường",
        "fees": [400000, 1200000, 4000000],
    },
    {
        "name": "Văn hóa cơ sở",
        "levels": [["province"], ["commune"]],
        "objects": [
            ("document", "giấy phép kinh doanh dịch vụ karaoke", None),
            ("document", "giấy phép kinh doanh dịch vụ vũ trường", None),
            ("plan", "tổ chức lễ hội truyền thống", "Văn bản chấp thuận"),
            ("document", "danh hiệu gia đình văn hóa", "Giấy khen"),
        ],
        "laws": [
            ("Nghị định quy định về quản lý và tổ chức lễ hội", "110/2018/NĐ-CP"),
            ("Nghị định quy định về kinh doanh dịch vụ karaoke, vũ trường", "54/2019/NĐ-CP"),
        ],
        "agency": "Sở Văn hóa, Thể thao và Du lịch",
        "fees": [0, 2000000, 4000000, 6000000],
    },
    {
        "name": "Lưu thông hàng hóa trong nước",
        "levels": [["province"], ["commune"]],
        "objects": [
            ("document", "giấy phép bán lẻ rượu", None),
            ("document", "giấy phép bán lẻ sản phẩm thuốc lá", None),
            ("document", "giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu", None),
            ("document", "giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh", None),
        ],
        "laws": [
            ("Nghị định về kinh doanh rượu", "105/2017/NĐ-CP"),
            ("Nghị định về kinh doanh xăng dầu", "83/2014/NĐ-CP"),
        ],
        "agency": "Sở Công Thương",
        "fees": [200000, 400000, 1200000, 2200000],
    },
    {
        "name": "Thú y",
        "levels": [["province"], ["ministry"]],
        "objects": [
            ("document", "chứng chỉ hành nghề thú y", None),
            ("document", "giấy chứng nhận cơ sở an toàn dịch bệnh động vật", None),
            ("document", "giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi tỉnh", None),
        ],
        "laws": [
            ("Luật Thú y", "79/2015/QH13"),
            ("Nghị định quy định chi tiết Luật Thú y", "35/2016/NĐ-CP"),
        ],
        "agency": "Sở Nông nghiệp và Môi trường",
        "fees": [0, 70000, 230000, 400000],
    },
    {
        "name": "Đầu tư tại Việt Nam",
        "levels": [["province"], ["ministry"]],
        "objects": [
            ("document", "giấy chứng nhận đăng ký đầu tư", None),
            ("plan", "chủ trương đầu tư dự án", "Quyết định chấp thuận chủ trương đầu tư"),
            ("plan", "dự án đầu tư", "Quyết định chấp thuận"),
        ],
        "laws": [
            ("Luật Đầu tư", "61/2020/QH14"),
            ("Nghị định quy định chi tiết Luật Đầu tư", "31/2021/NĐ-CP"),
        ],
        "agency": "Sở Tài chính",
        "fees": [0],
    },
    {
        "name": "Tín ngưỡng, tôn giáo",
        "levels": [["province"], ["commune"], ["ministry"]],
        "objects": [
            ("event", "sinh hoạt tôn giáo tập trung", "Văn bản chấp thuận"),
            ("event", "hoạt động tín ngưỡng", "Văn bản tiếp nhận"),
            ("plan", "tổ chức cuộc lễ ngoài cơ sở tôn giáo", "Văn bản chấp thuận"),
        ],
        "laws": [
            ("Luật Tín ngưỡng, tôn giáo", "02/2016/QH14"),
            ("Nghị định quy định chi tiết Luật Tín ngưỡng, tôn giáo", "95/2023/NĐ-CP"),
        ],
        "agency": "Sở Dân tộc và Tôn giáo",
        "fees": [0],
    },
    {
        "name": "Thi đua – Khen thưởng",
        "levels": [["province"], ["commune"]],
        "objects": [
            ("document", "bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", None),
            ("document", "danh hiệu Chiến sĩ thi đua cấp tỉnh", "Quyết định tặng danh hiệu"),
            ("document", "giấy khen", None),
        ],
        "laws": [
            ("Luật Thi đua, khen thưởng", "06/2022/QH15"),
            ("Nghị định quy định chi tiết Luật Thi đua, khen thưởng", "98/2023/NĐ-CP"),
        ],
        "agency": "Sở Nội vụ",
        "fees": [0],
    },
]

GENERAL_LAWS = [
    ("Luật Phí và lệ phí", "97/2015/QH13"),
    ("Nghị định về thực hiện thủ tục hành chính trên môi trường điện tử", "45/2020/NĐ-CP"),
    ("Nghị định về thực hiện cơ chế một cửa, một cửa liên thông", "61/2018/NĐ-CP"),
    ("Nghị định sửa đổi, bổ sung Nghị định 61/2018/NĐ-CP", "107/2021/NĐ-CP"),
]

SUBJECTS = [
    "Công dân Việt Nam",
    "Người Việt Nam định cư ở nước ngoài",
    "Người nước ngoài",
    "Doanh nghiệp",
    "Doanh nghiệp có vốn đầu tư nước ngoài",
    "Tổ chức (không bao gồm doanh nghiệp, HTX)",
    "Hợp tác xã",
    "Cán bộ, công chức, viên chức",
]

COMMON_DOCUMENTS = [
    "Bản sao Căn cước công dân hoặc Hộ chiếu còn giá trị sử dụng",
    "Giấy tờ chứng minh nơi cư trú",
    "Văn bản ủy quyền (trường hợp nộp hồ sơ thông qua người được ủy quyền)",
    "02 ảnh màu cỡ 4x6 cm chụp trong thời gian không quá 06 tháng",
    "Giấy khám sức khỏe do cơ sở khám bệnh, chữa bệnh có thẩm quyền cấp",
    "Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
    "Bản sao văn bằng, chứng chỉ chuyên môn",
    "Bản khai kinh nghiệm công tác chuyên môn",
    "Bản vẽ thiết kế, bản vẽ mặt bằng vị trí",
    "Báo cáo kết quả thực hiện",
    "Điều lệ hoặc quy chế hoạt động",
    "Danh sách người quản lý, người đại diện theo pháp luật",
    "Phiếu lý lịch tư pháp",
    "Biên bản họp, nghị quyết của cơ quan có thẩm quyền",
    "Giấy tờ chứng minh quyền sử dụng đất",
    "Bản chính giấy tờ đã được cấp (trường hợp cấp đổi)",
    "Văn bản xác nhận của Ủy ban nhân dân cấp xã",
    "Giấy tờ chứng minh đủ điều kiện về cơ sở vật chất, trang thiết bị",
    "Bản cam kết thực hiện đúng quy định",
    "Hợp đồng lao động hoặc quyết định tuyển dụng",
]

UNITS = [
    ("working_days", "Ngày làm việc", [1, 2, 3, 5, 7, 10, 12, 15, 20, 30, 45]),
    ("working_days", "Ngày làm việc", [3, 5, 10, 15]),
    ("working_days", "Ngày làm việc", [5, 7, 10, 20]),
    ("days", "Ngày", [10, 15, 30, 45, 60, 90]),
    ("hours", "Giờ", [4, 8, 24, 48]),
    ("months", "Tháng", [1, 2, 3, 6]),
]

CHANNEL_LABELS = {
    "in_person": "Nộp trực tiếp tại Bộ phận Một cửa",
    "online": "Nộp trực tuyến qua Cổng Dịch vụ công quốc gia",
    "postal": "Nộp qua dịch vụ bưu chính công ích",
}

AGENCIES = [
    ("000.00.00.H15", "Ủy ban nhân dân tỉnh", "peoples_committee"),
    ("000.00.01.H15", "Trung tâm Phục vụ hành chính công tỉnh", "service_centre"),
    ("000.00.02.H15", "Sở Tư pháp", "department"),
    ("000.00.03.H15", "Sở Xây dựng", "department"),
    ("000.00.04.H15", "Sở Nông nghiệp và Môi trường", "department"),
    ("000.00.05.H15", "Sở Y tế", "department"),
    ("000.00.06.H15", "Sở Tài chính", "department"),
    ("000.00.07.H15", "Sở Giáo dục và Đào tạo", "department"),
    ("000.00.08.H15", "Sở Nội vụ", "department"),
    ("000.00.09.H15", "Sở Văn hóa, Thể thao và Du lịch", "department"),
    ("000.00.10.H15", "Sở Công Thương", "department"),
    ("000.00.11.H15", "Sở Dân tộc và Tôn giáo", "department"),
    ("000.00.12.H15", "Ủy ban nhân dân cấp xã", "peoples_committee"),
]


# --- Records ------------------------------------------------------------------------------------
def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def make_channels(rng: random.Random, online_level: str, fee_pool: list[int]) -> list[dict]:
    kinds = ["in_person", "online", "postal"]
    if online_level == "none":
        kinds.remove("online")
    chosen = rng.sample(kinds, k=rng.randint(1, len(kinds)))
    if online_level != "none" and "online" not in chosen:
        chosen.append("online")
    unit, label, amounts = rng.choice(UNITS)
    amount = rng.choice(amounts)
    fee = rng.choice(fee_pool)  # one fee for the procedure; halved online
    appraisal = rng.random() < 0.15
    channels = []
    for kind in ("in_person", "online", "postal"):
        if kind not in chosen:
            continue
        if fee == 0:
            fees = [{"amount_vnd": 0, "text": "Miễn lệ phí"}]
        elif kind == "online":
            fees = [
                {
                    "amount_vnd": fee // 2,
                    "text": f"Lệ phí: {money(fee // 2)} (giảm 50% khi nộp trực tuyến)",
                }
            ]
        else:
            fees = [{"amount_vnd": fee, "text": f"Lệ phí: {money(fee)}"}]
        if appraisal:
            fees.append(
                {"amount_vnd": None, "text": "Phí thẩm định theo Thông tư của Bộ Tài chính"}
            )
        channels.append(
            {
                "channel": kind,
                "processing_time": {
                    "amount": str(amount),
                    "unit": unit,
                    "text": f"{amount} {label}",
                },
                "fees": fees,
                "description": CHANNEL_LABELS[kind],
            }
        )
    return channels


def make_record(rng: random.Random, field: dict, decision_number: str) -> dict:
    kind, obj, result = rng.choice(field["objects"])
    action = rng.choice(ACTIONS[kind])
    suffix = rng.choice(SUFFIXES[kind])
    name = f"{action} {obj}{suffix}"
    if rng.random() < 0.15:
        name = "Thủ tục " + name[0].lower() + name[1:]
    levels = rng.choice(field["levels"])
    online_level = rng.choices(["full", "partial", "none"], weights=[35, 35, 30])[0]
    agency = field["agency"]
    result_name = result or obj[0].upper() + obj[1:]
    documents = [
        {
            "name": f"Tờ khai (đơn đề nghị) {action.lower()} {obj} theo mẫu",
            "group": "Giấy tờ phải nộp",
            "form": f"Mẫu số {rng.randint(1, 20):02d}",
            "originals": 1,
            "copies": 0,
        }
    ]
    for doc in rng.sample(COMMON_DOCUMENTS, k=rng.randint(1, 7)):
        documents.append(
            {
                "name": doc,
                "group": rng.choice(["Giấy tờ phải nộp", "Giấy tờ phải xuất trình"]),
                "form": "",
                "originals": rng.choice([0, 1, 1, 1]),
                "copies": rng.choice([0, 0, 1, 2]),
            }
        )
    laws = rng.sample(field["laws"], k=rng.randint(1, len(field["laws"])))
    if rng.random() < 0.4:
        laws.append(rng.choice(GENERAL_LAWS))
    results = [{"name": result_name, "code": f"KQ.G15.{rng.randint(1, 999999):06d}"}]
    if rng.random() < 0.2:
        results.append({"name": "Văn bản trả lời nêu rõ lý do (trường hợp không giải quyết)"})
    subjects = rng.sample(SUBJECTS, k=rng.randint(1, 3))
    return {
        "name": name,
        "levels": levels,
        "field": field["name"],
        "procedure_type": rng.choice(
            ["TTHC được luật giao quy định chi tiết", "TTHC không được luật giao"]
        ),
        "subjects": subjects,
        "status": rng.choices(["published", "amended", "abolished"], weights=[85, 12, 3])[0],
        "online_level": online_level,
        "boundary_free": rng.random() < 0.2,
        "steps": [
            f"Bước 1: Tổ chức, cá nhân chuẩn bị hồ sơ và nộp tại Bộ phận Một cửa của {agency} "
            "hoặc nộp trực tuyến.",
            "Bước 2: Công chức tiếp nhận kiểm tra tính đầy đủ, hợp lệ của hồ sơ; hướng dẫn bổ "
            "sung nếu hồ sơ chưa đầy đủ.",
            f"Bước 3: {agency} thẩm định hồ sơ, giải quyết và trả kết quả: {result_name.lower()}.",
        ],
        "channels": make_channels(rng, online_level, field["fees"]),
        "documents": documents,
        "legal_bases": [{"title": title, "number": number} for title, number in laws],
        "results": results,
        "requirements": rng.choice(
            [
                "",
                "Không",
                f"Người đề nghị {action.lower()} {obj} phải có đủ năng lực hành vi dân sự.",
                "Đáp ứng điều kiện về cơ sở vật chất, nhân lực theo quy định.",
            ]
        ),
        "competent_agency": rng.choice([agency, "Ủy ban nhân dân tỉnh", ""]),
        "implementing_agency": agency,
        "authorised_agency": "",
        "coordinating_agency": rng.choice(["", "", "Công an tỉnh", "Sở Tài chính"]),
        "reception_address": "Trung tâm Phục vụ hành chính công tỉnh",
        "related_procedures": "",
        "keywords": "",
        "description": "",
        "decision_number": decision_number,
    }


def unique_codes(rng: random.Random, count: int) -> list[str]:
    numbers = rng.sample(range(1, 1_000_000), k=min(count, 999_999))
    codes = [f"{1 if rng.random() < 0.7 else 2}.{n:06d}" for n in numbers]
    if count > len(codes):
        raise SystemExit("--count is at most 999,999")
    return codes


# --- Django -------------------------------------------------------------------------------------
def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def setup_django(database_url: str) -> None:
    """Point the settings at the bench database; must run before anything imports Django's
    settings."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["TTHC_VAR_DIR"] = str(RESULTS / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tthc.settings"
    os.environ.setdefault("DEBUG", "0")  # no query log: it slows the generation down
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def create_references(rng: random.Random):
    """The province, its agencies and a pool of publication decisions."""
    from tthc.catalog.models import PublicationDecision
    from tthc.org.models import AdministrativeUnit, Agency, UnitLevel

    province, _ = AdministrativeUnit.objects.get_or_create(
        code="24",
        valid_from=None,
        defaults={"name": "Tỉnh Bắc Ninh", "kind": "tỉnh", "level": UnitLevel.PROVINCE},
    )
    agencies = {}
    for code, name, kind in AGENCIES:
        agencies[name], _ = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "unit": province}
        )
    decisions = []
    first = date(2019, 1, 1)
    for i in range(200):
        signed = first + timedelta(days=rng.randint(0, 2500))
        issuer = rng.choice(["UBND", "BTP", "BXD", "BYT", "BNNMT", "BTC"])
        decision, _ = PublicationDecision.objects.get_or_create(
            number=f"{rng.randint(100, 3999)}/QĐ-{issuer}.{i}",
            defaults={
                "title": "Công bố danh mục thủ tục hành chính mới ban hành, sửa đổi, bổ sung",
                "issuer": "Chủ tịch Ủy ban nhân dân tỉnh" if issuer == "UBND" else f"Bộ ({issuer})",
                "signed_on": signed,
                "effective_on": signed + timedelta(days=rng.choice([0, 10, 30])),
            },
        )
        decisions.append(decision)
    return agencies, decisions


def generate(count: int, seed: int, progress: bool = True) -> None:
    from django.db import connection, transaction

    from tthc.catalog.models import ProcedureAgency
    from tthc.catalog.services import save_procedure

    rng = random.Random(seed)
    codes = unique_codes(rng, count)
    agencies, decisions = create_references(rng)
    outer = transaction.atomic() if connection.vendor == "postgresql" else _Nothing()
    started = time.perf_counter()
    with outer:
        for start in range(0, count, BATCH):
            links = []
            with transaction.atomic():
                for code in codes[start : start + BATCH]:
                    field = rng.choice(FIELDS)
                    decision = rng.choice(decisions) if rng.random() < 0.6 else None
                    data = make_record(rng, field, decision.number if decision else "")
                    procedure = save_procedure(
                        code=code, data=data, decision=decision, origin="bench/generate.py"
                    ).procedure
                    links.append(
                        ProcedureAgency(
                            procedure=procedure,
                            agency=agencies[field["agency"]],
                            role="implementing",
                        )
                    )
                    if rng.random() < 0.5:
                        links.append(
                            ProcedureAgency(
                                procedure=procedure,
                                agency=agencies["Ủy ban nhân dân tỉnh"],
                                role="competent",
                            )
                        )
                    if rng.random() < 0.3:
                        links.append(
                            ProcedureAgency(
                                procedure=procedure,
                                agency=agencies["Trung tâm Phục vụ hành chính công tỉnh"],
                                role="coordinating",
                            )
                        )
                # The links are not part of the searched content: one insert per batch instead
                # of save_procedure(agencies=...)'s two queries per procedure.
                ProcedureAgency.objects.bulk_create(links)
            done = min(start + BATCH, count)
            if progress and (done % 5000 == 0 or done == count):
                rate = done / (time.perf_counter() - started)
                print(f"  {done:>7,} / {count:,} procedures ({rate:,.0f}/s)", flush=True)


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def write_manifest(path: Path, *, database_url: str, generated_seconds: float | None) -> dict:
    from django.db import connection

    from tthc.catalog.models import Procedure

    codes = list(Procedure.objects.order_by("code").values_list("code", flat=True))
    manifest = {
        "database": redact(database_url),
        "vendor": connection.vendor,
        "procedures": len(codes),
        "generated_seconds": generated_seconds,
        "codes": codes,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, ensure_ascii=False))
    return manifest


def analyze(connection, *, vacuum: bool = False) -> None:
    """PostgreSQL: give the planner the statistics autovacuum would have gathered by now on a
    production server (test servers often run without it). SQLite is left as an embedded
    installation has it: without ANALYZE."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def catalog_name(count: int) -> str:
    return f"catalog-{count}-v{CATALOG_VERSION}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=20_000, help="procedures (default 20000)")
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument(
        "--database-url",
        default="",
        help="target database (default: a SQLite file bench/results/catalog-<count>.sqlite3)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing catalog instead of generating a fresh one",
    )
    parser.add_argument("--manifest", type=Path, help="write the codes and sizes as JSON here")
    args = parser.parse_args(argv)

    RESULTS.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url
    final_path = temp_path = None
    if not database_url:
        final_path = RESULTS / f"{catalog_name(args.count)}.sqlite3"
        if args.reuse and final_path.exists():
            database_url = f"sqlite:///{final_path}"
        else:
            temp_path = final_path.with_name(final_path.name + ".partial")
            for stale in (final_path, temp_path):
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{stale}{suffix}").unlink(missing_ok=True)
            database_url = f"sqlite:///{temp_path}"

    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    from tthc.catalog.models import Procedure

    call_command("migrate", interactive=False, verbosity=0)  # also brings a reused one up to date
    existing = Procedure.objects.count()
    if existing:
        if not args.reuse:
            print(
                f"{redact(database_url)} already holds {existing:,} procedures; "
                "use a dedicated empty database, or --reuse to keep them.",
                file=sys.stderr,
            )
            return 2
        analyze(connection)  # a migration may have added columns without statistics
        manifest_info(args, database_url, None)
        return 0

    print(f"Generating {args.count:,} procedures into {redact(database_url)} …", flush=True)
    started = time.perf_counter()
    generate(args.count, args.seed)
    seconds = time.perf_counter() - started
    print(f"Generated {args.count:,} procedures in {seconds:.1f} s ({args.count / seconds:,.0f}/s)")

    if temp_path is None:
        analyze(connection, vacuum=True)
        manifest_info(args, database_url, seconds)
        return 0
    manifest_info(args, f"sqlite:///{final_path}", seconds)
    connection.close()  # checkpoints the WAL into the file before the rename
    temp_path.rename(final_path)
    (RESULTS / f"{catalog_name(args.count)}.generated.json").write_text(
        json.dumps({"seconds": round(seconds, 2), "count": args.count, "seed": args.seed})
    )
    return 0


def manifest_info(args, database_url: str, seconds: float | None) -> None:
    if seconds is None:  # reused: report the time of the generation that made it, if known
        stamp = RESULTS / f"{catalog_name(args.count)}.generated.json"
        if not args.database_url and stamp.exists():
            seconds = json.loads(stamp.read_text()).get("seconds")
    if args.manifest:
        manifest = write_manifest(
            args.manifest, database_url=database_url, generated_seconds=seconds
        )
        print(f"Catalog: {manifest['procedures']:,} procedures in {manifest['database']}")


if __name__ == "__main__":
    sys.exit(main())
