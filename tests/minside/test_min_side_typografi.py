"""Min side reads cleanly: each oppdrag with passed frister listed once (with how many), every data
table with a caption, and no line break inside an oppdrag number or an amount."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from brukere.models import Rolle
from tests.factories import FristFactory, UserFactory
from tests.minside.test_min_side import _brev, _oppdrag

pytestmark = pytest.mark.django_db


def _passerte_rader(html: str) -> list[str]:
    tabell = re.search(r'<h2 id="forfalte">.*?</table>', html, re.S).group(0)
    return re.findall(r"<tr><td data-etikett=\"Siste frist\">.*?</tr>", tabell, re.S)


def test_passerte_frister_ett_oppdrag_per_rad_med_antall(client):
    idag = timezone.localdate()
    brev = _brev()
    bruker = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT)
    tre = _oppdrag(brev, 1, frist=idag - timedelta(days=40))
    for dager in (20, 5):
        d = idag - timedelta(days=dager)
        FristFactory(oppdrag=tre, tildelingsbrev=brev, dato=d, tekst=f"{d:%d.%m.%Y}")
    en = _oppdrag(brev, 2, frist=idag - timedelta(days=10))

    client.force_login(bruker)
    html = client.get("/").content.decode()
    rader = _passerte_rader(html)

    assert len(rader) == 2
    # Most recent first; the oppdrag with three passed frister shows its latest and the count.
    siste = idag - timedelta(days=5)
    assert tre.tittel in rader[0] and f"{siste:%d.%m.%Y}" in rader[0]
    assert re.search(r'data-etikett="Passerte frister">3<', rader[0])
    assert en.tittel in rader[1] and re.search(r'data-etikett="Passerte frister">1<', rader[1])


def test_tabellene_har_overskrift_og_nummer_brytes_ikke(client):
    idag = timezone.localdate()
    brev = _brev()
    bruker = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT)
    o = _oppdrag(brev, 7, frist=idag + timedelta(days=3))
    _oppdrag(brev, 8, frist=idag - timedelta(days=3))

    client.force_login(bruker)
    html = client.get("/").content.decode()

    tabeller = re.findall(r"<table\b.*?</table>", html, re.S)
    assert len(tabeller) >= 2
    for t in tabeller:
        assert re.search(r"<caption\b[^>]*>[^<]+</caption>", t), t[:200]
    assert f'<span class="nobr">{o.nummer}</span>' in html
