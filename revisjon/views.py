"""Riksrevisjonen's remarks in the browser. Every view starts from ``Merknad.objects.for_user``
(the agency and its steering ministry); services say who may change what."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from brukere.tilgang import i_virksomheten
from kjerne.endringslogg import Oppslag, endringer, historikkside
from kjerne.skjema import TiltakForm, feil_til_skjema

from . import services
from .forms import LukkForm, MerknadForm, SvarbrevForm
from .models import ALVORLIGHET_REKKEFOLGE, Merknad, Revisjonstiltak, Svarbrev

HISTORIKK_DELER = [("merknad", "Merknaden"), ("tiltak", "Oppfølgingsplanen"), ("svarbrev", "Svarbrev")]


@login_required
def merknad_liste(request, *, skjema: MerknadForm | None = None, status: int = 200):
    user = request.user
    merknader = list(Merknad.objects.for_user(user).select_related("virksomhet").prefetch_related("tiltak"))
    merknader.sort(key=lambda m: (m.er_lukket, ALVORLIGHET_REKKEFOLGE.get(m.alvorlighet, 99), m.dato))
    kan = user.er_virksomhet and services.kan_registrere(user, user.organisasjon_id)
    return render(request, "revisjon/merknad_liste.html", {
        "aapne": [m for m in merknader if not m.er_lukket],
        "lukkede": [m for m in merknader if m.er_lukket],
        "skjema": (skjema or MerknadForm()) if kan else None,
    }, status=status)


@login_required
@require_POST
def merknad_ny(request):
    user = request.user
    if not (user.er_virksomhet and services.kan_registrere(user, user.organisasjon_id)):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan registrere merknader.")
    form = MerknadForm(request.POST)
    if form.is_valid():
        try:
            merknad = services.merknad_opprett(virksomhet_id=user.organisasjon_id, acting_user=user,
                                               **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, "Merknaden er registrert. Legg inn oppfølgingsplanen under.")
            return redirect("revisjon:detalj", pk=merknad.pk)
    return merknad_liste(request, skjema=form, status=400)


def _hent(request, pk: int) -> Merknad:
    return get_object_or_404(Merknad.objects.for_user(request.user).med_plan(), pk=pk)


def _for_skriving(request, pk: int) -> Merknad:
    merknad = get_object_or_404(Merknad.objects.for_user(request.user), pk=pk)
    if not services.kan_skrive(request.user, merknad):
        raise PermissionDenied(services.LUKKET_MELDING if merknad.er_lukket
                               else "Bare virksomhetens egne medarbeidere kan følge opp merknaden.")
    return merknad


def _historikk(request, merknad: Merknad) -> dict:
    kilder = [("merknad", Merknad.history.filter(id=merknad.pk)),
              ("tiltak", Revisjonstiltak.history.filter(merknad_id=merknad.pk)),
              ("svarbrev", Svarbrev.history.filter(merknad_id=merknad.pk))]
    poster, oppslag = [], Oppslag()
    for del_, qs in kilder:
        poster.extend(endringer(qs, grense=None, fast_antall_sporringer=True, del_=del_, oppslag=oppslag))
    return historikkside(request, poster, deler=HISTORIKK_DELER)


def _vis(request, merknad: Merknad, *, skjema: dict | None = None, status: int = 200):
    user = request.user
    skjema = skjema or {}
    kan_skrive = services.kan_skrive(user, merknad)
    tiltak = list(merknad.tiltak.all())
    for t in tiltak:
        if kan_skrive:
            t.skjema = skjema.get(("tiltak", t.pk)) or TiltakForm(
                prefix=f"tiltak-{t.pk}", virksomhet_id=merknad.virksomhet_id,
                initial={"tekst": t.tekst, "ansvarlig": t.ansvarlig_id, "frist": t.frist, "status": t.status})
    context = {
        "merknad": merknad,
        "tiltak": tiltak,
        "kan_skrive": kan_skrive,
        "kan_laste_opp": i_virksomheten(user, merknad.virksomhet_id) or False,
        **_historikk(request, merknad),
    }
    if kan_skrive:
        context["merknad_skjema"] = skjema.get("merknad") or MerknadForm(
            prefix="merknad", initial={f: getattr(merknad, f) for f in services.MERKNAD_FELTER})
        context["tiltak_skjema"] = skjema.get("tiltak") or TiltakForm(prefix="tiltak",
                                                                      virksomhet_id=merknad.virksomhet_id)
        context["lukk_skjema"] = skjema.get("lukk") or LukkForm(prefix="lukk")
    if context["kan_laste_opp"]:
        context["svarbrev_skjema"] = skjema.get("svarbrev") or SvarbrevForm(prefix="svarbrev")
    return render(request, "revisjon/merknad_detalj.html", context, status=status)


@login_required
def merknad_detalj(request, pk: int):
    return _vis(request, _hent(request, pk))


@login_required
@require_POST
def merknad_rediger(request, pk: int):
    merknad = _for_skriving(request, pk)
    form = MerknadForm(request.POST, prefix="merknad")
    if form.is_valid():
        try:
            services.merknad_oppdater(merknad=merknad, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, "Merknaden er lagret.")
            return redirect("revisjon:detalj", pk=pk)
    return _vis(request, _hent(request, pk), skjema={"merknad": form}, status=400)


@login_required
@require_POST
def tiltak_ny(request, pk: int):
    merknad = _for_skriving(request, pk)
    form = TiltakForm(request.POST, prefix="tiltak", virksomhet_id=merknad.virksomhet_id)
    if form.is_valid():
        try:
            services.tiltak_lagre(merknad=merknad, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, "Tiltaket er lagt til i oppfølgingsplanen.")
            return redirect("revisjon:detalj", pk=pk)
    return _vis(request, _hent(request, pk), skjema={"tiltak": form}, status=400)


@login_required
@require_POST
def tiltak_rediger(request, pk: int, tpk: int):
    merknad = _for_skriving(request, pk)
    tiltak = get_object_or_404(Revisjonstiltak.objects.filter(merknad=merknad), pk=tpk)
    if "slett" in request.POST:
        services.tiltak_slett(tiltak=tiltak, acting_user=request.user)
        messages.success(request, "Tiltaket er slettet fra planen.")
        return redirect("revisjon:detalj", pk=pk)
    form = TiltakForm(request.POST, prefix=f"tiltak-{tiltak.pk}", virksomhet_id=merknad.virksomhet_id)
    if form.is_valid():
        try:
            services.tiltak_lagre(merknad=merknad, tiltak=tiltak, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, "Tiltaket er lagret.")
            return redirect("revisjon:detalj", pk=pk)
    return _vis(request, _hent(request, pk), skjema={("tiltak", tiltak.pk): form}, status=400)


@login_required
@require_POST
def merknad_lukk(request, pk: int):
    merknad = _for_skriving(request, pk)
    form = LukkForm(request.POST, prefix="lukk")
    if form.is_valid():
        try:
            services.merknad_lukk(merknad=merknad, acting_user=request.user, lukket=form.cleaned_data["lukket"],
                                  begrunnelse=form.cleaned_data["lukket_begrunnelse"])
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, "Merknaden er lukket.")
            return redirect("revisjon:detalj", pk=pk)
    return _vis(request, _hent(request, pk), skjema={"lukk": form}, status=400)


@login_required
@require_POST
def svarbrev_ny(request, pk: int):
    merknad = get_object_or_404(Merknad.objects.for_user(request.user), pk=pk)
    if not i_virksomheten(request.user, merknad.virksomhet_id):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan laste opp svarbrev.")
    form = SvarbrevForm(request.POST, request.FILES, prefix="svarbrev")
    if form.is_valid():
        try:
            services.svarbrev_last_opp(merknad=merknad, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"«{form.cleaned_data['tittel']}» er lastet opp.")
            return redirect("revisjon:detalj", pk=pk)
    return _vis(request, _hent(request, pk), skjema={"svarbrev": form}, status=400)


@login_required
@require_http_methods(["GET", "HEAD"])
def svarbrev_last_ned(request, pk: int, spk: int):
    """Reply letters are served only through this check, never straight from MEDIA."""
    merknad = get_object_or_404(Merknad.objects.for_user(request.user), pk=pk)
    svar = get_object_or_404(Svarbrev.objects.filter(merknad=merknad), pk=spk)
    try:
        fil = svar.fil.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("Filen finnes ikke lenger.") from exc
    return FileResponse(fil, as_attachment=True, filename=os.path.basename(svar.fil.name))

