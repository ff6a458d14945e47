from django.urls import path

from tthc.workdays import views

app_name = "workdays"

urlpatterns = [
    path("lich-lam-viec/", views.public_calendar, name="public-calendar"),
    path("lich-lam-viec/<int:year>/", views.public_calendar, name="public-calendar-year"),
    path("quan-tri/lich-lam-viec/", views.overrides, name="overrides"),
    path("quan-tri/lich-lam-viec/<int:pk>/sua/", views.override_edit, name="override-edit"),
    path("quan-tri/lich-lam-viec/<int:pk>/xoa/", views.override_delete, name="override-delete"),
]
