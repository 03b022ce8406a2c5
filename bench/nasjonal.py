"""National data for the benchmarks: 16 ministries, 200 agencies, 10 years.

About 100,000 oppdrag and 250,000 frister, with mål, styringsparametere, budget, reporting table,
reports, follow-up and users, written with bulk inserts (no per-row history: the history tables
are what the portal writes when people work; a generated past needs none). A smaller world of 10
agencies is generated the same way, so that pages can be compared at 10 and at 200 agencies:

- agencies 0–9 are steered by ministry 0 in both worlds and get exactly the same rows (each
  agency's content depends only on its number and the year), so their pages show the same thing;
- in the national world the other 190 agencies are shared by ministries 1–15.

Each world lives in a database of its own next to the bench database: for SQLite
``var/bench_nasjonal_<n>.sqlite3``, for PostgreSQL (``BENCH_DATABASE_URL``) ``<name>_nasjonal_<n>``.
A world is generated once and reused while its generator version and the project's migrations are
unchanged (a table ``bench_generator`` in the database records both), so reruns are cheap.
"""

from __future__ import annotations

import hashlib
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.test.utils import override_settings

#: Bump when the generated rows change.
GENERATOR_VERSION = "3"
MINISTRIES, AGENCIES = 16, 200
SMALL_AGENCIES = 10  # the smaller world; also how many agencies ministry 0 steers in both worlds
FIRST_YEAR, YEARS = 2017, 10
LAST_YEAR = FIRST_YEAR + YEARS - 1
PER_LETTER = 50  # oppdrag given in each letter: 200 × 10 × 50 = 100,000
PASSWORD = "styring-demo-2024"  # the demo's password, so that a person can log in to look
BATCH = 2_000

ROOT = Path(__file__).resolve().parent.parent
_OSLO = ZoneInfo("Europe/Oslo")


# --- which database ---------------------------------------------------------------------------

def world_name(n_agencies: int) -> str:
    """The database NAME of the world with n agencies, derived from the bench database."""
    base = settings.DATABASES["default"].get("BENCH_BASE_NAME") or settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"]["BENCH_BASE_NAME"] = base
    if connection.vendor == "sqlite":
        return str(ROOT / "var" / f"bench_nasjonal_{n_agencies}.sqlite3")
    return f"{base}_nasjonal_{n_agencies}"


def use_world(n_agencies: int) -> None:
    """Point the default connection at the world's database (closing the current connection)."""
    name = world_name(n_agencies)
    conn = connections["default"]
    if conn.settings_dict["NAME"] == name:
        return
    conn.close()
    conn.settings_dict["NAME"] = name
    settings.DATABASES["default"]["NAME"] = name
    # Per-process caches keyed by primary key belong to one database.
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    ContentType.objects.clear_cache()
    cache.clear()


def _signature() -> str:
    """Generator version plus the project's migrations: a change to either means generate anew."""
    h = hashlib.sha256(GENERATOR_VERSION.encode())
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _recorded(n_agencies: int) -> tuple[str, float] | None:
    try:
        with connection.cursor() as c:
            c.execute("SELECT signatur, sekunder FROM bench_generator WHERE agencies = %s", [n_agencies])
            row = c.fetchone()
    except Exception:  # no table: not generated (or an old database)
        return None
    return (row[0], row[1]) if row else None


def _fresh_database(name: str) -> None:
    conn = connections["default"]
    conn.close()
    if connection.vendor == "sqlite":
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    import psycopg

    s = conn.settings_dict
    with psycopg.connect(dbname="postgres", user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or None,
                         port=s["PORT"] or None, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{name}"')


def ensure_world(n_agencies: int, *, verbose: bool = True) -> dict:
    """Make the world with n agencies current, generating it if missing or stale.

    Returns {"agencies", "generated": bool, "seconds": generation time (now or when generated)}.
    """
    from django.core.management import call_command

    use_world(n_agencies)
    name = world_name(n_agencies)
    signatur = _signature()
    exists = Path(name).exists() if connection.vendor == "sqlite" else _pg_exists(name)
    recorded = _recorded(n_agencies) if exists else None
    if recorded and recorded[0] == signatur:
        if verbose:
            print(f"  national data, {n_agencies} agencies: reused {name} (generated in {recorded[1]:.0f} s)")
        return {"agencies": n_agencies, "generated": False, "seconds": recorded[1]}
    _fresh_database(name)
    t_migrate = time.perf_counter()
    call_command("migrate", verbosity=0)
    t_migrate = time.perf_counter() - t_migrate
    t0 = time.perf_counter()
    with override_settings(DEBUG=False):  # no SQL kept per query while writing
        counts = generate(n_agencies)
    seconds = time.perf_counter() - t0
    with transaction.atomic(), connection.cursor() as c:
        c.execute("CREATE TABLE IF NOT EXISTS bench_generator (agencies integer PRIMARY KEY, signatur varchar(40), "
                  "sekunder real)")
        c.execute("DELETE FROM bench_generator WHERE agencies = %s", [n_agencies])
        c.execute("INSERT INTO bench_generator VALUES (%s, %s, %s)", [n_agencies, signatur, seconds])
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    if verbose:
        print(f"  national data, {n_agencies} agencies: generated in {seconds:.1f} s (migrations {t_migrate:.0f} s "
              f"before): " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    return {"agencies": n_agencies, "generated": True, "seconds": seconds, **counts}


def _pg_exists(name: str) -> bool:
    import psycopg

    s = connections["default"].settings_dict
    with psycopg.connect(dbname="postgres", user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or None,
                         port=s["PORT"] or None, autocommit=True) as pg:
        return pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


# --- the rows ---------------------------------------------------------------------------------

def ministry_of(a: int) -> int:
    """Agencies 0–9 belong to ministry 0; the rest are shared by the other ministries."""
    return 0 if a < SMALL_AGENCIES else 1 + (a - SMALL_AGENCIES) % (MINISTRIES - 1)


def _at(d: date, hour: int = 12) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=_OSLO)


class _Writer:
    """Multi-row inserts of plain dicts (attribute names as keys), ids assigned here.

    Every concrete column is written: what a row leaves out gets the field's default (auto_now_add
    gets now), so a field added to a model later needs no change here unless it has no default.
    Dates and times go through the field's own conversion for the database; the rest as given.
    """

    def __init__(self):
        from django.utils import timezone

        self.now = timezone.now()
        self.counts: dict[str, int] = {}
        self.next_id: dict[type, int] = {}

    def __call__(self, model, rows: list[dict]) -> list[dict]:
        from django.db import models

        fields = [f for f in model._meta.concrete_fields]
        defaults, converters = {}, {}
        for f in fields:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                defaults[f.attname] = self.now
            elif not f.primary_key:
                defaults[f.attname] = f.get_default()
            if isinstance(f, (models.DateField, models.TimeField)):  # DateTimeField is a DateField
                converters[f.attname] = f
        first = self.next_id.get(model, 1)
        for i, row in enumerate(rows):
            row["id"] = first + i
        self.next_id[model] = first + len(rows)
        names = [f.attname for f in fields]
        sql = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
               f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        values = []
        for row in rows:
            rad = []
            for name in names:
                v = row[name] if name in row else defaults[name]
                if v is not None and name in converters:
                    v = converters[name].get_db_prep_save(v, connection)
                rad.append(v)
            values.append(rad)
        with connection.cursor() as c:
            for i in range(0, len(values), BATCH):
                c.executemany(sql, values[i:i + BATCH])
        key = str(model._meta.verbose_name_plural)
        self.counts[key] = self.counts.get(key, 0) + len(rows)
        return rows

    def reset_sequences(self) -> None:
        from django.core.management.color import no_style

        with connection.cursor() as c:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.next_id)):
                c.execute(sql)


def generate(n_agencies: int) -> dict[str, int]:
    """Write the world (into an empty, migrated database) with multi-row inserts; returns row counts."""
    from django.contrib.auth.hashers import make_password

    from brukere.models import Rolle, User
    from budsjett.models import Budsjettkapittel, Budsjettpost
    from kjerne.sortering import naturlig_nokkel
    from oppdrag.models import Frist, Oppdrag, Risiko, Status, Statusoppdatering
    from rapportering.models import DELER, Rapport, Rapportdel, RapportStatus
    from styring.models import Maal, Organisasjon, Rapporteringspunkt, Styringsparameter, Tildelingsbrev

    bulk = _Writer()
    password = make_password(PASSWORD)
    n_ministries = MINISTRIES if n_agencies > SMALL_AGENCIES else 1
    with transaction.atomic():
        deps = bulk(Organisasjon, [{"kortnavn": f"DEP{d:02d}", "navn": f"Departement {d:02d}",
                                    "type": Organisasjon.Type.DEPARTEMENT} for d in range(n_ministries)])
        orgs = bulk(Organisasjon, [{"kortnavn": f"V{a:03d}", "navn": f"Direktoratet nr. {a}",
                                    "type": Organisasjon.Type.VIRKSOMHET} for a in range(n_agencies)])
        bruker = {"password": password, "is_active": True, "date_joined": bulk.now}
        users = [bruker | {"username": "bench-admin", "email": "admin@bench.no", "is_staff": True,
                           "is_superuser": True, "rolle": Rolle.ADMINISTRATOR}]
        for d, dep in enumerate(deps):
            users += [bruker | {"username": f"dep{d:02d}.redaktor", "email": f"red{d}@dep.bench.no",
                                "organisasjon_id": dep["id"], "rolle": Rolle.DEPARTEMENT_REDAKTOR,
                                "first_name": "Kari", "last_name": f"Redaktør {d}"},
                      bruker | {"username": f"dep{d:02d}.godkjenner", "email": f"godk{d}@dep.bench.no",
                                "organisasjon_id": dep["id"], "rolle": Rolle.DEPARTEMENT_GODKJENNER,
                                "first_name": "Per", "last_name": f"Godkjenner {d}"}]
        for a, org in enumerate(orgs):
            for rolle, navn in ((Rolle.VIRKSOMHET_KONTAKT, "kontakt"), (Rolle.VIRKSOMHET_OPPDRAGSEIER, "oppdrag"),
                                (Rolle.VIRKSOMHET_LEDER, "leder")):
                users.append(bruker | {"username": f"v{a:03d}.{navn}", "email": f"{navn}{a}@v.bench.no",
                                       "organisasjon_id": org["id"], "rolle": rolle, "first_name": "Ola",
                                       "last_name": f"{navn.title()} {a}"})
        by_name = {u["username"]: u["id"] for u in bulk(User, users)}

        statuses = [Status.PAAGAAR, Status.IKKE_STARTET, Status.LEVERT, Status.PAAGAAR]
        risks = [Risiko.GRONN, Risiko.GUL, Risiko.ROD, Risiko.IKKE_VURDERT]
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            letters = bulk(Tildelingsbrev, [
                {"virksomhet_id": org["id"], "departement_id": deps[ministry_of(a)]["id"], "aar": year,
                 "status": "sendt", "tittel": f"Tildelingsbrev {year} – {org['navn']}",
                 "sendt": _at(date(year - 1, 12, 20)), "dato": date(year - 1, 12, 20), "var_ref": f"{year - 1}/{a:04d}",
                 "kontaktperson_id": by_name[f"dep{ministry_of(a):02d}.redaktor"], "_a": a}
                for a, org in enumerate(orgs)])
            # What Maal.save() would add: the natural sort key of the number (ignored where no such field).
            maal = bulk(Maal, [{"tildelingsbrev_id": b["id"], "nummer": str(n), "sorteringsnokkel": naturlig_nokkel(str(n)),
                                "tittel": f"Mål {n} for V{b['_a']:03d} {year}",
                                "tekst": "Virksomheten skal bidra til at målet nås. " * 3, "_brev": b}
                               for b in letters for n in range(1, 6)])
            bulk(Styringsparameter, [{"maal_id": m["id"], "kode": f"SP {m['nummer']}.{k}", "rekkefolge": k,
                                      "tekst": f"Andel som oppnår resultat {k} under mål {m['nummer']}"}
                                     for m in maal for k in (1, 2)])
            kapitler = bulk(Budsjettkapittel, [{"tildelingsbrev_id": b["id"], "nummer": 600 + b["_a"],
                                                "betegnelse": f"Direktoratet nr. {b['_a']}"} for b in letters])
            bulk(Budsjettpost, [{"kapittel_id": k["id"], "post": p, "betegnelse": f"Post {p}",
                                 "tildelt_kr": 1_000_000 * p} for k in kapitler for p in (1, 21, 45, 70)])
            punkter = bulk(Rapporteringspunkt, [
                {"tildelingsbrev_id": b["id"], "type": t, "rapport_aar": year, "betegnelse": betegnelse,
                 "telletidspunkt": telle, "frist": frist, "rekkefolge": r, "_brev": b}
                for b in letters
                for r, (t, betegnelse, telle, frist) in enumerate((
                    ("halvaarsrapport", f"Halvårsrapport {year}", date(year, 6, 30), date(year, 8, 20)),
                    ("aarsrapport", f"Årsrapport {year}", date(year, 12, 31), date(year + 1, 3, 15))))])
            maal_of = {(m["tildelingsbrev_id"], m["nummer"]): m["id"] for m in maal}
            oppdrag = []
            for b in letters:
                a = b["_a"]
                owner = by_name[f"v{a:03d}.oppdrag"]
                for i in range(PER_LETTER):
                    oppdrag.append({
                        "virksomhet_id": b["virksomhet_id"], "tildelingsbrev_id": b["id"],
                        "departement_id": b["departement_id"], "aar": year, "nummer": f"{year}-{i + 1:02d}",
                        "maal_id": maal_of[(b["id"], str(1 + i % 5))], "rekkefolge": i,
                        "tittel": f"Oppdrag {i + 1} til V{a:03d} i {year}: utrede, gjennomføre og rapportere på "
                                  "tiltaket",
                        "status": statuses[(i + a + year) % 4], "risiko": risks[(i + 2 * a + year) % 4],
                        "ansvarlig_id": owner if i % 3 else None, "beskrivelse": "Beskrivelse av oppdraget. " * 5})
            oppdrag = bulk(Oppdrag, oppdrag)
            frister, oppfolging = [], []
            for o in oppdrag:
                d1 = date(year, 2, 1) + timedelta(days=(o["rekkefolge"] * 7) % 330)
                parts = [d1, d1 + timedelta(days=200)] + ([d1 + timedelta(days=400)] if o["rekkefolge"] % 2 else [])
                for r, d in enumerate(parts):
                    frister.append({"oppdrag_id": o["id"], "tildelingsbrev_id": o["tildelingsbrev_id"],
                                    "tekst": f"Del {r + 1}: {d:%d.%m.%Y}", "form": "dato", "dato": d,
                                    "del_betegnelse": f"Del {r + 1}", "rekkefolge": r})
                if o["rekkefolge"] % 4 == 0:
                    oppfolging.append({
                        "oppdrag_id": o["id"], "status": o["status"], "risiko": o["risiko"],
                        "risiko_tekst": "Vurdert i oppfølgingsmøtet." if o["risiko"] else "",
                        "kommentar": "Arbeidet går etter planen.", "gjelder_dato": date(year, 6, 30),
                        "opprettet_av_id": o["ansvarlig_id"]})
            bulk(Frist, frister)
            bulk(Statusoppdatering, oppfolging)
            # Reports: every year's halvårs- and årsrapport, received by the ministry, except the last
            # year's årsrapport (still a draft) — text parts only (the tables are prefilled on creation).
            rapporter = []
            for p in punkter:
                b = p["_brev"]
                utkast = year == LAST_YEAR and p["type"] == "aarsrapport"
                sendt = None if utkast else _at(p["frist"] - timedelta(days=3))
                leder = by_name[f"v{b['_a']:03d}.leder"]
                rapporter.append({
                    "virksomhet_id": b["virksomhet_id"], "departement_id": b["departement_id"],
                    "tildelingsbrev_id": b["id"], "punkt_id": p["id"], "type": p["type"], "rapport_aar": year,
                    "telletidspunkt": p["telletidspunkt"], "frist": p["frist"],
                    "status": RapportStatus.UTKAST if utkast else RapportStatus.MOTTATT, "opprettet_av_id": leder,
                    "sendt": sendt, "sendt_av_id": None if utkast else leder, "mottatt": sendt})
            rapporter = bulk(Rapport, rapporter)
            bulk(Rapportdel, [{"rapport_id": r["id"], "kode": d.kode, "tittel": d.tittel, "rekkefolge": i,
                               "tekst": f"<p>{d.hjelp} Virksomhetens vurdering for {r['rapport_aar']}.</p>"}
                              for r in rapporter for i, d in enumerate(DELER[r["type"]])])
        bulk.reset_sequences()
    return bulk.counts


def run() -> list[tuple[str, str]]:
    """Generate (or reuse) both worlds; the figure is the national world's generation time."""
    small = ensure_world(SMALL_AGENCIES)
    big = ensure_world(AGENCIES)
    return [(f"national data: {MINISTRIES} ministries, {AGENCIES} agencies, {YEARS} years ({connection.vendor}), "
             "bulk inserts, no per-row history",
             f"{big['seconds']:.1f} s for the national world"
             + ("" if big["generated"] else " (when generated; reused in this run)")
             + f"; {small['seconds']:.1f} s for the world of {SMALL_AGENCIES} agencies")], []
