from django.urls import path

from . import views

app_name = "styring"

urlpatterns = [
    path("", views.brev_liste, name="brev-liste"),
]
