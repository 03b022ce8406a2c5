"""Meetings in the browser: the list, a meeting with its agenda, participants and documents, the
minutes with comments, approvals and decisions, and follow-up of oppfølgingspunkter.

Every view starts from ``Mote.objects.for_user`` (a forged id gets 404) and asks ``moter.tilgang``
what the person may change; the services check again."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kjerne.historikk import acting_user
from kjerne.skjema import feil_til_skjema
from styring.models import Moete, Tildelingsbrev

from . import dagsorden, services, tilgang
from .forms import (
    DeltakerForm,
    MerknadForm,
    MoteForm,
    PunktForm,
    ReferatForm,
    SakForm,
    VedleggForm,
    VedtakForm,
)
from .models import Deltaker, Mote, Referat, Sak, Vedlegg, Vedtak
from .oversikt import moteoversikt


def _mote_qs(user):
    return Mote.objects.for_user(user).select_related(
        "tildelingsbrev__virksomhet", "tildelingsbrev__departement", "grunnlag", "referat", "kalenderpunkt")


def _hent(request, pk: int) -> Mote:
    return get_object_or_404(_mote_qs(request.user), pk=pk)


def _til_motet(mote: Mote, anker: str = "") -> str:
    return reverse("moter:detalj", args=[mote.pk]) + (f"#{anker}" if anker else "")


def _til_referatet(mote: Mote, anker: str = "") -> str:
    return reverse("moter:referat", args=[mote.pk]) + (f"#{anker}" if anker else "")


@login_required
def mote_liste(request):
    idag = timezone.localdate()
    return render(request, "moter/mote_liste.html", {"o": moteoversikt(request.user, idag), "idag": idag})


# --- planning -------------------------------------------------------------------------------------

def _brev_for_planlegging(request, brev_pk: int) -> Tildelingsbrev:
    brev = get_object_or_404(Tildelingsbrev.objects.for_user(request.user).select_related(
        "virksomhet", "departement"), pk=brev_pk)
    if not tilgang.i_departementet(request.user, brev.departement_id):
        raise PermissionDenied("Bare departementet som sender brevet, planlegger møtene.")
    return brev


@login_required
def mote_ny(request, brev_pk: int):
    brev = _brev_for_planlegging(request, brev_pk)
    kalenderpunkt = None
    if request.GET.get("kalender", "").isdigit() or request.POST.get("kalender", "").isdigit():
        kalenderpunkt = get_object_or_404(Moete.objects.filter(tildelingsbrev=brev, portalmote__isnull=True),
                                          pk=int(request.GET.get("kalender") or request.POST.get("kalender")))
    mote = Mote(tildelingsbrev=brev, kalenderpunkt=kalenderpunkt, opprettet_av=request.user)
    if kalenderpunkt is not None:
        from .models import FRA_KALENDER

        mote.type, mote.tittel, mote.dato = FRA_KALENDER[kalenderpunkt.type], kalenderpunkt.tittel, kalenderpunkt.dato
    form = MoteForm(request.POST or None, instance=mote, brev=brev, prefix="mote")
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(), acting_user(request.user):
            form.save()
        messages.success(request, f"{mote.tittel} {mote.dato:%d.%m.%Y} er opprettet. Dagsordenen settes opp av seg "
                                  "selv fra det som må drøftes; legg til deltakere og saker under.")
        return redirect(_til_motet(mote))
    return render(request, "moter/mote_form.html", {"form": form, "brev": brev, "mote": None,
                                                    "kalenderpunkt": kalenderpunkt})


@login_required
def mote_rediger(request, pk: int):
    mote = _hent(request, pk)
    if not tilgang.kan_endre_mote(request.user, mote):
        raise PermissionDenied("Bare departementet kan endre møtet, og bare før referatet er godkjent.")
    form = MoteForm(request.POST or None, instance=mote, brev=mote.tildelingsbrev, prefix="mote")
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(), acting_user(request.user):
            form.save()
        messages.success(request, "Møtet er lagret.")
        return redirect(_til_motet(mote))
    return render(request, "moter/mote_form.html", {"form": form, "brev": mote.tildelingsbrev, "mote": mote})


def _vis(request, mote: Mote, *, skjema: dict | None = None, status: int = 200):
    user, idag = request.user, timezone.localdate()
    skjema = skjema or {}
    mote = (Mote.objects.filter(pk=mote.pk).select_related(
        "tildelingsbrev__virksomhet", "tildelingsbrev__departement", "grunnlag", "referat", "kalenderpunkt")
        .prefetch_related(Prefetch("deltakere", queryset=Deltaker.objects.select_related("bruker")),
                          Prefetch("saker", queryset=Sak.objects.select_related("foreslatt_av")),
                          Prefetch("vedlegg", queryset=Vedlegg.objects.select_related("lastet_opp_av"))).get())
    kan_foreslaa = tilgang.kan_foreslaa_sak(user, mote, idag)
    kan_endre = tilgang.kan_endre_mote(user, mote)
    kan_laste_opp = tilgang.kan_laste_opp(user, mote)
    deltakere = list(mote.deltakere.all())
    return render(request, "moter/mote_detalj.html", {
        "mote": mote, "brev": mote.tildelingsbrev, "punkter": dagsorden.dagsorden(mote, user),
        "dep_deltakere": [d for d in deltakere if d.side == "departement"],
        "virk_deltakere": [d for d in deltakere if d.side == "virksomhet"],
        "vedlegg": list(mote.vedlegg.all()),
        "kan_endre": kan_endre, "kan_foreslaa": kan_foreslaa, "kan_laste_opp": kan_laste_opp,
        "er_departementet": tilgang.er_departementet(user, mote),
        "kan_se_referat": tilgang.kan_se_referat(user, mote),
        "kan_starte_referat": tilgang.er_departementet(user, mote) and not mote.har_referat,
        "frist_passert": mote.dagsorden_frist is not None and idag > mote.dagsorden_frist,
        "sak_form": skjema.get("sak") or (SakForm(prefix="sak") if kan_foreslaa else None),
        "deltaker_form": skjema.get("deltaker") or (DeltakerForm(prefix="deltaker", mote=mote) if kan_endre else None),
        "vedlegg_form": skjema.get("vedlegg") or (VedleggForm(prefix="vedlegg") if kan_laste_opp else None),
        "user_id": user.pk,
    }, status=status)


@login_required
def mote_detalj(request, pk: int):
    return _vis(request, _hent(request, pk))


@login_required
@require_POST
def deltaker_ny(request, pk: int):
    mote = _hent(request, pk)
    if not tilgang.kan_endre_mote(request.user, mote):
        raise PermissionDenied("Bare departementet kan endre deltakerlisten, og bare før referatet er godkjent.")
    form = DeltakerForm(request.POST, prefix="deltaker", mote=mote)
    if form.is_valid():
        try:
            d = services.deltaker_legg_til(mote=mote, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"{d.visningsnavn} er lagt til som deltaker.")
            return redirect(_til_motet(mote, "deltakere"))
    return _vis(request, mote, skjema={"deltaker": form}, status=400)


@login_required
@require_POST
def deltaker_fjern(request, pk: int, deltaker_pk: int):
    mote = _hent(request, pk)
    deltaker = get_object_or_404(mote.deltakere.select_related("bruker"), pk=deltaker_pk)
    if not tilgang.kan_endre_mote(request.user, mote):
        raise PermissionDenied("Bare departementet kan endre deltakerlisten, og bare før referatet er godkjent.")
    navn = deltaker.visningsnavn
    services.deltaker_fjern(mote=mote, deltaker=deltaker, acting_user=request.user)
    messages.success(request, f"{navn} er fjernet fra deltakerlisten.")
    return redirect(_til_motet(mote, "deltakere"))


@login_required
@require_POST
def sak_ny(request, pk: int):
    mote = _hent(request, pk)
    if not tilgang.er_part(request.user, mote):
        raise PermissionDenied("Bare departementet og virksomheten kan foreslå saker til møtet.")
    if not tilgang.kan_foreslaa_sak(request.user, mote, timezone.localdate()):
        # The 403 page carries the reason: the meeting is held, or the agenda deadline has passed.
        raise PermissionDenied(services.sak_nektet_grunn(request.user, mote))
    form = SakForm(request.POST, prefix="sak")
    if form.is_valid():
        try:
            services.sak_foreslaa(mote=mote, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"«{form.cleaned_data['tittel']}» er foreslått til dagsordenen.")
            return redirect(_til_motet(mote, "dagsorden"))
    return _vis(request, mote, skjema={"sak": form}, status=400)


@login_required
@require_POST
def sak_trekk(request, pk: int, sak_pk: int):
    mote = _hent(request, pk)
    sak = get_object_or_404(mote.saker.filter(kilde=Sak.Kilde.FORSLAG), pk=sak_pk)
    if not tilgang.er_part(request.user, mote):
        raise PermissionDenied("Bare departementet og virksomheten endrer dagsordenen.")
    try:
        services.sak_trekk(sak=sak, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"«{sak.tittel}» er trukket fra dagsordenen.")
    return redirect(_til_motet(mote, "dagsorden"))


@login_required
@require_POST
def vedlegg_ny(request, pk: int):
    mote = _hent(request, pk)
    if not tilgang.kan_laste_opp(request.user, mote):
        raise PermissionDenied("Bare departementet og virksomheten kan legge ved dokumenter, og bare før referatet "
                               "er godkjent.")
    form = VedleggForm(request.POST, request.FILES, prefix="vedlegg")
    if form.is_valid():
        try:
            services.vedlegg_last_opp(mote=mote, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"«{form.cleaned_data['tittel']}» er lastet opp.")
            return redirect(_til_motet(mote, "dokumenter"))
    return _vis(request, mote, skjema={"vedlegg": form}, status=400)


@login_required
@require_http_methods(["GET", "HEAD"])
def vedlegg_last_ned(request, pk: int, vedlegg_pk: int):
    """Meeting documents are served only through this check, never straight from MEDIA."""
    mote = _hent(request, pk)
    vedlegg = get_object_or_404(Vedlegg.objects.filter(mote=mote), pk=vedlegg_pk)
    try:
        fil = vedlegg.fil.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("Filen finnes ikke lenger.") from exc
    return FileResponse(fil, as_attachment=True, filename=os.path.basename(vedlegg.fil.name))


# --- the minutes ---------------------------------------------------------------------------------

@login_required
@require_POST
def referat_start(request, pk: int):
    mote = _hent(request, pk)
    if not tilgang.er_departementet(request.user, mote):
        raise PermissionDenied("Bare departementet skriver referatet.")
    try:
        services.referat_start(mote=mote, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_til_motet(mote))
    messages.success(request, "Referatet er påbegynt. Dagsordenen er låst slik den var i møtet.")
    return redirect(_til_referatet(mote))


def _hent_referat(request, pk: int) -> tuple[Mote, Referat]:
    mote = _hent(request, pk)
    if not tilgang.kan_se_referat(request.user, mote):
        raise Http404("Referatet finnes ikke, eller du har ikke tilgang til det ennå.")
    return mote, mote.referat


def _vis_referat(request, mote: Mote, *, skjema: dict | None = None, status: int = 200):
    user = request.user
    skjema = skjema or {}
    referat = Referat.objects.select_related("godkjent_departement_av", "godkjent_virksomhet_av", "sendt_av").get(
        pk=mote.referat.pk)
    kan_skrive = tilgang.kan_skrive_referat(user, mote)
    kan_kommentere = tilgang.kan_kommentere_referat(user, mote)
    er_dep = tilgang.er_departementet(user, mote)
    if er_dep:
        har_godkjent = referat.godkjent_departement is not None
    else:
        har_godkjent = referat.godkjent_virksomhet is not None
    return render(request, "moter/referat.html", {
        "mote": mote, "brev": mote.tildelingsbrev, "referat": referat,
        "saker": list(mote.saker.all()),
        "vedtak": list(mote.vedtak.select_related("ansvarlig", "oppdrag__tillegg").prefetch_related(
            "oppdateringer__skrevet_av")),
        "merknader": list(referat.merknader.select_related("skrevet_av")),
        "kan_skrive": kan_skrive, "kan_kommentere": kan_kommentere,
        "kan_godkjenne": tilgang.kan_godkjenne_referat(user, mote) and not har_godkjent,
        "kan_sende": kan_skrive and referat.status == "utkast",
        "er_departementet": er_dep,
        "kan_lage_oppdrag": er_dep and referat.status == "godkjent",
        "kan_folge_opp": tilgang.er_part(user, mote) and referat.status == "godkjent",
        "referat_form": skjema.get("referat") or (ReferatForm(instance=referat, prefix="referat")
                                                  if kan_skrive else None),
        "merknad_form": skjema.get("merknad") or (MerknadForm(prefix="merknad") if kan_kommentere else None),
        "punkt_skjema": skjema.get("punkt"),
        "punkt_form": PunktForm(prefix="punkt", departement=er_dep),
    }, status=status)


@login_required
def referat(request, pk: int):
    mote, ref = _hent_referat(request, pk)
    if request.method == "POST":
        if not tilgang.kan_skrive_referat(request.user, mote):
            raise PermissionDenied(services.LAAST_MELDING if ref.er_laast else "Bare departementet skriver referatet.")
        form = ReferatForm(request.POST, instance=ref, prefix="referat")
        with transaction.atomic():
            if form.is_valid():
                with acting_user(request.user):
                    ref = form.save(commit=False)
                    services.referat_endret(ref)
                    ref.save()
                messages.success(request, "Referatet er lagret." + (
                    " Virksomheten må godkjenne den nye teksten." if ref.status == "til_kommentar" else ""))
                return redirect(_til_referatet(mote))
        return _vis_referat(request, mote, skjema={"referat": form}, status=400)
    return _vis_referat(request, mote)


@login_required
@require_POST
def referat_send(request, pk: int):
    mote, _ = _hent_referat(request, pk)
    if not tilgang.er_departementet(request.user, mote):
        raise PermissionDenied("Bare departementet sender referatet til virksomheten.")
    try:
        services.referat_send(mote=mote, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Referatet er sendt til {mote.tildelingsbrev.virksomhet.kortnavn} for kommentarer.")
    return redirect(_til_referatet(mote))


@login_required
@require_POST
def referat_merknad(request, pk: int):
    mote, _ = _hent_referat(request, pk)
    if not tilgang.kan_kommentere_referat(request.user, mote):
        raise PermissionDenied("Referatet kan bare kommenteres av partene mens det er sendt til kommentarer.")
    form = MerknadForm(request.POST, prefix="merknad")
    if form.is_valid():
        try:
            services.referat_merknad(mote=mote, tekst=form.cleaned_data["tekst"], acting_user=request.user)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, "Merknaden er lagret.")
            return redirect(_til_referatet(mote, "merknader"))
    return _vis_referat(request, mote, skjema={"merknad": form}, status=400)


@login_required
@require_POST
def referat_godkjenn(request, pk: int):
    mote, _ = _hent_referat(request, pk)
    if not tilgang.er_part(request.user, mote):
        raise PermissionDenied("Bare departementet og virksomheten godkjenner referatet.")
    try:
        ref = services.referat_godkjenn(mote=mote, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Referatet er godkjent av begge parter og er nå låst." if ref.er_laast else
                         "Godkjenningen er registrert. Referatet låses når begge parter har godkjent.")
    return redirect(_til_referatet(mote))


# --- decisions ------------------------------------------------------------------------------------

def _vedtak_side(request, mote: Mote, vedtak: Vedtak, *, ny: bool):
    if not tilgang.kan_skrive_referat(request.user, mote):
        raise PermissionDenied(services.LAAST_MELDING if mote.referat.er_laast else
                               "Bare departementet fører vedtakene.")
    form = VedtakForm(request.POST or None, instance=vedtak, mote=mote, prefix="vedtak")
    if request.method == "POST" and form.is_valid():
        try:
            services.vedtak_lagre(vedtak=form.save(commit=False), acting_user=request.user)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"Vedtak {vedtak.nummer} er lagret.")
            return redirect(_til_referatet(mote, "vedtak"))
    return render(request, "moter/vedtak_form.html", {"form": form, "mote": mote, "vedtak": None if ny else vedtak},
                  status=400 if request.method == "POST" else 200)


@login_required
def vedtak_ny(request, pk: int):
    mote, _ = _hent_referat(request, pk)
    return _vedtak_side(request, mote, Vedtak(mote=mote), ny=True)


@login_required
def vedtak_rediger(request, pk: int, vedtak_pk: int):
    mote, _ = _hent_referat(request, pk)
    vedtak = get_object_or_404(Vedtak.objects.filter(mote=mote), pk=vedtak_pk)
    return _vedtak_side(request, mote, vedtak, ny=False)


@login_required
@require_POST
def vedtak_slett(request, pk: int, vedtak_pk: int):
    mote, _ = _hent_referat(request, pk)
    vedtak = get_object_or_404(Vedtak.objects.filter(mote=mote), pk=vedtak_pk)
    if not tilgang.kan_skrive_referat(request.user, mote):
        raise PermissionDenied("Bare departementet fører vedtakene, og bare før referatet er godkjent.")
    services.vedtak_slett(vedtak=vedtak, acting_user=request.user)
    messages.success(request, f"Vedtak {vedtak.nummer} er slettet.")
    return redirect(_til_referatet(mote, "vedtak"))


@login_required
@require_POST
def vedtak_oppdrag(request, pk: int, vedtak_pk: int):
    mote, _ = _hent_referat(request, pk)
    vedtak = get_object_or_404(Vedtak.objects.filter(mote=mote).select_related("mote__tildelingsbrev"), pk=vedtak_pk)
    if not tilgang.er_departementet(request.user, mote):
        raise PermissionDenied("Bare departementet legger vedtak inn i et tillegg.")
    try:
        oppdrag = services.vedtak_til_oppdrag(vedtak=vedtak, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_til_referatet(mote, "vedtak"))
    tillegg = oppdrag.tillegg
    messages.success(request, f"Vedtak {vedtak.nummer} er lagt inn som oppdrag {oppdrag.nummer} i utkastet til "
                              f"tillegg nr. {tillegg.nummer}. Fullfør oppdraget der før tillegget sendes.")
    return redirect(reverse("brev:rediger-tillegg-oppdrag", args=[tillegg.tildelingsbrev_id, tillegg.nummer,
                                                                   oppdrag.pk]))


@login_required
@require_POST
def punkt_oppdater(request, pk: int, vedtak_pk: int):
    mote = _hent(request, pk)
    vedtak = get_object_or_404(Vedtak.objects.for_user(request.user).filter(mote=mote), pk=vedtak_pk)
    if not tilgang.kan_folge_opp_punkt(request.user, vedtak):
        raise PermissionDenied("Bare departementet og virksomheten følger opp punkter fra godkjente referater.")
    er_dep = tilgang.er_departementet(request.user, mote)
    form = PunktForm(request.POST, prefix="punkt", departement=er_dep)
    if form.is_valid():
        try:
            services.punkt_oppdater(vedtak=vedtak, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            messages.success(request, f"Oppfølgingen av vedtak {vedtak.nummer} er lagret.")
            return redirect(_til_referatet(mote, f"vedtak-{vedtak.nummer}"))
    form.vedtak_pk = vedtak.pk
    return _vis_referat(request, mote, skjema={"punkt": form}, status=400)


@login_required
def mote_historikk(request, pk: int):
    """Who changed what in the meeting, its agenda, documents, minutes and decisions. Outside the
    ministry, what happened to the minutes before they were sent to the agency does not show."""
    from dokumenter.services import pdf_historikk
    from kjerne.endringslogg import Oppslag, endringer, historikkside

    from .models import Merknad, Punktoppdatering

    mote = _hent(request, pk)
    deler = [("mote", "Møtet"), ("deltakere", "Deltakere"), ("dagsorden", "Dagsorden"),
             ("dokumenter", "Dokumenter"), ("referat", "Referat og vedtak")]
    kilder = [(Mote.history.filter(id=mote.pk), "mote"), (Deltaker.history.filter(mote_id=mote.pk), "deltakere"),
              (Sak.history.filter(mote_id=mote.pk), "dagsorden"), (Vedlegg.history.filter(mote_id=mote.pk), "dokumenter")]
    vedtak_ids = Vedtak.history.filter(mote_id=mote.pk).values("id")  # deleted decisions too
    referat_kilder = [(Referat.history.filter(mote_id=mote.pk), "referat"),
                      (Vedtak.history.filter(mote_id=mote.pk), "referat"),
                      (Merknad.history.filter(referat_id=mote.referat.pk) if mote.har_referat
                       else Merknad.history.none(), "referat"),
                      (Punktoppdatering.history.filter(vedtak_id__in=vedtak_ids), "referat")]
    if not (tilgang.er_admin(request.user) or tilgang.er_departementet(request.user, mote)):
        sendt = mote.referat.sendt if mote.har_referat else None
        if sendt is None or not tilgang.kan_se_referat(request.user, mote):
            referat_kilder = [(qs.none(), del_) for qs, del_ in referat_kilder]
        else:
            referat_kilder = [(qs.filter(history_date__gte=sendt), del_) for qs, del_ in referat_kilder]
    oppslag, poster = Oppslag(), []
    for qs, del_ in kilder + referat_kilder:
        poster += endringer(qs, grense=None, fast_antall_sporringer=True, del_=del_, oppslag=oppslag)
    return render(request, "moter/mote_historikk.html", {
        "mote": mote, **historikkside(request, poster, deler=deler),
        "pdf_historikk": pdf_historikk(kind="referat", object_id=mote.pk)})
