from django.urls import path

from tthc.catalog import views_public as views

urlpatterns = [
    path("thu-tuc/", views.home, name="home"),
    path("tim-kiem/", views.search, name="search"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("thu-tuc/<str:code>/in/", views.procedure_print, name="procedure-print"),
    path("linh-vuc/<int:pk>/", views.field, name="field"),
    path("co-quan/", views.agencies, name="agencies"),
    path("co-quan/<str:code>/", views.agency, name="agency"),
    path("su-kien/", views.life_events, name="life-events"),
    path("su-kien/<slug:slug>/", views.life_event, name="life-event"),
    path("ngon-ngu/", views.set_language, name="set-language"),
]
