"""Forms of the dossier pages. They only parse input; the rules live in `services`."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tthc.catalog.documents import quantity_text
from tthc.core.uploads import ALLOWED_TEXT
from tthc.dossiers.models import ApplicantKind, DocumentForm
from tthc.dossiers.personal import ApplicantInput
from tthc.dossiers.selectors import checklist_groups

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
    """The online submission: applicant, resolving agency and desk, one file per document.
    `desks` maps each offered agency to the staffed desks the routing rule gives it; `kept`
    names the upload fields that already hold a file from a refused attempt."""

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

    def __init__(self, *args, documents, agencies, desks, kept=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        self.kept = kept or {}
        self.fields["resolving_agency"].choices = [(a.code, a.name) for a in agencies]
        if len(agencies) == 1:
            self.fields["resolving_agency"].initial = agencies[0].code
            self.fields["reception_point"].choices = [
                (str(p.pk), p.name) for p in desks[agencies[0].pk]
            ]
        else:
            # Without JavaScript the desk list cannot follow the agency chosen: by default the
            # routing rule picks the desk of the agency chosen; a citizen may name one.
            self.fields["reception_point"].choices = [
                ("", _("Trung tâm phục vụ hành chính công của cơ quan giải quyết đã chọn"))
            ] + [
                (a.name, [(str(p.pk), p.name) for p in desks[a.pk]])
                for a in agencies
                if desks[a.pk]
            ]
        for row in documents:
            required = not row["optional"] and row["field"] not in self.kept
            self.fields[row["field"]] = forms.FileField(
                label=row["label"],
                required=required,
                error_messages={"required": _("Cần tải lên “%s”.") % row["label"][:120]},
                help_text=self._help(row),
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )
        self.allowed_text = ALLOWED_TEXT

    def show_kept(self, kept: dict) -> None:
        """After a refused POST: the fields that now hold a kept file are no longer required."""
        self.kept = kept
        for row in self.documents:
            if row["field"] in kept:
                self.fields[row["field"]].required = False
                # The bound field copied the help text when the form was validated.
                self.fields[row["field"]].help_text = self[row["field"]].help_text = self._help(row)

    def _help(self, row) -> str:
        parts = [str(_("Bắt buộc.")) if not row["optional"] else str(_("Nộp nếu có."))]
        quantity = quantity_text(row)
        if quantity:
            parts.append(
                str(_("Theo quy định: %(quantity)s; một tệp (bản chụp hoặc bản điện tử) là đủ."))
                % {"quantity": quantity}
            )
        kept = self.kept.get(row["field"])
        if kept:
            parts.append(
                str(_("Đã tải lên: %(name)s (được giữ lại; chọn tệp khác để thay)."))
                % {"name": kept["display"]}
            )
        return " ".join(parts)

    def file_groups(self):
        """The upload fields grouped as the checklist is (by condition)."""
        return [
            {
                "heading": group["heading"],
                "condition": group["condition"],
                "fields": [(row, self[row["field"]]) for row in group["rows"]],
            }
            for group in checklist_groups(self.documents)
        ]


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
    (DocumentForm.ORIGINAL, _("Bản chính")),
    (DocumentForm.COPY, _("Bản sao")),
    (DocumentForm.CERTIFIED_COPY, _("Bản sao chứng thực")),
]
