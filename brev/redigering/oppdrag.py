"""Oppdrag given in the letter or a tillegg, and earlier oppdrag it restates (frister, title variant)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from brev.forms import (
    FristFormSet,
    MilepaelFormSet,
    OppdragForm,
    TittelvariantForm,
)
from oppdrag.models import Frist, Oppdrag, Tittelvariant
from styring.querysets import i_kraft_q

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
    lagre,
    redigering,
)

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
                                       "Hver milepæl med sin frist, skrevet som i brevet. Står det ingen frist i brevet, "
                                       "lar du fristen stå tom; milepælen vises da «uten frist»."],
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
