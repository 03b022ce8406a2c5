"""Saves the HTML of the letter page and Min side for the demo users, or compares it with what was
saved: a speed-up of these pages must not change a byte of what a user sees.

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
            for side, url in urls.items():
                r = client.get(url)
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
