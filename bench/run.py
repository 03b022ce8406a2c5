"""Benchmarks, printed as figures measured in one run. `make bench` (not part of `make test`).

Runs against its own SQLite database (var/bench.sqlite3) unless BENCH_DATABASE_URL is set. Ends
with a Markdown table of every figure of the run, with the date: README.md's table is pasted from it.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["EMAIL_URL"] = "memorymail://"

import django  # noqa: E402

django.setup()

from bench import paaminnelser, pdf, ui  # noqa: E402


def main() -> int:
    from django.core.management import call_command
    from django.db import connection

    db = os.environ["DATABASE_URL"]
    if db.startswith("sqlite:///"):
        Path(db.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    start = datetime.now()
    t0 = time.perf_counter()
    valgt = set(sys.argv[1:]) or {"ui", "paaminnelser", "pdf"}  # e.g. `bench/run.py ui`
    rows = []
    for navn, modul in (("ui", ui), ("paaminnelser", paaminnelser), ("pdf", pdf)):
        if navn in valgt:
            t_del = time.perf_counter()
            rows += modul.run()
            print(f"  ({navn}: {time.perf_counter() - t_del:.0f} s)")
    total = time.perf_counter() - t0
    print(f"\nTotal benchmark time: {total:.1f} s")
    print(f"\nFigures of this run ({start:%Y-%m-%d %H:%M}, {' + '.join(sorted(valgt))}; {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {connection.vendor}, locmem e-mail; {total / 60:.1f} min):\n")
    print("| benchmark | figure |\n|---|---|")
    for benchmark, figure in rows:
        print(f"| {benchmark} | {figure} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
