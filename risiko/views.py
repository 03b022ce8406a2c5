"""Risk assessments in the browser. Every view starts from ``Risikovurdering.objects.for_user``
(a draft is the agency's alone; a shared one the ministry's to read too); services say who may
change what, and refuse everything once the assessment is shared."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from brukere.tilgang import er_admin
from kjerne.endringslogg import Oppslag, endringer, historikkside
from kjerne.skjema import TiltakForm, feil_til_skjema

from . import services
from .forms import NyVurderingForm, RisikoForm, SammendragForm
from .models import Risiko, Risikotiltak, Risikovurdering

HISTORIKK_DELER = [("vurdering", "Vurderingen"), ("risikoer", "Risikoer"), ("tiltak", "Tiltak")]


def _hent(request, pk: int) -> Risikovurdering:
    return get_object_or_404(Risikovurdering.objects.for_user(request.user).med_risikoer(), pk=pk)


def _for_skriving(request, pk: int) -> Risikovurdering:
    vurdering = get_object_or_404(Risikovurdering.objects.for_user(request.user), pk=pk)
    if not services.kan_skrive(request.user, vurdering):
        raise PermissionDenied(services.LAAST_MELDING if vurdering.er_laast
                               else "Bare virksomhetens egne medarbeidere kan skrive i risikovurderingen.")
    return vurdering


def _risiko(vurdering: Risikovurdering, rpk: int) -> Risiko:
    return get_object_or_404(Risiko.objects.filter(vurdering=vurdering).select_related("vurdering"), pk=rpk)


@login_required
def vurdering_liste(request, *, skjema: NyVurderingForm | None = None, status: int = 200):
    user = request.user
    vurderinger = (Risikovurdering.objects.for_user(user).select_related("virksomhet", "departement")
                   .annotate(antall=Count("risikoer")).order_by("virksomhet__kortnavn", "-gjelder_per"))
    kan_lage = user.is_authenticated and user.er_virksomhet and user.organisasjon_id is not None
    if kan_lage and skjema is None:
        skjema = NyVurderingForm(initial={"aar": _standard_aar(user)})
    return render(request, "risiko/vurdering_liste.html",
                  {"vurderinger": vurderinger, "skjema": skjema if kan_lage else None}, status=status)


def _standard_aar(user) -> int:
    return timezone.localdate().year


@login_required
@require_POST
def vurdering_ny(request):
    user = request.user
    if not (user.er_virksomhet and services.kan_opprette(user, user.organisasjon_id)):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan lage risikovurderinger.")
    form = NyVurderingForm(request.POST)
    if form.is_valid():
        try:
            vurdering = services.vurdering_opprett(virksomhet_id=user.organisasjon_id, acting_user=user,
                                                   **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"Risikovurderingen for {vurdering.periode} er opprettet som utkast.")
            return redirect("risiko:detalj", pk=vurdering.pk)
    return vurdering_liste(request, skjema=form, status=400)


def _historikk(request, vurdering: Risikovurdering) -> dict:
    """Every recorded change the user may see: the agency all of it; the ministry what happened
    from the moment the assessment was shared (the draft's history stays the agency's)."""
    kilder = [("vurdering", Risikovurdering.history.filter(id=vurdering.pk)),
              ("risikoer", Risiko.history.filter(vurdering_id=vurdering.pk)),
              ("tiltak", Risikotiltak.history.filter(risiko__vurdering_id=vurdering.pk))]
    user = request.user
    if not (er_admin(user) or (user.er_virksomhet and user.organisasjon_id == vurdering.virksomhet_id)):
        kilder = [(d, qs.filter(history_date__gte=vurdering.delt)) for d, qs in kilder]
    poster, oppslag = [], Oppslag()
    for del_, qs in kilder:
        poster.extend(endringer(qs, grense=None, fast_antall_sporringer=True, del_=del_, oppslag=oppslag))
    return historikkside(request, poster, deler=HISTORIKK_DELER)


def _vis(request, vurdering: Risikovurdering, *, skjema: dict | None = None, status: int = 200):
    user = request.user
    skjema = skjema or {}
    kan_skrive = services.kan_skrive(user, vurdering)
    context = {
        "vurdering": vurdering,
        "kan_skrive": kan_skrive,
        "kan_dele": services.kan_dele(user, vurdering),
        "forrige": services.forrige_vurdering(vurdering, bruker=user),
        "aapne_tiltak": services.aapne_tiltak(vurdering),
        **_historikk(request, vurdering),
    }
    if kan_skrive:
        context["sammendrag_skjema"] = skjema.get("sammendrag") or SammendragForm(
            initial={"sammendrag": vurdering.sammendrag}, prefix="sammendrag")
        context["del_feil"] = skjema.get("del")
    return render(request, "risiko/vurdering_detalj.html", context, status=status)


@login_required
def vurdering_detalj(request, pk: int):
    return _vis(request, _hent(request, pk))


@login_required
@require_POST
def vurdering_sammendrag(request, pk: int):
    vurdering = _for_skriving(request, pk)
    form = SammendragForm(request.POST, prefix="sammendrag")
    if form.is_valid():
        services.vurdering_oppdater(vurdering=vurdering, acting_user=request.user, **form.cleaned_data)
        messages.success(request, "Den overordnede vurderingen er lagret.")
        return redirect("risiko:detalj", pk=pk)
    return _vis(request, _hent(request, pk), skjema={"sammendrag": form}, status=400)


@login_required
@require_POST
def vurdering_del(request, pk: int):
    vurdering = _for_skriving(request, pk)
    try:
        services.vurdering_del(vurdering=vurdering, acting_user=request.user)
    except ValidationError as exc:
        return _vis(request, _hent(request, pk), skjema={"del": " ".join(exc.messages)}, status=400)
    messages.success(request, f"Risikovurderingen er delt med {vurdering.departement.kortnavn}. Den kan ikke "
                              "lenger endres.")
    return redirect("risiko:detalj", pk=pk)


def _risikoskjema(request, vurdering, data=None, risiko: Risiko | None = None) -> RisikoForm:
    initial = None
    if risiko is not None:
        initial = {f: getattr(risiko, f) for f in services.RISIKO_FELTER}
    return RisikoForm(data, initial=initial, maal=services.valgbare_maal(vurdering, request.user),
                      oppdrag=services.valgbare_oppdrag(vurdering, request.user))


def _risikoside(request, vurdering, form, *, risiko=None, tiltak_skjema=None, avvist_tiltak=None, status=200):
    """The page of one risk: its form, and (for a saved risk) its measures, each with its own form.
    ``avvist_tiltak`` = (pk, form) shows a refused edit of one measure in place, with its errors."""
    tiltak = list(risiko.tiltak.select_related("ansvarlig")) if risiko is not None else []
    for t in tiltak:
        if avvist_tiltak and avvist_tiltak[0] == t.pk:
            t.skjema = avvist_tiltak[1]
        else:
            t.skjema = TiltakForm(prefix=f"tiltak-{t.pk}", virksomhet_id=vurdering.virksomhet_id,
                                  initial={"tekst": t.tekst, "ansvarlig": t.ansvarlig_id, "frist": t.frist,
                                           "status": t.status})
    return render(request, "risiko/risiko_skjema.html", {
        "vurdering": vurdering, "risiko": risiko, "form": form, "tiltak": tiltak,
        "tiltak_skjema": tiltak_skjema or (TiltakForm(prefix="tiltak", virksomhet_id=vurdering.virksomhet_id)
                                           if risiko is not None else None),
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def risiko_ny(request, pk: int):
    vurdering = _for_skriving(request, pk)
    if request.method != "POST":
        return _risikoside(request, vurdering, _risikoskjema(request, vurdering))
    form = _risikoskjema(request, vurdering, request.POST)
    if form.is_valid():
        try:
            risiko = services.risiko_lagre(vurdering=vurdering, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"{risiko.kode} er lagt til. Legg inn tiltak under.")
            return redirect("risiko:risiko", pk=pk, rpk=risiko.pk)
    return _risikoside(request, vurdering, form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def risiko_rediger(request, pk: int, rpk: int):
    vurdering = _for_skriving(request, pk)
    risiko = _risiko(vurdering, rpk)
    if request.method != "POST":
        return _risikoside(request, vurdering, _risikoskjema(request, vurdering, risiko=risiko), risiko=risiko)
    form = _risikoskjema(request, vurdering, request.POST, risiko=risiko)
    if form.is_valid():
        try:
            services.risiko_lagre(vurdering=vurdering, risiko=risiko, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"{risiko.kode} er lagret.")
            return redirect(reverse("risiko:detalj", kwargs={"pk": pk}) + f"#risiko-{risiko.kode}")
    return _risikoside(request, vurdering, form, risiko=risiko, status=400)


@login_required
@require_POST
def risiko_slett(request, pk: int, rpk: int):
    vurdering = _for_skriving(request, pk)
    risiko = _risiko(vurdering, rpk)
    kode = risiko.kode
    services.risiko_slett(risiko=risiko, acting_user=request.user)
    messages.success(request, f"{kode} er slettet.")
    return redirect("risiko:detalj", pk=pk)


@login_required
@require_POST
def tiltak_ny(request, pk: int, rpk: int):
    vurdering = _for_skriving(request, pk)
    risiko = _risiko(vurdering, rpk)
    form = TiltakForm(request.POST, prefix="tiltak", virksomhet_id=vurdering.virksomhet_id)
    if form.is_valid():
        try:
            services.tiltak_lagre(risiko=risiko, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, "Tiltaket er lagt til.")
            return redirect("risiko:risiko", pk=pk, rpk=rpk)
    return _risikoside(request, vurdering, _risikoskjema(request, vurdering, risiko=risiko), risiko=risiko,
                       tiltak_skjema=form, status=400)


def _tiltak(risiko: Risiko, tpk: int) -> Risikotiltak:
    return get_object_or_404(Risikotiltak.objects.filter(risiko=risiko), pk=tpk)


@login_required
@require_POST
def tiltak_rediger(request, pk: int, rpk: int, tpk: int):
    vurdering = _for_skriving(request, pk)
    risiko = _risiko(vurdering, rpk)
    tiltak = _tiltak(risiko, tpk)
    if "slett" in request.POST:
        services.tiltak_slett(tiltak=tiltak, acting_user=request.user)
        messages.success(request, "Tiltaket er slettet.")
        return redirect("risiko:risiko", pk=pk, rpk=rpk)
    form = TiltakForm(request.POST, prefix=f"tiltak-{tiltak.pk}", virksomhet_id=vurdering.virksomhet_id)
    if form.is_valid():
        try:
            services.tiltak_lagre(risiko=risiko, tiltak=tiltak, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, "Tiltaket er lagret.")
            return redirect("risiko:risiko", pk=pk, rpk=rpk)
    return _risikoside(request, vurdering, _risikoskjema(request, vurdering, risiko=risiko), risiko=risiko,
                       avvist_tiltak=(tiltak.pk, form), status=400)
