from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from minside.views import min_side
from varsler.views import varselinnstillinger

admin.site.site_header = "Styringsportalen – administrasjon"
admin.site.site_title = "Styringsportalen"
admin.site.index_title = "Styringsdialogen"

urlpatterns = [
    path("", min_side, name="min-side"),
    path("logg-inn/", auth_views.LoginView.as_view(extra_context={
        "oidc": "mozilla_django_oidc" in settings.INSTALLED_APPS, "oidc_navn": settings.OIDC_LOGIN_NAME,
        "sperregrense": settings.AXES_FAILURE_LIMIT}), name="logg-inn"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg", permanent=True)),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logg-ut"),
    path("brev/", include("brev.urls")),
    path("oppdrag/kalender/", include("varsler.urls")),
    path("oppdrag/", include("oppdrag.urls")),
    path("rapporter/", include("rapportering.urls")),
    path("risiko/", include("risiko.urls")),
    path("riksrevisjonen/", include("revisjon.urls")),
    path("moter/", include("moter.urls")),
    path("innstillinger/varsler/", varselinnstillinger, name="varselinnstillinger"),
    path("innboks/", include("varsler.urls_innboks")),
    path("dokumenter/", include("dokumenter.urls")),
    path("admin/", admin.site.urls),
    path("helse/", include("config.helse")),  # liveness and readiness, no login (config/helse.py)
]

handler400 = "config.feilsider.feilside_400"
handler403 = "config.feilsider.feilside_403"  # shows the reason PermissionDenied carries
handler404 = "config.feilsider.feilside_404"
handler500 = "config.jsonlogg.feilside_500"  # the 500 page with the request id, no database

if "mozilla_django_oidc" in settings.INSTALLED_APPS:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
