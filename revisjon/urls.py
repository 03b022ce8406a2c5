from django.urls import path

from . import views

app_name = "revisjon"

urlpatterns = [
    path("", views.merknad_liste, name="liste"),
    path("ny/", views.merknad_ny, name="ny"),
    path("<int:pk>/", views.merknad_detalj, name="detalj"),
    path("<int:pk>/rediger/", views.merknad_rediger, name="rediger"),
    path("<int:pk>/tiltak/", views.tiltak_ny, name="tiltak-ny"),
    path("<int:pk>/tiltak/<int:tpk>/", views.tiltak_rediger, name="tiltak"),
    path("<int:pk>/lukk/", views.merknad_lukk, name="lukk"),
    path("<int:pk>/svarbrev/", views.svarbrev_ny, name="svarbrev-ny"),
    path("<int:pk>/svarbrev/<int:spk>/", views.svarbrev_last_ned, name="svarbrev"),
]
