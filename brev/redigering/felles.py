"""What every editing view shares: the access check (``redigering``), fetching the letter or
tillegg, saving every form on a page in one transaction, and the page frame."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from brukere.tilgang import (
    er_admin,
    i_departementet,
    kan_lage_tillegg,
    kan_redigere_brev,
    kan_redigere_tillegg,
)
from kjerne.historikk import acting_user
from styring.models import Status, Tildelingsbrev, Tillegg

LAGRET = "Endringene er lagret."


class Laast(Exception):
    """The user may change this letter or tillegg in principle, but not in its present state."""

    def __init__(self, melding: str, brev: Tildelingsbrev):
        super().__init__(melding)
        self.melding = melding
        self.brev = brev


def redigering(view):
    """Login required; a locked letter gives 403 with a Norwegian explanation and the way on."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            radhandling(request)
        try:
            return view(request, *args, **kwargs)
        except Laast as exc:
            brev = exc.brev
            return render(request, "brev/rediger/laast.html", {
                **_ramme(brev), "melding": exc.melding,
                "tillegg_utkast": brev.tillegg.filter(status=Status.UTKAST).order_by("nummer"),
                "kan_lage_tillegg": kan_lage_tillegg(request.user, brev),
            }, status=403)

    return wrapper


# --- rows: "Legg til" and "Fjern" without JavaScript -------------------------------------------

RADHANDLINGER = {
    "legg-til": "En ny rad er lagt til under. Ingenting er lagret ennå.",
    "fjern": "Raden fjernes når du lagrer. Ingenting er lagret ennå.",
    "angre": "Raden blir likevel stående. Ingenting er lagret ennå.",
}


def radhandling(request) -> None:
    """A row button ("Legg til", "Fjern", "Angre") pressed without JavaScript: the posted data is
    changed as the script would have changed the page (one more row, or a row marked or unmarked
    for removal) and the page is shown again with nothing saved (``lagre`` refuses, ``_skjemaside``
    shows no errors). With JavaScript (static/js/skjemarader.js) these buttons never reach here."""
    hva, _, prefiks = request.POST.get("radhandling", "").partition(":")
    if hva not in RADHANDLINGER or not prefiks:
        return
    data = request.POST.copy()
    if hva == "legg-til":
        navn = f"{prefiks}-TOTAL_FORMS"
        if not data.get(navn, "").isdigit():
            return
        data[navn] = str(int(data[navn]) + 1)  # the formset's absolute_max still applies
    elif hva == "fjern":
        data[f"{prefiks}-DELETE"] = "on"
    else:
        data.pop(f"{prefiks}-DELETE", None)
    request.POST = data
    request.radhandling = hva


def _uten_feil(*skjemaer) -> None:
    """Show bound forms again without their errors: nothing was saved, nothing needs fixing yet."""
    from django.forms.utils import ErrorDict, ErrorList

    for s in skjemaer:
        if s is None:
            continue
        for form in getattr(s, "forms", [s]):
            form._errors = ErrorDict()
        if hasattr(s, "forms"):
            s._errors, s._non_form_errors = [ErrorDict() for _ in s.forms], ErrorList()


# --- access ------------------------------------------------------------------------------------

def _synlig_brev(request, pk: int) -> Tildelingsbrev:
    return get_object_or_404(
        Tildelingsbrev.objects.for_user(request.user).select_related("virksomhet", "departement"), pk=pk)


def hent_brev(request, pk: int) -> Tildelingsbrev:
    """The letter, if the user may edit it now: 404 if unseen, 403 if not theirs, locked if sent."""
    brev = _synlig_brev(request, pk)
    if kan_redigere_brev(request.user, brev):
        return brev
    if not i_departementet(request.user, brev.departement_id):
        raise PermissionDenied("Bare departementet som sender brevet, kan endre det.")
    if brev.status == Status.SENDT:
        raise Laast("Brevet er sendt og kan ikke endres. Endringer i et sendt brev gjøres i et tillegg: "
                    "lag et tillegg til tildelingsbrevet, eller rediger et tillegg som ikke er sendt ennå.", brev)
    raise Laast("Brevet er sendt til godkjenning og kan ikke endres nå. Det kan endres igjen hvis "
                "godkjenneren sender det tilbake som utkast.", brev)


def hent_tillegg(request, pk: int, nr: int) -> tuple[Tildelingsbrev, Tillegg]:
    brev = _synlig_brev(request, pk)
    tillegg = get_object_or_404(Tillegg, tildelingsbrev=brev, nummer=nr)
    tillegg.tildelingsbrev = brev
    if kan_redigere_tillegg(request.user, tillegg):
        return brev, tillegg
    if not i_departementet(request.user, brev.departement_id):
        if tillegg.status != Status.SENDT and not er_admin(request.user):
            raise Http404("Ingen tillegg med dette nummeret.")  # a draft tillegg is the ministry's
        raise PermissionDenied("Bare departementet som sendte brevet, kan endre tillegg til det.")
    raise Laast(f"Tillegg nr. {tillegg.nummer} er {tillegg.get_status_display().lower()} og kan ikke endres. "
                "Lag et nytt tillegg for flere endringer.", brev)


def _hent(request, pk: int, nr: int | None) -> tuple[Tildelingsbrev, Tillegg | None]:
    if nr is None:
        return hent_brev(request, pk), None
    return hent_tillegg(request, pk, nr)


# --- helpers -----------------------------------------------------------------------------------

def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the read page is built in parallel; link to it once it exists
        return None


def _ramme(brev: Tildelingsbrev, tillegg: Tillegg | None = None, **extra) -> dict:
    return {
        "brev": brev, "tillegg": tillegg,
        "brev_url": _url("brev:brev", brev.pk),
        "oversikt_url": reverse("brev:rediger-oversikt", args=[brev.pk]),
        "tillegg_url": reverse("brev:rediger-tillegg", args=[brev.pk, tillegg.nummer]) if tillegg else None,
        "tillegg_opprett_url": _url("brev:tillegg-opprett", brev.pk),
        **extra,
    }


def _hjem(brev: Tildelingsbrev, tillegg: Tillegg | None) -> str:
    if tillegg is not None:
        return reverse("brev:rediger-tillegg", args=[brev.pk, tillegg.nummer])
    return reverse("brev:rediger-oversikt", args=[brev.pk])


def _args(brev, tillegg, *rest) -> list:
    return [brev.pk, tillegg.nummer, *rest] if tillegg is not None else [brev.pk, *rest]


def _navn(base: str, tillegg) -> str:
    return f"brev:rediger-tillegg-{base}" if tillegg is not None else f"brev:rediger-{base}"


def feiloversikt(*skjemaer) -> list[dict]:
    """Every error on the page, for the summary at the top, each linking to its field."""
    ut = []

    def fra_skjema(form, forstavelse=""):
        for navn, feil in form.errors.items():
            if navn == "__all__" or navn not in form.fields:
                lenke = f"#{form.prefix or 'skjema'}-feil"
                etikett = forstavelse.rstrip(": ") or "Skjemaet"
            else:
                lenke = f"#{form[navn].id_for_label}"
                etikett = f"{forstavelse}{form.fields[navn].label or navn}"
            for melding in feil:
                ut.append({"lenke": lenke, "tekst": f"{etikett}: {melding}"})

    for s in skjemaer:
        if s is None:
            continue
        if hasattr(s, "forms"):
            for melding in s.non_form_errors():
                ut.append({"lenke": f"#{s.prefix}", "tekst": melding})
            for i, form in enumerate(s.forms, start=1):
                fra_skjema(form, f"{getattr(s, 'radnavn', 'Rad')} {i}: ")
        else:
            fra_skjema(s)
    return ut


def lagre(request, skjemaer, handling, sjekk=None) -> bool:
    """Validate every form and formset, then run ``handling`` in one transaction; all or nothing."""
    skjemaer = [s for s in skjemaer if s is not None]
    if getattr(request, "radhandling", None):
        return False  # a row was added or marked without JavaScript; the page is shown again
    with transaction.atomic(), acting_user(request.user):
        gyldig = all([s.is_valid() for s in skjemaer])  # a list: every form shows its errors
        if gyldig and sjekk is not None:
            gyldig = sjekk()
        if not gyldig:
            return False
        try:
            with transaction.atomic():
                handling()
        except IntegrityError:
            forste = next(s for s in skjemaer if not hasattr(s, "forms"))
            forste.add_error(None, "Lagringen ble stoppet fordi den ville bryte en regel (for eksempel et "
                                   "nummer som allerede er brukt). Ingenting er lagret.")
            return False
    return True


def _renummerer(formset) -> None:
    """Keep the rows' order as shown on the page (rekkefolge 0, 1, 2 …)."""
    for i, obj in enumerate(f.instance for f in formset.forms if f.instance.pk):
        if obj.rekkefolge != i:
            obj.rekkefolge = i
            obj.save(update_fields=["rekkefolge"])


def _skjemaside(request, mal: str, ramme: dict, **ctx):
    formsett = ctx.pop("formsett", [])
    titler = ctx.pop("formsett_titler", [])
    hjelp = ctx.pop("formsett_hjelp", [])
    ctx["seksjoner"] = [{"fs": fs, "tittel": titler[i] if i < len(titler) else "",
                         "hjelp": hjelp[i] if i < len(hjelp) else ""} for i, fs in enumerate(formsett)]
    if getattr(request, "radhandling", None):
        _uten_feil(ctx.get("form"), *formsett)
        ctx.setdefault("radmelding", RADHANDLINGER[request.radhandling])
    ctx.setdefault("feil", feiloversikt(ctx.get("form"), *formsett) if request.method == "POST" else [])
    return render(request, mal, {**ramme, **ctx})


def _slett(request, *, ramme: dict, objekt, hva: str, konsekvenser: list[str], tilbake: str, ferdig: str):
    """Confirm, then delete (POST). The deletion is recorded in the history with who did it."""
    if request.method == "POST":
        try:
            with transaction.atomic(), acting_user(request.user):
                objekt.delete()
        except ProtectedError:
            messages.error(request, f"{hva} kan ikke slettes fordi noe annet viser til det "
                                    "(for eksempel en budsjettendring i et tillegg).")
            return redirect(tilbake)
        messages.success(request, f"{hva} er slettet.")
        return redirect(ferdig)
    return render(request, "brev/rediger/slett.html",
                  {**ramme, "objekt": objekt, "hva": hva, "konsekvenser": konsekvenser, "tilbake": tilbake})
