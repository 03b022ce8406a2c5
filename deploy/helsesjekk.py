#!/usr/bin/env python3
"""Container health checks for docker-compose.yml (docs/operations.md, *Health checks*).

    python deploy/helsesjekk.py web  [--url http://127.0.0.1:8000/helse/klar/] [--timeout 10]
    python deploy/helsesjekk.py beat [--schedule /tmp/celerybeat-schedule] [--maks-alder 600]

``web``: GETs the readiness endpoint inside the container (the image has no curl or wget) with the
first ``ALLOWED_HOSTS`` entry as Host, so Django accepts it; exit 0 on 200, else 1 with the body.
``beat``: celery beat writes its schedule file at start and then every few minutes (at least every
3 minutes plus one loop, the loop being at most 60 s here because of the minutely PDF sweep); exit
0 when the file (or the dbm files named after it) changed within ``--maks-alder`` seconds.
The worker's check is ``celery inspect ping`` in docker-compose.yml. Standard library only.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
import urllib.error
import urllib.request


def vertsnavn(allowed_hosts: str) -> str:
    """A Host header Django accepts: the first usable ALLOWED_HOSTS entry ("localhost" for "*")."""
    for verdi in allowed_hosts.split(","):
        verdi = verdi.strip().lstrip(".")
        if verdi and verdi != "*":
            return verdi
    return "localhost"


def sjekk_web(url: str, timeout: float, allowed_hosts: str) -> tuple[bool, str]:
    forespørsel = urllib.request.Request(url, headers={"Host": vertsnavn(allowed_hosts)})
    try:
        with urllib.request.urlopen(forespørsel, timeout=timeout) as svar:  # noqa: S310 - fixed local URL
            return svar.status == 200, svar.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return False, f"{exc.code}: {exc.read(2000).decode('utf-8', 'replace')}"
    except (OSError, urllib.error.URLError) as exc:
        return False, f"{type(exc).__name__}: {exc}"


def sjekk_beat(schedule: str, maks_alder: float, naa: float | None = None) -> tuple[bool, str]:
    filer = [f for f in glob.glob(glob.escape(schedule) + "*") if os.path.isfile(f)]
    if not filer:
        return False, f"fant ingen planfil {schedule}*"
    naa = time.time() if naa is None else naa
    alder = naa - max(os.path.getmtime(f) for f in filer)
    if alder > maks_alder:
        return False, f"planfilen er ikke skrevet på {alder:.0f} s (grense {maks_alder:.0f} s)"
    return True, f"planfilen skrevet for {alder:.0f} s siden"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="del_", required=True)
    web = sub.add_parser("web", help="readiness of gunicorn in this container")
    web.add_argument("--url", default="http://127.0.0.1:8000/helse/klar/")
    web.add_argument("--timeout", type=float, default=10)
    beat = sub.add_parser("beat", help="celery beat has written its schedule file lately")
    beat.add_argument("--schedule", default="/tmp/celerybeat-schedule")
    beat.add_argument("--maks-alder", type=float, default=600)
    args = parser.parse_args(argv)
    if args.del_ == "web":
        ok, tekst = sjekk_web(args.url, args.timeout, os.environ.get("ALLOWED_HOSTS", ""))
    else:
        ok, tekst = sjekk_beat(args.schedule, args.maks_alder)
    print(("OK: " if ok else "FEIL: ") + tekst)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
