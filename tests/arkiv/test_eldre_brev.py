"""Issue #13's "Done when": a letter in the older style, from another ministry and year, written in
the archive format from the letter's text alone (tests/arkiv/data/eldre_brev.json: KD to a
fictitious agency, 2019), is imported, exported and compared fact by fact with nothing lost, and
the letter page and the PDF show what it says."""

import copy
import json
from pathlib import Path

import pytest
from django.urls import reverse

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import import_tildelingsbrev
from brev.pdf import tildelingsbrev_html
from tests.arkiv.fakta import antall_fakta, tapte_fakta
from tests.styring.brevdata import virksomhet_bruker

pytestmark = pytest.mark.django_db

FIL = Path(__file__).parent / "data" / "eldre_brev.json"


@pytest.fixture
def fil() -> dict:
    return json.loads(FIL.read_text(encoding="utf-8"))


def test_the_older_letter_imports_and_exports_with_every_fact_kept(fil):
    brev = import_tildelingsbrev(copy.deepcopy(fil), opprett_organisasjoner=True)
    eksport = export_tildelingsbrev(brev)
    assert antall_fakta(fil) > 500
    assert tapte_fakta(fil, eksport) == []
    assert [t["nummer"] for t in eksport["tillegg"]] == [3]
    assert [o["nummer"] for o in eksport["oppdrag"]] == [f"O{i}" for i in range(1, 13)]
    assert [r["kode"] for r in eksport["rapporteringskrav"]] == [
        "R 1", "R 2", "R 3", "R 4", "R 5", "R 6", "R 7", "R 8.1", "R 8.2", "R 8.3", "R 8.4", "R 9", "R 10 og 11"]


@pytest.mark.django_db(transaction=True)  # flush inside a test transaction is refused by PostgreSQL
def test_the_older_letter_round_trips_exactly(fil):
    """Export → import into an empty database → export gives identical JSON."""
    from django.core.management import call_command

    forste = export_tildelingsbrev(import_tildelingsbrev(copy.deepcopy(fil), opprett_organisasjoner=True))
    call_command("flush", "--no-input", verbosity=0, reset_sequences=False)
    andre = export_tildelingsbrev(import_tildelingsbrev(copy.deepcopy(forste), opprett_organisasjoner=True))
    assert json.dumps(andre, ensure_ascii=False, indent=1) == json.dumps(forste, ensure_ascii=False, indent=1)


def test_the_letter_page_and_the_pdf_show_the_older_letters_facts(fil, client):
    brev = import_tildelingsbrev(copy.deepcopy(fil), opprett_organisasjoner=True)
    client.force_login(virksomhet_bruker(brev))
    side = client.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    pdf = tildelingsbrev_html(brev)
    for html in (side, pdf):
        for fakta in ("3.1", "3.2.1 Grunnleggende ferdigheter", "R 10 og 11", "R 8.4", "i 1000 kroner", "O12",
                      "Se omtale under", "KS", "Kompetanse Norge"):
            assert fakta in html, fakta
    assert "Tillegg nr. 3" in side and "Nytt i tillegg nr. 3" in side and "021" in side
    tillegg = client.get(reverse("brev:tillegg", args=[brev.pk, 3])).content.decode()
    assert "11.09.2019" in tillegg and "18/4711-23" in tillegg and "Kartlegge behovet for opplæring" in tillegg
