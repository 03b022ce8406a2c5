"""Editing a letter (and its tillegg) in the browser, for the ministry's editors.

Every view starts from ``Tildelingsbrev.objects.for_user`` (what the user may see: a forged id
gives 404) and then asks ``brukere.tilgang`` what the user may change (403 otherwise). A sent
letter is locked: its changes go into a tillegg. Every write runs in one transaction after every
form and formset on the page validated, with the acting user recorded in the history.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Prefetch, ProtectedError, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from brev.forms import (
    BrevavsnittForm,
    BrevHodeForm,
    FristFormSet,
    MaaleverdiFormSet,
    MaalForm,
    MilepaelFormSet,
    OppdragForm,
    ResultatkravFormSet,
    StyringsparameterForm,
    TilleggForm,
    TittelvariantForm,
)
from brukere.tilgang import (
    er_admin,
    i_departementet,
    kan_lage_tillegg,
    kan_redigere_brev,
    kan_redigere_tillegg,
)
from budsjett.forms import (
    BindingFormSet,
    BudsjettendringFormSet,
    BudsjettkapittelForm,
    BudsjettpostForm,
    TilskuddFormSet,
)
from budsjett.models import Budsjettkapittel, Budsjettpost
from kjerne.historikk import acting_user
from oppdrag.models import Frist, Oppdrag, Tittelvariant
from oppdrag.querysets import oppdrag_i_brev
from styring.models import Brevavsnitt, Maal, Status, Styringsparameter, Tildelingsbrev, Tillegg
from styring.querysets import i_kraft_q

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
        raise PermissionDenied("Du kan ikke endre dette brevet.")
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
        raise PermissionDenied("Du kan ikke endre dette tillegget.")
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


# --- overview ----------------------------------------------------------------------------------

@redigering
def oversikt(request, pk: int):
    brev = _synlig_brev(request, pk)
    if not i_departementet(request.user, brev.departement_id):
        raise PermissionDenied("Bare departementet som sender brevet, kan endre det.")
    kan_endre = kan_redigere_brev(request.user, brev)
    ctx = _ramme(brev, kan_endre=kan_endre, kan_lage_tillegg=kan_lage_tillegg(request.user, brev))
    ctx["tillegg_liste"] = list(brev.tillegg.order_by("nummer"))
    if kan_endre:
        ctx["avsnitt"] = list(brev.avsnitt.filter(tillegg=None).order_by("rekkefolge", "pk"))
        ctx["maal_liste"] = list(brev.maal.order_by("nummer").prefetch_related(
            Prefetch("styringsparametere", queryset=Styringsparameter.objects.annotate(
                antall_krav=Count("resultatkrav", distinct=True)))))
        ctx["per_maal"] = oppdrag_i_brev(brev)
        ctx["kapitler"] = list(brev.kapitler.prefetch_related(
            Prefetch("poster", queryset=Budsjettpost.objects.prefetch_related("bindinger", "tilskudd"))))
        ctx["sum_kr"] = sum(k.sum_kr for k in ctx["kapitler"])
    return render(request, "brev/rediger/oversikt.html", ctx)


# --- letter header -----------------------------------------------------------------------------

@redigering
def brevhode(request, pk: int):
    brev = hent_brev(request, pk)
    form = BrevHodeForm(request.POST or None, instance=brev)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-brev", brev.pk)
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form,
                       overskrift="Brevhode", knapp="Lagre brevhodet")


# --- chapters (Brevavsnitt), also for a tillegg ------------------------------------------------

def _avsnitt_qs(brev, tillegg):
    return Brevavsnitt.objects.filter(tildelingsbrev=brev, tillegg=tillegg)


@redigering
def avsnitt_ny(request, pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    avsnitt = Brevavsnitt(tildelingsbrev=brev, tillegg=tillegg)
    form = BrevavsnittForm(request.POST or None, instance=avsnitt)

    def handling():
        siste = _avsnitt_qs(brev, tillegg).aggregate(m=Max("rekkefolge"))["m"]
        avsnitt.rekkefolge = 0 if siste is None else siste + 1
        form.save()

    if request.method == "POST" and lagre(request, [form], handling):
        messages.success(request, f"Kapitlet «{avsnitt.tittel}» er lagt til.")
        return redirect(_navn("avsnitt", tillegg), *_args(brev, tillegg, avsnitt.pk))
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev, tillegg), form=form,
                       overskrift="Nytt kapittel", knapp="Legg til kapitlet")


@redigering
def avsnitt_rediger(request, pk: int, avsnitt_pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    avsnitt = get_object_or_404(_avsnitt_qs(brev, tillegg), pk=avsnitt_pk)
    form = BrevavsnittForm(request.POST or None, instance=avsnitt)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect(_navn("avsnitt", tillegg), *_args(brev, tillegg, avsnitt.pk))
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev, tillegg), form=form,
                       overskrift=f"Kapittel {avsnitt}", knapp="Lagre kapitlet",
                       slett_url=reverse(_navn("avsnitt-slett", tillegg), args=_args(brev, tillegg, avsnitt.pk)))


@redigering
@require_POST
def avsnitt_flytt(request, pk: int, avsnitt_pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    with transaction.atomic(), acting_user(request.user):
        rekke = list(_avsnitt_qs(brev, tillegg).select_for_update().order_by("rekkefolge", "pk"))
        posisjon = next((i for i, a in enumerate(rekke) if a.pk == avsnitt_pk), None)
        if posisjon is None:
            raise Http404("Ukjent kapittel.")
        ny = posisjon - 1 if request.POST.get("retning") == "opp" else posisjon + 1
        if 0 <= ny < len(rekke):
            rekke[posisjon], rekke[ny] = rekke[ny], rekke[posisjon]
            for i, a in enumerate(rekke):
                if a.rekkefolge != i:
                    a.rekkefolge = i
                    a.save(update_fields=["rekkefolge"])
            messages.success(request, f"Kapitlet «{rekke[ny].tittel}» er flyttet "
                                      f"{'opp' if request.POST.get('retning') == 'opp' else 'ned'}.")
    return redirect(f"{_hjem(brev, tillegg)}#kapitler")


@redigering
def avsnitt_slett(request, pk: int, avsnitt_pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    avsnitt = get_object_or_404(_avsnitt_qs(brev, tillegg), pk=avsnitt_pk)
    return _slett(request, ramme=_ramme(brev, tillegg), objekt=avsnitt, hva=f"Kapitlet «{avsnitt}»",
                  konsekvenser=["Teksten i kapitlet forsvinner fra brevet."],
                  tilbake=reverse(_navn("avsnitt", tillegg), args=_args(brev, tillegg, avsnitt.pk)),
                  ferdig=f"{_hjem(brev, tillegg)}#kapitler")


# --- mål and styringsparametere ----------------------------------------------------------------

@redigering
def maal_ny(request, pk: int):
    brev = hent_brev(request, pk)
    neste = (brev.maal.aggregate(m=Max("nummer"))["m"] or 0) + 1
    maal = Maal(tildelingsbrev=brev)
    form = MaalForm(request.POST or None, instance=maal, brev=brev, initial={"nummer": neste})
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, f"Mål {maal.nummer} er lagt til.")
        return redirect("brev:rediger-maal", brev.pk, maal.pk)
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form, overskrift="Nytt mål",
                       knapp="Legg til målet")


@redigering
def maal_rediger(request, pk: int, maal_pk: int):
    brev = hent_brev(request, pk)
    maal = get_object_or_404(brev.maal.all(), pk=maal_pk)
    form = MaalForm(request.POST or None, instance=maal, brev=brev)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-maal", brev.pk, maal.pk)
    return _skjemaside(request, "brev/rediger/maal.html", _ramme(brev), form=form, maal=maal,
                       overskrift=f"Mål {maal.nummer}", knapp="Lagre målet",
                       parametere=maal.styringsparametere.order_by("rekkefolge", "kode"),
                       slett_url=reverse("brev:rediger-maal-slett", args=[brev.pk, maal.pk]))


@redigering
def maal_slett(request, pk: int, maal_pk: int):
    brev = hent_brev(request, pk)
    maal = get_object_or_404(brev.maal.all(), pk=maal_pk)
    antall_sp = maal.styringsparametere.count()
    antall_oppdrag = maal.oppdrag.count()
    konsekvenser = [f"{antall_sp} styringsparameter(e) under målet slettes, med resultatkrav og måleverdier."]
    if antall_oppdrag:
        konsekvenser.append(f"{antall_oppdrag} oppdrag mister koblingen til målet (oppdragene beholdes).")
    return _slett(request, ramme=_ramme(brev), objekt=maal, hva=f"Mål {maal.nummer}", konsekvenser=konsekvenser,
                  tilbake=reverse("brev:rediger-maal", args=[brev.pk, maal.pk]),
                  ferdig=f"{reverse('brev:rediger-oversikt', args=[brev.pk])}#maal")


def _sp_side(request, brev, maal, sp, *, ny: bool):
    data = request.POST or None
    form = StyringsparameterForm(data, instance=sp, maal=maal, prefix="sp")
    krav = ResultatkravFormSet(data, instance=sp, prefix="krav")
    verdier = MaaleverdiFormSet(data, instance=sp, prefix="verdier")
    krav.radnavn, verdier.radnavn = "Resultatkrav", "Måleverdi"

    def handling():
        if ny:
            sp.rekkefolge = (maal.styringsparametere.aggregate(m=Max("rekkefolge"))["m"] or 0) + 1
        form.save()
        for fs in (krav, verdier):
            fs.instance = sp
            fs.save()
        _renummerer(krav)

    if request.method == "POST" and lagre(request, [form, krav, verdier], handling):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-sp", brev.pk, sp.pk)
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev, maal=maal), form=form,
                       formsett=[krav, verdier], overskrift=f"Styringsparameter under mål {maal.nummer}" if ny
                       else f"{sp.kode} under mål {maal.nummer}", knapp="Lagre styringsparameteren",
                       formsett_titler=["Resultatkrav", "Måleutgangspunkt: måleverdier"],
                       tilbake_url=reverse("brev:rediger-maal", args=[brev.pk, maal.pk]),
                       slett_url=None if ny else reverse("brev:rediger-sp-slett", args=[brev.pk, sp.pk]))


@redigering
def sp_ny(request, pk: int, maal_pk: int):
    brev = hent_brev(request, pk)
    maal = get_object_or_404(brev.maal.all(), pk=maal_pk)
    return _sp_side(request, brev, maal, Styringsparameter(maal=maal), ny=True)


@redigering
def sp_rediger(request, pk: int, sp_pk: int):
    brev = hent_brev(request, pk)
    sp = get_object_or_404(Styringsparameter.objects.select_related("maal"), maal__tildelingsbrev=brev, pk=sp_pk)
    return _sp_side(request, brev, sp.maal, sp, ny=False)


@redigering
def sp_slett(request, pk: int, sp_pk: int):
    brev = hent_brev(request, pk)
    sp = get_object_or_404(Styringsparameter.objects.select_related("maal"), maal__tildelingsbrev=brev, pk=sp_pk)
    return _slett(request, ramme=_ramme(brev), objekt=sp, hva=f"Styringsparameteren {sp.kode}",
                  konsekvenser=["Resultatkrav og måleverdier for parameteren slettes også."],
                  tilbake=reverse("brev:rediger-sp", args=[brev.pk, sp.pk]),
                  ferdig=reverse("brev:rediger-maal", args=[brev.pk, sp.maal_id]))


# --- oppdrag given in this letter (or in a tillegg) ---------------------------------------------

def _nye_oppdrag(brev, tillegg):
    return Oppdrag.objects.filter(tildelingsbrev=brev, tillegg=tillegg)


def _oppdrag_side(request, brev, tillegg, oppdrag, *, ny: bool):
    data = request.POST or None
    form = OppdragForm(data, instance=oppdrag, brev=brev, prefix="oppdrag")
    frister = FristFormSet(data, instance=oppdrag, prefix="frister", brev=brev, tillegg=tillegg)
    milepaeler = MilepaelFormSet(data, instance=oppdrag, prefix="milepaeler", brev=brev)
    frister.radnavn, milepaeler.radnavn = "Frist", "Milepæl"

    def sjekk() -> bool:
        start = form.cleaned_data.get("start")
        ok = True
        for fs in (frister, milepaeler):
            for f, dato in fs.datoer():
                if start and dato < start:
                    f.add_error("tekst", f"Fristen {dato:%d.%m.%Y} er før oppstart {start:%d.%m.%Y}.")
                    ok = False
        if not ok:
            form.add_error("start", "Oppstart er etter en av fristene under.")
        return ok

    def handling():
        if ny:
            oppdrag.rekkefolge = (_nye_oppdrag(brev, tillegg).aggregate(m=Max("rekkefolge"))["m"] or 0) + 1
        form.save()
        for fs in (frister, milepaeler):
            fs.instance = oppdrag
            fs.save()
            _renummerer(fs)

    if request.method == "POST" and lagre(request, [form, frister, milepaeler], handling, sjekk):
        messages.success(request, f"Oppdrag {oppdrag.nummer} er lagret.")
        return redirect(_navn("oppdrag", tillegg), *_args(brev, tillegg, oppdrag.pk))
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev, tillegg), form=form,
                       formsett=[frister, milepaeler], formsett_titler=["Frister", "Hovedmilepæler"],
                       formsett_hjelp=["Én rad per frist. En frist i flere deler (Del 1 / Del 2) skrives som én rad "
                                       "per del. Etter lagring vises hvordan fristen er tolket.",
                                       "Hver milepæl med sin frist, skrevet som i brevet."],
                       overskrift="Nytt oppdrag" if ny else f"Oppdrag {oppdrag.nummer}", knapp="Lagre oppdraget",
                       slett_url=None if ny else reverse(_navn("oppdrag-slett", tillegg),
                                                         args=_args(brev, tillegg, oppdrag.pk)))


@redigering
def oppdrag_ny(request, pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    oppdrag = Oppdrag(virksomhet=brev.virksomhet, aar=brev.aar, tildelingsbrev=brev, tillegg=tillegg)
    return _oppdrag_side(request, brev, tillegg, oppdrag, ny=True)


@redigering
def oppdrag_rediger(request, pk: int, oppdrag_pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    oppdrag = get_object_or_404(_nye_oppdrag(brev, tillegg), pk=oppdrag_pk)
    return _oppdrag_side(request, brev, tillegg, oppdrag, ny=False)


@redigering
def oppdrag_slett(request, pk: int, oppdrag_pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    oppdrag = get_object_or_404(_nye_oppdrag(brev, tillegg), pk=oppdrag_pk)
    return _slett(request, ramme=_ramme(brev, tillegg), objekt=oppdrag, hva=f"Oppdrag {oppdrag.nummer}",
                  konsekvenser=["Frister og milepæler for oppdraget slettes også.",
                                "Budsjettbindinger som viser til oppdraget, beholdes uten kobling."],
                  tilbake=reverse(_navn("oppdrag", tillegg), args=_args(brev, tillegg, oppdrag.pk)),
                  ferdig=f"{_hjem(brev, tillegg)}#oppdrag")


# --- an earlier oppdrag listed in this letter: restated frister and a title variant --------------

def _tidligere_qs(request, brev, tillegg):
    qs = Oppdrag.objects.for_user(request.user).filter(virksomhet_id=brev.virksomhet_id, aar__lte=brev.aar)
    return qs.exclude(tildelingsbrev=brev, tillegg=tillegg)


@redigering
def tidligere_velg(request, pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    nummer = (request.GET.get("nummer") or "").strip()
    oppdrag = _tidligere_qs(request, brev, tillegg).filter(nummer__iexact=nummer).first() if nummer else None
    if oppdrag is None:
        messages.error(request, f"Fant ikke noe tidligere oppdrag med nummer «{nummer}» for "
                                f"{brev.virksomhet.kortnavn}." if nummer else "Skriv et oppdragsnummer.")
        return redirect(f"{_hjem(brev, tillegg)}#tidligere")
    return redirect(_navn("tidligere", tillegg), *_args(brev, tillegg, oppdrag.pk))


@redigering
def tidligere_oppdrag(request, pk: int, oppdrag_pk: int, nr: int | None = None):
    brev, tillegg = _hent(request, pk, nr)
    oppdrag = get_object_or_404(_tidligere_qs(request, brev, tillegg), pk=oppdrag_pk)
    data = request.POST or None
    frister = FristFormSet(data, instance=oppdrag, prefix="frister", brev=brev, tillegg=tillegg)
    frister.radnavn = "Frist"
    variant_form = None
    if tillegg is None:
        variant = Tittelvariant.objects.filter(oppdrag=oppdrag, tildelingsbrev=brev).first() or Tittelvariant(
            oppdrag=oppdrag, tildelingsbrev=brev)
        variant_form = TittelvariantForm(data, instance=variant, prefix="variant")

    def handling():
        if variant_form is not None:
            tittel = (variant_form.cleaned_data.get("tittel") or "").strip()
            if tittel and tittel != oppdrag.tittel:
                variant_form.save()
            elif variant_form.instance.pk:
                variant_form.instance.delete()
        frister.save()
        _renummerer(frister)

    if request.method == "POST" and lagre(request, [variant_form, frister], handling):
        messages.success(request, LAGRET)
        return redirect(_navn("tidligere", tillegg), *_args(brev, tillegg, oppdrag.pk))
    # Frister in force, and those this ministry's own drafts state; another ministry's draft is not ours.
    andre = (Frist.objects.filter(oppdrag=oppdrag).exclude(tildelingsbrev=brev, tillegg=tillegg)
             .filter(Q(i_kraft_q()) | Q(tildelingsbrev__departement_id=brev.departement_id))
             .select_related("tildelingsbrev", "tillegg").order_by("tildelingsbrev__aar", "rekkefolge", "pk"))
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev, tillegg), form=variant_form,
                       formsett=[frister], formsett_titler=[f"Frister fastsatt i {'tillegget' if tillegg else 'dette brevet'}"],
                       formsett_hjelp=["Nye eller endrede frister for oppdraget. Skriv en endret frist med den gamle "
                                       "i parentes, f.eks. «(01.06.2024) 31.12.2025»."],
                       overskrift=f"Tidligere oppdrag {oppdrag.nummer}", oppdrag=oppdrag, andre_frister=andre,
                       knapp="Lagre")


# --- budget ------------------------------------------------------------------------------------

@redigering
def kapittel_ny(request, pk: int):
    brev = hent_brev(request, pk)
    kapittel = Budsjettkapittel(tildelingsbrev=brev)
    form = BudsjettkapittelForm(request.POST or None, instance=kapittel, brev=brev)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, f"Kapittel {kapittel.nummer} er lagt til.")
        return redirect("brev:rediger-kapittel", brev.pk, kapittel.pk)
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form,
                       overskrift="Nytt budsjettkapittel", knapp="Legg til kapitlet")


@redigering
def kapittel_rediger(request, pk: int, kapittel_pk: int):
    brev = hent_brev(request, pk)
    kapittel = get_object_or_404(brev.kapitler.prefetch_related("poster"), pk=kapittel_pk)
    form = BudsjettkapittelForm(request.POST or None, instance=kapittel, brev=brev)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-kapittel", brev.pk, kapittel.pk)
    return _skjemaside(request, "brev/rediger/kapittel.html", _ramme(brev), form=form, kapittel=kapittel,
                       overskrift=f"Kap. {kapittel.nummer} {kapittel.betegnelse}", knapp="Lagre kapitlet",
                       slett_url=reverse("brev:rediger-kapittel-slett", args=[brev.pk, kapittel.pk]))


@redigering
def kapittel_slett(request, pk: int, kapittel_pk: int):
    brev = hent_brev(request, pk)
    kapittel = get_object_or_404(brev.kapitler.all(), pk=kapittel_pk)
    return _slett(request, ramme=_ramme(brev), objekt=kapittel, hva=f"Kap. {kapittel.nummer}",
                  konsekvenser=["Alle poster under kapitlet slettes, med bindinger og tilskudd."],
                  tilbake=reverse("brev:rediger-kapittel", args=[brev.pk, kapittel.pk]),
                  ferdig=f"{reverse('brev:rediger-oversikt', args=[brev.pk])}#budsjett")


def _post_side(request, brev, kapittel, post, *, ny: bool):
    data = request.POST or None
    form = BudsjettpostForm(data, instance=post, kapittel=kapittel, prefix="post")
    bindinger = BindingFormSet(data, instance=post, prefix="bindinger")
    tilskudd = TilskuddFormSet(data, instance=post, prefix="tilskudd")
    bindinger.radnavn, tilskudd.radnavn = "Binding", "Tilskudd"

    def handling():
        form.save()
        for fs in (bindinger, tilskudd):
            fs.instance = post
            fs.save()
            _renummerer(fs)
        # A binding cites an oppdrag by number; link it when the agency has such an oppdrag.
        nummer = {b.oppdrag_nummer for b in post.bindinger.all() if b.oppdrag_nummer}
        kjente = dict(Oppdrag.objects.filter(virksomhet_id=brev.virksomhet_id, nummer__in=nummer)
                      .values_list("nummer", "pk"))
        for b in post.bindinger.all():
            oppdrag_id = kjente.get(b.oppdrag_nummer)
            if b.oppdrag_id != oppdrag_id:
                b.oppdrag_id = oppdrag_id
                b.save(update_fields=["oppdrag"])

    if request.method == "POST" and lagre(request, [form, bindinger, tilskudd], handling):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-post", brev.pk, post.pk)
    lagret = None if ny else Budsjettpost.objects.prefetch_related("bindinger", "tilskudd").get(pk=post.pk)
    return _skjemaside(request, "brev/rediger/post.html", _ramme(brev, kapittel=kapittel), form=form,
                       formsett=[bindinger, tilskudd], formsett_titler=["Bindinger", "Tilskuddsmottakere"],
                       overskrift=(f"Ny post under kap. {kapittel.nummer}" if ny
                                   else f"Kap. {kapittel.nummer} post {post.post:02d} {post.betegnelse}"),
                       knapp="Lagre posten", lagret=lagret,
                       tilbake_url=reverse("brev:rediger-kapittel", args=[brev.pk, kapittel.pk]),
                       slett_url=None if ny else reverse("brev:rediger-post-slett", args=[brev.pk, post.pk]))


@redigering
def post_ny(request, pk: int, kapittel_pk: int):
    brev = hent_brev(request, pk)
    kapittel = get_object_or_404(brev.kapitler.all(), pk=kapittel_pk)
    return _post_side(request, brev, kapittel, Budsjettpost(kapittel=kapittel), ny=True)


@redigering
def post_rediger(request, pk: int, post_pk: int):
    brev = hent_brev(request, pk)
    post = get_object_or_404(Budsjettpost.objects.select_related("kapittel"), kapittel__tildelingsbrev=brev,
                             pk=post_pk)
    return _post_side(request, brev, post.kapittel, post, ny=False)


@redigering
def post_slett(request, pk: int, post_pk: int):
    brev = hent_brev(request, pk)
    post = get_object_or_404(Budsjettpost.objects.select_related("kapittel"), kapittel__tildelingsbrev=brev,
                             pk=post_pk)
    return _slett(request, ramme=_ramme(brev), objekt=post, hva=f"Post {post.post:02d}",
                  konsekvenser=["Bindinger, fordelinger og tilskudd under posten slettes også."],
                  tilbake=reverse("brev:rediger-post", args=[brev.pk, post.pk]),
                  ferdig=reverse("brev:rediger-kapittel", args=[brev.pk, post.kapittel_id]))


# --- tillegg -----------------------------------------------------------------------------------

@redigering
def tillegg_rediger(request, pk: int, nr: int):
    brev, tillegg = hent_tillegg(request, pk, nr)
    form = TilleggForm(request.POST or None, instance=tillegg)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-tillegg", brev.pk, tillegg.nummer)
    endringer = list(tillegg.budsjettendringer.select_related("post__kapittel").order_by(
        "post__kapittel__nummer", "post__post", "pk"))
    return _skjemaside(
        request, "brev/rediger/tillegg.html", _ramme(brev, tillegg), form=form,
        overskrift=f"Tillegg nr. {tillegg.nummer} til tildelingsbrevet for {brev.aar}", knapp="Lagre tillegget",
        tilbake_url=_url("brev:tillegg", brev.pk, tillegg.nummer) or _hjem(brev, None),
        avsnitt=list(tillegg.avsnitt.order_by("rekkefolge", "pk")),
        nye_oppdrag=list(tillegg.oppdrag.order_by("rekkefolge", "nummer")),
        fristendringer=list(Frist.objects.filter(tillegg=tillegg).select_related("oppdrag")
                            .order_by("oppdrag__nummer", "rekkefolge")),
        endringer=endringer, sum_endring=sum(e.endring_kr for e in endringer),
    )


@redigering
def tillegg_budsjett(request, pk: int, nr: int):
    brev, tillegg = hent_tillegg(request, pk, nr)
    poster = Budsjettpost.objects.filter(kapittel__tildelingsbrev=brev).select_related("kapittel").order_by(
        "kapittel__nummer", "post")
    formset = BudsjettendringFormSet(request.POST or None, instance=tillegg, prefix="endringer", poster=poster)
    formset.radnavn = "Endring"
    if request.method == "POST" and lagre(request, [formset], formset.save):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-tillegg-budsjett", brev.pk, tillegg.nummer)
    endringer = {}
    for e in tillegg.budsjettendringer.all():
        endringer[e.post_id] = endringer.get(e.post_id, 0) + e.endring_kr
    oversikt_rader = [{"post": p, "endring": endringer[p.pk], "etter": p.tildelt_kr + endringer[p.pk]}
                      for p in poster if p.pk in endringer]
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev, tillegg), form=None,
                       formsett=[formset], formsett_titler=["Endringer per post"],
                       formsett_hjelp=["Økning: skriv beløpet. Reduksjon: kryss av for reduksjon, eller skriv "
                                       "minus foran beløpet."],
                       overskrift=f"Budsjettendringer i tillegg nr. {tillegg.nummer}", knapp="Lagre endringene",
                       budsjettendringer=oversikt_rader)
