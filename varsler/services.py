"""Writes for reminders: the ledger, the sending, the weekly digest.

Never twice, never lost (docs/paaminnelser.md):
- A ledger row is inserted before anything is sent; the unique constraint decides who wins a race.
- Rows are sent one at a time. A row is claimed by one conditional UPDATE that sets a fresh token
  (``krav``) and the claim time (``sist_forsok``), committed on its own; the mail goes out; the row
  is marked ``sendt`` by a second committed UPDATE (guarded by the token) before the next row is
  claimed. A process that dies therefore leaves at most the one row it had in flight in ``sender``.
- A claim older than the stale-claim timeout (``PAAMINNELSE_KRAV_FORELDET_SEKUNDER``, 600 s, far
  above the SMTP timeout) was left by a dead process: the next run takes the row over and sends it.
  That row is the only e-mail a crash can duplicate (the server may have taken it before the death).
- A failed send is ``feilet`` with the attempt count and the time of the next attempt (backoff
  doubling from ``PAAMINNELSE_VENTETID_SEKUNDER``). The command and the Celery task take such rows
  through the same claim, up to ``PAAMINNELSE_MAKS_FORSOK`` attempts; after that the row stays
  ``feilet``, visibly, in the admin's ledger.

Call the sending functions outside a transaction: the guarantees rest on each step committing.
"""

from __future__ import annotations

import gc
import html
import itertools
import logging
import os
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from .epost import FastEmail, en_linje
from .models import Paaminnelse, Ukesoppsummering, Varsel
from .paaminnelser import Forekomst, Planlagt, forekomst_for, forekomster, planlegg

log = logging.getLogger(__name__)
Status = Paaminnelse.Status

# A run stops after this many sends in a row have failed (the mail server is down): the rest stay
# planlagt/feilet for the next run instead of each waiting for its own timeout.
STOPP_ETTER_FEIL_PAA_RAD = 5


def maks_forsok() -> int:
    return int(settings.PAAMINNELSE_MAKS_FORSOK)


def foreldet_etter(verdi: timedelta | None = None) -> timedelta:
    """How old a claim must be before it counts as left by a dead process (``verdi`` overrides)."""
    if verdi is not None:
        return verdi
    return timedelta(seconds=float(settings.PAAMINNELSE_KRAV_FORELDET_SEKUNDER))


def smtp_timeout() -> float:
    # Each SMTP step waits at most this long, so a live run never holds a claim past the timeout above.
    return float(getattr(settings, "EMAIL_TIMEOUT", None) or 60)


def ventetid(forsok: int) -> timedelta:
    """Backoff after the ``forsok``-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 hours."""
    grunn = float(settings.PAAMINNELSE_VENTETID_SEKUNDER)
    return timedelta(seconds=min(grunn * 2 ** max(forsok - 1, 0), 6 * 3600))


def _klar(*, naa: datetime, foreldet: timedelta) -> Q:
    """Rows that may be claimed now: planned; failed, with attempts left and the backoff over; or
    claimed by a process that has since died (stale claim)."""
    igjen = Q(forsok__lt=maks_forsok())
    return (Q(status=Status.PLANLAGT)
            | (Q(status=Status.FEILET) & igjen & (Q(neste_forsok__isnull=True) | Q(neste_forsok__lte=naa)))
            | (Q(status=Status.SENDER) & igjen & Q(sist_forsok__lt=naa - foreldet)))


def _sett_inn(planlagte: list[Planlagt]) -> None:
    """Insert the ledger rows of ``planlagte`` in one statement run over all of them; a row an
    earlier or concurrent run inserted is left as it is (``ON CONFLICT DO NOTHING``: the unique
    constraint decides). Plain SQL: building 20,000 model instances for Django's bulk_create was
    a tenth of a run. The defaults are the model's (status planlagt, no attempts, no error)."""
    if not planlagte:
        return
    qn, ops = db_connection.ops.quote_name, db_connection.ops
    meta = Paaminnelse._meta
    kolonner = ("kilde", "kilde_id", "forfallsdato", "dager", "mottaker", "planlagt_dato", "emne", "status", "forsok",
                "feil", "krav", "opprettet")
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(meta.get_field(k).column) for k in kolonner)}) "
           f"VALUES ({', '.join(['%s'] * len(kolonner))}) ON CONFLICT DO NOTHING")
    faste = [Status.PLANLAGT.value, 0, "", "", ops.adapt_datetimefield_value(timezone.now())]
    datoer: dict[date, object] = {}

    def dag(d: date):
        if d not in datoer:
            datoer[d] = ops.adapt_datefield_value(d)
        return datoer[d]

    rader = [[p.forekomst.kilde, p.forekomst.kilde_id, dag(p.forekomst.dato), p.dager, p.mottaker.pk, dag(p.dato),
              p.emne, *faste] for p in planlagte]
    with transaction.atomic(), db_connection.cursor() as cursor:  # one commit, not one per row
        cursor.executemany(sql, rader)


def paaminnelser_lagre(*, planlagte: list[Planlagt]) -> list[Paaminnelse]:
    """Insert the ledger rows (rows an earlier or concurrent run inserted are left as they are) and
    return the rows still waiting to be sent, each with its planned occurrence attached."""
    if not planlagte:
        return []
    _sett_inn(planlagte)
    by_key = {(p.forekomst.kilde, p.forekomst.kilde_id, p.forekomst.dato, p.dager, p.mottaker.pk): p
              for p in planlagte}
    dates = [p.forekomst.dato for p in planlagte]
    venter = []
    for row in Paaminnelse.objects.filter(status=Status.PLANLAGT, forfallsdato__gte=min(dates),
                                          forfallsdato__lte=max(dates)):
        p = by_key.get((row.kilde, row.kilde_id, row.forfallsdato, row.dager, row.mottaker_id))
        if p is not None:
            row._planlagt = p
            venter.append(row)
    return venter


def paaminnelser_planlegg(*, dato: date) -> list[Paaminnelse]:
    return paaminnelser_lagre(planlagte=planlegg(dato))


def paaminnelser_klare(*, foreldet: timedelta | None = None):
    """The rows a run should try to send now, oldest first: the one retry path for the command
    and the task."""
    naa = timezone.now()
    return Paaminnelse.objects.filter(_klar(naa=naa, foreldet=foreldet_etter(foreldet))).order_by("pk")


def paaminnelser_gi_opp(*, foreldet: timedelta | None = None) -> int:
    """Rows whose sending killed the process ``PAAMINNELSE_MAKS_FORSOK`` times are not taken
    again (a crash loop): they become ``feilet``, visibly. Returns how many."""
    grense = timezone.now() - foreldet_etter(foreldet)
    antall = Paaminnelse.objects.filter(status=Status.SENDER, sist_forsok__lt=grense,
                                        forsok__gte=maks_forsok()).update(
        status=Status.FEILET, neste_forsok=None,
        feil="Avbrutt under sending ved hvert forsøk; ikke prøvd igjen. Kan være levert.")
    if antall:
        log.error("%s påminnelse(r) gitt opp etter %s avbrutte forsøk", antall, maks_forsok())
    return antall


@cache
def _sql(modell) -> dict[str, str]:
    """The claim and the record of a send as plain SQL, for a ledger with the sending fields
    (Paaminnelse, Varsel). A run does one per e-mail, so they skip the ORM's query building; the
    claim's condition is ``_klar``'s (tests in tests/varsler exercise both through every path).

    ``sendt_og_claim`` is one statement that records the row sent last and claims the next: one
    statement is one transaction, committed by the database in autocommit, with no BEGIN/COMMIT
    round of Django's ``atomic`` around it. ``RETURNING`` says which of the two rows it changed."""
    qn = db_connection.ops.quote_name
    meta = modell._meta
    t = qn(meta.db_table)
    pk, status, krav, sist, forsok, neste, sendt, feil = (
        qn(meta.get_field(f).column) for f in ("id", "status", "krav", "sist_forsok", "forsok", "neste_forsok",
                                               "sendt", "feil"))
    kan_tas = (f"({status} = %s"
               f" OR ({status} = %s AND {forsok} < %s AND ({neste} IS NULL OR {neste} <= %s))"
               f" OR ({status} = %s AND {forsok} < %s AND {sist} < %s))")

    def forrige(ja: str, nei: str) -> str:
        return f"CASE WHEN {pk} = %s THEN {ja} ELSE {nei} END"

    return {
        "claim": (f"UPDATE {t} SET {status} = %s, {krav} = %s, {sist} = %s, {forsok} = {forsok} + 1, {neste} = NULL "
                  f"WHERE {pk} = %s AND {kan_tas}"),
        "sendt": f"UPDATE {t} SET {status} = %s, {sendt} = %s, {feil} = '', {neste} = NULL WHERE {pk} = %s AND {krav} = %s",
        # Parameters: the previous row's id before each CASE, then the values; see _claim.
        "sendt_og_claim": (
            f"UPDATE {t} SET {status} = {forrige('%s', '%s')}, {krav} = {forrige(krav, '%s')}, "
            f"{sist} = {forrige(sist, '%s')}, {forsok} = {forrige(forsok, f'{forsok} + 1')}, "
            f"{sendt} = {forrige('%s', sendt)}, {feil} = {forrige(chr(39) * 2, feil)}, {neste} = NULL "
            f"WHERE ({pk} = %s AND {krav} = %s) OR ({pk} = %s AND {kan_tas}) RETURNING {pk}"),
    }


def _dt(verdi: datetime, db=None):
    """``verdi`` as ``db`` (the default connection) takes it as a parameter: Django's
    ``adapt_datetimefield_value``. A run adapts two per e-mail, and through the connection proxy
    and ``make_naive`` that was a fifth of each claim (6 % of a run, sampled with py-spy). On
    SQLite a datetime in UTC with the connection in UTC (Django's default there) is the same text
    without the conversion: ``str`` of it without its zone."""
    db = db or connections[DEFAULT_DB_ALIAS]
    if verdi.tzinfo is UTC and db.vendor == "sqlite" and db.timezone is UTC:
        return str(verdi.replace(tzinfo=None))
    return db.ops.adapt_datetimefield_value(verdi)


_tokenkilde: list = [None, "", None]  # (pid, random prefix, counter)


def _token() -> str:
    """A fresh claim token: a random 80-bit prefix per process and a counter, unique like a uuid4
    (and ascending; the token is not indexed, a row is found by its id). A forked child (a Celery
    worker, the kill test's fork server) gets a prefix of its own."""
    if _tokenkilde[0] != os.getpid():
        _tokenkilde[:] = [os.getpid(), uuid.uuid4().hex[:20], itertools.count()]
    return f"{_tokenkilde[1]}{next(_tokenkilde[2]):012x}"


def _claim(pk: int, *, foreldet: timedelta | None = None, modell=Paaminnelse, sendt: tuple | None = None,
           cursor=None) -> str | None:
    """Take one row for sending in one committed UPDATE; returns the claim's token, or None when
    another run has it (a fresh claim), it is done, or its next attempt is not due. ``modell`` is
    a ledger with the same sending fields (Paaminnelse, Varsel).

    ``sendt`` = (pk, token) of the row this process sent last: recorded as sent in the same
    statement, so that a run commits once per e-mail and still never has more than one row in
    flight (the one it claims here, until its own record). Call it outside a transaction (in
    one, the statement is part of it). ``cursor``: a run's one cursor for all its claims (one is
    opened here otherwise)."""
    if cursor is None:
        with db_connection.cursor() as cursor:
            return _claim(pk, foreldet=foreldet, modell=modell, sendt=sendt, cursor=cursor)
    token = _token()
    naa = timezone.now()
    naa_db = _dt(naa, cursor.db)
    grense = maks_forsok()
    kan_tas = [Status.PLANLAGT.value, Status.FEILET.value, grense, naa_db, Status.SENDER.value, grense,
               _dt(naa - foreldet_etter(foreldet), cursor.db)]
    if sendt is None:
        cursor.execute(_sql(modell)["claim"], [Status.SENDER.value, token, naa_db, pk, *kan_tas])
        return token if cursor.rowcount else None
    forrige, forrige_token = sendt
    cursor.execute(_sql(modell)["sendt_og_claim"], [
        forrige, Status.SENDT.value, Status.SENDER.value, forrige, token, forrige, naa_db, forrige,
        forrige, naa_db, forrige, forrige, forrige_token, pk, *kan_tas])
    return token if any(rad[0] == pk for rad in cursor.fetchall()) else None


class _RaaMarkor:
    """The database driver's own cursor, for a run's claims (one statement per e-mail): Django's
    cursor wrapper around it (placeholder conversion, its checks and bookkeeping) cost a third as
    much as the statement itself on SQLite. The statements are ``_sql``'s, with the driver's
    placeholders; a database error is raised as Django's, as through Django's cursor."""

    def __init__(self, db):
        self.db = db  # as Django's cursor wrapper names it
        self._markor = db.connection.cursor()
        self._qmark = db.vendor == "sqlite"  # sqlite3 takes ?, psycopg %s
        self._sql: dict[str, str] = {}

    def execute(self, sql: str, params: list) -> None:
        driverens = self._sql.get(sql)
        if driverens is None:
            driverens = self._sql[sql] = sql.replace("%s", "?") if self._qmark else sql
        with self.db.wrap_database_errors:
            self._markor.execute(driverens, params)

    @property
    def rowcount(self) -> int:
        return self._markor.rowcount

    def fetchall(self) -> list:
        with self.db.wrap_database_errors:
            return self._markor.fetchall()


@contextmanager
def _markor_for_krav():
    """The cursor a run claims its rows with: the driver's own (``_RaaMarkor``) when nobody watches
    the queries, Django's when someone does (DEBUG's query log, a test counting queries with
    CaptureQueriesContext, an ``execute_wrapper``), so that every claim is still seen there."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            yield cursor
        return
    db.ensure_connection()
    db.validate_no_broken_transaction()
    markor = _RaaMarkor(db)
    try:
        yield markor
    finally:
        markor._markor.close()


def _record_sent(pk: int, token: str, *, modell=Paaminnelse) -> None:
    with db_connection.cursor() as cursor:
        cursor.execute(_sql(modell)["sendt"], [Status.SENDT.value, _dt(timezone.now()), pk, token])


@contextmanager
def _ledger_commits_without_flush():
    """For the length of a run's sending: the ledger's commits are not flushed to disk one by one
    (PostgreSQL: ``synchronous_commit = off``; SQLite in WAL mode: ``synchronous = NORMAL``). A run
    commits once per e-mail; a flush each time was most of its time. Every commit is in the
    database the moment it returns, so a process that dies (kill -9, OOM) loses nothing of the
    ledger. Only a crash of the database server or the machine can undo the last commits (a few
    hundred milliseconds' worth): those rows go back to ``planlagt``/``sender`` and are sent again,
    so that crash can duplicate them, never lose them. Inside a transaction nothing is changed."""
    if db_connection.in_atomic_block:
        yield
        return
    with db_connection.cursor() as cursor:
        if db_connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO OFF")
            try:
                yield
            finally:
                cursor.execute("RESET synchronous_commit")
            return
        if db_connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            if cursor.fetchone()[0].lower() == "wal":
                cursor.execute("PRAGMA synchronous")
                for_ = cursor.fetchone()[0]
                cursor.execute("PRAGMA synchronous = NORMAL")
                try:
                    yield
                finally:
                    cursor.execute(f"PRAGMA synchronous = {int(for_)}")
                return
    yield


@contextmanager
def _uten_syklusrydding():
    """For the length of a run: Python's cycle collector is paused. A run keeps tens of thousands
    of objects alive (the occurrences with their oppdrag and users, the planned rows), so the
    collector's passes over them, triggered by the allocations of each e-mail, were a tenth of a
    run while finding nothing to free (the run makes no reference cycles of its own; memory is
    freed as usual when the last reference goes). The collector is on again afterwards, as it was."""
    var_paa = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if var_paa:
            gc.enable()


def _lenke(sti: str) -> str:
    return settings.SITE_URL.rstrip("/") + sti


def _kontekst(*, mottaker, forekomst, oppdrag, igjen: int, forfalt: bool, lenke: str) -> dict:
    """The reminder templates' context: the one place that says what they are given."""
    return {"mottaker": mottaker, "f": forekomst, "oppdrag": oppdrag, "dager_igjen": igjen, "forfalt": forfalt,
            "dager_siden": -igjen, "lenke": lenke, "innstillinger": _lenke("/innstillinger/varsler/")}


def _emne(*, forekomst: Forekomst, mottaker, dager: int, dato: date) -> str:
    # The subject is built from titles (user text): one line, whatever the title holds.
    return en_linje(Planlagt(forekomst, mottaker, dager, dato).emne)


def paaminnelse_melding(*, paaminnelse: Paaminnelse, forekomst: Forekomst,
                        dato: date | None = None) -> EmailMultiAlternatives:
    """The e-mail for one ledger row, as of ``dato`` (the day it is sent; default the planned day),
    rendered in full. A run renders through ``Paaminnelsesmaler``, which must give the same."""
    mottaker = paaminnelse.mottaker
    dato = dato or paaminnelse.planlagt_dato
    context = _kontekst(mottaker=mottaker, forekomst=forekomst, oppdrag=forekomst.oppdrag,
                        igjen=(forekomst.dato - dato).days, forfalt=paaminnelse.dager == Paaminnelse.FORFALT,
                        lenke=_lenke(forekomst.sti))
    msg = EmailMultiAlternatives(
        subject=_emne(forekomst=forekomst, mottaker=mottaker, dager=paaminnelse.dager, dato=dato),
        body=render_to_string("varsler/epost/paaminnelse.txt", context),
        to=[mottaker.email], headers={"X-Styringsportalen-Paaminnelse": str(paaminnelse.pk)},
    )
    msg.attach_alternative(render_to_string("varsler/epost/paaminnelse.html", context), "text/html")
    return msg


# --- Rendering a run's reminders: each kind of message once --------------------------------
#
# The reminders of a run differ in a few strings (the recipient's name, what the frist is about,
# the frist as written, milepæl titles, the link) and in a few values that pick the template's
# branches and words (overdue or not, days left, the date, the oppdrag's status and risk, how many
# milepæler ride along). Per combination of the latter (a "kind"), the two templates are rendered
# once with a marker in place of each string; every message of that kind is the rendered text with
# its own strings put in (HTML-escaped in the HTML part, as the template would). Stand-ins carry
# only those strings and values, and one that is asked for anything else stops the kind's
# rendering, so a template that starts to use another field cannot put one message's data into
# another's: its messages are then rendered in full. The first message of each kind is also
# rendered in full and compared; a difference is logged and the kind rendered in full from then on.

_MERKE = "\ue000{}\ue001"  # private-use characters: no template text or filter produces them
_MERKE_RE = re.compile("\ue000(\\d+)\ue001")


class _UkjentFelt(Exception):
    """A reminder template asked a stand-in for a field the kind's rendering does not provide."""


class _Plass:
    """Stands in for an object in a kind's rendering: the given attributes, nothing else."""

    def __init__(self, **felt):
        self.__dict__.update(felt)

    def __getattr__(self, navn):
        if navn.startswith("__"):
            raise AttributeError(navn)
        raise _UkjentFelt(navn)


#: (status, risiko) → the labels a reminder shows for an oppdrag with them (the choices' labels).
_OPPDRAG_SLAG: dict[tuple, tuple] = {}


def _escape(verdi: str) -> str:
    """``conditional_escape`` for a filled-in string, without the lazy-string wrapper around it:
    Django's ``escape`` is ``html.escape`` of the text (a safe string is left as it is)."""
    return verdi.__html__() if hasattr(verdi, "__html__") else html.escape(verdi)


def _fyll(deler: str, verdier: list) -> str:
    return deler.format(*verdier)


def _deler(tekst: str) -> str:
    """Rendered text with markers as a format string: the text between them with its braces
    doubled, each marker ``{n}`` (filled in by ``str.format``, in one call, not a join per part)."""
    ut = []
    for n, biter in enumerate(_MERKE_RE.split(tekst)):
        ut.append(biter.replace("{", "{{").replace("}", "}}") if n % 2 == 0 else f"{{{int(biter)}}}")
    return "".join(ut)


class Paaminnelsesmaler:
    """Renders a run's reminder e-mails, each kind once (see above). One per run."""

    MALER = ("varsler/epost/paaminnelse.txt", "varsler/epost/paaminnelse.html")

    def __init__(self):
        from django.template.loader import get_template

        self._maler = [get_template(navn) for navn in self.MALER]
        self._slag: dict[tuple, tuple | None] = {}  # kind → (text parts, html parts), None: render in full
        self._emner: dict[tuple, str] = {}

    @staticmethod
    def _slag_for(*, forekomst: Forekomst, forfalt: bool, igjen: int) -> tuple:
        o = forekomst.oppdrag
        if o is None:
            oppdrag = None
        else:  # the labels per (status, risiko): the same for every oppdrag with them
            oppdrag = _OPPDRAG_SLAG.get((o.status, o.risiko))
            if oppdrag is None:
                oppdrag = _OPPDRAG_SLAG[(o.status, o.risiko)] = (
                    o.get_status_display(), o.risiko, o.get_risiko_display() if o.risiko else "")
        return (forfalt, igjen, forekomst.dato, len(forekomst.ogsaa_milepaeler), oppdrag)

    @staticmethod
    def _verdier(*, mottaker, forekomst: Forekomst) -> list[str]:
        verdier = [mottaker.get_full_name() or mottaker.username, forekomst.hva, forekomst.tekst,
                   _lenke(forekomst.sti), _lenke("/innstillinger/varsler/")]
        for m in forekomst.ogsaa_milepaeler:
            verdier += [m.tittel, m.tekst]
        return [str(v) for v in verdier]

    def _lag_slag(self, slag: tuple, *, forekomst: Forekomst, forfalt: bool, igjen: int) -> tuple:
        merke = _MERKE.format
        o = forekomst.oppdrag
        oppdrag = None if o is None else _Plass(get_status_display=lambda: slag[4][0], risiko=slag[4][1],
                                                 get_risiko_display=lambda: slag[4][2])
        milepaeler = [_Plass(tittel=merke(5 + 2 * i), tekst=merke(6 + 2 * i)) for i in range(slag[3])]
        f = _Plass(hva=merke(1), tekst=merke(2), dato=forekomst.dato, ogsaa_milepaeler=milepaeler)
        mottaker = _Plass(get_full_name=lambda: merke(0), username=merke(0))
        context = _kontekst(mottaker=mottaker, forekomst=f, oppdrag=oppdrag, igjen=igjen, forfalt=forfalt,
                            lenke=merke(3))
        context["innstillinger"] = merke(4)
        return tuple(_deler(mal.render(context)) for mal in self._maler)

    def melding(self, *, paaminnelse: Paaminnelse, forekomst: Forekomst, dato: date) -> EmailMultiAlternatives:
        """The same e-mail as ``paaminnelse_melding``, from the kind's rendering."""
        mottaker = paaminnelse.mottaker
        forfalt = paaminnelse.dager == Paaminnelse.FORFALT
        igjen = (forekomst.dato - dato).days
        slag = self._slag_for(forekomst=forekomst, forfalt=forfalt, igjen=igjen)
        forste = slag not in self._slag
        if forste:
            try:
                self._slag[slag] = self._lag_slag(slag, forekomst=forekomst, forfalt=forfalt, igjen=igjen)
            except _UkjentFelt as exc:
                log.warning("Påminnelsesmalen bruker feltet %r; denne typen påminnelser gjengis i sin helhet.", str(exc))
                self._slag[slag] = None
        deler = self._slag[slag]
        if deler is None:
            return paaminnelse_melding(paaminnelse=paaminnelse, forekomst=forekomst, dato=dato)
        verdier = self._verdier(mottaker=mottaker, forekomst=forekomst)
        tekst = _fyll(deler[0], verdier)
        html_tekst = _fyll(deler[1], [_escape(v) for v in verdier])
        if forste:
            fasit = paaminnelse_melding(paaminnelse=paaminnelse, forekomst=forekomst, dato=dato)
            if (tekst, html_tekst) != (fasit.body, fasit.alternatives[0][0]):
                log.error("Påminnelse %s: hurtiggjengivelsen avviker fra malen; denne typen gjengis i sin helhet.",
                          paaminnelse.pk)
                self._slag[slag] = None
                return fasit
        nokkel = (forekomst.nokkel, forekomst.hva, paaminnelse.dager, dato)
        emne = self._emner.get(nokkel)
        if emne is None:
            emne = self._emner[nokkel] = _emne(forekomst=forekomst, mottaker=mottaker, dager=paaminnelse.dager,
                                               dato=dato)
        msg = FastEmail(subject=emne, body=tekst, to=[mottaker.email],
                        headers={"X-Styringsportalen-Paaminnelse": str(paaminnelse.pk)})
        msg.attach_alternative(html_tekst, "text/html")
        return msg


def _bortfalt(*, rad: Paaminnelse, forekomst: Forekomst | None, dato: date) -> str:
    """Why a claimed row should no longer be sent ("" = send it)."""
    if forekomst is None:
        return "Fristen gjelder ikke lenger (endret, levert eller avsluttet)."
    if forekomst.rapport_levert:
        return "Rapporten er sendt."
    if rad.dager == Paaminnelse.FORFALT:
        if forekomst.oppdrag is not None and forekomst.oppdrag.er_ferdig:
            return "Oppdraget er levert eller avsluttet."
        return ""
    if forekomst.dato < dato:
        return "Fristen passerte før påminnelsen ble sendt."
    if rad.planlagt_dato < dato and Paaminnelse.objects.filter(
            kilde=rad.kilde, kilde_id=rad.kilde_id, forfallsdato=rad.forfallsdato, mottaker_id=rad.mottaker_id,
            dager__lt=rad.dager).exclude(status=Status.BORTFALT).exists():
        return "Erstattet av en nyere påminnelse om samme frist."
    return ""


def _send_tatt(*, rad: Paaminnelse, token: str, forekomst: Forekomst | None, dato: date, connection=None,
               maler: Paaminnelsesmaler | None = None, record_sent: bool = True) -> str:
    """Send a row this process has claimed (``token``) and record the outcome. Returns the status.
    With ``record_sent=False`` a successful send is left for the caller to record (with its next
    claim, ``_claim(sendt=...)``); a failure or a dropped row is recorded here."""
    def mine():
        return Paaminnelse.objects.filter(pk=rad.pk, krav=token)

    grunn = _bortfalt(rad=rad, forekomst=forekomst, dato=dato)
    if grunn:
        mine().update(status=Status.BORTFALT, feil=grunn)
        return Status.BORTFALT
    try:
        if maler is not None:
            msg = maler.melding(paaminnelse=rad, forekomst=forekomst, dato=dato)
        else:
            msg = paaminnelse_melding(paaminnelse=rad, forekomst=forekomst, dato=dato)
        if connection is not None:
            connection.open()  # no-op when open; reopens after a failure closed it
        msg.connection = connection or get_connection(timeout=smtp_timeout())
        msg.send()
    except Exception as exc:  # recorded with the next attempt; the next run or the task retries it
        if connection is not None:
            connection.close()  # never reuse a connection in an unknown state
        forsok = Paaminnelse.objects.filter(pk=rad.pk).values_list("forsok", flat=True).first() or 1
        siste = forsok >= maks_forsok()
        mine().update(status=Status.FEILET, feil=f"{type(exc).__name__}: {exc}"[:2000],
                      neste_forsok=None if siste else timezone.now() + ventetid(forsok))
        (log.error if siste else log.warning)("Påminnelse %s feilet (forsøk %s av %s): %s",
                                              rad.pk, forsok, maks_forsok(), exc)
        return Status.FEILET
    if record_sent:
        _record_sent(rad.pk, token)
    return Status.SENDT


def paaminnelse_send(*, paaminnelse_id: int, forekomst: Forekomst | None = None, dato: date | None = None,
                     connection=None, foreldet: timedelta | None = None) -> str:
    """Send one ledger row if it may be claimed now. Returns the row's status afterwards (``feilet``
    with ``neste_forsok`` set when this attempt failed)."""
    token = _claim(paaminnelse_id, foreldet=foreldet)
    if token is None:
        return Paaminnelse.objects.filter(pk=paaminnelse_id).values_list("status", flat=True).first() or ""
    rad = Paaminnelse.objects.select_related("mottaker").get(pk=paaminnelse_id)
    if forekomst is None:
        forekomst = forekomst_for(rad)
    dato = max(rad.planlagt_dato, dato) if dato else rad.planlagt_dato
    return _send_tatt(rad=rad, token=token, forekomst=forekomst, dato=dato, connection=connection)


def paaminnelse_neste_forsok(*, paaminnelse_id: int) -> datetime | None:
    """When the row should be tried again, or None when it is done (sent, dropped, given up)."""
    rad = Paaminnelse.objects.filter(pk=paaminnelse_id).first()
    if rad is None or rad.forsok >= maks_forsok() and rad.status != Status.PLANLAGT:
        return None
    if rad.status == Status.FEILET:
        return rad.neste_forsok or timezone.now()
    if rad.status == Status.SENDER:  # another process has it; if that one dies, its claim goes stale
        return rad.sist_forsok + foreldet_etter() + timedelta(seconds=1)
    if rad.status == Status.PLANLAGT:
        return timezone.now()
    return None


def _forekomster_for(rader) -> dict[tuple, Forekomst]:
    """The occurrences the rows are about, loaded fresh in a fixed number of queries."""
    if not rader:
        return {}
    fra, til = min(r.forfallsdato for r in rader), max(r.forfallsdato for r in rader)
    return {f.nokkel: f for f in forekomster(fra, til)}


@dataclass(slots=True)
class _Rad:
    """A ledger row as a run sends it: the columns the sending reads, with the recipient. The run
    reads its rows once, as tuples, and takes each recipient from its own planning (users it has
    already loaded), not a model instance per row and per recipient."""

    pk: int
    kilde: str
    kilde_id: int
    forfallsdato: date
    dager: int
    mottaker_id: int
    planlagt_dato: date
    status: str
    mottaker: object = None


def _klare_rader(*, foreldet: timedelta, planlagte: list[Planlagt]) -> list[_Rad]:
    """``paaminnelser_klare``'s rows, oldest first, in one query of plain columns; recipients from
    ``planlagte`` where the run planned the row, the rest (retries, takeovers) in one more query."""
    from django.contrib.auth import get_user_model

    brukere = {p.mottaker.pk: p.mottaker for p in planlagte}
    rader = [_Rad(*verdier) for verdier in paaminnelser_klare(foreldet=foreldet).values_list(
        "pk", "kilde", "kilde_id", "forfallsdato", "dager", "mottaker_id", "planlagt_dato", "status")]
    mangler = {r.mottaker_id for r in rader} - brukere.keys()
    if mangler:
        brukere.update(get_user_model().objects.in_bulk(mangler))
    for r in rader:
        r.mottaker = brukere[r.mottaker_id]
    return rader


def paaminnelser_send_klare(*, dato: date, kjente: dict[tuple, Forekomst] | None = None,
                            vindu: tuple[date, date] | None = None, foreldet: timedelta | None = None,
                            planlagte: list[Planlagt] = ()) -> dict:
    """Send every row that may be claimed now, one at a time over one mail connection: planned
    rows, failed rows whose backoff is over, and rows a dead process left half-sent.

    ``kjente`` holds the occurrences this run has just read for planning, complete for the dates in
    ``vindu`` (an occurrence missing there no longer exists); the rest are loaded fresh.
    ``planlagte``: what the run has just planned (and inserted); counted as ``planlagt``."""
    with _uten_syklusrydding():
        return _send_klare(dato=dato, kjente=kjente, vindu=vindu, foreldet=foreldet, planlagte=planlagte)


def _send_klare(*, dato: date, kjente: dict[tuple, Forekomst] | None, vindu: tuple[date, date] | None,
                foreldet: timedelta | None, planlagte: list[Planlagt]) -> dict:
    foreldet = foreldet_etter(foreldet)
    resultat = {Status.SENDT: 0, Status.FEILET: 0, Status.BORTFALT: 0, "tatt_over": 0, "nytt_forsok": 0,
                "gitt_opp": paaminnelser_gi_opp(foreldet=foreldet)}
    kjente = dict(kjente or {})
    rader = _klare_rader(foreldet=foreldet, planlagte=planlagte)
    nokler = {(p.forekomst.kilde, p.forekomst.kilde_id, p.forekomst.dato, p.dager, p.mottaker.pk) for p in planlagte}
    resultat["planlagt"] = sum(1 for r in rader if r.status == Status.PLANLAGT
                               and (r.kilde, r.kilde_id, r.forfallsdato, r.dager, r.mottaker_id) in nokler)
    if vindu is None:
        kjente.update(_forekomster_for(rader))
    else:
        kjente.update(_forekomster_for([r for r in rader if not vindu[0] <= r.forfallsdato <= vindu[1]]))
    connection = get_connection(timeout=smtp_timeout())
    maler = Paaminnelsesmaler()
    feil_paa_rad = 0
    sendt = None  # (pk, token) of the row sent last, recorded with the next claim
    try:
        with _ledger_commits_without_flush(), _markor_for_krav() as cursor:
            try:
                for rad in rader:
                    token = _claim(rad.pk, foreldet=foreldet, sendt=sendt, cursor=cursor)
                    sendt = None
                    if token is None:
                        continue  # another run has it, or has finished it
                    if rad.status == Status.SENDER:
                        resultat["tatt_over"] += 1
                    elif rad.status == Status.FEILET:
                        resultat["nytt_forsok"] += 1
                    status = _send_tatt(rad=rad, token=token, dato=max(rad.planlagt_dato, dato),
                                        forekomst=kjente.get((rad.kilde, rad.kilde_id, rad.forfallsdato)),
                                        connection=connection, maler=maler, record_sent=False)
                    if status == Status.SENDT:
                        sendt = (rad.pk, token)
                    resultat[status] += 1
                    feil_paa_rad = feil_paa_rad + 1 if status == Status.FEILET else 0
                    if feil_paa_rad >= STOPP_ETTER_FEIL_PAA_RAD:
                        log.error("Påminnelser: %s sendinger på rad feilet; resten venter til neste kjøring.",
                                  feil_paa_rad)
                        break
            finally:
                if sendt is not None:  # the last one (or the one before an error in the next claim)
                    _record_sent(*sendt)
    finally:
        connection.close()
    return resultat


def paaminnelser_kjor(*, dato: date, send_now: bool = True, foreldet: timedelta | None = None) -> dict:
    """Plan what is due on ``dato`` and send it here, with every row a retry or a takeover is due
    for (commands, tests, eager runs). The occurrences are read once, for planning and sending,
    and the ledger's rows once, for sending."""
    with _uten_syklusrydding():
        return _kjor(dato=dato, send_now=send_now, foreldet=foreldet)


def _kjor(*, dato: date, send_now: bool, foreldet: timedelta | None) -> dict:
    lest: dict = {}

    def les(fra: date, til: date) -> list[Forekomst]:
        found = forekomster(fra, til)
        lest.update(vindu=(fra, til), forekomster={f.nokkel: f for f in found})
        return found

    planlagte = planlegg(dato, forekomster_fn=les)
    resultat = {"planlagt": 0, Status.SENDT: 0, Status.FEILET: 0, Status.BORTFALT: 0,
                "tatt_over": 0, "nytt_forsok": 0, "gitt_opp": 0}
    if not send_now:
        resultat["planlagt"] = len(paaminnelser_lagre(planlagte=planlagte))
        return resultat
    _sett_inn(planlagte)
    resultat.update(paaminnelser_send_klare(dato=dato, kjente=lest.get("forekomster"), vindu=lest.get("vindu"),
                                            foreldet=foreldet, planlagte=planlagte))
    return resultat


# --- Hand-off notices by e-mail (varsler/overleveringer.py writes the rows) ---------------------

def varsel_melding(*, varsel: Varsel) -> EmailMultiAlternatives:
    context = {"v": varsel, "mottaker": varsel.mottaker, "lenke": _lenke(varsel.sti),
               "innboks": _lenke("/innboks/"), "innstillinger": _lenke("/innstillinger/varsler/")}
    # FastEmail: Django's message byte for byte, without re-encoding every header through the
    # standard library (tests/varsler/test_paaminnelser_rask.py compares the two).
    msg = FastEmail(
        subject=en_linje(varsel.tittel), body=render_to_string("varsler/epost/varsel.txt", context),
        to=[varsel.mottaker.email], headers={"X-Styringsportalen-Varsel": str(varsel.pk)})
    msg.attach_alternative(render_to_string("varsler/epost/varsel.html", context), "text/html")
    return msg


def varsel_epost_send(*, varsel_id: int, connection=None, foreldet: timedelta | None = None) -> str:
    """Send one notice's e-mail if it may be claimed now (the reminders' claim, send, record).
    Returns the row's e-mail status afterwards."""
    token = _claim(varsel_id, foreldet=foreldet, modell=Varsel)
    if token is None:
        return Varsel.objects.filter(pk=varsel_id).values_list("status", flat=True).first() or ""
    rad = Varsel.objects.select_related("mottaker").get(pk=varsel_id)
    mine = Varsel.objects.filter(pk=rad.pk, krav=token)
    if not rad.mottaker.is_active or not rad.mottaker.email:
        mine.update(status=Status.BORTFALT, feil="Mottakeren er deaktivert eller har ingen e-postadresse.")
        return Status.BORTFALT
    try:
        msg = varsel_melding(varsel=rad)
        if connection is not None:
            connection.open()  # no-op when open; reopens after a failure closed it
        msg.connection = connection or get_connection(timeout=smtp_timeout())
        msg.send()
    except Exception as exc:  # recorded with the next attempt; the task or the sweep retries it
        if connection is not None:
            connection.close()  # never reuse a connection in an unknown state
        siste = rad.forsok >= maks_forsok()
        mine.update(status=Status.FEILET, feil=f"{type(exc).__name__}: {exc}"[:2000],
                    neste_forsok=None if siste else timezone.now() + ventetid(rad.forsok))
        log.warning("E-post for varsel %s feilet (forsøk %s av %s): %s", rad.pk, rad.forsok, maks_forsok(), exc)
        return Status.FEILET
    mine.update(status=Status.SENDT, sendt=timezone.now(), feil="", neste_forsok=None)
    return Status.SENDT


def varsel_neste_forsok(*, varsel_id: int) -> datetime | None:
    """When the notice's e-mail should be tried again, or None when it is done."""
    rad = Varsel.objects.filter(pk=varsel_id).only("status", "forsok", "neste_forsok", "sist_forsok").first()
    if rad is None or rad.status not in (Status.FEILET, Status.SENDER) or rad.forsok >= maks_forsok():
        return None
    if rad.status == Status.FEILET:
        return rad.neste_forsok or timezone.now()
    return rad.sist_forsok + foreldet_etter() + timedelta(seconds=1)


def varsel_eposter_send_klare(*, foreldet: timedelta | None = None) -> dict:
    """The sweep: every notice e-mail that may be claimed now (planned ones whose task was lost,
    failed ones whose backoff is over, ones a dead process left half-sent), one at a time."""
    resultat = {Status.SENDT: 0, Status.FEILET: 0, Status.BORTFALT: 0}
    naa = timezone.now()
    foreldet = foreldet_etter(foreldet)
    # A planned row younger than a minute is left to the task enqueued for it on commit.
    klare = (Varsel.objects.filter(_klar(naa=naa, foreldet=foreldet))
             .exclude(status=Status.PLANLAGT, opprettet__gt=naa - timedelta(minutes=1)).order_by("pk"))
    connection = get_connection(timeout=smtp_timeout())
    try:
        for pk in list(klare.values_list("pk", flat=True)):
            status = varsel_epost_send(varsel_id=pk, connection=connection, foreldet=foreldet)
            if status in resultat:
                resultat[status] += 1
    finally:
        connection.close()
    return resultat


# --- Weekly digest ---------------------------------------------------------------------------

def oppsummering_innhold(*, bruker, dato: date) -> dict:
    """What a ministry user's digest says: due in the coming weeks, overdue, red and yellow."""
    from oppdrag.models import FERDIGE_STATUSER, Oppdrag, Risiko
    from styring.models import Tildelingsbrev

    from .paaminnelser import forekomster, moduler_i_bruk

    virksomheter = list(Tildelingsbrev.objects.filter(departement_id=bruker.organisasjon_id)
                        .values_list("virksomhet_id", flat=True).distinct())
    uker = settings.OPPSUMMERING_UKER
    omfang = {"virksomhet_ids": virksomheter, "bruker": bruker, "moduler": moduler_i_bruk(bruker)}
    kommende = [f for f in forekomster(dato, dato + timedelta(weeks=uker), **omfang)]
    forfalt = [f for f in forekomster(dato - timedelta(days=90), dato - timedelta(days=1), **omfang)
               if f.oppdrag is not None]
    risiko = list(Oppdrag.objects.for_user(bruker).filter(risiko__in=[Risiko.ROD, Risiko.GUL])
                  .exclude(status__in=FERDIGE_STATUSER).select_related("virksomhet").order_by("risiko", "nummer"))
    return {"kommende": kommende, "forfalt": forfalt, "risiko": risiko, "uker": uker}


def oppsummering_send(*, bruker, dato: date) -> str:
    aar, uke, _ = dato.isocalendar()
    try:
        with transaction.atomic():
            row = Ukesoppsummering.objects.create(mottaker=bruker, aar=aar, uke=uke, status=Status.SENDER)
    except IntegrityError:
        row = Ukesoppsummering.objects.get(mottaker=bruker, aar=aar, uke=uke)
        if row.status != Status.FEILET or not Ukesoppsummering.objects.filter(
                pk=row.pk, status=Status.FEILET).update(status=Status.SENDER):
            return row.status
    context = {"mottaker": bruker, "uke": uke, "aar": aar, "lenke": _lenke("/"),
               "innstillinger": _lenke("/innstillinger/varsler/"), **oppsummering_innhold(bruker=bruker, dato=dato)}
    msg = EmailMultiAlternatives(subject=f"Ukeoversikt uke {uke}: frister og risiko i styringsdialogen",
                                 body=render_to_string("varsler/epost/oppsummering.txt", context),
                                 to=[bruker.email])
    msg.attach_alternative(render_to_string("varsler/epost/oppsummering.html", context), "text/html")
    try:
        msg.send()
    except Exception as exc:
        Ukesoppsummering.objects.filter(pk=row.pk).update(status=Status.FEILET, feil=str(exc)[:2000])
        raise
    Ukesoppsummering.objects.filter(pk=row.pk).update(status=Status.SENDT, sendt=timezone.now(), feil="")
    return Status.SENDT


def oppsummering_mottakere():
    from django.contrib.auth import get_user_model

    from brukere.models import Rolle

    return (get_user_model().objects.filter(is_active=True, varselinnstilling__ukentlig_oppsummering=True,
                                            rolle__in=[Rolle.DEPARTEMENT_REDAKTOR, Rolle.DEPARTEMENT_GODKJENNER])
            .exclude(Q(email="") | Q(organisasjon__isnull=True)))
