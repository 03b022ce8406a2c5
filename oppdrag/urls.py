from django.urls import path

from . import views

app_name = "oppdrag"

urlpatterns = [
    path("", views.oppdrag_liste, name="liste"),
    path("eksport.xlsx", views.oppdrag_eksport, name="eksport"),
    path("<int:pk>/", views.oppdrag_detail, name="detalj"),
    path("<int:pk>/ansvarlig/", views.oppdrag_ansvarlig, name="ansvarlig"),
    path("<int:pk>/oppfolging/", views.oppdrag_oppfolging, name="oppfolging"),
    path("<int:pk>/leveranser/", views.oppdrag_leveranse_ny, name="leveranse-ny"),
    path("<int:pk>/leveranser/<int:leveranse_pk>/", views.leveranse_last_ned, name="leveranse"),
    path("<int:pk>/kommentar/", views.oppdrag_kommentar, name="kommentar"),
    path("<int:pk>/avslutt/", views.oppdrag_avslutt, name="avslutt"),
]
