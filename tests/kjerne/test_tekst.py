"""Hard line breaks from the source documents joined into paragraphs (#12 item 9, kjerne/tekst.py)."""

from __future__ import annotations

import pytest

from kjerne.tekst import avsnitt, avsnitt_i


@pytest.mark.parametrize(("kilde", "forventet"), [
    # The 2024 letter's first paragraph as copied from the PDF: one paragraph, then the next.
    ("Det vises til Prop.1 S (2023-2024) og Innst. \n16 S (2023-2024). AID gir \nde økonomiske rammene.\n\n"
     "Tildelingsbrevet for 2024 er \nutarbeidet.",
     "Det vises til Prop.1 S (2023-2024) og Innst. 16 S (2023-2024). AID gir de økonomiske rammene.\n\n"
     "Tildelingsbrevet for 2024 er utarbeidet."),
    # A suspended compound keeps its space; a word split at its hyphen or dash is joined.
    ("løfte mangfolds- \nog inkluderingsperspektiver", "løfte mangfolds- og inkluderingsperspektiver"),
    ("departementets sentrale FoU-\npost kap. 601", "departementets sentrale FoU-post kap. 601"),
    ("(Prop. 1 S (2023–\n2024)).", "(Prop. 1 S (2023–2024))."),
    # List items stay on their own lines; a wrapped item is joined to its item.
    ("bindinger til posten:\n- 1 mill. kroner til \nidébank\n- 2 mill. kroner til B",
     "bindinger til posten:\n- 1 mill. kroner til idébank\n- 2 mill. kroner til B"),
    ("følgende:\n1. Første \npunkt\n2. Andre", "følgende:\n1. Første punkt\n2. Andre"),
    # A date at the start of a line is not a numbered item.
    ("skal leveres innen \n31. desember 2024.", "skal leveres innen 31. desember 2024."),
    # Table rows (cells separated by tabs) stay rows.
    ("rapportering:\n\nType\tTelletidspunkt\nÅrsrapport 2022\t31. desember 2022\nHalvår 2023\t30. juni 2023",
     "rapportering:\n\nType\tTelletidspunkt\nÅrsrapport 2022\t31. desember 2022\nHalvår 2023\t30. juni 2023"),
    # Several blank lines are one paragraph break; Windows line ends too.
    ("Ett.\r\n\r\n\r\nTo \r\nlinjer.", "Ett.\n\nTo linjer."),
])
def test_avsnitt(kilde, forventet):
    assert avsnitt(kilde) == forventet
    assert avsnitt(forventet) == forventet  # joining twice changes nothing


def test_adresse_signatur_og_frister_beholder_linjene():
    data = {"brevhode": {"mottaker_adresse": "IMDi\nPostboks 672\n8508 NARVIK"},
            "kapitler": [{"tittel": "Innledning", "tekst": "En \nlinje."}],
            "oppdrag": [{"beskrivelse": "Del 1) Gjør \ndet.", "frister": [{"tekst": "Del 1: 1. juni\nDel 2: 1. mai"}]}],
            "signaturer": [{"navn": "Kari\nNordmann"}]}
    ut = avsnitt_i(data)
    assert ut["kapitler"][0]["tekst"] == "En linje."
    assert ut["oppdrag"][0]["beskrivelse"] == "Del 1) Gjør det."
    assert ut["oppdrag"][0]["frister"] == data["oppdrag"][0]["frister"]
    assert ut["brevhode"] == data["brevhode"] and ut["signaturer"] == data["signaturer"]
    assert data["kapitler"][0]["tekst"] == "En \nlinje."  # the input is not changed
