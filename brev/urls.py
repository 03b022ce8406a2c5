from django.urls import path

from brev import redigering as r
from brev import views

app_name = "brev"

urlpatterns = [
    path("", views.brev_liste, name="brev-liste"),
    # The letter in the browser: reading, workflow, tillegg, carry-forward, comparison, export.
    path("<int:pk>/", views.brev_detalj, name="brev"),
    path("<int:pk>/til-godkjenning/", views.brev_til_godkjenning, name="brev-til-godkjenning"),
    path("<int:pk>/send/", views.brev_send, name="brev-send"),
    path("<int:pk>/send-tilbake/", views.brev_send_tilbake, name="brev-send-tilbake"),
    path("<int:pk>/videreforing/", views.brev_viderefor, name="brev-viderefor"),
    path("<int:pk>/kontroll/kvitter/", views.brev_kvitter, name="brev-kvitter"),
    path("<int:pk>/tillegg/ny/", views.tillegg_opprett, name="tillegg-opprett"),
    path("<int:pk>/tillegg/<int:nr>/", views.tillegg_detalj, name="tillegg"),
    path("<int:pk>/tillegg/<int:nr>/send/", views.tillegg_send, name="tillegg-send"),
    path("<int:pk>/sammenlign/", views.sammenlign, name="sammenlign"),
    path("<int:pk>/historikk/", views.brev_historikk, name="brev-historikk"),
    path("<int:pk>/budsjett.xlsx", views.budsjett_xlsx, name="budsjett-xlsx"),
]

# Editing a letter in the browser (styring.redigering); a sent letter changes through a tillegg.
_R = "<int:pk>/rediger/"
_T = "<int:pk>/tillegg/<int:nr>/rediger/"
urlpatterns += [
    path(_R, r.brevhode, name="rediger-brev"),
    path(_R + "oversikt/", r.oversikt, name="rediger-oversikt"),
    path(_R + "avsnitt/ny/", r.avsnitt_ny, name="rediger-avsnitt-ny"),
    path(_R + "avsnitt/<int:avsnitt_pk>/", r.avsnitt_rediger, name="rediger-avsnitt"),
    path(_R + "avsnitt/<int:avsnitt_pk>/flytt/", r.avsnitt_flytt, name="rediger-avsnitt-flytt"),
    path(_R + "avsnitt/<int:avsnitt_pk>/slett/", r.avsnitt_slett, name="rediger-avsnitt-slett"),
    path(_R + "maal/ny/", r.maal_ny, name="rediger-maal-ny"),
    path(_R + "maal/<int:maal_pk>/", r.maal_rediger, name="rediger-maal"),
    path(_R + "maal/<int:maal_pk>/slett/", r.maal_slett, name="rediger-maal-slett"),
    path(_R + "maal/<int:maal_pk>/styringsparameter/ny/", r.sp_ny, name="rediger-sp-ny"),
    path(_R + "maalomraade/ny/", r.omraade_ny, name="rediger-omraade-ny"),
    path(_R + "maalomraade/<int:gruppe_pk>/", r.omraade_rediger, name="rediger-omraade"),
    path(_R + "maalomraade/<int:gruppe_pk>/slett/", r.omraade_slett, name="rediger-omraade-slett"),
    path(_R + "rapporteringskrav/ny/", r.krav_ny, name="rediger-krav-ny"),
    path(_R + "rapporteringskrav/<int:krav_pk>/", r.krav_rediger, name="rediger-krav"),
    path(_R + "rapporteringskrav/<int:krav_pk>/flytt/", r.krav_flytt, name="rediger-krav-flytt"),
    path(_R + "rapporteringskrav/<int:krav_pk>/slett/", r.krav_slett, name="rediger-krav-slett"),
    path(_R + "fellesforing/ny/", r.fellesforing_ny, name="rediger-fellesforing-ny"),
    path(_R + "fellesforing/<int:ff_pk>/", r.fellesforing_rediger, name="rediger-fellesforing"),
    path(_R + "fellesforing/<int:ff_pk>/slett/", r.fellesforing_slett, name="rediger-fellesforing-slett"),
    path(_R + "styringsparameter/<int:sp_pk>/", r.sp_rediger, name="rediger-sp"),
    path(_R + "styringsparameter/<int:sp_pk>/slett/", r.sp_slett, name="rediger-sp-slett"),
    path(_R + "oppdrag/ny/", r.oppdrag_ny, name="rediger-oppdrag-ny"),
    path(_R + "oppdrag/<int:oppdrag_pk>/", r.oppdrag_rediger, name="rediger-oppdrag"),
    path(_R + "oppdrag/<int:oppdrag_pk>/slett/", r.oppdrag_slett, name="rediger-oppdrag-slett"),
    path(_R + "risiko/", r.risikodefinisjoner, name="rediger-risiko"),
    path(_R + "tidligere/", r.tidligere_velg, name="rediger-tidligere-velg"),
    path(_R + "tidligere/<int:oppdrag_pk>/", r.tidligere_oppdrag, name="rediger-tidligere"),
    path(_R + "budsjett/kapittel/ny/", r.kapittel_ny, name="rediger-kapittel-ny"),
    path(_R + "budsjett/kapittel/<int:kapittel_pk>/", r.kapittel_rediger, name="rediger-kapittel"),
    path(_R + "budsjett/kapittel/<int:kapittel_pk>/slett/", r.kapittel_slett, name="rediger-kapittel-slett"),
    path(_R + "budsjett/kapittel/<int:kapittel_pk>/post/ny/", r.post_ny, name="rediger-post-ny"),
    path(_R + "budsjett/post/<int:post_pk>/", r.post_rediger, name="rediger-post"),
    path(_R + "budsjett/post/<int:post_pk>/slett/", r.post_slett, name="rediger-post-slett"),
    path(_T, r.tillegg_rediger, name="rediger-tillegg"),
    path(_T + "budsjett/", r.tillegg_budsjett, name="rediger-tillegg-budsjett"),
    path(_T + "avsnitt/ny/", r.avsnitt_ny, name="rediger-tillegg-avsnitt-ny"),
    path(_T + "avsnitt/<int:avsnitt_pk>/", r.avsnitt_rediger, name="rediger-tillegg-avsnitt"),
    path(_T + "avsnitt/<int:avsnitt_pk>/flytt/", r.avsnitt_flytt, name="rediger-tillegg-avsnitt-flytt"),
    path(_T + "avsnitt/<int:avsnitt_pk>/slett/", r.avsnitt_slett, name="rediger-tillegg-avsnitt-slett"),
    path(_T + "oppdrag/ny/", r.oppdrag_ny, name="rediger-tillegg-oppdrag-ny"),
    path(_T + "oppdrag/<int:oppdrag_pk>/", r.oppdrag_rediger, name="rediger-tillegg-oppdrag"),
    path(_T + "oppdrag/<int:oppdrag_pk>/slett/", r.oppdrag_slett, name="rediger-tillegg-oppdrag-slett"),
    path(_T + "frister/", r.tidligere_velg, name="rediger-tillegg-tidligere-velg"),
    path(_T + "frister/<int:oppdrag_pk>/", r.tidligere_oppdrag, name="rediger-tillegg-tidligere"),
]
