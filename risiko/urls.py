from django.urls import path

from . import views

app_name = "risiko"

urlpatterns = [
    path("", views.vurdering_liste, name="liste"),
    path("ny/", views.vurdering_ny, name="ny"),
    path("<int:pk>/", views.vurdering_detalj, name="detalj"),
    path("<int:pk>/sammendrag/", views.vurdering_sammendrag, name="sammendrag"),
    path("<int:pk>/del/", views.vurdering_del, name="del"),
    path("<int:pk>/risiko/ny/", views.risiko_ny, name="risiko-ny"),
    path("<int:pk>/risiko/<int:rpk>/", views.risiko_rediger, name="risiko"),
    path("<int:pk>/risiko/<int:rpk>/slett/", views.risiko_slett, name="risiko-slett"),
    path("<int:pk>/risiko/<int:rpk>/tiltak/", views.tiltak_ny, name="tiltak-ny"),
    path("<int:pk>/risiko/<int:rpk>/tiltak/<int:tpk>/", views.tiltak_rediger, name="tiltak"),
]
