"""Locust users for `make load` (bench/last.py writes the plan and starts gunicorn and Locust).

Each simulated user is one real portal user of the national data (bench/nasjonal.py), logged in
beforehand (a session cookie in the plan), who reads a page, thinks a few seconds and reads the next:
Min side, the oppdrag list, the letter, an oppdrag; an agency user now and then posts a follow-up
entry on one of its oppdrag, and anyone orders the letter's PDF. Requests are named by page, so
Locust's figures come per page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import date

from locust import HttpUser, between, task

with open(os.environ["LAST_PLAN"], encoding="utf-8") as f:
    PLAN = json.load(f)
_NESTE = itertools.count()
_SKJULT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class Portalbruker(HttpUser):
    # A person reading: a few seconds between pages (the bound on the load; see bench/last.py).
    wait_time = between(PLAN["tenketid"][0], PLAN["tenketid"][1])

    def on_start(self):
        self.p = PLAN["brukere"][next(_NESTE) % len(PLAN["brukere"])]
        self.client.cookies.set(PLAN["cookie"], self.p["sesjon"], domain=PLAN["domene"])
        self.client.cookies.set("csrftoken", PLAN["csrf"], domain=PLAN["domene"])

    def _get(self, url: str, navn: str, tekst: str | None = None):
        with self.client.get(url, name=navn, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{url}: HTTP {r.status_code}")
            elif tekst and tekst not in r.text:
                r.failure(f"{url}: mangler {tekst!r}")
            return r

    @task(3)
    def min_side(self):
        self._get("/", "Min side", "Min side")

    @task(2)
    def oppdragsliste(self):
        self._get("/oppdrag/", "oppdrag list")

    @task(2)
    def brev(self):
        self._get(f"/brev/{self.p['brev']}/", "letter")

    @task(3)
    def oppdrag(self):
        self._get(f"/oppdrag/{random.choice(self.p['oppdrag'])}/", "oppdrag")

    @task(1)
    def oppfolging(self):
        if not self.p["folger_opp"]:
            return self.oppdrag()
        pk = random.choice(self.p["oppdrag"])
        side = self._get(f"/oppdrag/{pk}/", "oppdrag")
        skjult = dict(_SKJULT.findall(side.text or ""))
        data = {k: v for k, v in skjult.items() if k != "csrfmiddlewaretoken"}
        data |= {"csrfmiddlewaretoken": PLAN["csrf"], "status": "paagaar", "risiko": "gul",
                 "risiko_tekst": "Noe forsinket, følges opp.", "tiltak": "", "kommentar": "Lasttest.",
                 "gjelder_dato": f"{date.today():%d.%m.%Y}"}
        with self.client.post(f"/oppdrag/{pk}/oppfolging/", data=data, name="follow-up (POST)",
                              headers={"Referer": f"{self.host}/oppdrag/{pk}/"}, allow_redirects=False,
                              catch_response=True) as r:
            if r.status_code != 302 or "/logg-inn/" in r.headers.get("Location", ""):
                r.failure(f"oppfølging: HTTP {r.status_code} {r.headers.get('Location', '')}")

    @task(1)
    def pdf(self):
        with self.client.post("/dokumenter/pdf/bestill/", name="PDF order (POST)", allow_redirects=False,
                              data={"csrfmiddlewaretoken": PLAN["csrf"], "kind": "tildelingsbrev",
                                    "object_id": self.p["brev"], "variant": "standard"},
                              headers={"Referer": f"{self.host}/brev/{self.p['brev']}/"},
                              catch_response=True) as r:
            if r.status_code != 302 or "/logg-inn/" in r.headers.get("Location", ""):
                r.failure(f"PDF-bestilling: HTTP {r.status_code} {r.headers.get('Location', '')}")
