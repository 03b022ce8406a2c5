"""The letter itself: the overview, the header, chapters (also a tillegg's), mål and styringsparametere."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from brev.forms import (
    BrevavsnittForm,
    BrevHodeForm,
    MaaleverdiFormSet,
    MaalForm,
    MaalgruppeForm,
    ResultatkravFormSet,
    StyringsparameterForm,
)
from brukere.tilgang import (
    i_departementet,
    kan_lage_tillegg,
    kan_redigere_brev,
)
from budsjett.models import Budsjettpost
from kjerne.historikk import acting_user
from oppdrag.querysets import oppdrag_i_brev
from oppdrag.risiko import egne_definisjoner
from styring.maalomraader import plasser_omraader
from styring.models import Brevavsnitt, Maal, Maalgruppe, Styringsparameter

from .felles import (
    LAGRET,
    _args,
    _hent,
    _hjem,
    _navn,
    _ramme,
    _renummerer,
    _skjemaside,
    _slett,
    _synlig_brev,
    hent_brev,
    lagre,
    redigering,
)

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
        ctx["maal_liste"] = list(brev.maal.prefetch_related(
            Prefetch("styringsparametere", queryset=Styringsparameter.objects.annotate(
                antall_krav=Count("resultatkrav", distinct=True)))))
        ctx["omraader_etter"] = plasser_omraader(ctx["maal_liste"], list(brev.maalgrupper.all()))
        ctx["krav_liste"] = list(brev.rapporteringskrav.select_related("maal").prefetch_related("styringsparametere"))
        ctx["fellesforing_liste"] = list(brev.fellesforinger.prefetch_related("tallfelt"))
        ctx["per_maal"] = oppdrag_i_brev(brev)
        ctx["kapitler"] = list(brev.kapitler.prefetch_related(
            Prefetch("poster", queryset=Budsjettpost.objects.prefetch_related("bindinger", "tilskudd"))))
        ctx["sum_kr"] = sum(k.sum_kr for k in ctx["kapitler"])
        ctx["risikodefinisjoner"] = egne_definisjoner(brev)
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
    heltall = [int(n) for n in brev.maal.values_list("nummer", flat=True) if n.isdigit()]
    neste = str(max(heltall, default=0) + 1)
    maal = Maal(tildelingsbrev=brev)
    form = MaalForm(request.POST or None, instance=maal, brev=brev, initial={"nummer": neste})
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, f"{maal.navn} er lagt til.")
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
                       overskrift=maal.navn, knapp="Lagre målet",
                       parametere=maal.styringsparametere.order_by("rekkefolge", "kode"),
                       delomraader=maal.delomraader.order_by("sorteringsnokkel", "nummer"),
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
    return _slett(request, ramme=_ramme(brev), objekt=maal, hva=maal.navn, konsekvenser=konsekvenser,
                  tilbake=reverse("brev:rediger-maal", args=[brev.pk, maal.pk]),
                  ferdig=f"{reverse('brev:rediger-oversikt', args=[brev.pk])}#maal")


# --- målområder and delområder (older letters) ---------------------------------------------------

@redigering
def omraade_ny(request, pk: int):
    brev = hent_brev(request, pk)
    gruppe = Maalgruppe(tildelingsbrev=brev)
    under = brev.maal.filter(pk=request.GET.get("maal")).first() if str(request.GET.get("maal", "")).isdigit() else None
    initial = {"under_maal": under.pk, "nummer": f"{under.nummer}."} if under else {}
    form = MaalgruppeForm(request.POST or None, instance=gruppe, brev=brev, initial=initial)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, f"«{gruppe}» er lagt til.")
        return redirect(_omraade_tilbake(brev, gruppe))
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form,
                       overskrift=f"Nytt delområde under {under.navn.lower()}" if under else "Nytt målområde eller delområde",
                       knapp="Legg til", tilbake_url=_omraade_tilbake(brev, gruppe) if under else None)


@redigering
def omraade_rediger(request, pk: int, gruppe_pk: int):
    brev = hent_brev(request, pk)
    gruppe = get_object_or_404(brev.maalgrupper.all(), pk=gruppe_pk)
    form = MaalgruppeForm(request.POST or None, instance=gruppe, brev=brev)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect(_omraade_tilbake(brev, gruppe))
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form,
                       overskrift=f"{'Delområde' if gruppe.under_maal_id else 'Målområde'} {gruppe.nummer}",
                       knapp="Lagre", tilbake_url=_omraade_tilbake(brev, gruppe),
                       slett_url=reverse("brev:rediger-omraade-slett", args=[brev.pk, gruppe.pk]))


@redigering
def omraade_slett(request, pk: int, gruppe_pk: int):
    brev = hent_brev(request, pk)
    gruppe = get_object_or_404(brev.maalgrupper.all(), pk=gruppe_pk)
    konsekvenser = ["Overskriften og teksten forsvinner fra brevet."]
    if gruppe.undergrupper.exists():
        konsekvenser.append(f"{gruppe.undergrupper.count()} overskrift(er) under den slettes også.")
    if gruppe.maal.exists():
        konsekvenser.append(f"{gruppe.maal.count()} mål står ikke lenger under målområdet (målene beholdes).")
    return _slett(request, ramme=_ramme(brev), objekt=gruppe, hva=f"«{gruppe}»", konsekvenser=konsekvenser,
                  tilbake=reverse("brev:rediger-omraade", args=[brev.pk, gruppe.pk]),
                  ferdig=_omraade_tilbake(brev, gruppe))


def _omraade_tilbake(brev, gruppe) -> str:
    if gruppe.under_maal_id:
        return reverse("brev:rediger-maal", args=[brev.pk, gruppe.under_maal_id]) + "#delomraader"
    return f"{reverse('brev:rediger-oversikt', args=[brev.pk])}#omraader"


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
                       formsett=[krav, verdier], overskrift=f"Styringsparameter under {maal.navn.lower()}" if ny
                       else f"{sp.kode} under {maal.navn.lower()}", knapp="Lagre styringsparameteren",
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
