"""Import joins the hard line breaks of a PDF copy into paragraphs (#12 item 9)."""

from __future__ import annotations

import json

import pytest

from arkiv.innlesing import import_tildelingsbrev
from fixtures.demo import FIXTURES

pytestmark = pytest.mark.django_db


def test_import_slaar_sammen_linjer_men_beholder_avsnitt_lister_og_adresse():
    data = json.loads((FIXTURES / "imdi-2024.json").read_text(encoding="utf-8"))
    data["kapitler"][0]["tekst"] = ("Det vises til Prop. 1 S og Innst. \n16 S. AID gir \nrammene.\n\n"
                                    "Bindinger:\n- 1 mill. kroner til \nidébank\n- 2 mill. kroner")
    data["maal"][0]["tekst"] = "Innvandreres deltakelse i arbeidslivet er et overordnet \nmål."
    data["brevhode"]["mottaker_adresse"] = "Integrerings- og mangfoldsdirektoratet\nPostboks 672\n8508 NARVIK"
    brev = import_tildelingsbrev(data, opprett_organisasjoner=True)
    forste = brev.avsnitt.order_by("rekkefolge").first()
    assert forste.tekst == ("Det vises til Prop. 1 S og Innst. 16 S. AID gir rammene.\n\n"
                            "Bindinger:\n- 1 mill. kroner til idébank\n- 2 mill. kroner")
    assert brev.maal.get(nummer=data["maal"][0]["nummer"]).tekst == (
        "Innvandreres deltakelse i arbeidslivet er et overordnet mål.")
    assert brev.mottaker_adresse == "Integrerings- og mangfoldsdirektoratet\nPostboks 672\n8508 NARVIK"
