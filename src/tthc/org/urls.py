from django.urls import path

from tthc.org import views

app_name = "org"

urlpatterns = [
    path("quan-tri/", views.staff_home, name="staff-home"),
]
