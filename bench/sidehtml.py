"""Saves the HTML of the letter page, Min side and the oppdrag list (with a range of filters, and as
the htmx partial) for the demo users, or compares it with what was saved: a speed-up of these
pages must not change a byte of what a user sees.

    DATABASE_URL=sqlite:////tmp/x/db.sqlite3 .venv/bin/python bench/sidehtml.py lagre /tmp/x/html
    DATABASE_URL=sqlite:////tmp/x/db.sqlite3 .venv/bin/python bench/sidehtml.py sammenlign /tmp/x/html

The database must hold the demo (``manage.py load_demo``) and be the same on both runs; the two runs
must fall on the same day (Min side counts from today). Only the per-request tokens (CSRF, the CSP
nonce) are blanked before saving.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

BRUKERE = ("dep.redaktor", "dep.godkjenner", "imdi.kontakt", "imdi.leder", "riksrevisjonen")
#: The oppdrag list with filters that exercise every widget: selected values, the null choice,
#: errors, escaping in the search field, sorting and paging.
LISTER = {
    "alle": "",
    "aar": "aar=2024&per_side=500",
    "aktuell": "aktuell=2024&ny=tidligere",
    "virksomhet": "virksomhet=3&maal=2",
    "ansvarlig-null": "ansvarlig=null&risiko=ikke",
    "ansvarlig": "ansvarlig=4&fou=nei",
    "status": "status=aapne&sorter=frist",
    "status-levert": "status=levert&sorter=-nummer",
    "frister": "frist_fra=2024-03-01&frist_til=31.12.2024&sorter=risiko",
    "sok": "q=%3Cscript%3E+%22x%22+%26",
    "feil": "aar=abc&virksomhet=999&ansvarlig=x&frist_fra=nei&status=zz",
    "side-2": "per_side=50&side=2",
}
_TOKENS = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1-"),
    (re.compile(r'("X-CSRFToken": ")[^"]+'), r"\1-"),
    (re.compile(r'(nonce=")[^"]+'), r"\1-"),
]


def sider() -> dict[str, str]:
    from django.test import Client
    from django.test.utils import override_settings

    from brukere.models import User
    from styring.models import Tildelingsbrev

    ut = {}
    brev = list(Tildelingsbrev.objects.filter(virksomhet__kortnavn="IMDi").order_by("aar"))
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for navn in BRUKERE:
            client = Client()
            client.force_login(User.objects.get(username=navn))
            urls = {"min-side": "/"}
            for b in brev:
                urls[f"brev-{b.aar}"] = f"/brev/{b.pk}/"
                urls[f"brev-{b.aar}-opprinnelig"] = f"/brev/{b.pk}/?visning=opprinnelig"
            for side, query in LISTER.items():
                urls[f"liste-{side}"] = f"/oppdrag/?{query}" if query else "/oppdrag/"
            urls["liste-htmx"] = "/oppdrag/?aar=2024&status=aapne"
            for side, url in urls.items():
                r = client.get(url, headers={"HX-Request": "true"} if side == "liste-htmx" else {})
                html = r.content.decode()
                for mønster, erstatt in _TOKENS:
                    html = mønster.sub(erstatt, html)
                ut[f"{navn}--{side}.html"] = f"<!-- {r.status_code} {url} -->\n{html}"
    return ut


def main() -> int:
    handling, mappe = sys.argv[1], Path(sys.argv[2])
    naa = sider()
    if handling == "lagre":
        mappe.mkdir(parents=True, exist_ok=True)
        for navn, html in naa.items():
            (mappe / navn).write_text(html)
        print(f"{len(naa)} sider lagret i {mappe}")
        return 0
    ulike = 0
    for navn, html in naa.items():
        lagret = (mappe / navn).read_text()
        if lagret != html:
            ulike += 1
            print(f"ULIK: {navn}")
            sys.stdout.writelines(list(difflib.unified_diff(lagret.splitlines(True), html.splitlines(True),
                                                            "før", "nå", n=1))[:40])
    print(f"{len(naa) - ulike} av {len(naa)} sider like byte for byte")
    return 1 if ulike else 0


if __name__ == "__main__":
    sys.exit(main())
