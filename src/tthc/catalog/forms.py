"""Forms of the catalog-management screens. They parse input into the structured schema
(`tthc.catalog.schemas.ProcedureData`) and back; every rule lives in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory

from tthc.catalog.models import DecisionAction, Level, OnlineLevel, PublicationDecision
from tthc.core.text import ascii_digits
from tthc.org.models import Agency

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]
CHANNEL_CHOICES = [
    ("", "— chọn cách thức —"),
    ("in_person", "Trực tiếp"),
    ("online", "Trực tuyến"),
    ("postal", "Dịch vụ bưu chính công ích"),
]
UNIT_CHOICES = [
    ("none", "— (chỉ ghi bằng chữ)"),
    ("working_days", "ngày làm việc"),
    ("days", "ngày"),
    ("hours", "giờ"),
    ("months", "tháng"),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUTS,
        widget=DateInput(),
        error_messages={
            "required": f"Nhập {label.lower()}.",
            "invalid": "Ngày không hợp lệ (dd/mm/yyyy).",
        },
    )


class ProcedureForm(forms.Form):
    """The procedure's scalar components; lists are in the formsets below."""

    code = forms.CharField(
        label="Mã thủ tục",
        max_length=40,
        help_text="Một chữ số, dấu chấm và sáu chữ số, ví dụ 1.001193.",
        error_messages={"required": "Nhập mã thủ tục."},
    )
    name = forms.CharField(
        label="(a) Tên thủ tục",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Nhập tên thủ tục."},
    )
    levels = forms.MultipleChoiceField(
        label="Cấp thực hiện",
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field = forms.CharField(label="Lĩnh vực", max_length=255, required=False)
    procedure_type = forms.CharField(label="Loại thủ tục", max_length=255, required=False)
    subjects = forms.CharField(
        label="(e) Đối tượng thực hiện",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mỗi dòng một đối tượng.",
    )
    online_level = forms.ChoiceField(
        label="Dịch vụ công trực tuyến", choices=OnlineLevel.choices, initial="none"
    )
    boundary_free = forms.BooleanField(
        label="Tiếp nhận không phụ thuộc địa giới hành chính", required=False
    )
    agencies = forms.ModelMultipleChoiceField(
        label="(g) Cơ quan thực hiện trong tỉnh",
        queryset=Agency.objects.filter(is_active=True).order_by("unit__level", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Giữ Ctrl để chọn nhiều cơ quan. Có thể ghi bằng chữ ở ô bên dưới.",
    )
    implementing_agency = forms.CharField(
        label="Cơ quan thực hiện (ghi theo quyết định công bố)", max_length=2000, required=False
    )
    competent_agency = forms.CharField(
        label="Cơ quan có thẩm quyền", max_length=2000, required=False
    )
    authorised_agency = forms.CharField(
        label="Cơ quan được ủy quyền", max_length=2000, required=False
    )
    coordinating_agency = forms.CharField(label="Cơ quan phối hợp", max_length=2000, required=False)
    reception_address = forms.CharField(
        label="Địa chỉ tiếp nhận", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    requirements = forms.CharField(
        label="Yêu cầu, điều kiện", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document_notes = forms.CharField(
        label="Lưu ý về thành phần hồ sơ",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một lưu ý; hiện dưới danh sách giấy tờ, không phải giấy tờ phải nộp.",
    )
    related_procedures = forms.CharField(
        label="Thủ tục liên quan", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    keywords = forms.CharField(label="Từ khóa", required=False)
    description = forms.CharField(
        label="Mô tả", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.ModelChoiceField(
        label="Theo quyết định công bố",
        queryset=PublicationDecision.objects.order_by("-signed_on", "number"),
        required=False,
        empty_label="— không gắn quyết định (có hiệu lực ngay) —",
        help_text="Nếu quyết định có hiệu lực sau hôm nay, phiên bản mới được lưu và chỉ "
        "áp dụng từ ngày hiệu lực.",
    )
    note = forms.CharField(label="Ghi chú thay đổi", max_length=500, required=False)

    SCALARS = (
        "name",
        "field",
        "procedure_type",
        "online_level",
        "boundary_free",
        "implementing_agency",
        "competent_agency",
        "authorised_agency",
        "coordinating_agency",
        "reception_address",
        "requirements",
        "related_procedures",
        "keywords",
        "description",
    )

    # Office hours of this procedure where they differ from the province's (DOMAIN §5).
    OFFICE_HOURS = {
        "morning_start": "Giờ bắt đầu buổi sáng",
        "morning_end": "Giờ kết thúc buổi sáng",
        "afternoon_start": "Giờ bắt đầu buổi chiều",
        "afternoon_end": "Giờ đóng cửa (kết thúc buổi chiều)",
        "cutoff": "Giờ chốt nhận hồ sơ trả trong ngày",
    }

    def __init__(self, *args, create: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not create:
            del self.fields["code"]
        for key, label in self.OFFICE_HOURS.items():
            self.fields[f"hours_{key}"] = forms.RegexField(
                label=label,
                regex=r"^([01]\d|2[0-3]):[0-5]\d$",
                required=False,
                help_text="Để trống: theo giờ làm việc chung của tỉnh.",
                error_messages={"invalid": "Nhập giờ dạng HH:MM, ví dụ 16:30."},
                widget=forms.TextInput(attrs={"placeholder": "HH:MM", "inputmode": "numeric"}),
            )

    def office_hours_fields(self):
        return [self[f"hours_{key}"] for key in self.OFFICE_HOURS]

    @classmethod
    def initial_from(cls, data: dict[str, Any], *, agencies: list[Agency]) -> dict[str, Any]:
        initial = {key: data.get(key, "") for key in cls.SCALARS}
        initial["levels"] = data.get("levels", [])
        initial["subjects"] = "\n".join(data.get("subjects", []))
        initial["document_notes"] = "\n".join(data.get("document_notes", []))
        initial["agencies"] = [a.pk for a in agencies]
        for key, value in (data.get("office_hours") or {}).items():
            initial[f"hours_{key}"] = value or ""
        return initial

    def scalar_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        data = {key: cleaned[key] for key in self.SCALARS}
        data["levels"] = list(cleaned["levels"])
        data["subjects"] = _lines(cleaned["subjects"])
        data["document_notes"] = _lines(cleaned["document_notes"])
        hours = {
            key: cleaned[f"hours_{key}"] for key in self.OFFICE_HOURS if cleaned[f"hours_{key}"]
        }
        data["office_hours"] = hours or None
        return data


class StepForm(forms.Form):
    text = forms.CharField(
        label="Bước", widget=forms.Textarea(attrs={"rows": 2}), required=False, strip=True
    )

    def value(self) -> str | None:
        return self.cleaned_data.get("text") or None


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(label="Cách thức", choices=CHANNEL_CHOICES, required=False)
    amount = forms.DecimalField(
        label="Thời hạn (số)",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        error_messages={"invalid": "Thời hạn phải là một số."},
    )
    unit = forms.ChoiceField(label="Đơn vị", choices=UNIT_CHOICES, initial="none")
    time_text = forms.CharField(label="Thời hạn (như văn bản)", max_length=500, required=False)
    fees = forms.CharField(
        label="Phí, lệ phí",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mỗi dòng một khoản: “số tiền | mô tả”, ví dụ “8000 | 8.000 đồng/bản”.",
    )
    description = forms.CharField(
        label="Mô tả", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        filled = any(
            cleaned.get(k) not in (None, "") for k in ("amount", "time_text", "fees", "description")
        )
        if filled and not cleaned.get("channel"):
            self.add_error("channel", "Chọn cách thức thực hiện cho dòng này.")
        fees = []
        for line in _lines(cleaned.get("fees", "")):
            amount_text, sep, text = line.partition("|")
            amount_text = amount_text.strip().replace(".", "").replace(",", "")
            if sep:
                if amount_text and not ascii_digits(amount_text):
                    self.add_error("fees", f"Số tiền “{amount_text}” không phải số nguyên (đồng).")
                    continue
                fees.append(
                    {"amount_vnd": int(amount_text) if amount_text else None, "text": text.strip()}
                )
            elif ascii_digits(amount_text):
                fees.append({"amount_vnd": int(amount_text), "text": ""})
            else:
                fees.append({"amount_vnd": None, "text": line})
        cleaned["fee_list"] = fees
        return cleaned

    def value(self) -> dict[str, Any] | None:
        c = self.cleaned_data
        if not c.get("channel"):
            return None
        amount = c.get("amount")
        if amount is not None and amount == amount.to_integral_value():
            amount = amount.quantize(Decimal(1))
        return {
            "channel": c["channel"],
            "processing_time": {
                "amount": str(amount) if amount is not None else None,
                "unit": c.get("unit") or "none",
                "text": c.get("time_text", ""),
            },
            "fees": c["fee_list"],
            "description": c.get("description", ""),
        }

    @staticmethod
    def initial_from(channel: dict[str, Any]) -> dict[str, Any]:
        time = channel.get("processing_time") or {}
        return {
            "channel": channel["channel"],
            "amount": time.get("amount"),
            "unit": time.get("unit", "none"),
            "time_text": time.get("text", ""),
            "fees": "\n".join(
                f"{'' if f.get('amount_vnd') is None else f['amount_vnd']} | {f.get('text', '')}"
                for f in channel.get("fees", [])
            ),
            "description": channel.get("description", ""),
        }


class DocumentForm(forms.Form):
    name = forms.CharField(
        label="Tên giấy tờ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    group = forms.CharField(label="Nhóm (trường hợp)", max_length=1000, required=False)
    form = forms.CharField(label="Mẫu đơn, tờ khai", max_length=1000, required=False)
    originals = forms.IntegerField(label="Bản chính", min_value=0, required=False)
    copies = forms.IntegerField(label="Bản sao", min_value=0, required=False)
    condition = forms.CharField(
        label="Trường hợp phải nộp",
        max_length=1000,
        required=False,
        help_text="Để trống: luôn nộp.",
    )
    optional = forms.BooleanField(label="Không bắt buộc", required=False)

    def clean(self):
        cleaned = super().clean()
        others = any(cleaned.get(k) not in (None, "") for k in ("group", "form", "condition"))
        if others and not cleaned.get("name"):
            self.add_error("name", "Nhập tên giấy tờ.")
        return cleaned

    def value(self) -> dict[str, Any] | None:
        c = self.cleaned_data
        if not c.get("name"):
            return None
        value = {k: c.get(k) if k in ("originals", "copies") else c.get(k, "") for k in DOC_KEYS}
        value["mandatory"] = not c.get("optional")
        return value

    @staticmethod
    def initial_from(document: dict[str, Any]) -> dict[str, Any]:
        initial = {k: document.get(k) for k in DOC_KEYS}
        initial["optional"] = not document.get("mandatory", True)
        return initial


DOC_KEYS = ("name", "group", "form", "originals", "copies", "condition")


class LegalBasisForm(forms.Form):
    title = forms.CharField(label="Tên văn bản", max_length=2000, required=False)
    number = forms.CharField(label="Số hiệu", max_length=200, required=False)

    def value(self) -> dict[str, Any] | None:
        c = self.cleaned_data
        if not (c.get("title") or c.get("number")):
            return None
        return {"title": c.get("title", ""), "number": c.get("number", "")}


class ResultForm(forms.Form):
    name = forms.CharField(label="Kết quả", max_length=2000, required=False)
    code = forms.CharField(label="Mã kết quả", max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("code") and not cleaned.get("name"):
            self.add_error("name", "Nhập tên kết quả.")
        return cleaned

    def value(self) -> dict[str, Any] | None:
        c = self.cleaned_data
        if not c.get("name"):
            return None
        return {"name": c["name"], "code": c.get("code", "")}


# component key → (prefix, form class, how a stored item becomes the row's initial)
FORMSETS = {
    "steps": ("buoc", StepForm, lambda s: {"text": s}),
    "channels": ("kenh", ChannelForm, ChannelForm.initial_from),
    "documents": ("giayto", DocumentForm, DocumentForm.initial_from),
    "legal_bases": ("cancu", LegalBasisForm, lambda b: dict(b)),
    "results": ("ketqua", ResultForm, lambda r: dict(r)),
}
EXTRA_ROWS = {"steps": 2, "channels": 2, "documents": 3, "legal_bases": 2, "results": 1}


def build_formsets(data: dict[str, Any] | None, post=None) -> dict[str, forms.BaseFormSet]:
    """One formset per list component, filled from `data` (a version's content) or the POST."""
    formsets = {}
    for key, (prefix, form_class, to_initial) in FORMSETS.items():
        formset_class = formset_factory(
            form_class, extra=EXTRA_ROWS[key], can_delete=True, max_num=500
        )
        initial = [to_initial(item) for item in (data or {}).get(key, [])]
        formsets[key] = formset_class(post, initial=initial, prefix=prefix)
    return formsets


def formsets_data(formsets: dict[str, forms.BaseFormSet]) -> dict[str, list]:
    """The list components from valid formsets: deleted and empty rows are dropped."""
    data: dict[str, list] = {}
    for key, formset in formsets.items():
        values = []
        for form in formset.forms:
            if not form.has_changed() and not form.initial:
                continue
            if formset.can_delete and form.cleaned_data.get("DELETE"):
                continue
            value = form.value()
            if value is not None:
                values.append(value)
        data[key] = values
    return data


class DecisionForm(forms.Form):
    number = forms.CharField(
        label="Số quyết định",
        max_length=80,
        error_messages={"required": "Nhập số quyết định công bố."},
        help_text="Ví dụ 1234/QĐ-UBND.",
    )
    title = forms.CharField(label="Trích yếu", max_length=500, required=False)
    issuer = forms.CharField(
        label="Người, cơ quan ban hành",
        max_length=255,
        error_messages={"required": "Nhập người, cơ quan ban hành."},
    )
    signed_on = date_field("Ngày ban hành")
    effective_on = date_field("Ngày có hiệu lực")


class DecisionItemForm(forms.Form):
    code = forms.CharField(label="Mã thủ tục", max_length=40, required=False)
    action = forms.ChoiceField(
        label="Nội dung", choices=[("", "—"), *DecisionAction.choices], required=False
    )
    replaces = forms.CharField(label="Thay thế thủ tục mã", max_length=40, required=False)
    effective_on = date_field("Hiệu lực riêng (nếu khác)", required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("code") and not cleaned.get("action"):
            self.add_error("action", "Chọn nội dung công bố.")
        if cleaned.get("action") and not cleaned.get("code"):
            self.add_error("code", "Nhập mã thủ tục.")
        if cleaned.get("action") == DecisionAction.REPLACED and not cleaned.get("replaces"):
            self.add_error("replaces", "Nhập mã thủ tục bị thay thế.")
        return cleaned


DecisionItemFormSet = formset_factory(DecisionItemForm, extra=5, max_num=500)


class AbolishForm(forms.Form):
    number = DecisionForm.base_fields["number"]
    issuer = DecisionForm.base_fields["issuer"]
    signed_on = date_field("Ngày ban hành")
    effective_on = date_field("Ngày có hiệu lực")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".json,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="Tệp dữ liệu (.json của Cổng DVCQG, .xlsx danh sách thủ tục)",
        error_messages={"required": "Chọn ít nhất một tệp để nhập.", "empty": "Tệp rỗng."},
    )
