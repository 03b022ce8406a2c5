"""The migrations build the schema the models describe.

The suite creates its test database straight from the models (``--nomigrations`` in pyproject.toml:
applying the migrations costs about half a minute of CPU per pytest worker). This test is what
still runs them: every migration from an empty SQLite database in a subprocess, as ``make run`` and
a new production database do, and the tables and columns that come out must be those of the test
database built from the models.

Applying them costs a minute of CPU on this 2-core machine (Django renders the model states again
after each of some 300 operations, and through the history models every model is related to every
other): a quarter of one pytest worker's share of ``make test``. Their outcome depends only on the
migration files and the versions of Django, Python and SQLite, so outside CI the schema they gave is
kept in ``var/cache/`` under a hash of exactly those inputs, and taken from there while none of them
has changed. Any change to a migration (ours or an installed app's) or to a version runs them
again; the comparison with the models runs every time, so a model changed without a migration fails
at once. CI (``CI=true``) always applies them from scratch.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import django
from django.apps import apps
from django.db import connection

from tests.conftest import IN_CI

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


def _migreringskataloger() -> list[tuple[str, Path]]:
    """Every installed app's migrations folder, by app label."""
    kataloger = []
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        spec = find_spec(f"{app.name}.migrations")
        if spec is not None and spec.submodule_search_locations:
            kataloger.append((app.label, Path(next(iter(spec.submodule_search_locations)))))
    return kataloger


def _migreringsnokkel(kataloger: list[tuple[str, Path]] | None = None) -> str:
    """A hash of everything ``migrate`` from empty reads: every app's migration files, and the
    versions of Django, Python and SQLite."""
    h = hashlib.sha256(f"{django.__version__}|{platform.python_version()}|{sqlite3.sqlite_version}".encode())
    for label, katalog in kataloger if kataloger is not None else _migreringskataloger():
        for fil in sorted(katalog.glob("*.py")):
            h.update(f"{label}/{fil.name}|".encode())
            h.update(fil.read_bytes())
    return h.hexdigest()[:32]


def _skjema_fra_migreringene_bufret(tmp_path) -> dict[str, set[str]]:
    if IN_CI:
        return _skjema_fra_migreringene(tmp_path)
    buffer = ROOT / "var" / "cache" / f"migrert-skjema-{_migreringsnokkel()}.json"
    if buffer.exists():
        return {t: set(kolonner) for t, kolonner in json.loads(buffer.read_text(encoding="utf-8")).items()}
    skjema = _skjema_fra_migreringene(tmp_path)
    buffer.parent.mkdir(parents=True, exist_ok=True)
    for gammel in buffer.parent.glob("migrert-skjema-*.json"):
        gammel.unlink(missing_ok=True)  # another pytest run may have tidied it already
    midlertidig = buffer.with_suffix(f".{os.getpid()}.tmp")
    midlertidig.write_text(json.dumps({t: sorted(k) for t, k in sorted(skjema.items())}), encoding="utf-8")
    midlertidig.replace(buffer)  # whole or not at all, also beside another pytest run
    return skjema


def _skjema_fra_modellene() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        return {t: {c.name for c in connection.introspection.get_table_description(cursor, t)}
                for t in connection.introspection.table_names(cursor) if t != "django_migrations"}


def test_migrations_from_empty_give_the_tables_and_columns_of_the_models(db, tmp_path):
    migrert = _skjema_fra_migreringene_bufret(tmp_path)
    modeller = _skjema_fra_modellene()
    assert sorted(set(modeller) - set(migrert)) == [], "tabeller uten migrering"
    assert sorted(set(migrert) - set(modeller)) == [], "tabeller bare i migreringene"
    ulike = {t: (sorted(modeller[t] - migrert[t]), sorted(migrert[t] - modeller[t]))
             for t in modeller if modeller[t] != migrert[t]}
    assert ulike == {}, "kolonner som skiller (bare i modellene, bare i migreringene)"


def test_the_cache_key_changes_with_any_migration_file(tmp_path, monkeypatch):
    """A new or changed migration, ours or an installed app's, runs them again: the key covers every
    migration file (here a copy of the folders, so that no other test's migrate sees the change)."""
    import shutil

    kataloger = []
    for label, katalog in _migreringskataloger():
        kopi = tmp_path / label
        shutil.copytree(katalog, kopi, ignore=shutil.ignore_patterns("__pycache__"))
        kataloger.append((label, kopi))
    for_ = _migreringsnokkel(kataloger)
    assert for_ == _migreringsnokkel()
    assert {label for label, _ in kataloger} >= {"auth", "axes", "styring", "oppdrag", "varsler"}
    siste = sorted((tmp_path / "oppdrag").glob("0*.py"))[-1]
    siste.write_text(siste.read_text(encoding="utf-8") + "\n# endret\n", encoding="utf-8")
    endret = _migreringsnokkel(kataloger)
    assert endret != for_
    (tmp_path / "auth" / "0099_ny.py").write_text("# ny\n", encoding="utf-8")
    assert _migreringsnokkel(kataloger) not in (for_, endret)
    monkeypatch.setattr(django, "__version__", "0.0-annen")
    assert _migreringsnokkel() != for_
