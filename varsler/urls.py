from django.urls import path

from . import views

app_name = "varsler"

# Under /oppdrag/kalender/ (config/urls.py), where the addresses have always been.
urlpatterns = [
    path("", views.kalender_innstillinger, name="kalender-innstillinger"),
    path("<str:token>.ics", views.kalender_feed, name="kalender"),
]
