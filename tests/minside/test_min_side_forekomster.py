"""Min side reads the frister of every kind without the people reminded (``forekomster(...,
mottakere=False)``): the same occurrences, with everything the page shows of them, as the
reminders' full reading, and no query more when rows of every kind are there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from brukere.models import Rolle
from revisjon.models import Merknad, Revisjonstiltak
from risiko.models import Risikotiltak
from tests.factories import FristFactory, MilepaelFactory, OppdragFactory, TildelingsbrevFactory, UserFactory
from tests.moter.verden import holdt_mote, mote
from tests.risiko.verden import lag_vurdering
from varsler.paaminnelser import Kilde, forekomster, moduler_i_bruk

pytestmark = pytest.mark.django_db


def moter_risiko_og_revisjon(brev, dep, virk, idag) -> None:
    """A frist of every module beside the letter, in ``brev``'s agency, all of them shared: a
    meeting's agenda deadline, an oppfølgingspunkt of approved minutes, a risk measure and a
    measure after a remark from Riksrevisjonen."""
    mote(brev, dep, dagsorden_frist=idag + timedelta(days=5), dato=idag + timedelta(days=20))
    holdt_mote(brev, dep, virk, frist=idag + timedelta(days=6), dato=idag - timedelta(days=10))
    _, risiko = lag_vurdering(virksomhet=brev.virksomhet, departement=brev.departement, aar=idag.year, delt=True)
    Risikotiltak.objects.create(risiko=risiko, tekst="Tiltak", frist=idag + timedelta(days=7))
    merknad = Merknad.objects.create(virksomhet=brev.virksomhet, departement=brev.departement, kilde="aarlig",
                                     dato=idag, tittel="Merknad", alvorlighet="alvorlig")
    Revisjonstiltak.objects.create(merknad=merknad, tekst="Ny rutine", frist=idag + timedelta(days=8))


def _vist(f) -> tuple:
    """What Min side shows of an occurrence (and of its oppdrag)."""
    o = f.oppdrag
    return (f.kilde, f.kilde_id, f.dato, f.tekst, f.hva, f.sti, f.virksomhet_id,
            o and (o.pk, o.nummer, o.tittel, o.status, o.get_status_display(), o.risiko, o.ansvarlig_id,
                   str(o.ansvarlig or "")))


def test_min_sides_lesning_er_den_samme_uten_mottakere(django_assert_num_queries):
    idag = timezone.localdate()
    brev = TildelingsbrevFactory(sendt_brev=True, aar=idag.year)
    dep = UserFactory(organisasjon=brev.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    virk = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER, first_name="Kari",
                       last_name="Ansvarlig")
    admin = UserFactory(rolle=Rolle.ADMINISTRATOR)
    o = OppdragFactory(tildelingsbrev=brev, ansvarlig=virk)
    FristFactory(oppdrag=o, tildelingsbrev=brev, dato=idag + timedelta(days=3))
    FristFactory(oppdrag=o, tildelingsbrev=brev, dato=idag - timedelta(days=2))  # the page builds o once for both
    FristFactory(oppdrag=OppdragFactory(tildelingsbrev=brev), tildelingsbrev=brev, dato=idag - timedelta(days=9))
    MilepaelFactory(oppdrag=o, dato=idag + timedelta(days=4), tittel="Egen dag")
    MilepaelFactory(oppdrag=o, dato=idag + timedelta(days=3), tittel="Fristens dag")
    moter_risiko_og_revisjon(brev, dep, virk, idag)
    fra, til = idag - timedelta(days=365), idag + timedelta(days=30)
    sett = set()
    for bruker in (admin, dep, virk):
        full = [_vist(f) for f in forekomster(fra, til, bruker=bruker)]
        # frister, milepæler, report deadlines, plikter, meetings, oppfølgingspunkter, two kinds of
        # measures; and which modules beside the letter the person has anything in, unless passed
        moduler = moduler_i_bruk(bruker)
        assert moduler == {"moter", "risiko", "revisjon"}
        with django_assert_num_queries(8):
            side = [_vist(f) for f in forekomster(fra, til, bruker=bruker, mottakere=False, moduler=moduler)]
        with django_assert_num_queries(9):
            assert [_vist(f) for f in forekomster(fra, til, bruker=bruker, mottakere=False)] == side
        assert side == full
        sett |= {f[0] for f in side}
    assert sett == {Kilde.OPPDRAGSFRIST, Kilde.MILEPAEL, Kilde.DAGSORDEN, Kilde.OPPFOLGINGSPUNKT,
                    Kilde.RISIKOTILTAK, Kilde.REVISJONSTILTAK}


def test_a_module_the_person_sees_nothing_in_is_not_read_and_nothing_of_it_is_lost(django_assert_num_queries):
    """``moduler_i_bruk``: another ministry's meeting, a risk assessment the agency has not shared
    and a remark to another agency are there, but not for this ministry. Its reading skips those
    modules (their frister would not be shown to it anyway) and is what the full reading gives."""
    idag = timezone.localdate()
    brev = TildelingsbrevFactory(sendt_brev=True, aar=idag.year)
    dep = UserFactory(organisasjon=brev.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    virk = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT)
    o = OppdragFactory(tildelingsbrev=brev)
    FristFactory(oppdrag=o, tildelingsbrev=brev, dato=idag + timedelta(days=3))
    annet = TildelingsbrevFactory(sendt_brev=True, aar=idag.year)  # another ministry, another agency
    annen_dep = UserFactory(organisasjon=annet.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    mote(annet, annen_dep, dagsorden_frist=idag + timedelta(days=5), dato=idag + timedelta(days=20))
    _, risiko = lag_vurdering(virksomhet=brev.virksomhet, departement=brev.departement, aar=idag.year, delt=False)
    Risikotiltak.objects.create(risiko=risiko, tekst="Utkast-tiltak-markør-5521", frist=idag + timedelta(days=7))
    merknad = Merknad.objects.create(virksomhet=annet.virksomhet, departement=annet.departement, kilde="aarlig",
                                     dato=idag, tittel="Merknad", alvorlighet="alvorlig")
    Revisjonstiltak.objects.create(merknad=merknad, tekst="Annen rutine", frist=idag + timedelta(days=8))
    fra, til = idag - timedelta(days=365), idag + timedelta(days=30)

    assert moduler_i_bruk(dep) == frozenset()
    assert moduler_i_bruk(virk) == {"risiko"}  # its own assessment, draft or not
    assert moduler_i_bruk(annen_dep) == {"moter", "revisjon"}
    alle = forekomster(fra, til, bruker=dep, moduler=frozenset({"moter", "risiko", "revisjon"}))
    # frister, milepæler, report deadlines, plikter and the one question: nothing of the three modules
    with django_assert_num_queries(5):
        skjermet = forekomster(fra, til, bruker=dep, mottakere=False)
    assert [_vist(f) for f in skjermet] == [_vist(f) for f in alle] and [f.kilde for f in alle] == [Kilde.OPPDRAGSFRIST]
    egne = [f.hva for f in forekomster(fra, til, bruker=virk)]
    assert any("Utkast-tiltak-markør-5521" in hva for hva in egne)
    assert {f.kilde for f in forekomster(fra, til, bruker=annen_dep)} == {Kilde.DAGSORDEN, Kilde.REVISJONSTILTAK}
