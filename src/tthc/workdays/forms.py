"""Forms of the calendar pages: they parse input only; rules live in services and selectors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tthc.core.errors import ApplicationError
from tthc.workdays import parsing
from tthc.workdays.engine import Unit

UNIT_CHOICES = [
    (Unit.WORKING_DAYS.value, _("ngày làm việc")),
    (Unit.DAYS.value, _("ngày (tính cả ngày nghỉ)")),
    (Unit.MONTHS.value, _("tháng")),
    (Unit.HOURS.value, _("giờ làm việc")),
    (Unit.SAME_DAY.value, _("trong ngày")),
]


class DueForm(forms.Form):
    """A citizen checks the appointment date printed on a receipt slip."""

    start = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận hồ sơ"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Cần nhập ngày giờ tiếp nhận."),
            "invalid": _("Ngày giờ tiếp nhận không hợp lệ."),
        },
    )
    amount = forms.CharField(
        label=_("Thời hạn giải quyết"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        error_messages={"required": _("Cần nhập thời hạn, ví dụ 5.")},
    )
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=UNIT_CHOICES)

    def clean_amount(self):
        try:
            return parsing.parse_amount(self.cleaned_data["amount"])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc


KIND_CHOICES = [("off", _("Ngày nghỉ")), ("working", _("Ngày làm việc"))]


class OverrideForm(forms.Form):
    """Add or change an override; ``scope`` lists the province (if allowed) and the agencies
    the user may manage."""

    date = forms.DateField(
        label=_("Ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Cần chọn ngày."),
            "invalid": _("Ngày không hợp lệ."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Ngày này là"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial="off"
    )
    name = forms.CharField(
        label=_("Tên, lý do"),
        max_length=200,
        required=False,  # the service gives the message, so it reads the same everywhere
        widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: Nghỉ lễ hội truyền thống")}),
    )
    reference = forms.CharField(
        label=_("Quyết định, văn bản"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: 123/QĐ-UBND")}),
    )
    scope = forms.ChoiceField(label=_("Phạm vi áp dụng"), required=False)

    def __init__(self, *args, province: bool, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(agency.pk): agency for agency in agencies}
        choices = [("", _("Toàn tỉnh"))] if province else []
        choices += [(pk, agency.name) for pk, agency in self.agencies.items()]
        self.fields["scope"].choices = choices
        if not province:  # only agencies: one must be chosen
            self.fields["scope"].required = True
            self.fields["scope"].error_messages["required"] = _("Cần chọn phạm vi áp dụng.")
            if choices:
                self.fields["scope"].initial = choices[0][0]

    def clean_scope(self):
        value = self.cleaned_data.get("scope") or ""
        if value and value not in self.agencies:
            raise forms.ValidationError(_("Phạm vi không hợp lệ."))
        return self.agencies.get(value)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "is_working": data["kind"] == "working",
            "name": data["name"],
            "reference": data["reference"],
            "agency": data["scope"],
        }

    # service field name -> form field
    FIELD_FOR = {"date": "date", "is_working": "kind", "name": "name", "reference": "reference"}

    def add_service_error(self, exc: ApplicationError) -> None:
        self.add_error(self.FIELD_FOR.get(exc.field or ""), exc.message)
