"""A milepæl and a frist of the same oppdrag on the same date give one reminder, which names both
(#13 item 4). The never-twice ledger holds across the change: a milepæl reminder already sent
counts for the combined one."""

from datetime import date

import pytest
from django.core import mail

from oppdrag.services import apply_frist_text
from tests.factories import FristFactory, MilepaelFactory, OppdragFactory
from tests.varsler.test_paaminnelser import brev  # noqa: F401  (the letter with both contacts)
from varsler.models import Paaminnelse
from varsler.services import paaminnelse_send, paaminnelser_kjor

pytestmark = pytest.mark.django_db
DAG = date(2024, 6, 14)  # a Friday; the 14-day reminder is due on 31.05 (a Friday too)


@pytest.fixture
def oppdrag(brev):  # noqa: F811
    o = OppdragFactory(tildelingsbrev=brev, nummer="2024-07", tittel="Kartlegge tolkebehov")
    f = FristFactory.build(oppdrag=o, tildelingsbrev=brev, tekst="14. juni 2024")
    apply_frist_text(f, aar=2024, virksomhet_id=brev.virksomhet_id)
    f.save()
    return o


def _milepael(o, tittel="Delrapport levert", tekst="14.06.2024", **kw):
    m = MilepaelFactory.build(oppdrag=o, tittel=tittel, tekst=tekst, **kw)
    apply_frist_text(m, aar=2024, virksomhet_id=o.virksomhet_id)
    m.save()
    return m


def test_milepael_og_frist_samme_dag_gir_en_paaminnelse_som_nevner_begge(oppdrag):
    _milepael(oppdrag)
    assert paaminnelser_kjor(dato=date(2024, 5, 31))["sendt"] == 2  # one each to the two contacts
    assert sorted(m.to[0].split("@")[0] for m in mail.outbox) == ["dep.kontakt", "virk.kontakt"]
    epost = mail.outbox[0]
    assert "Oppdrag 2024-07 Kartlegge tolkebehov og milepæl «Delrapport levert»" in epost.subject
    assert "Frist slik den står i brevet: «14. juni 2024»" in epost.body
    assert "Samme dag, milepæl: «Delrapport levert» (i brevet: «14.06.2024»)" in epost.body
    assert "Samme dag, milepæl" in epost.alternatives[0][0]
    assert set(Paaminnelse.objects.values_list("kilde", flat=True)) == {"frist"}
    # The later lead times come once each too, and nothing is sent twice.
    assert paaminnelser_kjor(dato=date(2024, 5, 31))["sendt"] == 0
    assert paaminnelser_kjor(dato=date(2024, 6, 7))["sendt"] == 2
    assert Paaminnelse.objects.count() == 4


def test_milepael_paa_en_annen_dag_eller_et_annet_oppdrag_faar_sin_egen(oppdrag):
    _milepael(oppdrag, tittel="Annen dag", tekst="13.06.2024")
    annet = OppdragFactory(tildelingsbrev=oppdrag.tildelingsbrev, nummer="2024-08", ansvarlig=oppdrag.virksomhet.kontaktperson)
    _milepael(annet, tittel="Annet oppdrag")
    paaminnelser_kjor(dato=date(2024, 5, 31))
    emner = sorted(m.subject for m in mail.outbox if m.to[0].startswith("virk.kontakt"))
    assert len(emner) == 3
    assert any("Milepæl «Annen dag» i oppdrag 2024-07" in e for e in emner)
    assert any("Milepæl «Annet oppdrag» i oppdrag 2024-08" in e for e in emner)
    assert not any("og milepæl" in e for e in emner)


def test_milepael_uten_frist_gir_ingen_paaminnelse(oppdrag):
    MilepaelFactory(oppdrag=oppdrag, tittel="Uten frist", tekst="", form="tekst", dato=None)
    paaminnelser_kjor(dato=date(2024, 5, 31))
    assert not any("Uten frist" in m.subject or "Uten frist" in m.body for m in mail.outbox)


def test_en_milepaelpaaminnelse_sendt_foer_endringen_teller_for_den_felles(oppdrag):
    """Never twice: the milepæl alone had its 14-day reminder already; the combined one does not
    send the 14-day reminder again, only the next lead time."""
    m = _milepael(oppdrag)
    virk = oppdrag.virksomhet.kontaktperson
    Paaminnelse.objects.create(kilde="milepael", kilde_id=m.pk, forfallsdato=DAG, dager=14, mottaker=virk,
                               planlagt_dato=date(2024, 5, 31), emne="Påminnelse", status="sendt")
    paaminnelser_kjor(dato=date(2024, 5, 31))
    assert [m.to[0].split("@")[0] for m in mail.outbox] == ["dep.kontakt"]
    mail.outbox.clear()
    paaminnelser_kjor(dato=date(2024, 6, 7))
    assert sorted(m.to[0].split("@")[0] for m in mail.outbox) == ["dep.kontakt", "virk.kontakt"]


def test_en_planlagt_milepaelpaaminnelse_bortfaller_og_den_felles_sendes(oppdrag):
    """A milepæl row planned before a frist on its date was added is dropped at sending; the
    frist's reminder, naming the milepæl, goes out instead: one e-mail, not none and not two."""
    m = _milepael(oppdrag)
    virk = oppdrag.virksomhet.kontaktperson
    rad = Paaminnelse.objects.create(kilde="milepael", kilde_id=m.pk, forfallsdato=DAG, dager=14, mottaker=virk,
                                     planlagt_dato=date(2024, 5, 31), emne="Påminnelse")
    paaminnelse_send(paaminnelse_id=rad.pk, dato=date(2024, 5, 31))
    rad.refresh_from_db()
    assert rad.status == "bortfalt" and not mail.outbox
    paaminnelser_kjor(dato=date(2024, 5, 31))
    til_virk = [e for e in mail.outbox if e.to[0].startswith("virk.kontakt")]
    assert len(til_virk) == 1 and "og milepæl «Delrapport levert»" in til_virk[0].subject
