from django.urls import path

from tthc.catalog import views_posting as views

urlpatterns = [
    path("niem-yet/", views.index, name="posting-index"),
    path("niem-yet/co-quan/<str:code>/", views.agency_sheet, name="posting-agency"),
    path("niem-yet/co-quan/<str:code>/niem-yet.pdf", views.agency_pdf, name="posting-agency-pdf"),
    path("niem-yet/diem-tiep-nhan/<int:pk>/", views.point_sheet, name="posting-point"),
    path(
        "niem-yet/diem-tiep-nhan/<int:pk>/niem-yet.pdf", views.point_pdf, name="posting-point-pdf"
    ),
    path("niem-yet/thu-tuc/<str:code>.pdf", views.procedure_pdf, name="posting-procedure-pdf"),
]
