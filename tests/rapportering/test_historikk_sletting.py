"""The report's history survives deleted parts, results, lines and comments, and reads them by
their own fields; one save is one entry; filters by part work."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kjerne.historikk import acting_user
from oppdrag.models import Oppdrag
from rapportering.models import Kommentar, Oppdragsstatus, Parameterresultat, Postrapport, Rapportdel
from rapportering.services import rapport_opprett

pytestmark = pytest.mark.django_db


def _objekter(html: str) -> list[str]:
    return re.findall(r'<p class="endringslogg-objekt">(.*?)</p>', html)


def test_slettede_deler_av_rapporten_vises(client, oppsett):
    rapport = rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    with acting_user(oppsett.dep):
        Kommentar.objects.create(rapport=rapport, tekst="Utdyp avviket.", opprettet_av=oppsett.dep)
    with acting_user(oppsett.kontakt):
        for model in (Kommentar, Rapportdel, Parameterresultat, Oppdragsstatus, Postrapport):
            model.objects.filter(rapport=rapport).first().delete()
        # The oppdrag a status line pointed to is gone too: the line still reads from history.
        Oppdragsstatus.objects.filter(rapport=rapport).delete()
        Oppdrag.objects.filter(pk=oppsett.oppdrag_uten.pk).delete()
    client.force_login(oppsett.kontakt)
    url = reverse("rapportering:historikk", args=[rapport.pk])
    r = client.get(url)
    assert r.status_code == 200
    slettet = [s for s in _objekter(r.content.decode()) if s.endswith(" slettet")]
    for model in (Kommentar, Rapportdel, Parameterresultat, Oppdragsstatus, Postrapport):
        navn = str(model._meta.verbose_name).capitalize()
        assert any(s.startswith(navn + " ") for s in slettet), (navn, slettet)
    kun_kommentarer = _objekter(client.get(url, {"del_": "kommentarer"}).content.decode())
    assert kun_kommentarer and all(s.startswith("Departementets kommentar") for s in kun_kommentarer)


def test_departementet_ser_ikke_utkastene_i_historikken(client, oppsett):
    """The drafts are the agency's: the ministry's history of a sent report starts at sending."""
    from rapportering.services import rapport_lagre_deler, rapport_send

    rapport = rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    kode = rapport.deler.order_by("rekkefolge").first().kode
    rapport_lagre_deler(rapport=rapport, tekster={kode: "Utkast RAPPORTUTKASTMARKØR"}, user=oppsett.kontakt)
    rapport_lagre_deler(rapport=rapport, tekster={kode: "Endelig tekst"}, user=oppsett.kontakt)
    rapport_send(rapport=rapport, user=oppsett.leder)
    url = reverse("rapportering:historikk", args=[rapport.pk])
    client.force_login(oppsett.dep)
    html = client.get(url).content.decode()
    assert "RAPPORTUTKASTMARKØR" not in html
    assert "Sendt til departementet" in html and str(oppsett.leder) in html
    client.force_login(oppsett.kontakt)
    assert "RAPPORTUTKASTMARKØR" in client.get(url).content.decode()
