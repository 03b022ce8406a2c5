"""Reminders survive kill -9: the real ``send_reminders`` command in a subprocess on PostgreSQL,
sending over SMTP to aiosmtpd, SIGKILLed at random points again and again, then one run of
``manage.py send_reminders`` that finishes. The mails the server received are compared with the
ledger: none lost, and at most one duplicate per kill (the one mail in flight when it died).

Start-up (importing Django and the apps) takes longer than the work itself, so the killed runs
come from a small fork server: one process does what manage.py does before the command (settings,
``django.setup()``, importing the command) without touching the database, then forks a child per
run that calls ``execute_from_command_line`` exactly as manage.py does. The test SIGKILLs the child
by its pid; the server reaps it only after that, so the pid cannot have been reused.

Marked ``services``: it needs PostgreSQL that a subprocess can reach (the SQLite test database
lives in the test process's memory); skipped locally without it, required in CI.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tests.varsler.test_paaminnelser import _oppdrag, brev  # noqa: F401 - fixture
from varsler.models import Paaminnelse

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
OPPDRAG = 110  # × 2 recipients = 220 reminders
DREP = 24  # SIGKILLs (at least 20)
SMTP_PAUSE = 0.02  # the server holds each message this long before its "250 OK": kills land mid-send
DATO = "2024-06-23"
# The runs follow each other, so a claim older than a second can only be a dead run's.
ARGS = ["send_reminders", "--date", DATO, "--stale-after", "1"]

FORKSERVER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import execute_from_command_line
import varsler.management.commands.send_reminders  # noqa: F401
print("klar", flush=True)
while sys.stdin.readline():  # "go": one run
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        code = 0
        try:
            execute_from_command_line(["manage.py", *sys.argv[1:]])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code = 1
        os._exit(code)
    print(pid, flush=True)
    sys.stdin.readline()  # "reap": the test has killed it (or seen it end)
    print(os.waitpid(pid, 0)[1], flush=True)
"""


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    auth = f"{user}:{s['PASSWORD']}" if s.get("PASSWORD") else user
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Mottak:
    """An SMTP sink that records each message when it has the whole of it, then pauses before
    answering: a client killed in that pause never learns that its message arrived."""

    def __init__(self):
        self.lock = threading.Lock()
        self.mottatt: list[tuple[int, str, str]] = []  # (ledger id, recipient, subject)

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.mottatt.append((int(msg["X-Styringsportalen-Paaminnelse"]), envelope.rcpt_tos[0], str(msg["Subject"])))
        await asyncio.sleep(SMTP_PAUSE)
        return "250 OK"

    def antall(self) -> int:
        with self.lock:
            return len(self.mottatt)


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mottak = Mottak()
    controller = Controller(mottak, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mottak
    finally:
        controller.stop()


def test_send_reminders_killed_again_and_again_loses_none_and_duplicates_at_most_one_per_kill(
        brev, smtp, record_property):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("trenger PostgreSQL (DATABASE_URL): kommandoen i en egen prosess må se testdatabasen")
    port, mottak = smtp
    for i in range(OPPDRAG):
        _oppdrag(brev, "30.06.2024", nummer=f"2024-{i:03d}", tittel=f"Oppdrag som må fram {i}")
    env = {**os.environ, "DATABASE_URL": _database_url(), "EMAIL_URL": f"smtp://127.0.0.1:{port}",
           "DJANGO_SETTINGS_MODULE": "config.settings"}

    server = subprocess.Popen([sys.executable, "-c", FORKSERVER, *ARGS], cwd=ROOT, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def tell(word: str) -> str:
        server.stdin.write(word + "\n")
        server.stdin.flush()
        return server.stdout.readline().strip()

    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 10**9))
    rng = random.Random(seed)
    started = time.monotonic()
    kills, i_luften, forste_post = 0, [], []  # rows each killed run left in ``sender``; seconds to its first mail
    try:
        assert server.stdout.readline().strip() == "klar"
        while kills < DREP:
            fra = mottak.antall()
            spawned = timezone.now()
            pid = int(tell("go"))
            t0 = forste = time.monotonic()
            if rng.random() < 0.15:
                time.sleep(rng.uniform(0, 0.5))  # while planning, or claiming the first rows
            else:
                maal = fra + rng.randint(1, 8)
                while mottak.antall() < maal and time.monotonic() < t0 + 60:
                    if mottak.antall() == fra:
                        forste = time.monotonic()
                    time.sleep(0.002)
                forste_post.append(forste - t0)
                time.sleep(rng.uniform(0, 2 * SMTP_PAUSE))  # inside the server's pause, or just after it
            os.kill(pid, signal.SIGKILL)  # our child, not yet reaped
            status = int(tell("reap"))
            if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
                pytest.fail(f"kjøring {kills + 1} ble ferdig før den ble drept ({status}); øk OPPDRAG")
            kills += 1
            # What this run left half-done: at most the one row it had in flight.
            i_luften.append(Paaminnelse.objects.filter(status="sender", sist_forsok__gte=spawned).count())
            assert i_luften[-1] <= 1, f"drap {kills} etterlot {i_luften[-1]} rader i «sender»"
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
        server.stdout.close()

    time.sleep(1.2)  # past --stale-after: the last run's claim is stale too
    siste = subprocess.run([sys.executable, "manage.py", *ARGS], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300)
    elapsed = time.monotonic() - started
    assert siste.returncode == 0, siste.stderr

    ledger = dict(Paaminnelse.objects.values_list("pk", "status"))
    mottakere = dict(Paaminnelse.objects.values_list("pk", "mottaker__email"))
    mottatt = list(mottak.mottatt)
    ider = [pk for pk, _, _ in mottatt]
    duplikater = len(ider) - len(set(ider))
    tapt = sorted(set(ledger) - set(ider))
    tall = {"kills": kills, "kills_mid_send": sum(i_luften), "reminders": len(ledger), "mails": len(mottatt),
            "duplicates": duplikater, "lost": len(tapt), "seconds": round(elapsed, 1),
            "seconds_to_first_mail": round(sum(forste_post) / max(len(forste_post), 1), 2), "seed": seed}
    for key, value in tall.items():
        record_property(key, value)
    print(f"\nkill -9: {tall}\nsiste kjøring: {siste.stdout.strip()}")

    assert len(ledger) == 2 * OPPDRAG
    assert set(ledger.values()) == {"sendt"}, "every ledger row sent"
    assert tapt == [], "no reminder lost"
    assert set(ider) <= set(ledger), "nothing sent that the ledger does not know"
    assert all(mottakere[pk] == til for pk, til, _ in mottatt), "each mail went to its row's recipient"
    # Every expected reminder (each oppdrag, each of its two recipients) arrived at least once.
    forventet = {(f"2024-{i:03d}", til) for i in range(OPPDRAG)
                 for til in (brev.kontaktperson.email, brev.virksomhet.kontaktperson.email)}
    fikk = {(re.search(r"Oppdrag (2024-\d{3}) ", emne).group(1), til) for _, til, emne in mottatt}
    assert fikk == forventet
    assert duplikater <= kills, f"{duplikater} duplikater etter {kills} drap"
    # Each duplicate is a row some killed run had in flight.
    assert duplikater <= sum(i_luften)
