from django.urls import path

from tthc.metrics import report06_views, views

app_name = "metrics"

urlpatterns = [
    path("quan-tri/thong-ke-truy-cap/", views.visits_report, name="visits-report"),
    path("quan-tri/thong-ke-truy-cap/excel/", views.visits_report_xlsx, name="visits-report-xlsx"),
    path("quan-tri/bao-cao-06/", report06_views.report_page, name="report-06"),
    path("quan-tri/bao-cao-06/excel/", report06_views.report_xlsx, name="report-06-xlsx"),
]
