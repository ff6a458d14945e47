from django.urls import path

from tthc.catalog import views_public as views

urlpatterns = [
    path("", views.home, name="home"),
]
