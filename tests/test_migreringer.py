"""The migrations build the schema the models describe.

The suite creates its test database straight from the models (``--nomigrations`` in pyproject.toml:
applying the migrations costs about half a minute of CPU per pytest worker). This test is what
still runs them: every migration from an empty SQLite database in a subprocess, as ``make run`` and
a new production database do, and the tables and columns that come out must be those of the test
database built from the models.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _skjema_fra_migreringene(tmp_path) -> dict[str, set[str]]:
    db = tmp_path / "migrert.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("PYTEST_XDIST_WORKER", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=600)
    with sqlite3.connect(db) as con:
        tabeller = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                              "AND name NOT LIKE 'sqlite_%' AND name != 'django_migrations'")]
        return {t: {r[1] for r in con.execute(f'PRAGMA table_info("{t}")')} for t in tabeller}


def _skjema_fra_modellene() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        return {t: {c.name for c in connection.introspection.get_table_description(cursor, t)}
                for t in connection.introspection.table_names(cursor) if t != "django_migrations"}


def test_migrations_from_empty_give_the_tables_and_columns_of_the_models(db, tmp_path):
    migrert = _skjema_fra_migreringene(tmp_path)
    modeller = _skjema_fra_modellene()
    assert sorted(set(modeller) - set(migrert)) == [], "tabeller uten migrering"
    assert sorted(set(migrert) - set(modeller)) == [], "tabeller bare i migreringene"
    ulike = {t: (sorted(modeller[t] - migrert[t]), sorted(migrert[t] - modeller[t]))
             for t in modeller if modeller[t] != migrert[t]}
    assert ulike == {}, "kolonner som skiller (bare i modellene, bare i migreringene)"
