"""Forms: field rendering and parsing only; the rules are in `services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tthc.feedback.models import Category, Channel
from tthc.feedback.services import CONTENT_MAX, TITLE_MAX, FeedbackInput
from tthc.org.models import Agency


class FeedbackForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Loại phản ánh, kiến nghị"), choices=Category.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=TITLE_MAX)
    content = forms.CharField(
        label=_("Nội dung"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Mỗi phản ánh, kiến nghị về một vấn đề."),
    )
    procedure_code = forms.CharField(
        label=_("Mã thủ tục liên quan (nếu có)"), required=False, max_length=40
    )
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ liên quan (nếu có)"), required=False, max_length=64
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan bị phản ánh (nếu biết)"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Không rõ — gửi Văn phòng UBND tỉnh chuyển cơ quan có thẩm quyền"),
    )
    sender_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    sender_phone = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        max_length=20,
        help_text=_("Nhận tin nhắn thông báo, kèm mã phản ánh và mã tra cứu."),
    )
    sender_email = forms.CharField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        help_text=_(
            "Nhận thư thông báo, kèm mã tra cứu. Cần ít nhất số điện thoại hoặc thư điện tử. "
            "Khi tra cứu, nhập mã tra cứu (hiện sau khi gửi) hoặc địa chỉ thư này."
        ),
    )
    sender_address = forms.CharField(label=_("Địa chỉ"), max_length=300)
    repeat_of_code = forms.CharField(
        label=_("Phản ánh lại về câu trả lời có mã (nếu có)"), required=False, max_length=32
    )
    # Honeypot: hidden from people by CSS, filled in by naive robots.
    website = forms.CharField(label=_("Để trống ô này"), required=False)

    def to_input(self) -> FeedbackInput:
        data = self.cleaned_data
        return FeedbackInput(
            category=data["category"],
            title=data["title"],
            content=data["content"],
            sender_name=data["sender_name"],
            sender_address=data["sender_address"],
            sender_phone=data["sender_phone"],
            sender_email=data["sender_email"],
            procedure_code=data["procedure_code"],
            dossier_code=data["dossier_code"],
            agency=data["agency"],
            repeat_of_code=data["repeat_of_code"],
        )


class EntryForm(FeedbackForm):
    channel = forms.ChoiceField(
        label=_("Hình thức tiếp nhận"),
        choices=[
            (Channel.PHONE, Channel.PHONE.label),
            (Channel.LETTER, Channel.LETTER.label),
            (Channel.COUNTER, Channel.COUNTER.label),
        ],
    )
    field_order = ["channel"]
