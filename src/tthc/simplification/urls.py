from django.urls import path

from tthc.simplification import views

app_name = "simplification"

urlpatterns = [
    path("don-gian-hoa/", views.public_list, name="public-list"),
    path("quan-tri/don-gian-hoa/", views.staff_list, name="staff-list"),
    path("quan-tri/don-gian-hoa/tao/", views.staff_create, name="staff-create"),
    path("quan-tri/don-gian-hoa/chi-phi/", views.staff_costs, name="staff-costs"),
    path(
        "quan-tri/don-gian-hoa/chi-phi/<str:procedure>/<str:channel>/",
        views.staff_cost,
        name="staff-cost",
    ),
    path("quan-tri/don-gian-hoa/so-lieu/", views.staff_figures, name="staff-figures"),
    path("quan-tri/don-gian-hoa/bao-cao.xlsx", views.staff_report_xlsx, name="staff-report-xlsx"),
    path("quan-tri/don-gian-hoa/bao-cao.pdf", views.staff_report_pdf, name="staff-report-pdf"),
    path("quan-tri/don-gian-hoa/<str:code>/", views.staff_detail, name="staff-detail"),
    path("quan-tri/don-gian-hoa/<str:code>/thao-tac/", views.staff_action, name="staff-action"),
    path(
        "quan-tri/don-gian-hoa/<str:code>/thu-tuc/<str:procedure>/",
        views.staff_item,
        name="staff-item",
    ),
]
