"""The frister of a reading with recipients (the reminder run, the digest, the calendar) are read as
plain rows and each oppdrag, agency and person built once (varsler.paaminnelser._lette_frister):
the same oppdrag, agencies and people, field for field, as the ORM's joined reading, and the same
recipients, with nothing left to load."""

from __future__ import annotations

from datetime import date

import pytest
from django.forms.models import model_to_dict

from brukere.models import User
from oppdrag.models import Frist, Oppdrag
from styring.models import Organisasjon
from tests.factories import TildelingsbrevFactory, UserFactory
from tests.varsler.test_paaminnelser import _oppdrag
from varsler.paaminnelser import Kilde, _uniq, forekomster

pytestmark = pytest.mark.django_db


def _felter(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.fixture
def verden():
    dep_kontakt = UserFactory(username="dep.kontakt", first_name="Dina", last_name="Dep")
    brev = TildelingsbrevFactory(sendt_brev=True, aar=2024, kontaktperson=dep_kontakt,
                                 departement=dep_kontakt.organisasjon)
    virk_kontakt = UserFactory(username="virk.kontakt", organisasjon=brev.virksomhet, rolle="virk_kontakt")
    brev.virksomhet.kontaktperson = virk_kontakt
    brev.virksomhet.save()
    eier = UserFactory(username="eier", organisasjon=brev.virksomhet, first_name="Eva", last_name="Eier")
    sluttet = UserFactory(username="sluttet", organisasjon=brev.virksomhet, is_active=False)
    _oppdrag(brev, "30.06.2024", "15.09.2024", ansvarlig=eier, nummer="2024-01")  # two frister, one oppdrag
    _oppdrag(brev, "01.07.2024", nummer="2024-02")  # no owner: the agency's contact person
    _oppdrag(brev, "02.07.2024", ansvarlig=sluttet, nummer="2024-03")  # an owner who has left
    # Another agency with no contact person, under a letter with none.
    brev2 = TildelingsbrevFactory(sendt_brev=True, aar=2024, kontaktperson=None, departement=brev.departement)
    _oppdrag(brev2, "03.07.2024", nummer="2024-04")
    return brev, brev2


def test_the_reading_with_recipients_is_the_joined_reading(verden, django_assert_num_queries):
    lest = [f for f in forekomster(date(2024, 6, 1), date(2024, 9, 30)) if f.kilde == Kilde.OPPDRAGSFRIST]
    assert len(lest) == 5
    with django_assert_num_queries(0):  # everything a reminder reads is there
        for f in lest:
            o = f.oppdrag
            (o.ansvarlig, o.virksomhet, o.virksomhet.kontaktperson, [u.email for u in f.mottakere])
    ormen = {f.pk: f for f in Frist.objects.select_related(
        "oppdrag__ansvarlig", "oppdrag__virksomhet__kontaktperson", "tildelingsbrev__kontaktperson")}
    for f in lest:
        fasit = ormen[f.kilde_id]
        o = fasit.oppdrag
        assert _felter(f.oppdrag) == _felter(o)
        assert _felter(f.oppdrag.virksomhet) == _felter(o.virksomhet)
        for person, fasitperson in ((f.oppdrag.ansvarlig, o.ansvarlig),
                                    (f.oppdrag.virksomhet.kontaktperson, o.virksomhet.kontaktperson)):
            assert (person and _felter(person)) == (fasitperson and _felter(fasitperson))
        forventet = _uniq([o.ansvarlig or o.virksomhet.kontaktperson, fasit.tildelingsbrev.kontaktperson])
        assert [model_to_dict(u) for u in f.mottakere] == [model_to_dict(u) for u in forventet]
    per_oppdrag = {}
    for f in lest:
        per_oppdrag.setdefault(f.oppdrag.nummer, []).append(f)
    assert [[u.username for u in f.mottakere] for f in per_oppdrag["2024-01"]] == [["eier", "dep.kontakt"]] * 2
    assert per_oppdrag["2024-01"][0].oppdrag is per_oppdrag["2024-01"][1].oppdrag  # built once
    assert [u.username for u in per_oppdrag["2024-02"][0].mottakere] == ["virk.kontakt", "dep.kontakt"]
    assert [u.username for u in per_oppdrag["2024-03"][0].mottakere] == ["dep.kontakt"]  # left: not reminded
    assert per_oppdrag["2024-04"][0].mottakere == []
    assert per_oppdrag["2024-04"][0].oppdrag.virksomhet.kontaktperson is None
    # One instance per person and per agency across the reading.
    personer = {id(u) for f in lest for u in f.mottakere}
    assert len(personer) == len({u.pk for f in lest for u in f.mottakere})
    assert len({id(f.oppdrag.virksomhet) for f in lest}) == 2
    assert Organisasjon.objects.count() >= 3 and User.objects.count() >= 4 and Oppdrag.objects.count() == 4
