"""Life events (sự kiện cuộc sống): a small curated entry point into the catalog.

People look for "what do I need when my child is born", not for a field name. Each event names
the fields (by their Vietnamese name, as the national catalog spells them) and keywords whose
procedures belong to it; matching is folded (case and diacritics), like search. Labels are
Vietnamese and go through gettext for the English interface.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class LifeEvent:
    slug: str
    label: str
    description: str
    fields: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


LIFE_EVENTS: tuple[LifeEvent, ...] = (
    LifeEvent(
        slug="sinh-con",
        label=_("Khi sinh con"),
        description=_("Đăng ký khai sinh, nhận cha, mẹ, con, cấp bản sao giấy khai sinh."),
        keywords=("khai sinh", "nhan cha, me, con", "nhan cha me con"),
    ),
    LifeEvent(
        slug="ket-hon",
        label=_("Kết hôn"),
        description=_("Đăng ký kết hôn, xác nhận tình trạng hôn nhân."),
        keywords=("ket hon", "tinh trang hon nhan"),
    ),
    LifeEvent(
        slug="nuoi-con-nuoi",
        label=_("Nhận con nuôi, giám hộ"),
        description=_("Đăng ký nuôi con nuôi, giám hộ và các việc liên quan."),
        fields=("Nuôi con nuôi",),
        keywords=("giam ho",),
    ),
    LifeEvent(
        slug="nguoi-than-qua-doi",
        label=_("Khi người thân qua đời"),
        description=_("Đăng ký khai tử, chứng thực di chúc, văn bản thừa kế."),
        keywords=("khai tu", "di chuc", "thua ke", "di san"),
    ),
    LifeEvent(
        slug="xay-nha",
        label=_("Xây nhà"),
        description=_("Giấy phép xây dựng, hạ tầng kỹ thuật, đấu nối giao thông."),
        fields=("Hạ tầng kỹ thuật",),
        keywords=("xay dung", "dau noi"),
    ),
    LifeEvent(
        slug="thanh-lap-doanh-nghiep",
        label=_("Thành lập doanh nghiệp, tổ chức hành nghề"),
        description=_("Thành lập, đăng ký hoạt động của doanh nghiệp và tổ chức hành nghề."),
        keywords=("thanh lap", "dang ky hoat dong", "doanh nghiep"),
    ),
    LifeEvent(
        slug="phuong-tien",
        label=_("Sở hữu phương tiện giao thông"),
        description=_("Đăng ký, đăng kiểm, giấy phép lưu hành phương tiện."),
        fields=("Đường bộ", "Đăng kiểm", "Hàng hải và đường thủy nội địa", "Đường sắt"),
    ),
    LifeEvent(
        slug="giay-to-chung-thuc",
        label=_("Chứng thực giấy tờ"),
        description=_("Chứng thực bản sao, chữ ký, hợp đồng, giao dịch."),
        fields=("Chứng thực",),
    ),
    LifeEvent(
        slug="tranh-chap-tro-giup-phap-ly",
        label=_("Hòa giải, trợ giúp pháp lý"),
        description=_("Hòa giải ở cơ sở, trợ giúp pháp lý, tư vấn pháp luật, bồi thường nhà nước."),
        fields=(
            "Hòa giải ở cơ sở",
            "Trợ giúp pháp lý",
            "Tư vấn pháp luật",
            "Bồi thường nhà nước",
        ),
    ),
)

_BY_SLUG = {event.slug: event for event in LIFE_EVENTS}


def get_life_event(slug: str) -> LifeEvent | None:
    return _BY_SLUG.get(slug)
