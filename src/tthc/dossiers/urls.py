from django.urls import path

from tthc.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("tra-cuu-ho-so/", views.lookup, name="lookup"),
]
