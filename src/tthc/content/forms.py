"""Wagtail's document form with the platform's upload rules (`WAGTAILDOCS_DOCUMENT_FORM_BASE`).

Documents attached to articles and events are downloadable by anyone: the same size limit as
every other upload, and a PDF that carries active content (JavaScript, launch actions, embedded
files) is refused, as for dossier documents (`tthc.core.uploads`)."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

from tthc.core import uploads


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not file or "file" not in self.changed_data:
            return file
        limit = uploads.max_bytes()
        if file.size > limit:
            raise forms.ValidationError(
                _("Tệp quá lớn (%(size)s MB); tối đa %(limit)d MB.")
                % {
                    "size": number_format(file.size / 1024 / 1024, 1),
                    "limit": limit // 1024 // 1024,
                }
            )
        if file.name.lower().endswith(".pdf"):
            file.seek(0)
            active = uploads.pdf_active_content(file.read())
            file.seek(0)
            if active:
                raise forms.ValidationError(
                    _("Tệp PDF có %(what)s: không đăng lên cổng thông tin được.") % {"what": active}
                )
        return file
