"""Forms of the dossier pages. They only parse input; the rules live in `services`."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tthc.core.uploads import ALLOWED_TEXT
from tthc.dossiers.models import ApplicantKind, DocumentForm
from tthc.dossiers.personal import ApplicantInput

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.odt"


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Người nộp là"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False)
    citizen_id = forms.CharField(
        label=_("Số định danh cá nhân (12 số)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    organisation_name = forms.CharField(label=_("Tên tổ chức"), max_length=300, required=False)
    tax_code = forms.CharField(label=_("Mã số thuế"), max_length=14, required=False)
    representative = forms.CharField(label=_("Người đại diện"), max_length=200, required=False)

    APPLICANT_FIELDS = (
        "kind",
        "full_name",
        "citizen_id",
        "date_of_birth",
        "phone",
        "email",
        "address",
        "organisation_name",
        "tax_code",
        "representative",
    )

    def applicant(self) -> ApplicantInput:
        data = self.cleaned_data
        values = {name: data.get(name) or "" for name in self.APPLICANT_FIELDS}
        values["date_of_birth"] = data.get("date_of_birth") or None
        return ApplicantInput(**values)

    def applicant_fields(self):
        return [self[name] for name in self.APPLICANT_FIELDS if name != "kind"]


class ApplyForm(ApplicantForm):
    """The online submission: applicant, resolving agency and desk, one file per document."""

    resolving_agency = forms.ChoiceField(label=_("Cơ quan giải quyết"))
    reception_point = forms.ChoiceField(label=_("Nơi tiếp nhận, trả kết quả"), required=False)
    # One token per rendered form: sending it twice (double click, retry) gives the first dossier.
    submission_key = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=lambda: uuid.uuid4().hex
    )
    consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý để cơ quan nhà nước xử lý dữ liệu cá nhân trên để giải quyết hồ sơ "
            "(Nghị định 13/2023/NĐ-CP)."
        ),
        error_messages={"required": _("Cần đồng ý xử lý dữ liệu cá nhân để nộp hồ sơ.")},
    )

    def __init__(self, *args, documents, agencies, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        self.fields["resolving_agency"].choices = [(a.code, a.name) for a in agencies]
        if len(agencies) == 1:
            self.fields["resolving_agency"].initial = agencies[0].code
        self.fields["reception_point"].choices = [
            ("", _("Bộ phận một cửa của cơ quan giải quyết"))
        ] + [(str(p.pk), p.name) for p in points]
        for row in documents:
            self.fields[row["field"]] = forms.FileField(
                label=row["label"],
                required=False,  # checked by the service, with the document's name
                help_text=_("Tùy chọn. ") if row["optional"] else "",
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )
        self.allowed_text = ALLOWED_TEXT

    def file_fields(self):
        return [self[row["field"]] for row in self.documents]


class ReceptionForm(ApplicantForm):
    """The counter: resolving agency, desk, fee, note; the checklist is read from the POST
    (`doc_<n>` ticked, `form_<n>`, `qty_<n>`, `scan_<n>`)."""

    resolving_agency = forms.ChoiceField(label=_("Cơ quan giải quyết"))
    reception_point = forms.ChoiceField(label=_("Điểm tiếp nhận"))
    channel = forms.TypedChoiceField(
        label=_("Hình thức nộp"),
        choices=[(1, _("Trực tiếp")), (3, _("Qua dịch vụ bưu chính công ích"))],
        coerce=int,
        initial=1,
    )
    fee_due = forms.IntegerField(label=_("Phí, lệ phí (đồng)"), min_value=0, initial=0)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=4000)

    def __init__(self, *args, agencies, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolving_agency"].choices = [(a.code, a.name) for a in agencies]
        self.fields["reception_point"].choices = [(str(p.pk), p.name) for p in points]


DOCUMENT_FORMS = [
    (DocumentForm.ORIGINAL, "Bản chính"),
    (DocumentForm.COPY, "Bản sao"),
    (DocumentForm.CERTIFIED_COPY, "Bản sao chứng thực"),
]
