from django.urls import path

from tthc.metrics import index_views, public_views, report06_views, views

app_name = "metrics"

urlpatterns = [
    path("quan-tri/thong-ke-truy-cap/", views.visits_report, name="visits-report"),
    path("quan-tri/thong-ke-truy-cap/excel/", views.visits_report_xlsx, name="visits-report-xlsx"),
    path("quan-tri/bao-cao-06/", report06_views.report_page, name="report-06"),
    path("quan-tri/bao-cao-06/excel/", report06_views.report_xlsx, name="report-06-xlsx"),
    path("quan-tri/chi-so-766/", index_views.index_page, name="index-staff"),
    path("quan-tri/chi-so-766/<str:code>/", index_views.items_page, name="index-items"),
    path("quan-tri/chi-so-766/<str:code>/excel/", index_views.items_xlsx, name="index-items-xlsx"),
    path("chi-so-phuc-vu/", public_views.index_page, name="public-index"),
    path("chi-so-phuc-vu/<str:code>/", public_views.index_page, name="public-index-agency"),
    path("danh-sach-tre-han/", public_views.late_page, name="public-late"),
    path("cong-khai/", public_views.transparency_page, name="public-transparency"),
]
