"""kjerne.querysets.prefetch_det_som_finnes: the parts an object has are prefetched as before, the
parts it has not are answered by one query together, and either way reading them afterwards asks
the database nothing and gives what a fresh query gives."""

from __future__ import annotations

import pytest
from django.db.models import Prefetch, prefetch_related_objects

from kjerne.querysets import prefetch_det_som_finnes
from styring.models import Maal, Organisasjon, Plikt, Tildelingsbrev
from tests.factories import MaalFactory, StyringsparameterFactory, TildelingsbrevFactory

pytestmark = pytest.mark.django_db

OPPSLAG = (
    Prefetch("maal", queryset=Maal.objects.order_by("nummer")),
    "maal__styringsparametere",
    "kopi_til",
    "plikter",
    Prefetch("signaturer", to_attr="signaturliste"),
)


def _les(brev: Tildelingsbrev) -> dict:
    return {"maal": [(m.pk, [s.pk for s in m.styringsparametere.all()]) for m in brev.maal.all()],
            "kopi_til": [o.pk for o in brev.kopi_til.all()], "plikter": [p.pk for p in brev.plikter.all()],
            "signaturer": [s.pk for s in brev.signaturliste]}


@pytest.mark.parametrize("med_deler", [True, False], ids=["med-deler", "uten-deler"])
def test_reading_after_the_prefetch_asks_nothing_and_gives_what_a_plain_prefetch_gives(
        med_deler, django_assert_num_queries):
    brev = TildelingsbrevFactory()
    if med_deler:
        for n in (2, 1):
            StyringsparameterFactory(maal=MaalFactory(tildelingsbrev=brev, nummer=n))
        brev.kopi_til.add(Organisasjon.objects.create(kortnavn="KOPI", navn="Kopimottakeren", type="departement"))
        brev.signaturer.create(navn="Ola Nordmann", rekkefolge=1)
    vanlig = Tildelingsbrev.objects.get(pk=brev.pk)
    prefetch_related_objects([vanlig], *OPPSLAG)
    med_sjekk = Tildelingsbrev.objects.get(pk=brev.pk)
    # One query says which parts exist; then one per part that has rows (mål and their parameters,
    # kopi til, signaturer), none for a part without (plikter, and everything when the letter is bare).
    with django_assert_num_queries(5 if med_deler else 1):
        prefetch_det_som_finnes(med_sjekk, *OPPSLAG)
    with django_assert_num_queries(0):
        lest = _les(med_sjekk)
    assert lest == _les(vanlig)
    assert bool(lest["maal"]) is med_deler and lest["plikter"] == []
    # An empty part still behaves as a queryset: counted and tested without a query.
    with django_assert_num_queries(0):
        assert med_sjekk.plikter.count() == 0 and not med_sjekk.plikter.exists()
    # A filter on it asks the database, as after a plain prefetch: a part added since is found.
    # (Made beside the relation: its own create() would drop the cache.)
    plikt = Plikt.objects.create(tildelingsbrev=med_sjekk, tekst="Ny plikt", beskrivelse="Lagt til etterpå")
    assert list(med_sjekk.plikter.filter(pk=plikt.pk)) == [plikt]
