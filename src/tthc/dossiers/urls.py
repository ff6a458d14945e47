from django.urls import path

from tthc.dossiers import staff_views, views

app_name = "dossiers"

urlpatterns = [
    path("tra-cuu-ho-so/", views.lookup, name="lookup"),
    path("tra-cuu-ho-so/danh-gia/", views.lookup_rate, name="lookup-rate"),
    path("tra-cuu-ho-so/bo-sung/", views.lookup_supplement, name="lookup-supplement"),
    path("tra-cuu-ho-so/ket-qua/", views.lookup_result, name="lookup-result"),
    path("nop-truc-tuyen/da-nop/", views.submitted, name="submitted"),
    path("nop-truc-tuyen/<str:code>/", views.apply, name="apply"),
    path("quan-tri/ho-so/", staff_views.queue, name="staff-queue"),
    path("quan-tri/ho-so/tiep-nhan/", staff_views.reception, name="staff-reception"),
    path("quan-tri/ho-so/so-theo-doi/", staff_views.tracking_book, name="staff-book"),
    path("quan-tri/ho-so/tim/", staff_views.find, name="staff-find"),
    path("quan-tri/nhat-ky/", staff_views.audit_log, name="staff-audit"),
    path("quan-tri/quy-trinh/<str:code>/", staff_views.process_edit, name="staff-process"),
    path("quan-tri/ho-so/<str:code>/", staff_views.dossier_page, name="staff-dossier"),
    path("quan-tri/ho-so/<str:code>/thao-tac/", staff_views.dossier_action, name="staff-action"),
    path("quan-tri/ho-so/<str:code>/in/<slug:form>.pdf", staff_views.dossier_pdf, name="staff-pdf"),
    path(
        "quan-tri/ho-so/<str:code>/tep/<slug:kind>/<int:pk>/",
        staff_views.dossier_file,
        name="staff-file",
    ),
]
