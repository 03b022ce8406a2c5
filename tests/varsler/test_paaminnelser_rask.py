"""A reminder run renders each kind of message once and fills in the rest (#15 item 4). What a
recipient gets must not change: every message of the fast path is compared, MIME bytes and all,
with the same message rendered in full by the templates (``paaminnelse_melding``)."""

from __future__ import annotations

import logging
import random
from datetime import date

import pytest
from django.core import mail
from django.core.mail.message import forbid_multi_line_headers
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oppdrag.services import apply_frist_text
from tests.factories import MilepaelFactory, RapporteringspunktFactory, UserFactory
from tests.varsler.test_paaminnelser import _oppdrag, brev  # noqa: F401 - fixture
from varsler import services
from varsler.epost import subject_header
from varsler.models import Paaminnelse
from varsler.services import Paaminnelsesmaler, paaminnelse_melding, paaminnelser_kjor, paaminnelser_planlegg

pytestmark = pytest.mark.django_db
# A whole run's queries apart from the one statement per e-mail (its claim, carrying the record of
# the one before) and the record of the last: the ledger's stale claims given up, planning (one per
# kind of frist, users' choices, the ledger), the insert, the rows to send (read once). The same at
# 2 and at 12 frister; 14 when the rows were read twice and claim and record were two statements.
FASTE_SPORRINGER = 13
DAG = date(2024, 6, 23)  # a Sunday run: 7 days before 30.06, 3 days after 20.06


def _milepael(o, tittel, tekst="30.06.2024"):
    m = MilepaelFactory.build(oppdrag=o, tittel=tittel, tekst=tekst)
    apply_frist_text(m, aar=2024, virksomhet_id=o.virksomhet_id)
    m.save()
    return m


@pytest.fixture
def mange_slag(brev):  # noqa: F811
    """Reminders of every kind a run writes, with titles that need escaping and encoding."""
    eier = UserFactory(username="eier", organisasjon=brev.virksomhet, rolle="virk_oppdragseier", first_name="Åse",
                       last_name="<Øye> & «Co»")
    uten_navn = UserFactory(username="uten.navn", organisasjon=brev.virksomhet, rolle="virk_oppdragseier",
                            first_name="", last_name="")
    a = _oppdrag(brev, "30.06.2024", ansvarlig=eier, nummer="2024-01",
                 tittel='Kartlegge <tolke>behov & «Øst» "sitat" \'enkelt\' – med æøå')
    a.risiko = "gul"
    a.save()
    _milepael(a, "Delrapport <b>levert</b>")  # folded into the frist on the same day
    b = _oppdrag(brev, "30.06.2024", nummer="2024-02", tittel="To milepæler samme dag")
    _milepael(b, "Første")
    _milepael(b, "Andre & siste", tekst="Innen 30. juni 2024")
    _oppdrag(brev, "20.06.2024", ansvarlig=uten_navn, nummer="2024-03", tittel="Passert uten levering")  # overdue
    _oppdrag(brev, "24.06.2024", nummer="2024-04", tittel="I morgen")
    _oppdrag(brev, "30.06.2024", nummer="2024-05", tittel="Lang " + "tittel med æøå " * 80)  # > 998 bytes a line
    RapporteringspunktFactory(tildelingsbrev=brev, type="halvaarsrapport", rapport_aar=2024,
                              betegnelse="Halvårsrapport 2024", telletidspunkt=date(2024, 6, 30), frist=date(2024, 6, 30))
    return brev


def _bytes(msg) -> bytes:
    """What the mail server receives, with the two headers that differ between any two messages
    (Date, Message-ID) and the multipart boundary fixed."""
    mime = msg.message()
    for navn in ("Date", "Message-ID"):
        mime.replace_header(navn, "fast")
    mime.set_boundary("grense")
    return mime.as_bytes(linesep="\r\n")


def test_the_fast_path_gives_every_recipient_the_message_the_templates_give(mange_slag, caplog):
    rader = paaminnelser_planlegg(dato=DAG)
    maler = Paaminnelsesmaler()
    slag = set()
    with caplog.at_level(logging.WARNING, logger="varsler.services"):
        for rad in rader:
            f = rad._planlagt.forekomst
            rask = maler.melding(paaminnelse=rad, forekomst=f, dato=DAG)
            fasit = paaminnelse_melding(paaminnelse=rad, forekomst=f, dato=DAG)
            assert (rask.subject, rask.body, rask.alternatives, rask.to, rask.extra_headers) == (
                fasit.subject, fasit.body, fasit.alternatives, fasit.to, fasit.extra_headers), rad.emne
            assert _bytes(rask) == _bytes(fasit), rad.emne
            slag.add((rad.kilde, rad.dager, len(f.ogsaa_milepaeler), f.oppdrag is not None and f.oppdrag.risiko))
    assert caplog.records == []  # no kind fell back to full rendering
    assert None not in maler._slag.values()
    # Every kind was there: frist with risk and a milepæl, two milepæler, overdue, tomorrow, report.
    assert {(k, d, n) for k, d, n, _ in slag} >= {("frist", 7, 1), ("frist", 7, 2), ("frist", -1, 0),
                                                   ("frist", 1, 0), ("frist", 7, 0), ("rapport", 7, 0)}
    assert ("frist", 7, 1, "gul") in slag
    assert len(rader) >= 2 * len(maler._slag)  # most messages came from a kind rendered before
    eier = next(r for r in rader if r.mottaker.username == "eier")
    html = maler.melding(paaminnelse=eier, forekomst=eier._planlagt.forekomst, dato=DAG).alternatives[0][0]
    assert "Hei Åse &lt;Øye&gt; &amp; «Co»" in html and "&lt;tolke&gt;behov &amp; «Øst» &quot;sitat&quot; &#x27;enkelt&#x27;" in html
    assert "<b>" not in html


def test_the_fast_message_goes_to_the_server_as_djangos_with_its_own_boundary_and_folds(mange_slag):
    """As SMTP sends it (the generator's bytes, both line endings): the boundary FastEmail chose is
    written as ``set_boundary`` writes it, and every header folded as the standard library folds it
    (the remembered folds included: each message is serialised twice)."""
    maler = Paaminnelsesmaler()
    for rad in paaminnelser_planlegg(dato=DAG):
        f = rad._planlagt.forekomst
        rask = maler.melding(paaminnelse=rad, forekomst=f, dato=DAG).message()
        fasit = paaminnelse_melding(paaminnelse=rad, forekomst=f, dato=DAG).message()
        for navn in ("Date", "Message-ID"):
            fasit.replace_header(navn, rask[navn])
        assert rask.get_boundary().startswith("=" * 15) and rask.get_boundary() not in str(rask.get_payload())
        fasit.set_boundary(rask.get_boundary())
        for _ in range(2):
            assert rask.as_bytes(linesep="\r\n") == fasit.as_bytes(linesep="\r\n"), rad.emne
            assert rask.as_bytes() == fasit.as_bytes(), rad.emne


def test_a_template_change_the_fast_path_does_not_follow_is_caught(mange_slag, monkeypatch, caplog):
    """The first message of each kind is also rendered in full: a difference sends that kind
    through the templates from then on, and says so in the log."""
    rader = [r for r in paaminnelser_planlegg(dato=DAG) if r._planlagt.forekomst.hva.startswith("Oppdrag 2024-04")]
    assert len(rader) == 2
    maler = Paaminnelsesmaler()
    ekte = Paaminnelsesmaler._verdier
    monkeypatch.setattr(Paaminnelsesmaler, "_verdier",
                        staticmethod(lambda **kw: [v.upper() for v in ekte(**kw)]))  # a fill-in gone wrong
    with caplog.at_level(logging.ERROR, logger="varsler.services"):
        meldinger = [maler.melding(paaminnelse=r, forekomst=r._planlagt.forekomst, dato=DAG) for r in rader]
    assert "avviker fra malen" in caplog.text
    for rad, msg in zip(rader, meldinger, strict=True):
        assert msg.body == paaminnelse_melding(paaminnelse=rad, forekomst=rad._planlagt.forekomst, dato=DAG).body


def test_a_template_that_reads_a_field_the_fast_path_does_not_carry_is_rendered_in_full(mange_slag, monkeypatch):
    from django.template import engines

    mal = engines["django"].from_string("{{ f.sti }} {{ f.hva }}")  # f.sti: not one of the filled-in fields
    monkeypatch.setattr(Paaminnelsesmaler, "__init__", lambda self: (
        setattr(self, "_maler", [mal, mal]), setattr(self, "_slag", {}), setattr(self, "_emner", {}))[-1])
    rad = paaminnelser_planlegg(dato=DAG)[0]
    maler = Paaminnelsesmaler()
    msg = maler.melding(paaminnelse=rad, forekomst=rad._planlagt.forekomst, dato=DAG)
    assert list(maler._slag.values()) == [None]  # this kind is rendered in full
    assert msg.body == paaminnelse_melding(paaminnelse=rad, forekomst=rad._planlagt.forekomst, dato=DAG).body


@pytest.mark.parametrize("emne", [
    "Påminnelse: frist om 7 dager (30.06.2024) – Oppdrag 2024-01 Kort",
    "Frist passert 20.06.2024: Oppdrag 2024-03 Passert uten levering, en tittel som er lang nok til å brettes",
    "Påminnelse: frist i dag (30.06.2024) – " + "«Øst» & 😀 " * 12,
    "Frist passert 20.06.2024: ASCII only, but long enough to be folded by the header encoder at 78 chars",
])
def test_the_subject_header_is_djangos_byte_for_byte(emne):
    assert subject_header(emne) == forbid_multi_line_headers("Subject", emne, "utf-8")[1]


def test_the_subject_header_is_djangos_for_any_text():
    """2,000 subjects of random length from ASCII, æøå, guillemets, dashes and an emoji (4 bytes),
    so that encoded words break at every kind of character in Q and in base64."""
    rng = random.Random(15)
    tegn = "abcæøåÆØÅ «»–&😀 xyz.,:;!?=_/" + "".join(chr(c) for c in range(0x20, 0x7F))
    for _ in range(2_000):
        emne = "".join(rng.choice(tegn) for _ in range(rng.randint(1, 300)))
        assert subject_header(emne) == forbid_multi_line_headers("Subject", emne, "utf-8")[1], emne


def test_a_hand_off_notice_e_mail_is_djangos_byte_for_byte(brev):  # noqa: F811
    """Hand-off notices go through the fast MIME builder too: the same bytes as Django's own."""
    from django.core.mail import EmailMultiAlternatives

    from varsler.models import Varsel
    from varsler.services import varsel_melding

    mottaker = UserFactory(first_name="Åse", last_name="<Øye> & «Co»")
    varsel = Varsel.objects.create(mottaker=mottaker, art=Varsel.Art.values[0], tittel="Brev «2024» til godkjenning – "
                                   + "æøå " * 30, tekst="Tekst med <tegn> & linjeskift\nog mer", sti="/brev/1/")
    rask = varsel_melding(varsel=varsel)
    assert type(rask).__name__ == "FastEmail"
    django_ = EmailMultiAlternatives(subject=rask.subject, body=rask.body, to=rask.to, headers=rask.extra_headers)
    django_.attach_alternative(*rask.alternatives[0])
    assert _bytes(rask) == _bytes(django_)


def _sporringer_i_kjoring() -> tuple[int, int]:
    Paaminnelse.objects.all().delete()  # the day's first run each time
    mail.outbox = []
    with CaptureQueriesContext(connection) as ctx:
        resultat = paaminnelser_kjor(dato=DAG)
    assert resultat["sendt"] == len(mail.outbox) > 0
    # Savepoints: a test runs inside a transaction, so each e-mail's transaction is a savepoint here.
    sporringer = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    return len(sporringer), len(mail.outbox)


def test_a_run_takes_a_fixed_number_of_queries_plus_one_statement_per_email(brev):  # noqa: F811
    """Finding, planning and reading take the same queries at 2 and at 12 frister; each e-mail
    adds one statement, its claim, which records the e-mail before it in the same statement (one
    commit per e-mail), and the run one more for the last: that keeps at most one row in flight."""
    _oppdrag(brev, "30.06.2024", nummer="2024-090", tittel="Første")
    _oppdrag(brev, "30.06.2024", nummer="2024-091", tittel="Andre")
    liten, n_liten = _sporringer_i_kjoring()
    for i in range(10):
        _oppdrag(brev, "30.06.2024", nummer=f"2024-{200 + i}", tittel=f"Flere {i}")
    stor, n_stor = _sporringer_i_kjoring()
    assert (n_liten, n_stor) == (4, 24)
    assert stor - n_stor == liten - n_liten == FASTE_SPORRINGER + 1


def test_fast_path_is_used_by_a_run(brev, monkeypatch):  # noqa: F811
    """The run sends through the fast path (and the fast MIME builder), not the full rendering."""
    _oppdrag(brev, "30.06.2024", nummer="2024-01")
    kalt = []
    monkeypatch.setattr(services, "paaminnelse_melding",
                        lambda **kw: kalt.append(kw) or paaminnelse_melding(**kw))
    assert paaminnelser_kjor(dato=DAG)["sendt"] == 2
    assert len(kalt) == 1  # only the first message of the kind, for the comparison
    assert all(type(m).__name__ == "FastEmail" for m in mail.outbox)
