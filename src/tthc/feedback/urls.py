from django.urls import include, path

from tthc.feedback import open311, views

app_name = "feedback"

urlpatterns = [
    path("phan-anh/", views.archive, name="archive"),
    path("phan-anh/gui/", views.submit, name="submit"),
    path("phan-anh/tra-cuu/", views.lookup, name="lookup"),
    path("phan-anh/tra-cuu/bo-sung/", views.supplement, name="supplement"),
    path("phan-anh/<str:code>/", views.answer, name="answer"),
    path("phan-anh/<str:code>/tep/<int:pk>/", views.public_attachment, name="public-attachment"),
    path("phan-anh/<str:code>/binh-chon/", views.vote, name="vote"),
    path("quan-tri/phan-anh/", views.staff_list, name="staff-list"),
    path("quan-tri/phan-anh/nhap/", views.staff_enter, name="staff-enter"),
    path("quan-tri/phan-anh/so-lieu/", views.staff_figures, name="staff-figures"),
    path("quan-tri/phan-anh/so-lieu/excel/", views.staff_figures_xlsx, name="staff-figures-xlsx"),
    path("quan-tri/phan-anh/<str:code>/", views.staff_detail, name="staff-detail"),
    path("quan-tri/phan-anh/<str:code>/thao-tac/", views.staff_action, name="staff-action"),
    path(
        "quan-tri/phan-anh/<str:code>/tep/<int:pk>/",
        views.staff_attachment,
        name="staff-attachment",
    ),
    path("open311/v2/", include(open311.urlpatterns)),
]
