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
