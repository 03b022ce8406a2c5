from django.urls import path

from . import views

app_name = "innboks"

# Under /innboks/ (config/urls.py).
urlpatterns = [
    path("", views.innboks, name="innboks"),
    path("antall/", views.innboks_antall, name="antall"),
    path("alle-lest/", views.varsler_alle_lest, name="alle-lest"),
    path("<int:pk>/les/", views.varsel_les, name="les"),
]
