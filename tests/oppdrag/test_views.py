"""The oppdrag page (linked from reminder e-mails) checks access against the object."""

import pytest

from tests.factories import OppdragFactory, TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_oppdrag_page_refuses_other_agencies_drafts_and_other_ministries(client):
    brev = TildelingsbrevFactory(sendt_brev=True)
    utkast = TildelingsbrevFactory(virksomhet=brev.virksomhet, departement=brev.departement, aar=2025)
    o = OppdragFactory(tildelingsbrev=brev, tittel="Synlig oppdrag")
    o_utkast = OppdragFactory(tildelingsbrev=utkast, aar=2025)
    egen = UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt")
    annen = UserFactory(virksomhet=True)
    dep = UserFactory(organisasjon=brev.departement)
    annet_dep = UserFactory()

    assert client.get(f"/oppdrag/{o.pk}/").status_code == 302  # login first
    client.force_login(egen)
    assert "Synlig oppdrag" in client.get(f"/oppdrag/{o.pk}/").content.decode()
    assert client.get(f"/oppdrag/{o_utkast.pk}/").status_code == 404  # the letter is not sent
    client.force_login(annen)
    assert client.get(f"/oppdrag/{o.pk}/").status_code == 404
    client.force_login(dep)
    assert client.get(f"/oppdrag/{o_utkast.pk}/").status_code == 200
    client.force_login(annet_dep)
    assert client.get(f"/oppdrag/{o.pk}/").status_code == 404


def test_oppdrag_page_shows_a_milepael_without_frist_as_uten_frist(client):
    from tests.factories import MilepaelFactory

    brev = TildelingsbrevFactory(sendt_brev=True)
    o = OppdragFactory(tildelingsbrev=brev)
    MilepaelFactory(oppdrag=o, tittel="Forprosjekt ferdig", tekst="", form="tekst", dato=None)
    MilepaelFactory(oppdrag=o, tittel="Sluttrapport", rekkefolge=1)
    client.force_login(UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt"))
    side = client.get(f"/oppdrag/{o.pk}/").content.decode()
    assert ('<td data-etikett="Milepæl">Forprosjekt ferdig</td><td data-etikett="Frist">uten frist</td>'
            '<td data-etikett="Dato">–</td>') in side
    assert '<td data-etikett="Milepæl">Sluttrapport</td><td data-etikett="Frist">01.06.' in side
