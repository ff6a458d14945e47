from django.urls import path

from tthc.catalog import views_manage as views

urlpatterns = [
    path("quan-tri/thu-tuc/", views.procedure_list, name="manage-list"),
    path("quan-tri/thu-tuc/them/", views.procedure_create, name="manage-create"),
    path("quan-tri/thu-tuc/<str:code>/sua/", views.procedure_edit, name="manage-edit"),
    path("quan-tri/thu-tuc/<str:code>/lich-su/", views.procedure_history, name="manage-history"),
    path("quan-tri/thu-tuc/<str:code>/bai-bo/", views.procedure_abolish, name="manage-abolish"),
    path("quan-tri/quyet-dinh/", views.decision_list, name="manage-decisions"),
    path("quan-tri/quyet-dinh/them/", views.decision_create, name="manage-decision-create"),
    path("quan-tri/quyet-dinh/<int:pk>/", views.decision_detail, name="manage-decision"),
    path("quan-tri/nhap-thu-tuc/", views.import_start, name="manage-import"),
    path("quan-tri/nhap-thu-tuc/<int:pk>/", views.import_status, name="manage-import-status"),
]
