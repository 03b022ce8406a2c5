"""Oppdrag in the browser: the filtered list (and its Excel export), the follow-up page, and each
user's calendar feed. Every view starts from ``Oppdrag.objects.for_user``; brukere.tilgang says
who may change what."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from brukere.tilgang import kan_folge_opp, kan_kommentere_oppdrag
from kjerne.endringslogg import historikkside
from kjerne.querysets import i_egen_rekkefolge, prefetch_i_egen_rekkefolge
from kjerne.skjema import feil_til_skjema
from kjerne.tid import lokal_dato
from styring.models import Tildelingsbrev

from . import services
from .filters import SORTERING, OppdragFilter
from .forms import AnsvarligForm, AvslutningForm, KommentarForm, LeveranseForm, StatusoppdateringForm
from .historikk import HISTORIKK_DELER, oppdrag_endringer
from .models import (
    Frist,
    Leveranse,
    Milepael,
    Oppdrag,
    Oppdragskommentar,
    Samarbeidspartner,
    Statusoppdatering,
    Tittelvariant,
)
from .querysets import frister_per_brev
from .risiko import for_oppdrag as risiko_for_oppdrag

PER_SIDE = 50
PER_SIDE_VALG = (50, 100, 500)


# --------------------------------------------------------------------------------------------------
# List and export
# --------------------------------------------------------------------------------------------------

def _filterset(request) -> OppdragFilter:
    return OppdragFilter(request.GET, queryset=Oppdrag.objects.for_user(request.user), request=request)


def _per_side(request) -> int:
    try:
        verdi = int(request.GET.get("per_side", PER_SIDE))
    except ValueError:
        return PER_SIDE
    return verdi if verdi in PER_SIDE_VALG else PER_SIDE


@login_required
def oppdrag_liste(request):
    from .liste import FELTER, FRISTFELTER, forste_side, neste_frister, rader_html

    filterset = _filterset(request)
    idag = filterset.idag
    paginator, side = forste_side(filterset.qs.values(*FELTER), _per_side(request), request.GET.get("side"))
    rows = list(side.object_list)
    frister = neste_frister(
        filterset.frister.filter(oppdrag_id__in=[r["pk"] for r in rows])
        .order_by("tildelingsbrev__aar", "rekkefolge", "id").values_list(*FRISTFELTER), idag)
    vis_virksomhet = filterset.antall_virksomheter > 1
    sortering = filterset.sortering
    context = {
        "filter": filterset,
        "side": side,
        "paginator": paginator,
        "sidetall": side.paginator.get_elided_page_range(side.number, on_each_side=2, on_ends=1),
        "sortering": sortering,
        "sortert_kolonne": SORTERING[sortering][0] if sortering else "",
        "per_side": paginator.per_page,
        "per_side_valg": PER_SIDE_VALG,
        "query": request.GET.urlencode(),
        "vis_virksomhet": vis_virksomhet,
        "rader": rader_html(rows, frister, vis_virksomhet=vis_virksomhet, idag=idag),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "oppdrag/_oppdrag_resultat.html", context)
    else:
        response = render(request, "oppdrag/oppdrag_liste.html", context)
    response["Vary"] = "HX-Request"
    return response


@login_required
def oppdrag_eksport(request):
    from .eksport import oppdrag_xlsx
    from .liste import FRISTFELTER, neste_frister

    filterset = _filterset(request)
    sist = (Statusoppdatering.objects.filter(oppdrag=OuterRef("pk")).order_by("-opprettet")
            .values("opprettet")[:1])
    rader = list(filterset.qs.select_related("virksomhet", "maal", "ansvarlig").prefetch_related("samarbeidspartnere")
                 .annotate(sist_oppdatert=Subquery(sist)))
    # The same next frist as the list shows, for every exported row in one query.
    frister = neste_frister(
        filterset.frister.filter(oppdrag_id__in=filterset.qs.values("pk"))
        .order_by("tildelingsbrev__aar", "rekkefolge", "id").values_list(*FRISTFELTER), filterset.idag)
    for o in rader:
        o.neste_frist = frister.get(o.pk)  # (dato, tekst) or None
    innhold = oppdrag_xlsx(rader)
    response = HttpResponse(innhold,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="oppdrag-{filterset.idag:%Y-%m-%d}.xlsx"'
    return response


# --------------------------------------------------------------------------------------------------
# Detail and follow-up
# --------------------------------------------------------------------------------------------------

def _detalj_qs(user):
    from .filters import synlige_frister

    frister = synlige_frister(user).select_related("tildelingsbrev", "tillegg").order_by(
        "tildelingsbrev__aar", "rekkefolge", "id")
    return Oppdrag.objects.for_user(user).select_related(
        "virksomhet", "maal", "departement", "tildelingsbrev__departement", "tillegg__tildelingsbrev__departement",
        "ansvarlig",
        "hovedansvar",
    ).prefetch_related(
        Prefetch("frister", queryset=frister),
        # The oppdrag's own rows in their own order, without joining the oppdrag and its agency to
        # sort by them (kjerne.querysets.i_egen_rekkefolge).
        prefetch_i_egen_rekkefolge("milepaeler", Milepael, foran="oppdrag"),
        prefetch_i_egen_rekkefolge("finansiering", Oppdrag._meta.get_field("finansiering").related_model,
                                   foran="oppdrag"),
        "delt_med",
        Prefetch("jf_oppdrag", queryset=Oppdrag.objects.for_user(user).order_by("aar", "nummer")),
        Prefetch("videreført_i", queryset=Oppdrag.objects.for_user(user).order_by("aar", "nummer")),
        Prefetch("tittelvarianter", queryset=Tittelvariant.objects.filter(
            tildelingsbrev__in=Tildelingsbrev.objects.for_user(user).values("pk")).select_related("tildelingsbrev")),
        prefetch_i_egen_rekkefolge("statusoppdateringer", Statusoppdatering, foran="oppdrag",
                                   queryset=Statusoppdatering.objects.select_related("opprettet_av")),
        prefetch_i_egen_rekkefolge("leveranser", Leveranse, foran="oppdrag",
                                   queryset=Leveranse.objects.select_related("levert_av")),
        prefetch_i_egen_rekkefolge("kommentarer", Oppdragskommentar, foran="oppdrag",
                                   queryset=Oppdragskommentar.objects.select_related("forfatter")),
    )


def _hent(request, pk: int) -> Oppdrag:
    return get_object_or_404(_detalj_qs(request.user), pk=pk)


def _brev_url(brev) -> str:
    try:
        return reverse("brev:brev", args=[brev.pk])
    except NoReverseMatch:
        return ""


@dataclass
class Hendelse:
    """One entry of the follow-up timeline."""

    art: str  # "status", "kommentar", "leveranse"
    tid: datetime
    dato: date
    objekt: object
    definisjon: str = ""


def _tidslinje(oppdrag: Oppdrag, definisjoner) -> list[Hendelse]:
    hendelser = [Hendelse("status", s.opprettet, s.gjelder_dato, s, definisjoner.get(s.risiko))
                 for s in oppdrag.statusoppdateringer.all()]
    hendelser += [Hendelse("kommentar", k.opprettet, lokal_dato(k.opprettet), k) for k in oppdrag.kommentarer.all()]
    hendelser += [Hendelse("leveranse", level.levert, lokal_dato(level.levert), level)
                  for level in oppdrag.leveranser.all()]
    hendelser.sort(key=lambda h: (h.dato, h.tid), reverse=True)
    return hendelser


def _frister_per_aar(oppdrag: Oppdrag) -> tuple[list, list]:
    """The frister as of the latest letter, and the earlier statements ("endret fra"), newest first."""
    alle = list(oppdrag.frister.all())
    if not alle:
        return [], []
    aar = sorted({f.tildelingsbrev.aar for f in alle}, reverse=True)
    gjeldende = [f for f in alle if f.tildelingsbrev.aar == aar[0]]
    tidligere = []
    for a in aar[1:]:
        gruppe = [f for f in alle if f.tildelingsbrev.aar == a]
        if [f.tekst for f in gruppe] != [f.tekst for f in gjeldende]:
            tidligere.append({"aar": a, "frister": gruppe, "brev": gruppe[0].tildelingsbrev})
    return gjeldende, tidligere


def _foreslatte_frister(oppdrag: Oppdrag) -> list:
    """For the owning ministry: frister its drafts (a letter or tillegg not yet sent) propose for an
    oppdrag already in force. They change nothing until sent, so they are shown apart."""
    return list(Frist.objects.filter(oppdrag=oppdrag, tildelingsbrev__departement_id=oppdrag.departement_id)
                .exclude(pk__in=Frist.objects.relevante().filter(oppdrag=oppdrag).values("pk"))
                .select_related("tildelingsbrev", "tillegg").order_by("tildelingsbrev__aar", "rekkefolge", "id"))


def _aapen_i(frister: list, aar: int) -> bool:
    """As ``OppdragQuerySet.open_in`` for one oppdrag whose frister are loaded: a frist as of the
    letter for ``aar`` falls in that year or later, recurs, is ongoing or has no date."""
    start = date(aar, 1, 1)
    for f in frister_per_brev(frister, aar):
        if (f.dato and f.dato >= start) or (f.gjentas_til and f.gjentas_til >= start) or (
                f.form == "gjentakende" and f.gjentas_til is None) or f.form in ("lopende", "tekst"):
            return True
    return False


def _brevene(oppdrag: Oppdrag, user) -> list[dict]:
    """The letters the oppdrag appears in: the one that gave it, later ones that restated it, and
    later ones that list it as given earlier because it is still open (derived, as the letter does)."""
    rader: dict[int, dict] = {}
    if oppdrag.tildelingsbrev_id:
        b = oppdrag.tildelingsbrev
        rader[b.pk] = {"brev": b, "url": _brev_url(b), "hvordan": "Gitt i brevet"}
    elif oppdrag.tillegg_id:
        t = oppdrag.tillegg
        rader[t.tildelingsbrev_id] = {"brev": t.tildelingsbrev, "url": _brev_url(t.tildelingsbrev),
                                      "hvordan": f"Gitt i tillegg nr. {t.nummer}"}
    for f in oppdrag.frister.all():
        b = f.tildelingsbrev
        if b.pk not in rader:
            rader[b.pk] = {"brev": b, "url": _brev_url(b), "hvordan": "Omtalt som tidligere gitt oppdrag, med frister"}
    for v in oppdrag.tittelvarianter.all():
        b = v.tildelingsbrev
        if b.pk not in rader:
            rader[b.pk] = {"brev": b, "url": _brev_url(b), "hvordan": "Omtalt som tidligere gitt oppdrag"}
        rader[b.pk]["tittel"] = v.tittel
    if not oppdrag.er_ferdig:
        alle = list(oppdrag.frister.all())
        for b in Tildelingsbrev.objects.for_user(user).filter(virksomhet_id=oppdrag.virksomhet_id,
                                                              aar__gt=oppdrag.aar):
            if b.pk not in rader and _aapen_i(alle, b.aar):
                rader[b.pk] = {"brev": b, "url": _brev_url(b), "hvordan": "Omtalt som tidligere gitt oppdrag"}
    return sorted(rader.values(), key=lambda r: r["brev"].aar)


TEKSTFELTER = ("bakgrunn", "beskrivelse", "formaal", "rapportering", "rapporteringskriterier", "start_tekst",
               "finansiering_tekst", "frist_tekst", "tilleggsinformasjon")


def _vis(request, oppdrag: Oppdrag, *, skjema: dict | None = None, kvittering: str = "", kvittering_sted: str = "",
         status: int = 200):
    user = request.user
    folge_opp = kan_folge_opp(user, oppdrag)
    kommentere = kan_kommentere_oppdrag(user, oppdrag)
    skjema = skjema or {}
    gjeldende, tidligere = _frister_per_aar(oppdrag)
    definisjoner = risiko_for_oppdrag(oppdrag)
    historikk = historikkside(request, oppdrag_endringer(oppdrag, user), deler=HISTORIKK_DELER)
    context = {
        "oppdrag": oppdrag,
        "tekster": [(Oppdrag._meta.get_field(n).verbose_name, getattr(oppdrag, n)) for n in TEKSTFELTER
                    if getattr(oppdrag, n)],
        "frister": gjeldende,
        "tidligere_frister": tidligere,
        "foreslatte_frister": _foreslatte_frister(oppdrag) if kommentere else [],
        "milepaeler": list(oppdrag.milepaeler.all()),
        "finansiering": list(oppdrag.finansiering.all()),
        "brevene": _brevene(oppdrag, user),
        "tidslinje": _tidslinje(oppdrag, definisjoner),
        "leveranser": list(oppdrag.leveranser.all()),
        "risiko_definisjon": definisjoner.get(oppdrag.risiko),
        "risikodefinisjoner": definisjoner,
        "samarbeidspartnere": list(i_egen_rekkefolge(Samarbeidspartner, foran="oppdrag",
                                                     queryset=oppdrag.samarbeidspartnere.all())),
        **historikk,
        "kan_folge_opp": folge_opp,
        "kan_kommentere": kommentere,
        "kvittering": kvittering,
        "kvittering_sted": kvittering_sted,
    }
    if folge_opp:
        context["ansvarlig_form"] = skjema.get("ansvarlig") or AnsvarligForm(instance=oppdrag, prefix="ansvarlig")
        context["status_form"] = skjema.get("status") or StatusoppdateringForm(oppdrag=oppdrag)
        context["leveranse_form"] = skjema.get("leveranse") or LeveranseForm(prefix="leveranse")
    if kommentere:
        context["kommentar_form"] = skjema.get("kommentar") or KommentarForm(prefix="kommentar")
        context["avslutning_form"] = skjema.get("avslutning") or AvslutningForm(prefix="avslutning")
    return render(request, "oppdrag/oppdrag_detail.html", context, status=status)


def _ferdig(request, oppdrag: Oppdrag, melding: str, anker: str):
    """After a successful change: htmx gets the fresh page (it swaps the changed section), a plain
    form post is redirected (so reloading does not post again)."""
    if request.htmx:
        return _vis(request, _hent(request, oppdrag.pk), kvittering=melding, kvittering_sted=anker)
    messages.success(request, melding)
    return redirect(reverse("oppdrag:detalj", args=[oppdrag.pk]) + f"#{anker}")


@login_required
def oppdrag_detail(request, pk: int):
    return _vis(request, _hent(request, pk))


def _for_oppfolging(request, pk: int) -> Oppdrag:
    oppdrag = _hent(request, pk)
    if not kan_folge_opp(request.user, oppdrag):
        raise PermissionDenied("Bare virksomheten som har oppdraget, kan følge det opp.")
    return oppdrag


def _for_departementet(request, pk: int) -> Oppdrag:
    oppdrag = _hent(request, pk)
    if not kan_kommentere_oppdrag(request.user, oppdrag):
        raise PermissionDenied("Bare departementet som ga oppdraget, kan kommentere og avslutte det.")
    return oppdrag


@login_required
@require_POST
def oppdrag_ansvarlig(request, pk: int):
    oppdrag = _for_oppfolging(request, pk)
    with transaction.atomic():
        form = AnsvarligForm(request.POST, instance=oppdrag, prefix="ansvarlig")
        if form.is_valid():
            # Save only this field on the row as it is now (locked by the form's check), so a
            # status someone recorded meanwhile is neither overwritten nor misrecorded in history.
            fersk = Oppdrag.objects.select_for_update().get(pk=oppdrag.pk)
            fersk.ansvarlig = form.cleaned_data["ansvarlig"]
            fersk._history_user = request.user
            fersk.save(update_fields=["ansvarlig"])
            navn = fersk.ansvarlig or "ingen"
            return _ferdig(request, oppdrag, f"Ansvarlig er nå {navn}.", "ansvar")
    return _vis(request, _hent(request, pk), skjema={"ansvarlig": form})


@login_required
@require_POST
def oppdrag_oppfolging(request, pk: int):
    oppdrag = _for_oppfolging(request, pk)
    form = StatusoppdateringForm(request.POST, oppdrag=oppdrag)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.oppdrag_set_status(oppdrag=_laast(oppdrag), acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            return _ferdig(request, oppdrag, "Statusoppdateringen er registrert.", "oppfolging")
    return _vis(request, _hent(request, pk), skjema={"status": form})


def _laast(oppdrag: Oppdrag) -> Oppdrag:
    """The oppdrag row as it is now, locked until the transaction ends: two follow-up entries
    saved at the same moment are applied one after the other, each on the current state."""
    return Oppdrag.objects.select_for_update().get(pk=oppdrag.pk)


@login_required
@require_POST
def oppdrag_leveranse_ny(request, pk: int):
    oppdrag = _for_oppfolging(request, pk)
    form = LeveranseForm(request.POST, request.FILES, prefix="leveranse")
    if form.is_valid():
        try:
            services.leveranse_create(oppdrag=oppdrag, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            return _ferdig(request, oppdrag, f"«{form.cleaned_data['tittel']}» er lastet opp.", "leveranser")
    return _vis(request, _hent(request, pk), skjema={"leveranse": form})


@login_required
@require_http_methods(["GET", "HEAD"])
def leveranse_last_ned(request, pk: int, leveranse_pk: int):
    """Delivered documents are served only through this check, never straight from MEDIA."""
    oppdrag = get_object_or_404(Oppdrag.objects.for_user(request.user), pk=pk)
    leveranse = get_object_or_404(Leveranse.objects.filter(oppdrag=oppdrag), pk=leveranse_pk)
    try:
        fil = leveranse.fil.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("Filen finnes ikke lenger.") from exc
    return FileResponse(fil, as_attachment=True, filename=os.path.basename(leveranse.fil.name))


@login_required
@require_POST
def oppdrag_kommentar(request, pk: int):
    oppdrag = _for_departementet(request, pk)
    form = KommentarForm(request.POST, prefix="kommentar")
    if form.is_valid():
        services.oppdrag_kommenter(oppdrag=oppdrag, tekst=form.cleaned_data["tekst"], acting_user=request.user)
        return _ferdig(request, oppdrag, "Kommentaren er lagret.", "oppfolging")
    return _vis(request, _hent(request, pk), skjema={"kommentar": form})


@login_required
@require_POST
def oppdrag_avslutt(request, pk: int):
    oppdrag = _for_departementet(request, pk)
    form = AvslutningForm(request.POST, prefix="avslutning")
    if form.is_valid():
        try:
            with transaction.atomic():
                entry = services.oppdrag_avslutt(oppdrag=_laast(oppdrag), acting_user=request.user,
                                                 **form.cleaned_data)
        except ValidationError as exc:
            feil_til_skjema(form, exc)
        else:
            return _ferdig(request, oppdrag, f"Oppdraget er markert som {entry.get_status_display().lower()}.",
                           "oppfolging")
    return _vis(request, _hent(request, pk), skjema={"avslutning": form})
