"""Benchmarks, printed as figures measured in one run. `make bench` (not part of `make test`).

Runs against its own SQLite database (var/bench.sqlite3) unless BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import sys
import time
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

    db = os.environ["DATABASE_URL"]
    if db.startswith("sqlite:///"):
        Path(db.removeprefix("sqlite:///")).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    valgt = set(sys.argv[1:]) or {"ui", "paaminnelser", "pdf"}  # e.g. `bench/run.py ui`
    for navn, modul in (("ui", ui), ("paaminnelser", paaminnelser), ("pdf", pdf)):
        if navn in valgt:
            modul.run()
    print(f"\nTotal benchmark time: {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
