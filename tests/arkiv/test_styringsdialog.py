"""The year's styringsdialog as archive (export_styringsdialog / import_styringsdialog): the demo's
round trip into an empty database, drafts never in the file, and bad files refused with the path
named and nothing saved."""

import copy
import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from arkiv.dialog_eksport import export_styringsdialog
from arkiv.dialog_innlesing import import_styringsdialog
from arkiv.skjema import ArkivFeil
from brukere.models import User
from moter import services as mote_services
from moter.models import Mote, Punktoppdatering, Referat, Sak, Vedlegg, Vedtak
from rapportering.models import Fellesforingssvar, Rapport, Tallsvar
from revisjon.models import Merknad, Revisjonstiltak, Svarbrev
from risiko import services as risiko_services
from risiko.models import Risiko, Risikovurdering
from styring.models import Tallfelt, Tildelingsbrev
from tests.demodata import last_demo

pytestmark = pytest.mark.django_db


def _export_cmd(aar: int = 2024, kommando: str = "export_styringsdialog") -> str:
    out = StringIO()
    call_command(kommando, "--virksomhet", "IMDi", "--aar", str(aar), stdout=out)
    return out.getvalue()


def _brev() -> Tildelingsbrev:
    return Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)


def _tell() -> dict:
    return {m.__name__: m.objects.count() for m in (Mote, Sak, Referat, Vedtak, Punktoppdatering, Risikovurdering,
                                                    Risiko, Merknad, Revisjonstiltak, Svarbrev, User)}


def _fjern_dialogen() -> None:
    """The demo's letter stays; its year's dialog goes, so a file of it can be read in again."""
    Mote.objects.filter(tildelingsbrev=_brev()).delete()
    Risikovurdering.objects.filter(virksomhet__kortnavn="IMDi", aar=2024).delete()
    Merknad.objects.filter(virksomhet__kortnavn="IMDi", dato__year=2024).delete()


@pytest.mark.django_db(transaction=True)  # flush inside a test transaction is refused by PostgreSQL
def test_demo_round_trip_into_an_empty_database_is_identical(tmp_path):
    call_command("load_demo", stdout=StringIO())
    brev_fil, dialog_fil = tmp_path / "brev.json", tmp_path / "dialog.json"
    brev_fil.write_text(_export_cmd(kommando="export_tildelingsbrev"), encoding="utf-8")
    first = _export_cmd()
    dialog_fil.write_text(first, encoding="utf-8")
    data = json.loads(first)

    # What the issue names for the demo is all there.
    assert [m["type"] for m in data["moter"]] == ["etatsstyringsmote", "etatsstyringsmote"]
    var = data["moter"][0]
    assert var["referat"]["status"] == "godkjent" and var["referat"]["tekst"].startswith("Møtet tok utgangspunkt")
    assert [(v["art"], v["oppdrag"], v["status"]) for v in var["vedtak"]] == [
        ("oppdrag", "2024-18", "aapen"), ("oppfolging", None, "aapen")]
    assert var["vedtak"][1]["ansvarlig"] == "imdi.leder" and var["vedtak"][1]["frist"] == "2024-09-15"
    assert [s["kilde"] for s in var["dagsorden"]][-2:] == ["forslag", "forslag"]
    assert var["dagsorden"][-1]["foreslatt"] == "2024-04-15T07:00:00+00:00"  # 09.00 in Oslo, as the page shows
    assert "referat" not in data["moter"][1] and data["moter"][1]["vedtak"] == []
    assert [m["grunnlag"] for m in data["moter"]] == [{"type": "aarsrapport", "aar": 2023},
                                                      {"type": "halvaarsrapport", "aar": 2024}]
    assert [v["periode"] for v in data["risikovurderinger"]] == ["halvaar", "aar"]
    assert len(data["risikovurderinger"][1]["risikoer"]) >= 6
    risiko = data["risikovurderinger"][1]["risikoer"][0]
    assert risiko["forrige"] == {"aar": 2024, "periode": "halvaar", "nummer": 1}
    assert (risiko["maal"], risiko["oppdrag"], risiko["sannsynlighet"], risiko["konsekvens"]) == ("4", "2024-13", 4, 5)
    assert risiko["akseptabel"] is False and risiko["tiltak"][0]["ansvarlig"] == "imdi.leder"
    [merknad] = data["riksrevisjonen"]
    assert merknad["merknad"]["alvorlighet"] == "kritikkverdig" and len(merknad["tiltak"]) == 3
    assert merknad["svarbrev"][0]["datert"] == "2024-06-14" and merknad["svarbrev"][0]["lastet_opp_av"] == "imdi.kontakt"
    assert len(data["fellesforinger"]) == 3  # the årsrapport is a draft: no answers leave
    assert all(f["svar"] is None for f in data["fellesforinger"])

    call_command("flush", "--no-input", verbosity=0, reset_sequences=False)
    assert not Tildelingsbrev.objects.exists() and not User.objects.exists()
    # The letter must come first: the dialog is refused with the reason, nothing saved.
    with pytest.raises(CommandError, match="Les inn årets tildelingsbrev først"):
        call_command("import_styringsdialog", str(dialog_fil), stdout=StringIO())
    call_command("import_tildelingsbrev", str(brev_fil), "--opprett-organisasjon", stdout=StringIO())
    with pytest.raises(CommandError, match="--opprett-brukere"):
        call_command("import_styringsdialog", str(dialog_fil), stdout=StringIO())
    # The letter read in as sent has its calendar's two meetings, made by the portal and still empty;
    # the refused dialog changed nothing, and the one read in takes their place (no doubles).
    assert Mote.objects.count() == Mote.objects.tomme_fra_kalender().count() == 2
    out = StringIO()
    call_command("import_styringsdialog", str(dialog_fil), "--opprett-brukere", stdout=out)
    assert "2 møter, 2 risikovurderinger, 1 merknader fra Riksrevisjonen" in out.getvalue()
    # People created from the file cannot log in.
    assert not User.objects.filter(is_active=True).exists()
    assert not any(u.has_usable_password() for u in User.objects.all())
    # The reports the meetings build on are not in either file: the importer says so, meeting by
    # meeting, and reads the meetings in without them (the next test reads back beside the reports).
    assert "moter[0].grunnlag: Årsrapporten for 2023 finnes ikke i portalen" in out.getvalue()
    assert "moter[1].grunnlag: Halvårsrapporten for 2024 finnes ikke i portalen" in out.getvalue()
    second = _export_cmd()
    for m in data["moter"]:
        del m["grunnlag"]
    assert json.loads(second) == data
    assert second == json.dumps(data, ensure_ascii=False, indent=1) + "\n"  # the same bytes, in the same order
    assert Mote.objects.count() == 2 and not Mote.objects.tomme_fra_kalender().exists()


def test_reading_back_into_the_letters_database_gives_the_same_file():
    last_demo()
    var = Mote.objects.get(tildelingsbrev=_brev(), tittel="Etatsstyringsmøte vår 2024")
    Vedlegg.objects.create(mote=var, tittel="IMDis presentasjon", fil="moter/IMDi/presentasjon.pdf", storrelse=48213,
                           lastet_opp_av=User.objects.get(username="imdi.kontakt"))
    data = export_styringsdialog(_brev())
    assert data["moter"][0]["dokumenter"][0]["fil"] == "moter/IMDi/presentasjon.pdf"
    _fjern_dialogen()
    r = import_styringsdialog(copy.deepcopy(data), user=User.objects.get(username="admin"))
    assert (r.moter, r.risikovurderinger, r.merknader, r.brukere_opprettet) == (2, 2, 1, [])
    assert export_styringsdialog(_brev()) == data
    # The decision is linked to the oppdrag it became, and the trend to the previous assessment.
    assert Vedtak.objects.get(mote__tildelingsbrev=_brev(), art="oppdrag").oppdrag.nummer == "2024-18"
    assert Risiko.objects.filter(vurdering__periodetype="aar", forrige__isnull=False).count() == 6


def test_draft_minutes_draft_assessment_and_draft_report_answers_are_not_in_the_file():
    last_demo()
    dep = User.objects.get(username="dep.redaktor")
    leder = User.objects.get(username="imdi.leder")
    host = Mote.objects.get(tildelingsbrev=_brev(), tittel="Etatsstyringsmøte høst 2024")
    referat = mote_services.referat_start(mote=host, acting_user=dep)
    referat.tekst = "MARKOR-REFERATUTKAST-7731"
    referat.save()
    mote_services.vedtak_lagre(vedtak=Vedtak(mote=host, art=Vedtak.Art.OPPFOLGING, tittel="MARKOR-VEDTAKSUTKAST-7731",
                                             ansvarlig=leder, frist=datetime(2025, 1, 1).date()), acting_user=dep)
    # The year's assessment back to a draft: the agency starts it again from the half year.
    Risikovurdering.objects.get(virksomhet__kortnavn="IMDi", aar=2024, periodetype="aar").delete()
    utkast = risiko_services.vurdering_opprett(virksomhet_id=leder.organisasjon_id, aar=2024, periodetype="aar",
                                               acting_user=leder)
    risiko_services.vurdering_oppdater(vurdering=utkast, sammendrag="MARKOR-RISIKOUTKAST-7731", acting_user=leder)
    risiko_services.risiko_lagre(vurdering=utkast, acting_user=leder, tittel="MARKOR-RISIKO-7731", beskrivelse="",
                                 maal=None, oppdrag=None, sannsynlighet=5, konsekvens=5, rest_sannsynlighet=4,
                                 rest_konsekvens=4, akseptabel=False, begrunnelse="")
    # The årsrapport is a draft: its answers to the fellesføringer are the agency's alone.
    rapport = Rapport.objects.get(virksomhet__kortnavn="IMDi", type="aarsrapport", rapport_aar=2024)
    assert rapport.status == "utkast"
    fellesforing = _brev().fellesforinger.first()
    tallfelt = Tallfelt.objects.create(fellesforing=fellesforing, nokkel="markor-tall", navn="Markørtall",
                                       enhet="kroner", rekkefolge=99)
    svar, _ = Fellesforingssvar.objects.get_or_create(rapport=rapport, fellesforing=fellesforing)
    svar.tekst = "MARKOR-RAPPORTSVAR-7731"
    svar.save()
    Tallsvar.objects.create(svar=svar, tallfelt=tallfelt, verdi=123456, rekkefolge=99)

    tekst = _export_cmd()
    # Each marker whole: the bare digits also turn up in the microseconds of a timestamp (seen once).
    markorer = ("MARKOR-REFERATUTKAST-7731", "MARKOR-VEDTAKSUTKAST-7731", "MARKOR-RISIKOUTKAST-7731",
                "MARKOR-RISIKO-7731", "MARKOR-RAPPORTSVAR-7731", '"123456"')
    assert [m for m in markorer if m in tekst] == []
    data = json.loads(tekst)
    assert [v["periode"] for v in data["risikovurderinger"]] == ["halvaar"]
    host_ut = data["moter"][1]
    assert "referat" not in host_ut and host_ut["vedtak"] == []

    # Once the agency has sent the årsrapport, its answers and numbers leave with the dialog.
    Rapport.objects.filter(pk=rapport.pk).update(status="sendt", sendt=datetime(2025, 3, 14, tzinfo=UTC),
                                                 sendt_av=leder)
    [ut] = [f for f in json.loads(_export_cmd())["fellesforinger"] if f["nokkel"] == fellesforing.nokkel]
    assert ut["svar"] == "MARKOR-RAPPORTSVAR-7731"
    assert {"nokkel": "markor-tall", "navn": "Markørtall", "enhet": "kroner", "verdi": "123456"} in ut["tall"]


def _feil(data: dict, **kwargs) -> list[str]:
    with pytest.raises(ArkivFeil) as exc:
        import_styringsdialog(data, **kwargs)
    return exc.value.feil


@pytest.fixture
def fil():
    """The demo's dialog as a file, with the dialog itself gone from the database."""
    last_demo()
    data = export_styringsdialog(_brev())
    _fjern_dialogen()
    return data


@pytest.mark.parametrize(("endring", "melding"), [
    (lambda d: d.update(versjon=2), "versjon: filen har versjon 2 av arkivformatet for styringsdialogen, som denne "
                                    "portalen ikke kjenner; den leser versjon 1."),
    (lambda d: d.update(format="noe.annet"), "format: «noe.annet» er ikke styringsportalen.styringsdialog."),
    (lambda d: d.update(virksomhet="Ukjent etat"), "virksomhet: organisasjonen «Ukjent etat» finnes ikke i portalen."),
    (lambda d: d.update(departement="IMDi"), "departement: «IMDi» er ikke et departement i portalen."),
    (lambda d: d.update(aar=2031), "aar: IMDi har ikke noe tildelingsbrev for 2031 i portalen. Les inn årets "
                                   "tildelingsbrev først"),
    (lambda d: d["moter"][0].update(dato="2024-02-30"), "moter[0].dato: «2024-02-30» er ikke en dato (ÅÅÅÅ-MM-DD)."),
    (lambda d: d["moter"][0].update(dato="02.05.2024"), "moter[0].dato: «02.05.2024» er ikke en dato"),
    (lambda d: d["moter"][0].update(klokkeslett="25:00"), "moter[0].klokkeslett: «25:00» er ikke et klokkeslett"),
    (lambda d: d["moter"][0].update(type="lunsj"), "moter[0].type:"),
    (lambda d: d["moter"][0].update(dagsorden_frist="2024-06-01"),
     "moter[0].dagsorden_frist: fristen for saker til dagsorden må være før møtet."),
    (lambda d: d["moter"][0]["referat"].update(status="utkast"), "moter[0].referat.status: et referat i utkast er "
                                                                 "departementets alene"),
    (lambda d: d["moter"][0]["referat"].update(godkjent_virksomhet=None),
     "moter[0].referat.godkjent_virksomhet: mangler tidspunkt."),
    (lambda d: d["moter"][0]["referat"].update(sendt="2024-05-06 10:00"),
     "moter[0].referat.sendt: «2024-05-06 10:00» er ikke et tidspunkt med tidssone"),
    (lambda d: d["moter"][0]["vedtak"][0].update(oppdrag="2024-99"),
     "moter[0].vedtak[0].oppdrag: oppdrag 2024-99 finnes ikke for IMDi i portalen."),
    (lambda d: d["moter"][0]["vedtak"][1].update(frist=None), "moter[0].vedtak[1].frist: et oppfølgingspunkt må ha "
                                                              "en frist."),
    (lambda d: d["moter"][0]["vedtak"][1].update(nummer=1), "moter[0].vedtak[1].nummer: vedtak 1 står allerede"),
    (lambda d: d["moter"][0]["vedtak"][1].update(ansvarlig="ukjent.person"),
     "moter[0].vedtak[1].ansvarlig: «ukjent.person» står ikke under personer."),
    (lambda d: d["moter"][0].update(kalenderpunkt={"tittel": "Strategimøte", "dato": None}),
     "moter[0].kalenderpunkt: brevets kalender har ikke «Strategimøte»."),
    (lambda d: d["moter"].append(copy.deepcopy(d["moter"][0])), "moter[2]: møtet «Etatsstyringsmøte vår 2024» "
                                                               "02.05.2024 står allerede (moter[0])."),
    (lambda d: d["risikovurderinger"][1]["risikoer"][0].update(sannsynlighet=7),
     "risikovurderinger[1].risikoer[0].sannsynlighet: Velg en verdi fra 1 til 5."),
    (lambda d: d["risikovurderinger"][1]["risikoer"][0].update(rest_konsekvens=0),
     "risikovurderinger[1].risikoer[0].rest_konsekvens: Velg en verdi fra 1 til 5."),
    (lambda d: d["risikovurderinger"][1]["risikoer"][0].update(sannsynlighet="4"),
     "risikovurderinger[1].risikoer[0].sannsynlighet: «4» er ikke et heltall."),
    (lambda d: d["risikovurderinger"][1]["risikoer"][0].update(maal="9"),
     "risikovurderinger[1].risikoer[0].maal: IMDis tildelingsbrev for 2024 har ikke mål 9."),
    (lambda d: d["risikovurderinger"][1]["risikoer"][0]["tiltak"][0].update(status="kanskje"),
     "risikovurderinger[1].risikoer[0].tiltak[0].status:"),
    (lambda d: d["risikovurderinger"][1]["risikoer"][0].update(forrige={"aar": 2023, "periode": "aar", "nummer": 1}),
     "risikovurderinger[1].risikoer[0].forrige: R1 i risikovurderingen for 2023 finnes ikke i filen før denne"),
    (lambda d: d["risikovurderinger"][1].update(periode="halvaar"),
     "risikovurderinger[1].periode: vurderingen for Halvår 2024 står allerede (risikovurderinger[0])."),
    (lambda d: d["riksrevisjonen"][0]["merknad"].update(dato="2023-12-31"),
     "riksrevisjonen[0].merknad.dato: merknaden er datert 31.12.2023; filen gjelder 2024"),
    (lambda d: d["riksrevisjonen"][0].update(status="lukket"),
     "riksrevisjonen[0].status: en lukket merknad har dato for lukking"),
    (lambda d: d["riksrevisjonen"][0]["merknad"].update(alvorlighet="middels"), "riksrevisjonen[0].merknad.alvorlighet: Verdien 'middels' er ikke et gyldig valg. Gyldige verdier: "
                                                                  "svaert_alvorlig, alvorlig, kritikkverdig, merknad."),
    (lambda d: d["risikovurderinger"][0].update(periode="kvartal"), "risikovurderinger[0].periode: Verdien 'kvartal' "
                                                                    "er ikke et gyldig valg. Gyldige verdier: halvaar, aar."),
    (lambda d: d["fellesforinger"][0].update(nokkel="finnes-ikke"),
     "fellesforinger[0].nokkel: IMDis tildelingsbrev for 2024 har ingen fellesføring «finnes-ikke»."),
    (lambda d: d["fellesforinger"][2].update(svar="Svar", tall=[{"nokkel": "finnes-ikke", "navn": "X", "enhet": "antall",
                                                                 "verdi": "1"}]),
     "fellesforinger[2].tall[0].nokkel: fellesføringen «redusere-konsulentbruken» ber ikke om tallet «finnes-ikke»."),
    (lambda d: d["fellesforinger"][2].update(svar=None, tall=[{"nokkel": "x", "navn": "X", "enhet": "antall",
                                                               "verdi": "1"}]),
     "fellesforinger[2].tall: tall uten svar; årsrapporten er ikke sendt (svar er null)."),
    (lambda d: d["fellesforinger"][2].update(svar="Svar", tall=[{"nokkel": "x", "navn": "X", "enhet": "kroner",
                                                                 "verdi": "-5"}]),
     "fellesforinger[2].tall[0].verdi: tallet kan ikke være negativt (-5)."),
    (lambda d: d["moter"][0].update(varighet=2), "moter[0].varighet: ukjent felt."),
    (lambda d: d["moter"][0]["referat"].update(tekst="a\x00b"), "moter[0].referat.tekst: teksten inneholder et NUL"),
])
def test_a_bad_file_is_refused_with_its_path_and_nothing_is_saved(fil, endring, melding):
    data = copy.deepcopy(fil)
    endring(data)
    foer = _tell()
    feil = _feil(data)
    assert any(f.startswith(melding) for f in feil), feil
    assert _tell() == foer


def test_unknown_people_are_refused_unless_the_import_may_create_them(fil):
    data = copy.deepcopy(fil)
    for p in data["personer"]:
        if p["brukernavn"] == "imdi.oppdrag":
            p["brukernavn"] = "ny.person"
    for v in data["risikovurderinger"]:
        for r in v["risikoer"]:
            for t in r["tiltak"]:
                if t["ansvarlig"] == "imdi.oppdrag":
                    t["ansvarlig"] = "ny.person"
    for t in data["riksrevisjonen"][0]["tiltak"]:
        if t["ansvarlig"] == "imdi.oppdrag":
            t["ansvarlig"] = "ny.person"
    foer = _tell()
    assert any("brukeren «ny.person» finnes ikke i portalen" in f for f in _feil(data))
    assert _tell() == foer
    r = import_styringsdialog(data, opprett_brukere=True)
    assert r.brukere_opprettet == ["ny.person"]
    ny = User.objects.get(username="ny.person")
    assert (ny.get_full_name(), ny.organisasjon.kortnavn, ny.is_active, ny.rolle) == (
        "Ola Oppdragsansvarlig", "IMDi", False, "")


def test_a_second_import_of_the_same_year_is_refused(fil):
    import_styringsdialog(copy.deepcopy(fil))
    foer = _tell()
    feil = _feil(copy.deepcopy(fil))
    assert "moter[0]: møtet «Etatsstyringsmøte vår 2024» 02.05.2024 finnes allerede i portalen." in feil
    assert "risikovurderinger[0].periode: IMDi har allerede en risikovurdering for Halvår 2024 i portalen." in feil
    assert any(f.startswith("riksrevisjonen[0].svarbrev[0].fil: filen «riksrevisjonen/IMDi/") for f in feil)
    assert _tell() == foer


def test_commands_name_what_is_wrong(tmp_path):
    last_demo()
    with pytest.raises(CommandError, match="Fant ikke noe tildelingsbrev for IMDi i 1999"):
        _export_cmd(1999)
    sti = tmp_path / "dialog.json"
    sti.write_text("{\"format\": ", encoding="utf-8")
    with pytest.raises(CommandError, match="ikke gyldig JSON.*Ingenting er lagret"):
        call_command("import_styringsdialog", str(sti), stdout=StringIO())
    sti.write_text(json.dumps({"format": "styringsportalen.styringsdialog", "versjon": 9, "virksomhet": "IMDi",
                               "departement": "AID", "aar": 2024}),
                   encoding="utf-8")
    with pytest.raises(CommandError, match="ingenting er lagret:\n  versjon: filen har versjon 9"):
        call_command("import_styringsdialog", str(sti), stdout=StringIO())


def test_export_queries_do_not_grow_with_the_dialog(django_assert_num_queries):
    last_demo()
    brev = _brev()
    with django_assert_num_queries(17):
        export_styringsdialog(brev)
    dep = User.objects.get(username="dep.redaktor")
    kontakt = User.objects.get(username="imdi.kontakt")
    for n in range(3):
        mote = Mote.objects.create(tildelingsbrev=brev, type="fagmote", tittel=f"Fagmøte {n}",
                                   dato=datetime(2024, 11, 1 + n).date())
        mote_services.deltaker_legg_til(mote=mote, acting_user=dep, side="departement", bruker=dep)
        mote_services.deltaker_legg_til(mote=mote, acting_user=dep, side="virksomhet", navn="Gjest uten innlogging")
        mote_services.sak_foreslaa(mote=mote, acting_user=kontakt, tittel=f"Sak {n}", idag=datetime(2024, 10, 1).date())
        mote_services.referat_start(mote=mote, acting_user=dep)
        mote_services.vedtak_lagre(vedtak=Vedtak(mote=mote, art=Vedtak.Art.OPPFOLGING, tittel=f"Punkt {n}",
                                                 ansvarlig=kontakt, frist=datetime(2025, 1, 1).date()),
                                   acting_user=dep)
        mote_services.referat_send(mote=mote, acting_user=dep)
        mote_services.referat_merknad(mote=mote, acting_user=kontakt, tekst="Merknad")
    with django_assert_num_queries(17):
        data = export_styringsdialog(brev)
    assert len(data["moter"]) == 5 and data["moter"][4]["vedtak"][0]["tittel"] == "Punkt 2"


def test_answers_of_a_sent_report_are_checked_on_import_and_said_not_written(tmp_path):
    last_demo()
    rapport = Rapport.objects.get(virksomhet__kortnavn="IMDi", type="aarsrapport", rapport_aar=2024)
    Rapport.objects.filter(pk=rapport.pk).update(status="sendt", sendt=datetime(2025, 3, 14, tzinfo=UTC),
                                                 sendt_av=User.objects.get(username="imdi.leder"))
    data = export_styringsdialog(_brev())
    besvart = [f for f in data["fellesforinger"] if f["svar"] is not None]
    assert len(besvart) == 3 and any(f["tall"] for f in besvart)
    svar_foer = list(Fellesforingssvar.objects.values_list("pk", "tekst"))
    _fjern_dialogen()
    sti = tmp_path / "dialog.json"
    sti.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("import_styringsdialog", str(sti), stdout=out)
    assert ("Merk: fellesforinger: 3 svar fra årsrapporten er kontrollert mot brevets fellesføringer, men ikke lest "
            "inn (årsrapporten er ikke en del av arkivformatet).") in out.getvalue()
    assert list(Fellesforingssvar.objects.values_list("pk", "tekst")) == svar_foer
