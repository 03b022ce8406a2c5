"""The archive format carries a letter's sent tillegg (version 2), and still reads version-1 files.

A sent tillegg travels with its number, date, reference, text and chapters, the oppdrag it gives,
the frister it changes and its budget changes; a draft tillegg never leaves the portal. Export →
import into an empty database → export gives identical JSON, tillegg included.
"""

import copy
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from arkiv.skjema import VERSJON
from brev import services as brev_services
from brukere.models import User
from budsjett.models import Budsjettendring, Budsjettpost
from oppdrag.models import Frist, Milepael, Oppdrag
from styring.models import Brevavsnitt, Maal, Tildelingsbrev, Tillegg
from tests.arkiv.fakta import tapte_fakta
from tests.demodata import last_demo

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def _post(brev, kapittel: int, post: int) -> Budsjettpost:
    return Budsjettpost.objects.get(kapittel__tildelingsbrev=brev, kapittel__nummer=kapittel, post=post)


def _frist(oppdrag, brev, tillegg, tekst: str, dato: date, *, opprinnelig: date | None = None) -> Frist:
    # As the editor leaves it: the tillegg's frister numbered from 0, like the letter's first ones.
    return Frist.objects.create(oppdrag=oppdrag, tildelingsbrev=brev, tillegg=tillegg, tekst=tekst, dato=dato,
                                form="dato", opprinnelig_dato=opprinnelig, rekkefolge=0)


def lag_tillegg(brev: Tildelingsbrev) -> tuple[Tillegg, Tillegg]:
    """IMDi 2024 with a sent Tillegg nr. 2 (a new oppdrag, a changed frist of one of the letter's own
    oppdrag and of an earlier one, two budget changes, a chapter) and a draft nr. 3 that must stay in
    the portal."""
    godkjenner = User.objects.get(username="dep.godkjenner")
    maal = Maal.objects.get(tildelingsbrev=brev, nummer=3)
    sendt = Tillegg.objects.create(tildelingsbrev=brev, nummer=2, dato=date(2024, 6, 14), var_ref="24/1234-7",
                                   tittel="Tillegg nr. 2 til tildelingsbrev for 2024",
                                   tekst="Departementet gir IMDi et nytt oppdrag og endrer to frister.")
    Brevavsnitt.objects.create(tildelingsbrev=brev, tillegg=sendt, nummer="12", tittel="Nytt tilskudd til kommunene",
                               tekst="Rammen på post 62 økes med 5 mill. kroner.", rekkefolge=0)
    ny = Oppdrag.objects.create(virksomhet=brev.virksomhet, nummer="2024-31", aar=2024, tildelingsbrev=brev,
                                tillegg=sendt, maal=maal, tittel="Kartlegge kommunenes bruk av tolk i barnevernet",
                                beskrivelse="IMDi skal kartlegge bruken av tolk.", start=date(2024, 7, 1),
                                i_aarsrapport=True)
    ny.delt_med.set([brev.virksomhet.__class__.objects.get(kortnavn="Udir")])
    _frist(ny, brev, sendt, "01.11.2024", date(2024, 11, 1))
    Milepael.objects.create(oppdrag=ny, tittel="Spørreundersøkelse sendt ut", tekst="15.09.2024",
                            dato=date(2024, 9, 15), form="dato")
    _frist(Oppdrag.objects.get(nummer="2024-05"), brev, sendt, "31.01.2025", date(2025, 1, 31),
           opprinnelig=date(2024, 12, 15))
    _frist(Oppdrag.objects.get(nummer="2023-09"), brev, sendt, "30.09.2024", date(2024, 9, 30),
           opprinnelig=date(2024, 5, 31))
    Budsjettendring.objects.create(tillegg=sendt, post=_post(brev, 671, 62), endring_kr=5_000_000,
                                   tekst="Økt ramme til kommunene.")
    Budsjettendring.objects.create(tillegg=sendt, post=_post(brev, 670, 1), endring_kr=-1_500_000,
                                   tekst="Redusert driftsramme.")
    brev_services.tillegg_send(tillegg=sendt, acting_user=godkjenner)

    utkast = Tillegg.objects.create(tildelingsbrev=brev, nummer=3, tittel="Utkast som ikke er sendt")
    Brevavsnitt.objects.create(tildelingsbrev=brev, tillegg=utkast, nummer="13", tittel="Utkastkapittel",
                               tekst="Ikke sendt.", rekkefolge=0)
    Oppdrag.objects.create(virksomhet=brev.virksomhet, nummer="2024-32", aar=2024, tildelingsbrev=brev,
                           tillegg=utkast, maal=maal, tittel="Oppdrag i et utkast")
    _frist(Oppdrag.objects.get(nummer="2024-05"), brev, utkast, "01.03.2030", date(2030, 3, 1))
    Budsjettendring.objects.create(tillegg=utkast, post=_post(brev, 671, 62), endring_kr=7_777_777, tekst="Utkast.")
    return sendt, utkast


def _imdi_2024() -> Tildelingsbrev:
    return Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)


def test_export_writes_the_sent_tillegg_and_nothing_of_the_draft():
    last_demo()
    brev = _imdi_2024()
    lag_tillegg(brev)
    data = export_tildelingsbrev(brev)
    assert data["versjon"] == VERSJON == 2
    [t] = [t for t in data["tillegg"] if t["nummer"] == 2]  # (the demo may hold a tillegg nr. 1 of its own)
    assert (t["nummer"], t["dato"], t["var_ref"], t["tittel"]) == (
        2, "2024-06-14", "24/1234-7", "Tillegg nr. 2 til tildelingsbrev for 2024")
    assert t["kapitler"] == [{"nummer": "12", "tittel": "Nytt tilskudd til kommunene",
                              "tekst": "Rammen på post 62 økes med 5 mill. kroner."}]
    [o] = t["oppdrag"]
    assert (o["nummer"], str(o["maal"]), o["ny_i_aar"], o["start"], o["delt_med"]) == (
        "2024-31", "3", True, "2024-07-01", ["Udir"])
    assert [f["tekst"] for f in o["frister"]] == ["01.11.2024"]
    assert [m["tittel"] for m in o["milepaeler"]] == ["Spørreundersøkelse sendt ut"]
    assert [(f["oppdrag"], f["tekst"], f["dato"], f["opprinnelig_dato"]) for f in t["frister"]] == [
        ("2023-09", "30.09.2024", "2024-09-30", "2024-05-31"), ("2024-05", "31.01.2025", "2025-01-31", "2024-12-15")]
    assert t["budsjettendringer"] == [
        {"kapittel": 670, "post": 1, "endring_kr": -1_500_000, "tekst": "Redusert driftsramme."},
        {"kapittel": 671, "post": 62, "endring_kr": 5_000_000, "tekst": "Økt ramme til kommunene."}]

    # The letter's own list holds neither the tillegg's oppdrag nor the frister it changed.
    hoved = {o["nummer"]: o for o in data["oppdrag"]}
    assert "2024-31" not in hoved
    assert [f["tekst"] for f in hoved["2024-05"]["frister"]] == ["15.12.2024"]
    assert [f["tekst"] for f in hoved["2023-09"]["frister"]] == ["31.05.2024"]
    assert "Udir" in {org["kortnavn"] for org in data["organisasjoner"]}
    # A draft tillegg never leaves the portal.
    tekst = json.dumps(data, ensure_ascii=False)
    for utkast in ("2024-32", "Utkastkapittel", "01.03.2030", "7777777", "Utkast som ikke er sendt"):
        assert utkast not in tekst
    assert 3 not in [t["nummer"] for t in data["tillegg"]]


def _export(aar: int) -> str:
    out = StringIO()
    call_command("export_tildelingsbrev", "--virksomhet", "IMDi", "--aar", str(aar), stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)  # flush inside a test transaction is refused by PostgreSQL
def test_round_trip_with_tillegg_gives_identical_json_and_the_same_letter(tmp_path, client):
    call_command("load_demo", stdout=StringIO())
    lag_tillegg(_imdi_2024())
    first = _export(2024)
    path = tmp_path / "brev.json"
    path.write_text(first, encoding="utf-8")
    call_command("flush", "--no-input", verbosity=0, reset_sequences=False)
    assert not Tillegg.objects.exists()
    out = StringIO()
    call_command("import_tildelingsbrev", str(path), "--opprett-organisasjon", stdout=out)
    assert "tillegg nr. 2 med 1 nytt oppdrag." in out.getvalue()
    assert _export(2024) == first

    brev = _imdi_2024()
    t = brev.tillegg.get(nummer=2)
    assert (t.nummer, t.dato, t.status, t.var_ref) == (2, date(2024, 6, 14), "sendt", "24/1234-7")
    assert t.sendt is not None
    ny = Oppdrag.objects.get(nummer="2024-31")
    assert (ny.tillegg, ny.tildelingsbrev, ny.departement.kortnavn) == (t, brev, "AID")
    assert list(Frist.objects.filter(tillegg=t).exclude(oppdrag=ny).values_list("oppdrag__nummer", "tekst")
                .order_by("oppdrag__nummer")) == [("2023-09", "30.09.2024"), ("2024-05", "31.01.2025")]
    assert sorted(Budsjettendring.objects.filter(tillegg=t).values_list("post__post", "endring_kr")) == [
        (1, -1_500_000), (62, 5_000_000)]

    # The pages read it as the portal's own tillegg: worked into the letter, and on its own page.
    from tests.styring.brevdata import virksomhet_bruker

    client.force_login(virksomhet_bruker(brev))
    html = client.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    assert "Nytt i tillegg nr. 2" in html and "Endret i tillegg nr. 2" in html
    assert "31.01.2025" in html and "Nytt tilskudd til kommunene" in html
    side = client.get(reverse("brev:tillegg", args=[brev.pk, 2])).content.decode()
    assert "Tillegget er et utkast" not in side and "14.06.2024" in side and "24/1234-7" in side
    assert "Kartlegge kommunenes bruk av tolk i barnevernet" in side and "Økt ramme til kommunene." in side
    original = client.get(reverse("brev:brev", args=[brev.pk]) + "?visning=opprinnelig").content.decode()
    assert "2024-31" not in original and "15.12.2024" in original


@pytest.fixture
def fil() -> dict:
    """IMDi 2024 with its sent tillegg, as exported. The checks below refuse it before anything is
    written, so the letter still being in the database does not matter."""
    last_demo()
    brev = _imdi_2024()
    lag_tillegg(brev)
    data = export_tildelingsbrev(brev)
    data["tillegg"] = [t for t in data["tillegg"] if t["nummer"] == 2]  # the one built here
    return data


def _avvist(data: dict) -> list[str]:
    """Refused with a message, and nothing written."""
    antall = (Tildelingsbrev.objects.count(), Tillegg.objects.count(), Oppdrag.objects.count(),
              Frist.objects.count(), Budsjettendring.objects.count())
    with pytest.raises(ArkivFeil) as exc:
        import_tildelingsbrev(data, opprett_organisasjoner=True)
    assert (Tildelingsbrev.objects.count(), Tillegg.objects.count(), Oppdrag.objects.count(),
            Frist.objects.count(), Budsjettendring.objects.count()) == antall
    return exc.value.feil


def test_tillegg_numbers_are_unique_and_positive(fil):
    andre = copy.deepcopy(fil["tillegg"][0])
    andre["oppdrag"], andre["frister"] = [], []
    null = copy.deepcopy(andre)
    null["nummer"] = 0
    fil["tillegg"] += [andre, null]
    feil = _avvist(fil)
    assert "tillegg[1].nummer: finnes allerede (tillegg[0])." in feil
    assert "tillegg[2].nummer: tilleggsnummeret må være 1 eller høyere." in feil


def test_a_tillegg_oppdrag_number_must_be_new_in_the_whole_file(fil):
    t = fil["tillegg"][0]
    t["oppdrag"].append({**copy.deepcopy(t["oppdrag"][0]), "nummer": "2024-05"})
    t["oppdrag"].append(copy.deepcopy(t["oppdrag"][0]))
    feil = _avvist(fil)
    i = next(i for i, o in enumerate(fil["oppdrag"]) if o["nummer"] == "2024-05")
    assert f"tillegg[0].oppdrag[1].nummer: finnes allerede (oppdrag[{i}])." in feil
    assert "tillegg[0].oppdrag[2].nummer: finnes allerede (tillegg[0].oppdrag[0])." in feil


def test_a_tillegg_gives_only_new_oppdrag_and_changes_frister_of_oppdrag_given_before_it(fil):
    t = fil["tillegg"][0]
    t["oppdrag"][0]["ny_i_aar"] = False
    t["frister"][0]["oppdrag"] = "2019-99"
    t["frister"].append({**copy.deepcopy(t["frister"][1]), "oppdrag": "2024-31"})
    senere = {"nummer": 4, "oppdrag": [{**copy.deepcopy(t["oppdrag"][0]), "nummer": "2024-40", "ny_i_aar": True}]}
    fil["tillegg"].append(senere)
    t["frister"].append({**copy.deepcopy(t["frister"][1]), "oppdrag": "2024-40"})
    feil = _avvist(fil)
    assert any(f.startswith("tillegg[0].oppdrag[0].ny_i_aar: et tillegg gir bare nye oppdrag") for f in feil)
    assert "tillegg[0].frister[0].oppdrag: oppdrag 2019-99 står ikke i brevet eller i et tillegg i filen." in feil
    assert any(f.startswith("tillegg[0].frister[2].oppdrag: oppdrag 2024-31 er gitt i dette tillegget") for f in feil)
    assert ("tillegg[0].frister[3].oppdrag: oppdrag 2024-40 er gitt i tillegg nr. 4, som kommer etter dette "
            "tillegget (nr. 2).") in feil


def test_a_budget_change_is_on_a_post_of_the_letter_and_not_zero(fil):
    t = fil["tillegg"][0]
    t["budsjettendringer"][0]["post"] = 99
    t["budsjettendringer"][1]["endring_kr"] = 0
    t["budsjettendringer"].append({"kapittel": 671, "post": 62, "endring_kr": 10**19, "tekst": ""})
    t["budsjettendringer"].append({"kapittel": 671, "post": 62, "endring_kr": "5 mill.", "tekst": ""})
    feil = _avvist(fil)
    assert "tillegg[0].budsjettendringer[3].endring_kr: «5 mill.» er ikke et heltall." in feil
    del t["budsjettendringer"][3]
    feil = _avvist(fil)
    assert "tillegg[0].budsjettendringer[0].post: brevets budsjett har ikke kap. 670 post 99." in feil
    assert "tillegg[0].budsjettendringer[1].endring_kr: endringen kan ikke være 0 kroner." in feil
    assert any(f.startswith("tillegg[0].budsjettendringer[2].endring_kr: ") for f in feil)


def test_only_a_sent_letter_has_tillegg_and_the_tillegg_fields_are_checked(fil):
    fil["status"] = "utkast"
    fil["tillegg"][0]["dato"] = "14.06.2024"
    fil["tillegg"][0]["var_ref"] = "x" * 51
    feil = _avvist(fil)
    assert "tillegg[0].dato: «14.06.2024» er ikke en dato (ÅÅÅÅ-MM-DD)." in feil
    fil["tillegg"][0]["dato"] = "2024-06-14"
    feil = _avvist(fil)
    assert "tillegg: bare et sendt tildelingsbrev kan ha tillegg; dette brevet har status «utkast»." in feil
    assert any(f.startswith("tillegg[0].var_ref: ") for f in feil)


def test_an_unknown_version_is_refused_and_version_1_has_no_tillegg(fil):
    for versjon in (0, 3, 99):
        data = copy.deepcopy(fil)
        data["versjon"] = versjon
        assert _avvist(data) == [f"versjon: filen har versjon {versjon} av arkivformatet, som denne portalen ikke "
                                 "kjenner; den leser versjon 1 og 2."]
    fil["versjon"] = 1
    assert _avvist(fil) == ["tillegg: finnes ikke i versjon 1 av arkivformatet (tillegg kom med versjon 2). "
                            "Sett «versjon» til 2."]


def _maal_som_tekst(data: dict) -> dict:
    """Version 1 wrote mål numbers as integers; version 2 as the letter writes them, text."""
    data = copy.deepcopy(data)
    for m in data["maal"]:
        m["nummer"] = str(m["nummer"])
    for o in data["oppdrag"]:
        o["maal"] = None if o["maal"] is None else str(o["maal"])
    for r in data.get("rapporteringskrav", []):
        r["maal"] = None if r["maal"] is None else str(r["maal"])
    return data


def test_a_version_1_file_from_the_first_export_still_imports_with_nothing_lost():
    """IMDi 2024 as the version-1 export wrote it (tests/arkiv/data/imdi-2024-v1.json, exported
    before version 2): it imports, and the version-2 export holds every fact of it."""
    fil = json.loads((DATA / "imdi-2024-v1.json").read_text(encoding="utf-8"))
    assert fil["versjon"] == 1 and "tillegg" not in fil
    brev = import_tildelingsbrev(copy.deepcopy(fil), opprett_organisasjoner=True)
    eksport = export_tildelingsbrev(brev)
    assert eksport["versjon"] == 2 and eksport["tillegg"] == []
    assert tapte_fakta(_maal_som_tekst(fil), _maal_som_tekst(eksport), utenom=frozenset({"versjon", "konsistens"})) == []
    assert not brev.tillegg.exists()
    assert Oppdrag.objects.filter(tildelingsbrev=brev).count() == sum(o["ny_i_aar"] for o in fil["oppdrag"])


def test_a_frist_in_the_short_form_keeps_the_fields_the_file_gives_beside_it():
    """{tekst, dato} lets the portal derive the rest; a field given beside them (the old date of a
    changed frist) is kept, not overwritten by the derivation."""
    fil = json.loads((DATA / "imdi-2024-v1.json").read_text(encoding="utf-8"))
    o = fil["oppdrag"][1]
    o["frister"] = [{"tekst": "31.12.2024", "dato": "2024-12-31", "opprinnelig_dato": "2024-06-30"}]
    import_tildelingsbrev(fil, opprett_organisasjoner=True)
    frist = Frist.objects.get(oppdrag__nummer=o["nummer"])
    assert (frist.tekst, frist.dato, frist.form, frist.opprinnelig_dato) == (
        "31.12.2024", date(2024, 12, 31), "dato", date(2024, 6, 30))
