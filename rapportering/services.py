"""Writes for reminders: the ledger, the sending, the weekly digest.

Never twice: a ledger row is inserted before anything is sent (the unique constraint decides who
wins a race), and a row is claimed for sending by one conditional update (planlagt/feilet →
sender). Never lost: a failed send stays ``feilet`` with its error and is retried; a row left in
``sender`` by a crash is taken up again by ``paaminnelser_rydd`` (the one window that is not
exactly-once: see docs/paaminnelser.md).
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Paaminnelse, Ukesoppsummering
from .paaminnelser import Forekomst, Planlagt, forekomst_for, planlegg

log = logging.getLogger(__name__)
Status = Paaminnelse.Status
KLAR = (Status.PLANLAGT, Status.FEILET)


def paaminnelser_lagre(*, planlagte: list[Planlagt]) -> list[Paaminnelse]:
    """Insert the ledger rows (rows an earlier or concurrent run inserted are left as they are) and
    return the rows still waiting to be sent, each with its planned occurrence attached."""
    if not planlagte:
        return []
    Paaminnelse.objects.bulk_create(
        [Paaminnelse(kilde=p.forekomst.kilde, kilde_id=p.forekomst.kilde_id, forfallsdato=p.forekomst.dato,
                     dager=p.dager, mottaker=p.mottaker, planlagt_dato=p.dato, emne=p.emne) for p in planlagte],
        batch_size=500, ignore_conflicts=True)
    by_key = {(p.forekomst.kilde, p.forekomst.kilde_id, p.forekomst.dato, p.dager, p.mottaker.pk): p
              for p in planlagte}
    dates = [p.forekomst.dato for p in planlagte]
    venter = []
    for row in Paaminnelse.objects.filter(status=Status.PLANLAGT, forfallsdato__gte=min(dates),
                                          forfallsdato__lte=max(dates)):
        p = by_key.get((row.kilde, row.kilde_id, row.forfallsdato, row.dager, row.mottaker_id))
        if p is not None:
            row._planlagt = p
            venter.append(row)
    return venter


def paaminnelser_planlegg(*, dato: date) -> list[Paaminnelse]:
    return paaminnelser_lagre(planlagte=planlegg(dato))


def _claim(pk: int) -> bool:
    """Take a row for sending; False when another worker has it or it is done."""
    return bool(Paaminnelse.objects.filter(pk=pk, status__in=KLAR).update(
        status=Status.SENDER, forsok=F("forsok") + 1, sist_forsok=timezone.now()))


def _lenke(sti: str) -> str:
    return settings.SITE_URL.rstrip("/") + sti


def paaminnelse_melding(*, paaminnelse: Paaminnelse, forekomst: Forekomst) -> EmailMultiAlternatives:
    mottaker = paaminnelse.mottaker
    igjen = (forekomst.dato - paaminnelse.planlagt_dato).days
    context = {
        "mottaker": mottaker, "f": forekomst, "oppdrag": forekomst.oppdrag, "dager_igjen": igjen,
        "forfalt": paaminnelse.dager == Paaminnelse.FORFALT, "dager_siden": -igjen,
        "lenke": _lenke(forekomst.sti), "innstillinger": _lenke("/innstillinger/varsler/"),
    }
    msg = EmailMultiAlternatives(
        subject=paaminnelse.emne, body=render_to_string("rapportering/epost/paaminnelse.txt", context),
        to=[mottaker.email], headers={"X-Styringsportalen-Paaminnelse": str(paaminnelse.pk)},
    )
    msg.attach_alternative(render_to_string("rapportering/epost/paaminnelse.html", context), "text/html")
    return msg


def paaminnelse_send(*, paaminnelse_id: int, forekomst: Forekomst | None = None) -> str:
    """Send one ledger row if it is still to be sent. Returns the row's new status.

    Raises the mail error after recording it, so the task can retry with backoff.
    """
    if not _claim(paaminnelse_id):
        return Paaminnelse.objects.filter(pk=paaminnelse_id).values_list("status", flat=True).first() or ""
    p = Paaminnelse.objects.select_related("mottaker").get(pk=paaminnelse_id)
    forekomst = forekomst or forekomst_for(p)
    if forekomst is None or (p.dager == Paaminnelse.FORFALT and forekomst.oppdrag is not None
                             and forekomst.oppdrag.er_ferdig):
        Paaminnelse.objects.filter(pk=p.pk).update(status=Status.BORTFALT)
        return Status.BORTFALT
    try:
        paaminnelse_melding(paaminnelse=p, forekomst=forekomst).send()
    except Exception as exc:
        Paaminnelse.objects.filter(pk=p.pk).update(status=Status.FEILET, feil=f"{type(exc).__name__}: {exc}"[:2000])
        log.warning("Påminnelse %s feilet (forsøk %s): %s", p.pk, p.forsok, exc)
        raise
    Paaminnelse.objects.filter(pk=p.pk).update(status=Status.SENDT, sendt=timezone.now(), feil="")
    return Status.SENDT


def paaminnelser_rydd(*, eldre_enn: timedelta = timedelta(minutes=30)) -> list[int]:
    """Rows stuck in ``sender`` (the worker died mid-send) go back to be retried; returns their ids."""
    grense = timezone.now() - eldre_enn
    stuck = list(Paaminnelse.objects.filter(status=Status.SENDER, sist_forsok__lt=grense).values_list("pk", flat=True))
    for pk in stuck:
        Paaminnelse.objects.filter(pk=pk, status=Status.SENDER).update(
            status=Status.FEILET, feil="Avbrutt under sending; sendes på nytt (kan ha blitt levert én gang før).")
    return stuck


def paaminnelser_send_mange(*, rader: list[Paaminnelse], batch: int = 500) -> dict:
    """Send many planned rows over one mail connection: each batch is claimed by one conditional
    UPDATE tagged with a token (so racing runs split the rows, never share one), and recorded
    with one UPDATE for the successes. Failures are recorded per row and left for a retry."""
    resultat = {Status.SENDT: 0, Status.FEILET: 0}
    connection = get_connection()
    connection.open()
    try:
        for start in range(0, len(rader), batch):
            chunk = rader[start:start + batch]
            token = uuid.uuid4().hex
            Paaminnelse.objects.filter(pk__in=[r.pk for r in chunk], status__in=KLAR).update(
                status=Status.SENDER, forsok=F("forsok") + 1, sist_forsok=timezone.now(), krav=token)
            claimed = set(Paaminnelse.objects.filter(krav=token).values_list("pk", flat=True))
            ok = []
            for row in chunk:
                if row.pk not in claimed:
                    continue
                row.mottaker = row._planlagt.mottaker
                msg = paaminnelse_melding(paaminnelse=row, forekomst=row._planlagt.forekomst)
                msg.connection = connection
                try:
                    msg.send()
                except Exception as exc:  # recorded; the next run or the task retries it
                    Paaminnelse.objects.filter(pk=row.pk).update(status=Status.FEILET,
                                                                 feil=f"{type(exc).__name__}: {exc}"[:2000])
                    resultat[Status.FEILET] += 1
                    continue
                ok.append(row.pk)
            Paaminnelse.objects.filter(pk__in=ok, krav=token).update(status=Status.SENDT, sendt=timezone.now(), feil="")
            resultat[Status.SENDT] += len(ok)
    finally:
        connection.close()
    return resultat


def paaminnelser_kjor(*, dato: date, send_now: bool = True) -> dict:
    """Plan what is due on ``dato`` and send it here (commands, tests, eager runs)."""
    nye = paaminnelser_planlegg(dato=dato)
    resultat = {"planlagt": len(nye), Status.SENDT: 0, Status.FEILET: 0, Status.BORTFALT: 0}
    if send_now:
        resultat.update(paaminnelser_send_mange(rader=nye))
    return resultat


# --- Weekly digest ---------------------------------------------------------------------------

def oppsummering_innhold(*, bruker, dato: date) -> dict:
    """What a ministry user's digest says: due in the coming weeks, overdue, red and yellow."""
    from oppdrag.models import FERDIGE_STATUSER, Oppdrag, Risiko
    from styring.models import Tildelingsbrev

    from .paaminnelser import forekomster

    virksomheter = list(Tildelingsbrev.objects.filter(departement_id=bruker.organisasjon_id)
                        .values_list("virksomhet_id", flat=True).distinct())
    uker = settings.OPPSUMMERING_UKER
    kommende = [f for f in forekomster(dato, dato + timedelta(weeks=uker), virksomhet_ids=virksomheter, bruker=bruker)]
    forfalt = [f for f in forekomster(dato - timedelta(days=90), dato - timedelta(days=1), virksomhet_ids=virksomheter,
                                      bruker=bruker)
               if f.oppdrag is not None]
    risiko = list(Oppdrag.objects.for_user(bruker).filter(risiko__in=[Risiko.ROD, Risiko.GUL])
                  .exclude(status__in=FERDIGE_STATUSER).select_related("virksomhet").order_by("risiko", "nummer"))
    return {"kommende": kommende, "forfalt": forfalt, "risiko": risiko, "uker": uker}


def oppsummering_send(*, bruker, dato: date) -> str:
    aar, uke, _ = dato.isocalendar()
    try:
        with transaction.atomic():
            row = Ukesoppsummering.objects.create(mottaker=bruker, aar=aar, uke=uke, status=Status.SENDER)
    except IntegrityError:
        row = Ukesoppsummering.objects.get(mottaker=bruker, aar=aar, uke=uke)
        if row.status != Status.FEILET or not Ukesoppsummering.objects.filter(
                pk=row.pk, status=Status.FEILET).update(status=Status.SENDER):
            return row.status
    context = {"mottaker": bruker, "uke": uke, "aar": aar, "lenke": _lenke("/"),
               "innstillinger": _lenke("/innstillinger/varsler/"), **oppsummering_innhold(bruker=bruker, dato=dato)}
    msg = EmailMultiAlternatives(subject=f"Ukeoversikt uke {uke}: frister og risiko i styringsdialogen",
                                 body=render_to_string("rapportering/epost/oppsummering.txt", context),
                                 to=[bruker.email])
    msg.attach_alternative(render_to_string("rapportering/epost/oppsummering.html", context), "text/html")
    try:
        msg.send()
    except Exception as exc:
        Ukesoppsummering.objects.filter(pk=row.pk).update(status=Status.FEILET, feil=str(exc)[:2000])
        raise
    Ukesoppsummering.objects.filter(pk=row.pk).update(status=Status.SENDT, sendt=timezone.now(), feil="")
    return Status.SENDT


def oppsummering_mottakere():
    from django.contrib.auth import get_user_model

    from brukere.models import Rolle

    return (get_user_model().objects.filter(is_active=True, varselinnstilling__ukentlig_oppsummering=True,
                                            rolle__in=[Rolle.DEPARTEMENT_REDAKTOR, Rolle.DEPARTEMENT_GODKJENNER])
            .exclude(Q(email="") | Q(organisasjon__isnull=True)))
