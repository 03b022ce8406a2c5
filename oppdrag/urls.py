from django.urls import path

from . import views

app_name = "oppdrag"

urlpatterns = [
    path("", views.oppdrag_liste, name="liste"),
    path("<int:pk>/", views.oppdrag_detail, name="detalj"),
]
