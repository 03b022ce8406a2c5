"""Prefill, locking and the workflow through the services."""

from decimal import Decimal

import pytest

from rapportering import services
from rapportering.models import DELER, Rapport, RapportStatus
from rapportering.services import Postverdier, RapportFeil, Resultat

pytestmark = pytest.mark.django_db

AARSRAPPORT_DELER = [
    "I Leders beretning",
    "II Introduksjon til virksomheten og hovedtall",
    "III Årets aktiviteter og resultater",
    "IV Styring og kontroll i virksomheten",
    "V Vurdering av framtidsutsikter",
    "VI Årsregnskap",
]


def test_prefill_takes_the_follow_up_as_of_the_telletidspunkt(oppsett):
    halvaar = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    aar = services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)

    def status(rapport, oppdrag):
        o = rapport.oppdragsstatuser.get(oppdrag=oppdrag)
        return o.status, o.risiko, o.vurdering

    # The update about 15.07 is after 30.06: the half-year report shows the state of 01.06.
    assert status(halvaar, oppsett.oppdrag_fulgt) == ("paagaar", "gul", "Noe forsinket.")
    assert status(aar, oppsett.oppdrag_fulgt) == ("levert", "gronn", "Levert.")
    assert status(halvaar, oppsett.oppdrag_uten) == ("ikke_startet", "", "")
    assert halvaar.oppdragsstatuser.get(oppdrag=oppsett.oppdrag_uten).status_tekst == "Ikke startet"


def test_prefill_parameters_posts_and_parts(oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    resultater = {r.styringsparameter.kode: r for r in rapport.parameterresultater.all()}
    # No parameter in the letter is marked for the half-year report, so all are taken.
    assert set(resultater) == {"SP 1", "SP 2"}
    assert resultater["SP 1"].numerisk is True
    assert resultater["SP 2"].numerisk is False
    assert all(r.mangler for r in resultater.values())
    assert [d.kode for d in rapport.deler.all()] == [d.kode for d in DELER["halvaarsrapport"]]
    assert [d.tittel for d in rapport.deler.all()][:2] == ["Avvik fra mål og styringsparametere",
                                                         "Risiko for manglende måloppnåelse"]
    post = rapport.postrapporter.get()
    # 37 510 000 + the tillegg sent 01.05 (1 mill.); not the one of 01.09, nor the unsent draft.
    assert post.tildelt_kr == 38_510_000
    aar = services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    assert aar.postrapporter.get().tildelt_kr == 43_510_000


def test_flagged_parameters_limit_the_half_year_report(oppsett):
    oppsett.sp_tekst.i_halvaarsrapport = True
    oppsett.sp_tekst.save()
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    assert [r.styringsparameter.kode for r in rapport.parameterresultater.all()] == ["SP 2"]


def test_aarsrapport_has_exactly_the_six_parts_in_order(oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    assert [d.tittel for d in rapport.deler.all()] == AARSRAPPORT_DELER


def test_one_report_per_period_and_only_agency_staff_create(oppsett):
    with pytest.raises(RapportFeil, match="Bare virksomhetens egne"):
        services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.dep)
    with pytest.raises(RapportFeil, match="Bare virksomhetens egne"):
        services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.annen_virksomhet)
    services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    with pytest.raises(RapportFeil, match="finnes allerede"):
        services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.leder)
    assert Rapport.objects.count() == 1


def test_ingenting_aa_rapportere_is_not_missing_and_excludes_a_result(oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    sp1 = rapport.parameterresultater.get(styringsparameter=oppsett.sp_tall)
    services.rapport_lagre_parametere(rapport=rapport, user=oppsett.kontakt,
                                      resultater={sp1.pk: Resultat(ingenting_aa_rapportere=True)})
    sp1.refresh_from_db()
    assert sp1.ingenting_aa_rapportere and not sp1.mangler
    sp2 = rapport.parameterresultater.get(styringsparameter=oppsett.sp_tekst)
    assert sp2.mangler
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.rapport_lagre_parametere(rapport=rapport, user=oppsett.kontakt, resultater={
            sp1.pk: Resultat(resultat_tall=Decimal("12.5"), ingenting_aa_rapportere=True)})
    sp1.refresh_from_db()
    assert sp1.resultat_tall is None


def test_deviation_is_allocation_less_spent_and_forecast(oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    post = rapport.postrapporter.get()
    assert post.avvik_kr is None and post.mangler
    services.rapport_lagre_poster(rapport=rapport, user=oppsett.kontakt, verdier={
        post.pk: Postverdier(forbruk_kr=20_000_000, prognose_kr=15_500_000)})
    post.refresh_from_db()
    assert post.avvik_kr == 38_510_000 - 20_000_000 - 15_500_000
    with pytest.raises(RapportFeil, match="negativt"):
        services.rapport_lagre_poster(rapport=rapport, user=oppsett.kontakt, verdier={
            post.pk: Postverdier(forbruk_kr=-1, prognose_kr=0)})


def test_a_sent_report_is_locked_for_every_write(oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    services.rapport_send(rapport=rapport, user=oppsett.leder)
    resultat = rapport.parameterresultater.first()
    post = rapport.postrapporter.get()
    oppdrag = rapport.oppdragsstatuser.first()
    # The caller's stale object still says "utkast"; the service re-reads the stored state.
    assert rapport.status == RapportStatus.UTKAST
    skriv = [
        lambda: services.rapport_lagre_deler(rapport=rapport, tekster={"avvik": "Endret"}, user=oppsett.kontakt),
        lambda: services.rapport_lagre_parametere(rapport=rapport, user=oppsett.kontakt,
                                                  resultater={resultat.pk: Resultat(vurdering="x")}),
        lambda: services.rapport_lagre_oppdrag(rapport=rapport, kommentarer={oppdrag.pk: "x"}, user=oppsett.kontakt),
        lambda: services.rapport_lagre_poster(rapport=rapport, user=oppsett.kontakt,
                                              verdier={post.pk: Postverdier(forbruk_kr=1, prognose_kr=1)}),
        lambda: services.rapport_send(rapport=rapport, user=oppsett.leder),
    ]
    for write in skriv:
        with pytest.raises(RapportFeil, match="sendt"):
            write()
    assert rapport.deler.get(kode="avvik").tekst == ""


def test_only_the_leader_submits_and_history_records_who(oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    with pytest.raises(RapportFeil, match="leder"):
        services.rapport_send(rapport=rapport, user=oppsett.kontakt)
    with pytest.raises(RapportFeil):
        services.rapport_send(rapport=rapport, user=oppsett.dep)
    rapport.refresh_from_db()
    assert rapport.status == RapportStatus.UTKAST
    services.rapport_send(rapport=rapport, user=oppsett.leder)
    rapport.refresh_from_db()
    assert (rapport.status, rapport.sendt_av) == (RapportStatus.SENDT, oppsett.leder)
    assert rapport.history.first().history_user == oppsett.leder
    assert rapport.history.last().history_user == oppsett.kontakt


def test_ministry_receives_and_comments_on_any_item(oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    with pytest.raises(RapportFeil):
        services.rapport_kommenter(rapport=rapport, tekst="For tidlig", user=oppsett.dep)
    services.rapport_send(rapport=rapport, user=oppsett.leder)
    with pytest.raises(RapportFeil):
        services.rapport_motta(rapport=rapport, user=oppsett.annet_dep)
    services.rapport_motta(rapport=rapport, user=oppsett.dep)
    for art, element in (("del", rapport.deler.first()), ("parameter", rapport.parameterresultater.first()),
                         ("oppdrag", rapport.oppdragsstatuser.first()), ("post", rapport.postrapporter.first()),
                         (None, None)):
        k = services.rapport_kommenter(rapport=rapport, tekst=f"Om {art}", user=oppsett.dep, art=art,
                                       element_id=element.pk if element else None)
        assert k.history.first().history_user == oppsett.dep
    assert rapport.kommentarer.count() == 5
    with pytest.raises(RapportFeil):
        services.rapport_kommenter(rapport=rapport, tekst="Fra virksomheten", user=oppsett.leder)
    annen = services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    with pytest.raises(RapportFeil, match="hører ikke til"):
        services.rapport_kommenter(rapport=rapport, tekst="Feil rapport", user=oppsett.dep, art="post",
                                   element_id=annen.postrapporter.get().pk)
