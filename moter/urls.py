from django.urls import path

from moter import views

app_name = "moter"

urlpatterns = [
    path("", views.mote_liste, name="liste"),
    path("ny/<int:brev_pk>/", views.mote_ny, name="ny"),
    path("<int:pk>/", views.mote_detalj, name="detalj"),
    path("<int:pk>/rediger/", views.mote_rediger, name="rediger"),
    path("<int:pk>/historikk/", views.mote_historikk, name="historikk"),
    path("<int:pk>/deltakere/", views.deltaker_ny, name="deltaker-ny"),
    path("<int:pk>/deltakere/<int:deltaker_pk>/fjern/", views.deltaker_fjern, name="deltaker-fjern"),
    path("<int:pk>/saker/", views.sak_ny, name="sak-ny"),
    path("<int:pk>/saker/<int:sak_pk>/trekk/", views.sak_trekk, name="sak-trekk"),
    path("<int:pk>/dokumenter/", views.vedlegg_ny, name="vedlegg-ny"),
    path("<int:pk>/dokumenter/<int:vedlegg_pk>/", views.vedlegg_last_ned, name="vedlegg"),
    path("<int:pk>/referat/start/", views.referat_start, name="referat-start"),
    path("<int:pk>/referat/", views.referat, name="referat"),
    path("<int:pk>/referat/send/", views.referat_send, name="referat-send"),
    path("<int:pk>/referat/merknad/", views.referat_merknad, name="referat-merknad"),
    path("<int:pk>/referat/godkjenn/", views.referat_godkjenn, name="referat-godkjenn"),
    path("<int:pk>/vedtak/ny/", views.vedtak_ny, name="vedtak-ny"),
    path("<int:pk>/vedtak/<int:vedtak_pk>/", views.vedtak_rediger, name="vedtak-rediger"),
    path("<int:pk>/vedtak/<int:vedtak_pk>/slett/", views.vedtak_slett, name="vedtak-slett"),
    path("<int:pk>/vedtak/<int:vedtak_pk>/oppdrag/", views.vedtak_oppdrag, name="vedtak-oppdrag"),
    path("<int:pk>/vedtak/<int:vedtak_pk>/oppfolging/", views.punkt_oppdater, name="punkt-oppdater"),
]
