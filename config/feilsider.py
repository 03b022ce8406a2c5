"""Error pages in Norwegian (400, 403, 404, CSRF failure); the 500 page is config.jsonlogg.feilside_500.

400, 403 and 404 extend base.html (header, menu, a way back): they run with the request's context
processors, which is fine because the database is up when they are shown. A 403 shows the reason the
view or service gave (``PermissionDenied("Bare departementets godkjennere kan sende brevet.")``);
every PermissionDenied in the portal carries such a Norwegian sentence.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

STANDARD_403 = "Du har ikke tilgang til denne siden eller handlingen."


def _aarsak(exception) -> str:
    """The Norwegian reason a PermissionDenied carries, or the general sentence."""
    if exception is None:
        return ""
    tekst = str(exception).strip()
    # Django passes the exception itself; a bare PermissionDenied has no text, and Http404 from
    # get_object_or_404 carries an English model message ("No Tildelingsbrev matches ...").
    return tekst if tekst and not tekst.startswith("No ") else ""


@requires_csrf_token
def feilside_400(request, exception=None):
    return render(request, "feil/400.html", status=400)


@requires_csrf_token
def feilside_403(request, exception=None):
    return render(request, "feil/403.html", {"aarsak": _aarsak(exception) or STANDARD_403}, status=403)


@requires_csrf_token
def feilside_404(request, exception=None):
    return render(request, "feil/404.html", {"sti": request.path}, status=404)


def csrf_feil(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a form sent without a valid token (an old tab, cookies off)."""
    return render(request, "feil/403.html", {
        "aarsak": "Skjemaet kunne ikke sendes fordi sikkerhetskoden (CSRF) mangler eller er utløpt. "
                  "Gå tilbake, last inn siden på nytt og prøv igjen. Hvis det ikke hjelper, må "
                  "nettleseren tillate informasjonskapsler for Styringsportalen."}, status=403)
