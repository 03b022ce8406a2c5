"""The letters in the browser. Every view starts from ``Tildelingsbrev.objects.for_user``.

Reading: the list, the letter page (current state or as originally sent), each tillegg, the
comparison and the history. Acting (POST only): the approval workflow, tillegg, carrying the
letter forward. The work is done in ``styring.services``.
"""

from __future__ import annotations

from itertools import groupby

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from brev import services
from brev.brevvisning import DELNAVN, brev_queryset, brev_visning, last_brevinnhold
from brev.forms import TilleggOpprettForm
from brukere import tilgang
from brukere.models import Rolle
from oppdrag.querysets import oppdrag_i_brev_gjenbrukt
from styring.models import Status, Tildelingsbrev, Tillegg


def _brev(request, pk: int, qs=None) -> Tildelingsbrev:
    base = Tildelingsbrev.objects.for_user(request.user)
    return get_object_or_404(qs(base) if qs else base.select_related("virksomhet", "departement"), pk=pk)


def _er_departementet(user, brev) -> bool:
    return tilgang.i_departementet(user, brev.departement_id) or tilgang.er_admin(user)


def _feilmeldinger(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


@login_required
def brev_liste(request):
    brev = list(Tildelingsbrev.objects.for_user(request.user).select_related("virksomhet", "departement")
                .order_by("virksomhet__navn", "virksomhet_id", "-aar"))
    aar_per_virksomhet: dict = {}
    for b in brev:
        aar_per_virksomhet.setdefault(b.virksomhet_id, set()).add(b.aar)
    grupper = []
    for _, rader in groupby(brev, key=lambda b: b.virksomhet_id):
        rader = list(rader)
        siste = rader[0]
        neste = None
        if (siste.status == Status.SENDT and tilgang.kan_viderefore_brev(request.user, siste)
                and siste.aar + 1 not in aar_per_virksomhet[siste.virksomhet_id]):
            neste = siste
        grupper.append({"virksomhet": siste.virksomhet, "brev": rader, "viderefor_fra": neste})
    return render(request, "brev/brev_liste.html", {"grupper": grupper})


@login_required
def brev_detalj(request, pk: int):
    with oppdrag_i_brev_gjenbrukt():  # the letter, the oppdrag check and the budget check read the same list
        return _brev_detalj(request, pk)


def _brev_detalj(request, pk: int):
    brev = last_brevinnhold(_brev(request, pk, brev_queryset))
    opprinnelig = request.GET.get("visning") == "opprinnelig"
    user = request.user
    departementet = _er_departementet(user, brev)
    visning = brev_visning(brev, opprinnelig=opprinnelig, med_utkast=departementet)
    kvitteringer = list(brev.kvitteringer.select_related("kvittert_av")) if departementet else []
    kontroll = _kontroll(brev, kvitteringer) if departementet else None
    saksgang = _saksgang(brev, kvitteringer) if departementet else []
    neste_aar_finnes = departementet and Tildelingsbrev.objects.filter(
        virksomhet_id=brev.virksomhet_id, aar=brev.aar + 1).exists()
    return render(request, "brev/brev_detalj.html", {
        "brev": brev, "v": visning, "delnavn": DELNAVN, "departementet": departementet,
        "kontroll": kontroll, "saksgang": saksgang,
        "kan": {
            "redigere": tilgang.kan_redigere_brev(user, brev),
            "til_godkjenning": tilgang.kan_sende_til_godkjenning(user, brev),
            "godkjenne": tilgang.kan_godkjenne_brev(user, brev),
            "sende_tilbake": tilgang.kan_sende_tilbake_brev(user, brev),
            "lage_tillegg": tilgang.kan_lage_tillegg(user, brev),
            # Next year's letter starts from what was sent, never from a draft.
            "viderefore": (tilgang.kan_viderefore_brev(user, brev) and brev.status == Status.SENDT
                           and not neste_aar_finnes),
        },
        "pdf": apps.is_installed("dokumenter"),
        # "Lag tillegg nr. N": one after the highest number in use (the ministry sees every tillegg).
        "neste_tillegg": max((t.nummer for t in visning.tillegg), default=0) + 1,
    })


def _kontroll(brev, kvitteringer: list) -> dict:
    """The check as the letter page shows it: what blocks approval, what is acknowledged, the rest."""
    from brev.videreforing import KVITTERBARE
    from styring.konsistens import FEIL, check_tildelingsbrev

    avvik = check_tildelingsbrev(brev)
    kvittert = {k.nokkel: k for k in kvitteringer}
    rader = [{"avvik": a, "kvittering": kvittert.get(a.sted.get("nokkel")),
              "kvitterbar": a.kategori in KVITTERBARE} for a in avvik]
    for r in rader:
        r["blokkerer"] = r["avvik"].nivaa == FEIL and r["kvittering"] is None
    blokkerer = [r for r in rader if r["blokkerer"]]
    return {
        "rader": rader, "antall": len(rader), "blokkerer": blokkerer,
        "kan_kvitteres": [r for r in blokkerer if r["kvitterbar"]],
        "feil": [r for r in blokkerer if not r["kvitterbar"]],
        "kvittert": [r for r in rader if r["kvittering"]],
        "andre": [r for r in rader if not r["blokkerer"] and not r["kvittering"]],
        "sendt": brev.er_laast,
    }


def _saksgang(brev, kvitteringer: list) -> list[dict]:
    """The letter's events, newest first: workflow steps from its history and acknowledged findings."""
    hendelser = [{"tid": h.history_date, "hvem": h.history_user, "tekst": h.history_change_reason}
                 for h in brev.history.exclude(history_change_reason__isnull=True)
                 .exclude(history_change_reason="").select_related("history_user").order_by("-history_date")[:20]]
    # One entry per acknowledgement the editor made, however many findings it covered.
    for (tid, _, grunn), rader in groupby(sorted(kvitteringer, key=lambda k: (k.kvittert, k.kvittert_av_id or 0,
                                                                              k.grunn)),
                                          key=lambda k: (k.kvittert, k.kvittert_av_id or 0, k.grunn)):
        rader = list(rader)
        tekst = (f"Kvitterte ut funn i kontrollen: {rader[0].melding}" if len(rader) == 1
                 else f"Kvitterte ut {len(rader)} funn i kontrollen.")
        hendelser.append({"tid": tid, "hvem": rader[0].kvittert_av, "tekst": tekst, "grunn": grunn})
    return sorted(hendelser, key=lambda h: h["tid"], reverse=True)[:20]


@login_required
def tillegg_detalj(request, pk: int, nr: int):
    from django.db.models import Prefetch

    from budsjett.models import Budsjettendring
    from oppdrag.models import Frist, Oppdrag
    from oppdrag.querysets import _frister_qs

    brev = _brev(request, pk)
    departementet = _er_departementet(request.user, brev)
    tillegg_qs = brev.tillegg.all() if departementet else brev.tillegg.filter(status=Status.SENDT)
    tillegg = get_object_or_404(tillegg_qs, nummer=nr)
    # The frister this tillegg gave its oppdrag (a later letter's draft restating them is not shown).
    oppdrag = list(Oppdrag.objects.filter(tillegg=tillegg).select_related("maal")
                   .prefetch_related(Prefetch("frister", queryset=_frister_qs().filter(tillegg=tillegg)))
                   .order_by("rekkefolge", "nummer"))
    frister = list(Frist.objects.filter(tillegg=tillegg).exclude(oppdrag__tillegg=tillegg)
                   .select_related("oppdrag").order_by("oppdrag__nummer", "rekkefolge"))
    endringer = list(Budsjettendring.objects.filter(tillegg=tillegg).select_related("post__kapittel")
                     .order_by("post__kapittel__nummer", "post__post", "id"))
    return render(request, "brev/tillegg_detalj.html", {
        "brev": brev, "tillegg": tillegg, "avsnitt": list(tillegg.avsnitt.order_by("rekkefolge", "id")),
        "oppdrag": oppdrag, "frister": frister, "endringer": endringer,
        "kan_sende": tilgang.kan_sende_tillegg(request.user, tillegg),
        "kan_redigere": tilgang.kan_redigere_tillegg(request.user, tillegg),
        "andre": list(brev.tillegg.all() if departementet else brev.tillegg.filter(status=Status.SENDT)),
    })


def _act(request, brev, action, ok: str):
    try:
        action()
    except ValidationError as exc:
        _feilmeldinger(request, exc)
    else:
        messages.success(request, ok)
    return redirect("brev:brev", pk=brev.pk)


@login_required
@require_POST
def brev_til_godkjenning(request, pk: int):
    brev = _brev(request, pk)
    if not _er_departementet(request.user, brev):
        raise PermissionDenied("Bare departementet som sender brevet, kan sende det til godkjenning.")
    return _act(request, brev, lambda: services.brev_send_til_godkjenning(brev=brev, acting_user=request.user),
                "Brevet er sendt til godkjenning.")


@login_required
@require_POST
def brev_send(request, pk: int):
    brev = _brev(request, pk)
    if not (tilgang.i_departementet(request.user, brev.departement_id)
            and request.user.rolle == Rolle.DEPARTEMENT_GODKJENNER):
        raise PermissionDenied("Bare en godkjenner i departementet kan godkjenne og sende tildelingsbrevet.")
    if not brev.er_laast and not tilgang.kan_godkjenne_brev(request.user, brev):
        raise PermissionDenied("Brevet kan bare godkjennes og sendes når det er sendt til godkjenning.")
    return _act(request, brev, lambda: services.brev_godkjenn_og_send(brev=brev, acting_user=request.user),
                "Brevet er godkjent og sendt. Det er nå låst; endringer gjøres i tillegg.")


@login_required
@require_POST
def brev_send_tilbake(request, pk: int):
    brev = _brev(request, pk)
    if not _er_departementet(request.user, brev):
        raise PermissionDenied("Bare departementet som sender brevet, kan sende det tilbake til utkast.")
    return _act(request, brev, lambda: services.brev_send_tilbake(brev=brev, grunn=request.POST.get("grunn", ""),
                                                                  acting_user=request.user),
                "Brevet er sendt tilbake til utkast.")


@login_required
@require_POST
def brev_viderefor(request, pk: int):
    brev = _brev(request, pk)
    if not tilgang.kan_viderefore_brev(request.user, brev):
        raise PermissionDenied("Bare departementet som sendte brevet, kan lage neste års tildelingsbrev.")
    try:
        ny = services.brev_viderefor(brev=brev, acting_user=request.user)
    except ValidationError as exc:
        _feilmeldinger(request, exc)
        return redirect("brev:brev", pk=brev.pk)
    messages.success(request, f"Tildelingsbrevet for {ny.aar} er laget som utkast. Husk å oppdatere beløpene.")
    return redirect("brev:brev", pk=ny.pk)


@login_required
@require_POST
def brev_kvitter(request, pk: int):
    brev = _brev(request, pk)
    if not _er_departementet(request.user, brev):
        raise PermissionDenied("Bare departementet som sender brevet, kan kvittere ut funn i kontrollen.")
    nokler = request.POST.getlist("funn")
    return _act(request, brev, lambda: services.brev_kvitter_avvik(
        brev=brev, nokler=nokler, grunn=request.POST.get("grunn", ""), acting_user=request.user),
        f"{len(nokler)} funn er kvittert ut med begrunnelse." if len(nokler) != 1
        else "Funnet er kvittert ut med begrunnelse.")


@login_required
@require_POST
def tillegg_opprett(request, pk: int):
    brev = _brev(request, pk)
    if not _er_departementet(request.user, brev):
        raise PermissionDenied("Bare departementet som sendte brevet, kan lage tillegg til det.")
    form = TilleggOpprettForm(request.POST)
    if not form.is_valid():
        for feil in form.errors.values():
            for melding in feil:
                messages.error(request, melding)
        return redirect("brev:brev", pk=brev.pk)
    try:
        t = services.tillegg_opprett(brev=brev, acting_user=request.user, nummer=form.cleaned_data["nummer"],
                                     dato=form.cleaned_data["dato"])
    except ValidationError as exc:
        _feilmeldinger(request, exc)
        return redirect("brev:brev", pk=brev.pk)
    messages.success(request, f"Tillegg nr. {t.nummer} er laget som utkast.")
    return redirect("brev:tillegg", pk=brev.pk, nr=t.nummer)


@login_required
@require_POST
def tillegg_send(request, pk: int, nr: int):
    brev = _brev(request, pk)
    if not _er_departementet(request.user, brev):
        raise PermissionDenied("Bare departementets godkjennere kan sende tillegget.")
    tillegg = get_object_or_404(Tillegg.objects.select_related("tildelingsbrev"), tildelingsbrev=brev, nummer=nr)
    if tillegg.status != Status.SENDT and not tilgang.kan_sende_tillegg(request.user, tillegg):
        raise PermissionDenied("Bare departementets godkjennere kan sende tillegget.")
    try:
        services.tillegg_send(tillegg=tillegg, acting_user=request.user)
    except ValidationError as exc:
        _feilmeldinger(request, exc)
    else:
        messages.success(request, f"Tillegg nr. {nr} er sendt.")
    return redirect("brev:tillegg", pk=brev.pk, nr=nr)


@login_required
def sammenlign(request, pk: int):
    from brev.sammenligning import sammenlign_forrige_aar, sammenlign_versjon, tolk_tidspunkt
    from kjerne.tid import lokal

    brev = _brev(request, pk)
    med = request.GET.get("med", "forrige-aar")
    ctx = {"brev": brev, "med": med, "dato_verdi": request.GET.get("dato", "")}
    if med == "versjon":
        tekst = request.GET.get("dato", "")
        tidspunkt, feil = tolk_tidspunkt(tekst, brev, med_utkast=_er_departementet(request.user, brev))
        ctx["dato_feil"] = feil
        ctx["resultat"] = (sammenlign_versjon(brev, tidspunkt, med_utkast=_er_departementet(request.user, brev))
                           if tidspunkt else None)
        if tidspunkt and not ctx["dato_verdi"]:
            ctx["dato_verdi"] = f"{lokal(tidspunkt):%Y-%m-%dT%H:%M}"  # the input shows Oslo time
    elif med == "forrige-aar":
        forrige = Tildelingsbrev.objects.for_user(request.user).filter(
            virksomhet_id=brev.virksomhet_id, aar=brev.aar - 1).select_related("virksomhet").first()
        ctx["resultat"] = sammenlign_forrige_aar(brev, forrige) if forrige else None
    else:
        raise Http404("Ukjent sammenligning.")
    return render(request, "brev/brev_sammenlign.html", ctx)


@login_required
def brev_historikk(request, pk: int):
    from brev.sammenligning import HISTORIKK_DELER, brev_endringer
    from dokumenter.services import pdf_historikk
    from kjerne.endringslogg import historikkside

    brev = _brev(request, pk)
    poster = brev_endringer(brev, med_utkast=_er_departementet(request.user, brev), bruker=request.user)
    return render(request, "brev/brev_historikk.html", {
        "brev": brev, **historikkside(request, poster, deler=HISTORIKK_DELER),
        "pdf_historikk": pdf_historikk(kind="tildelingsbrev", object_id=brev.pk)})


@login_required
def budsjett_xlsx(request, pk: int):
    from brev.eksport import budsjett_arbeidsbok

    brev = last_brevinnhold(_brev(request, pk, brev_queryset))
    data = budsjett_arbeidsbok(brev_visning(brev, opprinnelig=request.GET.get("visning") == "opprinnelig"))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filnavn = f"budsjett-{brev.virksomhet.kortnavn}-{brev.aar}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filnavn}"'
    return response


