from django.urls import path

from tthc.metrics import views

app_name = "metrics"

urlpatterns = [
    path("quan-tri/thong-ke-truy-cap/", views.visits_report, name="visits-report"),
    path("quan-tri/thong-ke-truy-cap/excel/", views.visits_report_xlsx, name="visits-report-xlsx"),
]
