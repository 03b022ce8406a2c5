"""The letter's fellesføringer as items of the årsrapport: prefill, the agency's answers and numbers,
the comparison with earlier years and the baseline, and who sees which earlier years."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapportering import services
from rapportering.models import Fellesforingssvar, Rapport, Tallsvar
from rapportering.services import Fellesforingsverdier, RapportFeil, RapportKonflikt
from styring.models import Fellesforing, Tallfelt
from tests.factories import RapporteringspunktFactory, TildelingsbrevFactory
from tests.rapportering.conftest import bygg_oppsett
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db

#: A number only the agency's 2022 draft holds: never shown to the ministry.
MARKOR_UTKAST = Decimal("918273")
#: A text only the 2024 draft's answer holds.
MARKOR_TEKST = "MARKØR-fellesføring-utkast-7f3a"


def _tekst(response) -> str:
    """The page's text as read: tags left out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).replace("\xa0", " ").split())


def _fellesforinger(brev, *, tittel_konsulent="Redusere konsulentbruken") -> dict:
    """Two fellesføringer as IMDi's 2024 letter has them: hires against the 2020–2021 average, and
    consultants in kroner (total and communication consultants)."""
    ansatt = Fellesforing.objects.create(tildelingsbrev=brev, tittel="Ansettelser av personer med funksjonsnedsettelse",
                                         rapportering="Oppgi antallet ansettelser.", rekkefolge=0)
    konsulent = Fellesforing.objects.create(tildelingsbrev=brev, tittel=tittel_konsulent, rekkefolge=1,
                                            rapportering="Oppgi totalbeløp for kjøp av konsulenttjenester.")
    return {
        "ansatt": ansatt, "konsulent": konsulent,
        "ansettelser": Tallfelt.objects.create(fellesforing=ansatt, navn="Ansettelser", enhet="antall",
                                               grunnlag_tekst="gjennomsnitt for 2020 og 2021", grunnlag_fra_aar=2020,
                                               grunnlag_til_aar=2021),
        "totalt": Tallfelt.objects.create(fellesforing=konsulent, navn="Konsulenttjenester totalt", enhet="kroner",
                                          grunnlag_verdi=Decimal("10000000"), rekkefolge=0),
        "kommunikasjon": Tallfelt.objects.create(fellesforing=konsulent, navn="Kommunikasjonsrådgivning",
                                                 enhet="kroner", rekkefolge=1),
    }


def _tidligere_aar(o, aar: int, verdier: dict[str, Decimal], *, send: bool) -> Rapport:
    """The agency's årsrapport for ``aar`` on its own letter with the same fellesføringer, filled in."""
    brev = TildelingsbrevFactory(virksomhet=o.brev.virksomhet, departement=o.brev.departement, aar=aar,
                                 sendt_brev=True)
    # A different title that year: the key is what matches ("Redusere konsulentbruken i 2021" → same key).
    _fellesforinger(brev, tittel_konsulent=f"Redusere konsulentbruken {aar}")
    punkt = RapporteringspunktFactory(tildelingsbrev=brev, rapport_aar=aar, telletidspunkt=date(aar, 12, 31),
                                      frist=date(aar + 1, 3, 15))
    rapport = services.rapport_opprett(punkt=punkt, user=o.kontakt)
    svar = {}
    for s in rapport.fellesforingssvar.all():
        svar[s.pk] = Fellesforingsverdier(tekst=f"Svar {aar}", tall={
            t.pk: verdier.get(t.tallfelt.nokkel) for t in s.tall.select_related("tallfelt")})
    services.rapport_lagre_fellesforinger(rapport=rapport, svar=svar, user=o.kontakt)
    if send:
        services.rapport_send(rapport=rapport, user=o.leder)
    return rapport


@pytest.fixture
def oppsett(db):
    o = bygg_oppsett()
    o.ff = _fellesforinger(o.brev)
    return o


def _opprett(o) -> Rapport:
    return services.rapport_opprett(punkt=o.punkt_aar, user=o.kontakt)


def test_the_aarsrapport_is_prefilled_with_each_fellesforing_and_its_numbers(oppsett):
    rapport = _opprett(oppsett)
    svar = list(rapport.fellesforingssvar.order_by("rekkefolge"))
    assert [s.fellesforing.tittel for s in svar] == ["Ansettelser av personer med funksjonsnedsettelse",
                                                     "Redusere konsulentbruken"]
    assert [t.tallfelt.navn for t in svar[1].tall.order_by("rekkefolge")] == ["Konsulenttjenester totalt",
                                                                            "Kommunikasjonsrådgivning"]
    assert all(t.verdi is None for t in Tallsvar.objects.all())
    # The halvårsrapport has no fellesføringer.
    halvaar = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    assert not halvaar.fellesforingssvar.exists()
    # The stable keys: from the title and the name, without years and æøå.
    assert oppsett.ff["konsulent"].nokkel == "redusere-konsulentbruken"
    assert oppsett.ff["kommunikasjon"].nokkel == "kommunikasjonsraadgivning"


def test_a_draft_gets_what_the_letter_added_later_and_keeps_what_was_written(oppsett):
    rapport = _opprett(oppsett)
    s = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["konsulent"])
    services.rapport_lagre_fellesforinger(rapport=rapport, user=oppsett.kontakt,
                                          svar={s.pk: Fellesforingsverdier(tekst="Skrevet før.")})
    ny = Fellesforing.objects.create(tildelingsbrev=oppsett.brev, tittel="Klima og energi", rekkefolge=2)
    Tallfelt.objects.create(fellesforing=oppsett.ff["konsulent"], navn="Fra andre statlige leverandører",
                            enhet="kroner", rekkefolge=2)
    assert services.rapport_suppler_fellesforinger(rapport=rapport, user=oppsett.kontakt) == 2
    assert services.rapport_suppler_fellesforinger(rapport=rapport, user=oppsett.kontakt) == 0
    assert rapport.fellesforingssvar.filter(fellesforing=ny).exists()
    s.refresh_from_db()
    assert s.tekst == "Skrevet før." and s.tall.count() == 3
    # Not for the ministry, and not once sent.
    with pytest.raises(RapportFeil):
        services.rapport_suppler_fellesforinger(rapport=rapport, user=oppsett.dep)


def test_the_agency_answers_and_the_numbers_stand_beside_the_baseline(client, oppsett):
    rapport = _opprett(oppsett)
    client.force_login(oppsett.kontakt)
    url = reverse("rapportering:rediger", args=[rapport.pk, "fellesforinger"])
    data = skjemadata(client.get(url))
    a = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["ansatt"])
    k = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["konsulent"])
    t_ans = a.tall.get()
    t_tot, t_kom = k.tall.order_by("rekkefolge")
    data.update({f"f{a.pk}-tekst": "Vi ansatte flere enn før.", f"f{a.pk}-t{t_ans.pk}": "7",
                 f"f{k.pk}-tekst": "Konsulentbruken gikk ned.", f"f{k.pk}-t{t_tot.pk}": "8,5 mill.",
                 f"f{k.pk}-t{t_kom.pk}": "250 000"})
    response = client.post(url, data)
    assert response.status_code == 302, _tekst(response)
    t_tot.refresh_from_db()
    t_kom.refresh_from_db()
    assert t_tot.verdi == Decimal("8500000") and t_kom.verdi == Decimal("250000")
    side = _tekst(client.get(reverse("rapportering:detalj", args=[rapport.pk])))
    assert "Fellesføringer i tildelingsbrevet" in side and "Vi ansatte flere enn før." in side
    assert "8 500 000 kr" in side and "10 000 000 kr" in side and "−1 500 000 kr" in side
    # No årsrapport for 2020 and 2021 in the portal: the baseline says what it lacks.
    assert "beregnes av årsrapportene for 2020 og 2021, mangler tall for 2020, 2021" in side
    # The history shows the answers as their own part.
    historikk = _tekst(client.get(reverse("rapportering:historikk", args=[rapport.pk])))
    assert "Konsulentbruken gikk ned." in historikk


def test_bad_numbers_are_refused_in_norwegian_and_nothing_is_saved(client, oppsett):
    rapport = _opprett(oppsett)
    client.force_login(oppsett.kontakt)
    url = reverse("rapportering:rediger", args=[rapport.pk, "fellesforinger"])
    a = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["ansatt"])
    k = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["konsulent"])
    t_ans, t_tot = a.tall.get(), k.tall.order_by("rekkefolge").first()
    for feil, felt, melding in (("mange", f"f{a.pk}-t{t_ans.pk}", "«mange» er ikke et tall"),
                                ("-3", f"f{a.pk}-t{t_ans.pk}", "kan ikke være negativt"),
                                ("1,234", f"f{a.pk}-t{t_ans.pk}", "høyst to desimaler"),
                                ("ti kroner", f"f{k.pk}-t{t_tot.pk}", "")):
        data = skjemadata(client.get(url))
        data.update({f"f{k.pk}-tekst": "Lagres ikke.", felt: feil})
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Ingenting er lagret" in _tekst(response) and melding in _tekst(response)
    assert not Fellesforingssvar.objects.exclude(tekst="").exists()
    assert not Tallsvar.objects.filter(verdi__isnull=False).exists()
    # The service refuses a negative number and a number of another answer, too.
    with pytest.raises(RapportFeil, match="negativt"):
        services.rapport_lagre_fellesforinger(rapport=rapport, user=oppsett.kontakt, svar={
            a.pk: Fellesforingsverdier(tall={t_ans.pk: Decimal(-1)})})
    with pytest.raises(RapportFeil, match="hører ikke til"):
        services.rapport_lagre_fellesforinger(rapport=rapport, user=oppsett.kontakt, svar={
            a.pk: Fellesforingsverdier(tall={t_tot.pk: Decimal(1)})})


def test_a_number_saved_by_someone_else_since_the_page_was_opened_is_not_overwritten(client, oppsett):
    rapport = _opprett(oppsett)
    client.force_login(oppsett.kontakt)
    url = reverse("rapportering:rediger", args=[rapport.pk, "fellesforinger"])
    a = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["ansatt"])
    t = a.tall.get()
    apnet = skjemadata(client.get(url))
    services.rapport_lagre_fellesforinger(rapport=rapport, user=oppsett.leder, svar={
        a.pk: Fellesforingsverdier(tall={t.pk: Decimal(5)})}, versjoner=None)
    apnet[f"f{a.pk}-t{t.pk}"] = "9"
    response = client.post(url, apnet)
    assert response.status_code == 200 and "Ingenting er lagret" in _tekst(response)
    t.refresh_from_db()
    assert t.verdi == Decimal(5)
    # Someone else's number in another field does not stop a save of the text.
    apnet = skjemadata(client.get(url))
    services.rapport_lagre_fellesforinger(rapport=rapport, user=oppsett.leder, svar={
        a.pk: Fellesforingsverdier(tall={t.pk: Decimal(6)})})
    apnet[f"f{a.pk}-tekst"] = "Bare teksten."
    with pytest.raises(RapportKonflikt):  # the service itself, given the page's versions
        services.rapport_lagre_fellesforinger(rapport=rapport, user=oppsett.kontakt, svar={
            a.pk: Fellesforingsverdier(tekst="x", tall={t.pk: Decimal(1)})},
            versjoner={f"f{a.pk}": apnet[f"f{a.pk}-versjon"], f"t{t.pk}": apnet[f"f{a.pk}-versjon_t{t.pk}"]})
    assert client.post(url, apnet).status_code == 302
    a.refresh_from_db()
    t.refresh_from_db()
    assert a.tekst == "Bare teksten." and t.verdi == Decimal(6)


def test_earlier_years_and_the_computed_baseline_follow_who_reads(client, oppsett):
    """The agency sees its own earlier årsrapporter, drafts too; the ministry only those sent."""
    _tidligere_aar(oppsett, 2020, {"ansettelser": Decimal(4)}, send=True)
    _tidligere_aar(oppsett, 2021, {"ansettelser": Decimal(7)}, send=True)
    _tidligere_aar(oppsett, 2022, {"ansettelser": MARKOR_UTKAST, "konsulenttjenester-totalt": MARKOR_UTKAST},
                   send=False)
    _tidligere_aar(oppsett, 2023, {"ansettelser": Decimal(6), "konsulenttjenester-totalt": Decimal(12_000_000)},
                   send=True)
    rapport = _opprett(oppsett)
    a = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["ansatt"])
    k = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["konsulent"])
    services.rapport_lagre_fellesforinger(rapport=rapport, user=oppsett.kontakt, svar={
        a.pk: Fellesforingsverdier(tekst=MARKOR_TEKST, tall={a.tall.get().pk: Decimal(8)}),
        k.pk: Fellesforingsverdier(tekst="Ned.", tall={k.tall.order_by("rekkefolge").first().pk: Decimal(9_000_000)})})
    url = reverse("rapportering:detalj", args=[rapport.pk])

    client.force_login(oppsett.kontakt)
    side = _tekst(client.get(url))
    # Baseline = average of the 2020 and 2021 årsrapporter: (4 + 7) / 2 = 5,5; 8 − 5,5 = +2,5.
    assert "5,5 (gjennomsnitt for 2020 og 2021; beregnet av årsrapportene for 2020 og 2021)" in side and "+2,5" in side
    assert "2023: 6" in side and "(endring +2)" in side and "2023: 12 000 000 kr" in side
    assert "918 273" in side  # the agency's own 2022 draft counts for the agency

    # The ministry: no draft; once sent, only sent earlier years, and never the 2022 draft's numbers.
    client.force_login(oppsett.dep)
    assert client.get(url).status_code == 404
    services.rapport_send(rapport=rapport, user=oppsett.leder)
    side = _tekst(client.get(url))
    assert "2023: 12 000 000 kr" in side and "beregnet av årsrapportene for 2020 og 2021)" in side
    assert "918 273" not in side and "2022" not in side
    # The PDF (anyone entitled may fetch it): only sent reports count.
    from rapportering.pdf import bygg_rapport

    html = bygg_rapport(rapport).html.replace("\xa0", " ")
    assert "918 273" not in html and "12 000 000 kr" in html and MARKOR_TEKST in html


def test_the_draft_answer_is_the_agencys_alone(client, oppsett):
    rapport = _opprett(oppsett)
    a = rapport.fellesforingssvar.get(fellesforing=oppsett.ff["ansatt"])
    services.rapport_lagre_fellesforinger(rapport=rapport, user=oppsett.kontakt,
                                          svar={a.pk: Fellesforingsverdier(tekst=MARKOR_TEKST)})
    detalj = reverse("rapportering:detalj", args=[rapport.pk])
    rediger = reverse("rapportering:rediger", args=[rapport.pk, "fellesforinger"])
    for user in (oppsett.dep, oppsett.annet_dep, oppsett.annen_virksomhet, oppsett.observator):
        client.force_login(user)
        for url in (detalj, rediger):
            response = client.get(url)
            assert response.status_code == 404 and MARKOR_TEKST not in _tekst(response)
        assert client.post(rediger, {f"f{a.pk}-tekst": "Overskrevet"}).status_code == 404
    a.refresh_from_db()
    assert a.tekst == MARKOR_TEKST
    # Sent: the ministry reads it but may not write; the agency may no longer either.
    services.rapport_send(rapport=rapport, user=oppsett.leder)
    client.force_login(oppsett.dep)
    assert MARKOR_TEKST in _tekst(client.get(detalj))
    assert client.post(rediger, {f"f{a.pk}-tekst": "Overskrevet"}).status_code == 403
    client.force_login(oppsett.kontakt)
    assert client.post(rediger, {f"f{a.pk}-tekst": "Overskrevet"}).status_code == 403
    client.force_login(oppsett.annet_dep)
    assert client.get(detalj).status_code == 404
    a.refresh_from_db()
    assert a.tekst == MARKOR_TEKST


def test_the_halvaarsrapport_offers_no_fellesforinger(client, oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    client.force_login(oppsett.kontakt)
    assert client.get(reverse("rapportering:rediger", args=[rapport.pk, "fellesforinger"])).status_code == 404
    assert "Rediger: Fellesføringer" not in _tekst(client.get(reverse("rapportering:detalj", args=[rapport.pk])))


def test_report_page_queries_do_not_grow_with_fellesforinger_and_earlier_years(client, django_assert_num_queries):
    """The agency's draft page with 1 and with 12 fellesføringer of 3 numbers each, and earlier years
    to compare with, costs exactly two queries more than the page of an årsrapport whose letter has
    none (which prefetches the empty answers once): the numbers, and the earlier years. Pinned
    relative to that page so that other sections' queries do not move this pin."""
    uten = None
    for n in (0, 1, 12):
        o = bygg_oppsett()
        for aar in (2020, 2021, 2023):
            brev = TildelingsbrevFactory(virksomhet=o.brev.virksomhet, departement=o.brev.departement, aar=aar,
                                         sendt_brev=True)
            for i in range(n):
                Tallfelt.objects.create(fellesforing=Fellesforing.objects.create(
                    tildelingsbrev=brev, tittel=f"Fellesføring {i}", rekkefolge=i), navn="Tall 0", enhet="antall")
            punkt = RapporteringspunktFactory(tildelingsbrev=brev, rapport_aar=aar, telletidspunkt=date(aar, 12, 31),
                                              frist=date(aar + 1, 3, 15))
            r = services.rapport_opprett(punkt=punkt, user=o.kontakt)
            services.rapport_lagre_fellesforinger(rapport=r, user=o.kontakt, svar={
                s.pk: Fellesforingsverdier(tall={t.pk: Decimal(aar - 2000) for t in s.tall.all()})
                for s in r.fellesforingssvar.all()})
        for i in range(n):
            f = Fellesforing.objects.create(tildelingsbrev=o.brev, tittel=f"Fellesføring {i}", rekkefolge=i)
            for j in range(3):
                Tallfelt.objects.create(fellesforing=f, navn=f"Tall {j}", enhet="antall", rekkefolge=j,
                                        grunnlag_fra_aar=2020, grunnlag_til_aar=2021)
        rapport = services.rapport_opprett(punkt=o.punkt_aar, user=o.kontakt)
        assert Tallsvar.objects.filter(svar__rapport=rapport).count() == 3 * n
        client.force_login(o.kontakt)
        url = reverse("rapportering:detalj", args=[rapport.pk])
        client.get(url)
        if n == 0:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            uten = len(ctx.captured_queries)
            continue
        with django_assert_num_queries(uten + 2):
            response = client.get(url)
        # The earlier years are there: 20 and 21 average to 20,5 for every "Tall 0".
        assert _tekst(response).count("2023: 23") == n and _tekst(response).count("20,5 (beregnet") == n
