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
from varsler.paaminnelser import Kilde, forekomster

pytestmark = pytest.mark.django_db


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
    mote(brev, dep, dagsorden_frist=idag + timedelta(days=5), dato=idag + timedelta(days=20))
    holdt_mote(brev, dep, virk, frist=idag + timedelta(days=6), dato=idag - timedelta(days=10))
    _, risiko = lag_vurdering(virksomhet=brev.virksomhet, departement=brev.departement, aar=idag.year, delt=True)
    Risikotiltak.objects.create(risiko=risiko, tekst="Tiltak", frist=idag + timedelta(days=7))
    merknad = Merknad.objects.create(virksomhet=brev.virksomhet, departement=brev.departement, kilde="aarlig",
                                     dato=idag, tittel="Merknad", alvorlighet="alvorlig")
    Revisjonstiltak.objects.create(merknad=merknad, tekst="Ny rutine", frist=idag + timedelta(days=8))
    fra, til = idag - timedelta(days=365), idag + timedelta(days=30)
    sett = set()
    for bruker in (admin, dep, virk):
        full = [_vist(f) for f in forekomster(fra, til, bruker=bruker)]
        # frister, milepæler, report deadlines, plikter, meetings, oppfølgingspunkter, two kinds of measures
        with django_assert_num_queries(8):
            side = [_vist(f) for f in forekomster(fra, til, bruker=bruker, mottakere=False)]
        assert side == full
        sett |= {f[0] for f in side}
    assert sett == {Kilde.OPPDRAGSFRIST, Kilde.MILEPAEL, Kilde.DAGSORDEN, Kilde.OPPFOLGINGSPUNKT,
                    Kilde.RISIKOTILTAK, Kilde.REVISJONSTILTAK}
