"""A chooser of catalog procedures for the articles' "related procedures", searched like the
portal's own search (folded words against the folded name, or the procedure's code)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from tthc.catalog.models import Procedure, Status
from tthc.core.text import fold_words


class ProcedureFilterForm(BaseFilterForm):
    q = forms.CharField(
        label="Tên hoặc mã thủ tục",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Tìm theo tên hoặc mã thủ tục"}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        self.is_searching = True
        self.search_query = query
        by_name = Q()
        for word in fold_words(query):
            by_name &= Q(name_folded__contains=word)
        return objects.filter(by_name | Q(code__iexact=query))


class ProcedureChooseView(ChooseView):
    filter_form_class = ProcedureFilterForm


class ProcedureChooseResultsView(ChooseResultsView):
    filter_form_class = ProcedureFilterForm


class ProcedureChooserViewSet(ChooserViewSet):
    model = Procedure
    icon = "list-ul"
    choose_one_text = "Chọn thủ tục hành chính"
    choose_another_text = "Chọn thủ tục khác"
    edit_item_text = "Sửa"
    per_page = 20
    choose_view_class = ProcedureChooseView
    choose_results_view_class = ProcedureChooseResultsView

    def get_object_list(self):
        return Procedure.objects.exclude(status=Status.ABOLISHED).order_by("code")


procedure_chooser_viewset = ProcedureChooserViewSet("procedure_chooser", url_prefix="thu-tuc")
