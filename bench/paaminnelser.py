"""Reminder run over 10,000 frister and 2,000 users with the locmem e-mail backend.

Prints the queries needed to find what is due (at 1,000 and at 10,000 frister: must be equal),
the whole run's time and the time per reminder. Goal: the whole run under 10 s on 2 cores.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from simple_history.utils import bulk_create_with_history

RUN_DATE = date(2024, 6, 21)  # a Friday: the weekend look-ahead is included
AGENCIES, USERS, FRISTER = 10, 2_000, 10_000


def _generate(n_frister: int, n_users: int, tag: str):
    from brukere.models import Rolle, User
    from oppdrag.models import Frist, Oppdrag
    from styring.models import Organisasjon, Tildelingsbrev

    dep = Organisasjon.objects.create(kortnavn=f"DEP-{tag}", navn=f"Benchdepartementet {tag}", type="departement")
    dep_user = User.objects.create(username=f"dep-{tag}", email=f"dep-{tag}@bench.no", organisasjon=dep,
                                   rolle=Rolle.DEPARTEMENT_REDAKTOR)
    letters, users = [], []
    for a in range(AGENCIES):
        org = Organisasjon.objects.create(kortnavn=f"V{a}-{tag}", navn=f"Benchdirektoratet {a} {tag}", type="virksomhet")
        brev = Tildelingsbrev.objects.create(virksomhet=org, departement=dep, aar=2024, status="sendt",
                                             sendt=django_now(), kontaktperson=dep_user)
        letters.append(brev)
        for u in range(n_users // AGENCIES):
            users.append(User(username=f"u{a}-{u}-{tag}", email=f"u{a}-{u}-{tag}@bench.no", organisasjon=org,
                              rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER))
    users = bulk_create_with_history(users, User, batch_size=500)
    users = list(User.objects.filter(username__endswith=f"-{tag}", rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER))
    per_agency = {}
    for u in users:
        per_agency.setdefault(u.organisasjon_id, []).append(u)
    oppdrag = []
    for i in range(n_frister):
        brev = letters[i % AGENCIES]
        owners = per_agency[brev.virksomhet_id]
        oppdrag.append(Oppdrag(virksomhet=brev.virksomhet, tildelingsbrev=brev, departement=brev.departement, aar=2024, nummer=f"2024-{i:05d}",
                               tittel=f"Benchoppdrag {i}", ansvarlig=owners[i % len(owners)]))
    bulk_create_with_history(oppdrag, Oppdrag, batch_size=500)
    saved = list(Oppdrag.objects.filter(virksomhet__kortnavn__endswith=f"-{tag}").select_related("tildelingsbrev"))
    frister = []
    for i, o in enumerate(saved):
        dato = RUN_DATE + timedelta(days=(1, 2, 7, 14)[i % 4])  # all due on the run date
        frister.append(Frist(oppdrag=o, tildelingsbrev=o.tildelingsbrev, tekst=f"{dato:%d.%m.%Y}", form="dato", dato=dato))
    bulk_create_with_history(frister, Frist, batch_size=500)


def django_now():
    from django.utils import timezone

    return timezone.now()


def _queries_to_find_due() -> int:
    from varsler.paaminnelser import planlegg

    with CaptureQueriesContext(connection) as ctx:
        planned = planlegg(RUN_DATE)
    return len(ctx.captured_queries), len(planned)


def run() -> None:
    from varsler.services import paaminnelser_kjor

    print("Påminnelser (issue 5)")
    _generate(1_000, 200, "small")
    q_small, n_small = _queries_to_find_due()
    _generate(FRISTER - 1_000, USERS - 200, "big")
    q_big, n_big = _queries_to_find_due()
    print(f"  queries to find what is due: {q_small} at 1,000 frister ({n_small} reminders), "
          f"{q_big} at 10,000 frister ({n_big} reminders) -> ratio {q_big / q_small:.2f}")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        t0 = time.perf_counter()
        result = paaminnelser_kjor(dato=RUN_DATE)
        elapsed = time.perf_counter() - t0
        sent = len(mail.outbox)
    print(f"  whole run: {elapsed:.2f} s for {result['planlagt']} reminders ({sent} e-mails sent), "
          f"{elapsed / max(sent, 1) * 1000:.2f} ms per reminder (goal: under 10 s)")
    t0 = time.perf_counter()
    again = paaminnelser_kjor(dato=RUN_DATE)
    print(f"  re-run the same day: {again['planlagt']} new reminders in {time.perf_counter() - t0:.2f} s")
