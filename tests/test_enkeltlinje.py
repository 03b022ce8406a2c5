"""A title (or any single-line field) with a line break is refused at the field with a Norwegian
message and nothing is saved: a line break in an oppdrag title used to reach every reminder's
e-mail subject (``BadHeaderError``). Through the real views, as the ministry's editor or the agency.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.urls import reverse

from budsjett.models import Budsjettpost
from kjerne.enkeltlinje import MELDING, EnkeltlinjeMixin, er_enkeltlinje
from oppdrag.models import Leveranse, Oppdrag, Tittelvariant
from styring.models import Maal
from tests.brev.test_redigering import formsett, oppdrag_data
from tests.factories import (
    BudsjettkapittelFactory,
    FristFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    UserFactory,
)
from tests.rapportering.skjema import skjemadata
from tests.test_tall import _prosjektets_modellskjemaer

pytestmark = pytest.mark.django_db
BRUDD = ["Kartlegge\nkvalifisering", "Kartlegge\r\nkvalifisering", "Kartlegge\rkvalifisering",
         "Kartlegge\u2028kvalifisering"]


def feil_ved(response, felt_id: str) -> str:
    assert response.status_code == 200, response.status_code
    liste = re.search(rf'<ul class="errorlist" id="{felt_id}_error">(.*?)</ul>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", " ", liste.group(1)).strip() if liste else ""


@pytest.mark.parametrize("tittel", BRUDD)
def test_new_oppdrag_title_with_a_line_break_is_refused(klient, brev, tittel):
    response = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]),
                           oppdrag_data(**{"oppdrag-tittel": tittel}))
    assert MELDING in feil_ved(response, "id_oppdrag-tittel")
    assert not Oppdrag.objects.exists()


def test_existing_oppdrag_keeps_its_title_when_one_with_a_line_break_is_typed(klient, brev):
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-01", tittel="Kartlegge kvalifisering")
    url = reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])
    data = skjemadata(klient.get(url))
    data["oppdrag-tittel"] = "Kartlegge\nkvalifisering på nytt"
    assert MELDING in feil_ved(klient.post(url, data), "id_oppdrag-tittel")
    o.refresh_from_db()
    assert o.tittel == "Kartlegge kvalifisering"

    data["oppdrag-tittel"] = "Kartlegge kvalifisering på nytt\n"  # a trailing break is only whitespace
    assert klient.post(url, data).status_code == 302
    o.refresh_from_db()
    assert o.tittel == "Kartlegge kvalifisering på nytt"


def test_title_variant_with_a_line_break_is_refused(klient, brev):
    fjor = TildelingsbrevFactory(virksomhet=brev.virksomhet, departement=brev.departement, aar=2024, sendt_brev=True)
    o = OppdragFactory(tildelingsbrev=fjor, nummer="2024-05", tittel="Opprinnelig tittel")
    FristFactory(oppdrag=o, tildelingsbrev=fjor, tekst="01.06.2025", dato=date(2025, 6, 1))
    data = {"variant-tittel": "Ny\nformulering"}
    data.update(formsett("frister", [{"tekst": "31.12.2025"}]))
    response = klient.post(reverse("brev:rediger-tidligere", args=[brev.pk, o.pk]), data)
    assert MELDING in feil_ved(response, "id_variant-tittel")
    assert not Tittelvariant.objects.exists()


def test_other_titles_refuse_line_breaks_too(klient, brev):
    response = klient.post(reverse("brev:rediger-maal-ny", args=[brev.pk]), {"nummer": "1", "tittel": "Et\nmål"})
    assert MELDING in feil_ved(response, "id_tittel")
    assert not Maal.objects.exists()

    kap = BudsjettkapittelFactory(tildelingsbrev=brev)
    data = {"post-post": "21", "post-betegnelse": "Spesielle\ndriftsutgifter", "post-tildelt_kr": "1 mill."}
    data.update(formsett("bindinger", []))
    data.update(formsett("tilskudd", [{"mottaker": "Organisasjon\nA", "belop_kr": "1 000"}]))
    response = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), data)
    assert MELDING in feil_ved(response, "id_post-betegnelse")
    assert MELDING in feil_ved(response, "id_tilskudd-0-mottaker")
    assert not Budsjettpost.objects.exists()


def test_multi_line_fields_keep_their_line_breaks(klient, brev):
    url = reverse("brev:rediger-brev", args=[brev.pk])
    data = skjemadata(klient.get(url))
    data["mottaker_adresse"] = "Integrerings- og mangfoldsdirektoratet\nPostboks 1\n0101 Oslo"
    assert klient.post(url, data).status_code == 302
    brev.refresh_from_db()
    assert brev.mottaker_adresse.count("\n") == 2


def test_delivery_title_with_a_line_break_is_refused(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    o = OppdragFactory(tildelingsbrev=TildelingsbrevFactory(sendt_brev=True))
    client.force_login(UserFactory(organisasjon=o.virksomhet, rolle="virk_oppdragseier"))
    fil = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    fil.name = "rapport.pdf"
    response = client.post(reverse("oppdrag:leveranse-ny", args=[o.pk]),
                           {"leveranse-tittel": "Slutt\nrapport", "leveranse-type": "rapport", "leveranse-fil": fil})
    assert MELDING in feil_ved(response, "id_leveranse-tittel")
    assert not Leveranse.objects.exists()


def test_every_model_form_with_a_single_line_field_refuses_line_breaks():
    mangler = []
    for cls in _prosjektets_modellskjemaer():
        opts = cls._meta.model._meta
        navn = {f.name for f in opts.get_fields()}
        enkle = [n for n, f in cls.base_fields.items() if n in navn and er_enkeltlinje(f, opts.get_field(n))]
        if enkle and not issubclass(cls, EnkeltlinjeMixin):
            mangler.append(f"{cls.__module__}.{cls.__name__}: {enkle}")
    assert not mangler, "Skjema uten EnkeltlinjeMixin: " + "; ".join(mangler)
