from django.urls import path

from rapportering import views

app_name = "rapportering"

urlpatterns = [
    path("", views.rapport_liste, name="liste"),
    path("opprett/<int:punkt_pk>/", views.rapport_opprett, name="opprett"),
    path("<int:pk>/", views.rapport_detalj, name="detalj"),
    path("<int:pk>/historikk/", views.rapport_historikk, name="historikk"),
    path("<int:pk>/rediger/<slug:seksjon>/", views.rapport_rediger, name="rediger"),
    path("<int:pk>/autolagre/", views.rapport_autolagre, name="autolagre"),
    path("<int:pk>/send/", views.rapport_send, name="send"),
    path("<int:pk>/motta/", views.rapport_motta, name="motta"),
    path("<int:pk>/kommenter/", views.rapport_kommenter, name="kommenter"),
]
