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

from bench import nasjonal, paaminnelser, pdf, skala, ui  # noqa: E402

#: The parts in the order they run; `bench/run.py <part> …` runs some. "nasjonal" generates (or
#: reuses) the national data that "skala" measures; both use databases of their own.
DELER = (("ui", ui), ("paaminnelser", paaminnelser), ("pdf", pdf), ("nasjonal", nasjonal), ("skala", skala))


def main() -> int:
    from django.core.management import call_command
    from django.db import connection

    valgt = set(sys.argv[1:]) or {navn for navn, _ in DELER}  # e.g. `bench/run.py ui`
    if valgt - {"nasjonal", "skala"}:  # these two keep databases of their own, reused between runs
        db = os.environ["DATABASE_URL"]
        if db.startswith("sqlite:///"):
            Path(db.removeprefix("sqlite:///")).unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
    start = datetime.now()
    t0 = time.perf_counter()
    rows, goals = [], []
    for navn, modul in DELER:
        if navn in valgt:
            t_del = time.perf_counter()
            result = modul.run()
            # A part returns its rows, or (rows, goals) with goals as (name, measured, goal, met).
            if isinstance(result, tuple):
                rows += result[0]
                goals += result[1]
            else:
                rows += result
            print(f"  ({navn}: {time.perf_counter() - t_del:.0f} s)")
    total = time.perf_counter() - t0
    print(f"\nTotal benchmark time: {total:.1f} s")
    print(f"\nFigures of this run ({start:%Y-%m-%d %H:%M}, {' + '.join(sorted(valgt))}; {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {connection.vendor}, locmem e-mail; {total / 60:.1f} min):\n")
    print("| benchmark | figure |\n|---|---|")
    for benchmark, figure in rows:
        print(f"| {benchmark} | {figure} |")
    print()
    for name, measured, goal, met in goals:
        print(f"GOAL {name} {measured} {goal} {'met' if met else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
