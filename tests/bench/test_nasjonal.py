"""The national bench data (bench/nasjonal.py) is data the portal takes: a small copy of it,
written the same way (multi-row inserts, no history), shows on every page the bench measures,
for the agency and for the ministry. A model change that the generator does not follow fails
here, not in a bench run at the end of the day."""

from __future__ import annotations

import pytest
from django.test import Client

from bench import nasjonal, skala
from brukere.models import User
from oppdrag.models import Frist, Oppdrag
from rapportering.models import Rapport
from styring.models import Maal, Organisasjon, Tildelingsbrev

pytestmark = pytest.mark.django_db


@pytest.fixture
def liten_verden(monkeypatch):
    monkeypatch.setattr(nasjonal, "YEARS", 2)
    monkeypatch.setattr(nasjonal, "FIRST_YEAR", nasjonal.LAST_YEAR - 1)
    monkeypatch.setattr(nasjonal, "PER_LETTER", 6)
    monkeypatch.setattr(nasjonal, "SMALL_AGENCIES", 2)
    monkeypatch.setattr(nasjonal, "MINISTRIES", 3)
    return nasjonal.generate(5)


def test_generator_writes_the_national_shape(liten_verden):
    # 3 ministries; agencies 0–1 under ministry 0, the rest shared by the others.
    assert Organisasjon.objects.filter(type="departement").count() == 3
    assert set(Tildelingsbrev.objects.filter(virksomhet__kortnavn__in=["V000", "V001"])
               .values_list("departement__kortnavn", flat=True)) == {"DEP00"}
    assert "DEP00" not in set(Tildelingsbrev.objects.exclude(virksomhet__kortnavn__in=["V000", "V001"])
                              .values_list("departement__kortnavn", flat=True))
    assert Oppdrag.objects.count() == 5 * 2 * 6
    assert Frist.objects.count() == 5 * 2 * (6 * 2 + 6 // 2)  # 2 or 3 parts each
    assert Rapport.objects.filter(status="utkast").count() == 5  # each agency's last årsrapport
    assert liten_verden["oppdrag"] == Oppdrag.objects.count()
    # What save() would compute is written too: the mål sort as in the portal.
    assert not Maal.objects.filter(sorteringsnokkel="").exists()
    # The ids were set by the generator: the next row the portal writes gets a free one.
    o = Oppdrag.objects.first()
    ny = Oppdrag.objects.create(virksomhet_id=o.virksomhet_id, departement_id=o.departement_id, aar=o.aar,
                                nummer="2099-01", tittel="Nytt")
    assert ny.pk > max(Oppdrag.objects.exclude(pk=ny.pk).values_list("pk", flat=True))


def test_every_measured_page_shows_for_the_agency_and_the_ministry(liten_verden, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    sider = skala._pages()
    assert {k.split(": ")[0] for k in sider} == {"agency", "ministry"}
    clients = {}
    for key, (bruker, url, tekst) in sider.items():
        if bruker not in clients:
            clients[bruker] = Client()
            clients[bruker].force_login(User.objects.get(username=bruker))
        r = clients[bruker].get(url)
        assert r.status_code == 200, f"{key}: {url} {r.status_code}"
        assert tekst in r.content.decode(), f"{key}: {url} mangler {tekst!r}"
