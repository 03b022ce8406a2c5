"""Risk assessments: who sees and changes what, carrying forward with the trend, sharing, the SVG
matrix and its table, the report's risk part, and the measures' reminders."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client

from brukere.models import Rolle
from risiko import services
from risiko.matrise import FARGE, risikomatrise
from risiko.models import Nivaa, Risikovurdering, nivaa
from tests.factories import (
    DepartementFactory,
    MaalFactory,
    ObservatorFactory,
    TildelingsbrevFactory,
    UserFactory,
    VirksomhetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def v():
    dep = DepartementFactory(kortnavn="DEPA")
    dep2 = DepartementFactory(kortnavn="DEPB")
    virk = VirksomhetFactory(kortnavn="VIRKA")
    virk2 = VirksomhetFactory(kortnavn="VIRKB")
    brev = TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2024, sendt_brev=True)
    TildelingsbrevFactory(virksomhet=virk2, departement=dep2, aar=2024, sendt_brev=True)

    class V:
        pass

    w = V()
    w.dep, w.virk, w.brev = dep, virk, brev
    w.maal = MaalFactory(tildelingsbrev=brev, nummer=4, tittel="Bosettingen er rask")
    w.leder = UserFactory(username="leder", organisasjon=virk, rolle=Rolle.VIRKSOMHET_LEDER, email="leder@a.no")
    w.oppdragseier = UserFactory(username="eier", organisasjon=virk, rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER,
                                 email="eier@a.no")
    w.redaktor = UserFactory(username="red", organisasjon=dep, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    w.annet_dep = UserFactory(username="red2", organisasjon=dep2, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    w.annen_virk = UserFactory(username="leder2", organisasjon=virk2, rolle=Rolle.VIRKSOMHET_LEDER)
    w.observator = UserFactory(username="obs", organisasjon=ObservatorFactory(), rolle=Rolle.OBSERVATOR)
    return w


def _risiko(vurdering, user, tittel="Færre bosettingsplasser", s=4, k=5, rs=3, rk=4, **kw):
    return services.risiko_lagre(vurdering=vurdering, acting_user=user, tittel=tittel, sannsynlighet=s,
                                 konsekvens=k, rest_sannsynlighet=rs, rest_konsekvens=rk,
                                 akseptabel=kw.pop("akseptabel", True), **kw)


def test_tiltakets_ansvarlige_er_i_virksomheten_og_tiltaket_hoerer_til_risikoen(v):
    vurdering = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="halvaar",
                                           acting_user=v.leder)
    a, b = _risiko(vurdering, v.leder, tittel="A"), _risiko(vurdering, v.leder, tittel="B")
    with pytest.raises(ValidationError, match="Velg en person i virksomheten"):
        services.tiltak_lagre(risiko=a, acting_user=v.leder, tekst="Dialog med KS", ansvarlig=v.annen_virk)
    assert not a.tiltak.exists()
    forste = services.tiltak_lagre(risiko=a, acting_user=v.leder, tekst="Dialog med KS", ansvarlig=v.oppdragseier)
    andre = services.tiltak_lagre(risiko=a, acting_user=v.leder, tekst="Ny rutine")
    assert (forste.rekkefolge, andre.rekkefolge) == (1, 2)
    assert services.tiltak_lagre(risiko=b, acting_user=v.leder, tekst="Eget tiltak").rekkefolge == 1
    with pytest.raises(PermissionDenied, match="annen risiko"):
        services.tiltak_lagre(risiko=b, tiltak=forste, acting_user=v.leder, tekst="Flyttet")
    forste.refresh_from_db()
    assert forste.tekst == "Dialog med KS" and forste.risiko_id == a.pk


def test_utkast_er_virksomhetens_alene_til_det_deles(v):
    vurdering = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="halvaar",
                                           acting_user=v.leder)
    assert vurdering.departement == v.dep and vurdering.gjelder_per == date(2024, 6, 30)
    assert vurdering.periode == "Halvår 2024"
    r = _risiko(vurdering, v.leder, maal=v.maal)
    services.tiltak_lagre(risiko=r, acting_user=v.leder, tekst="Dialog med KS", ansvarlig=v.oppdragseier,
                          frist=date(2024, 9, 30), status="paagaar")

    def synlig(user):
        return Risikovurdering.objects.for_user(user).filter(pk=vurdering.pk).exists()

    assert synlig(v.leder) and synlig(v.oppdragseier)
    assert not any(synlig(u) for u in (v.redaktor, v.annet_dep, v.annen_virk, v.observator))

    services.vurdering_del(vurdering=vurdering, acting_user=v.leder)
    # Shared: the ministry and observers (Riksrevisjonen) read it; it is in the reports they read too.
    assert synlig(v.redaktor) and synlig(v.observator)
    assert not any(synlig(u) for u in (v.annet_dep, v.annen_virk))
    assert not services.kan_skrive(v.observator, vurdering)
    # Shared: locked for everyone, the agency included.
    with pytest.raises(ValidationError, match="delt med departementet"):
        _risiko(vurdering, v.leder, tittel="For sent")
    with pytest.raises(ValidationError):
        services.vurdering_oppdater(vurdering=vurdering, sammendrag="Endret", acting_user=v.leder)
    assert vurdering.risikoer.count() == 1


def test_andre_kan_ikke_skrive_og_bare_leder_eller_kontakt_deler(v):
    vurdering = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    for user in (v.redaktor, v.annen_virk):
        with pytest.raises(PermissionDenied):
            _risiko(vurdering, user)
    with pytest.raises(PermissionDenied):
        services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2025, periodetype="aar", acting_user=v.redaktor)
    _risiko(vurdering, v.oppdragseier, s=1, k=2)
    with pytest.raises(PermissionDenied, match="leder eller kontaktperson"):
        services.vurdering_del(vurdering=vurdering, acting_user=v.oppdragseier)


def test_deling_krever_risikoer_og_tiltak_der_risikoen_er_hoy(v):
    vurdering = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    with pytest.raises(ValidationError, match="ingen risikoer"):
        services.vurdering_del(vurdering=vurdering, acting_user=v.leder)
    r = _risiko(vurdering, v.leder, s=4, k=5)
    with pytest.raises(ValidationError, match="Høy risiko uten tiltak: R1"):
        services.vurdering_del(vurdering=vurdering, acting_user=v.leder)
    assert Risikovurdering.objects.get(pk=vurdering.pk).status == "utkast"
    services.tiltak_lagre(risiko=r, acting_user=v.leder, tekst="Tiltak")
    assert services.vurdering_del(vurdering=vurdering, acting_user=v.leder).status == "delt"


def test_samme_periode_to_ganger_avvises_og_uten_brev_finnes_ingen_mottaker(v):
    services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    with pytest.raises(ValidationError, match="finnes allerede"):
        services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    with pytest.raises(ValidationError, match="ikke noe sendt tildelingsbrev"):
        services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2020, periodetype="aar", acting_user=v.leder)


def test_maal_fra_et_annet_brev_kan_ikke_velges(v):
    vurdering = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    utkast = TildelingsbrevFactory(virksomhet=v.virk, departement=v.dep, aar=2024 + 1)
    with pytest.raises(ValidationError) as feil:
        _risiko(vurdering, v.leder, maal=MaalFactory(tildelingsbrev=utkast, nummer=1))
    assert "maal" in feil.value.error_dict
    assert not vurdering.risikoer.exists()


def test_viderefores_med_trend_og_uferdige_tiltak(v):
    halvaar = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="halvaar",
                                         acting_user=v.leder)
    a = _risiko(halvaar, v.leder, tittel="A", s=3, k=3)
    b = _risiko(halvaar, v.leder, tittel="B", s=4, k=4)
    _risiko(halvaar, v.leder, tittel="C", s=2, k=2)
    services.tiltak_lagre(risiko=a, acting_user=v.leder, tekst="Ferdig", status="gjennomfort")
    services.tiltak_lagre(risiko=b, acting_user=v.leder, tekst="Pågår", status="paagaar", frist=date(2024, 10, 1))
    aar = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    ra, rb, rc = aar.risikoer.order_by("nummer")
    assert [r.forrige_id for r in (ra, rb, rc)] == [a.pk, b.pk, halvaar.risikoer.get(nummer=3).pk]
    assert list(ra.tiltak.values_list("tekst", flat=True)) == []  # done measures stay behind
    assert list(rb.tiltak.values_list("tekst", flat=True)) == ["Pågår"]
    _risiko(aar, v.leder, risiko=ra, tittel="A", s=4, k=3)
    _risiko(aar, v.leder, risiko=rb, tittel="B", s=2, k=4)
    ny = _risiko(aar, v.leder, tittel="D", s=1, k=1)
    risikoer = list(Risikovurdering.objects.med_risikoer().get(pk=aar.pk).risikoer.all())
    trend = services.trender(aar, risikoer, halvaar)
    trender = {r.tittel: trend[r.pk] for r in risikoer}
    assert trender["A"].retning == "opp" and trender["A"].tekst == "Økt fra 9 til 12"
    assert trender["B"].retning == "ned" and trender["B"].tekst == "Redusert fra 16 til 8"
    assert trender["C"].retning == "uendret"
    assert trend[ny.pk].retning == "ny"
    assert all(t.retning == "ny" for t in services.trender(aar, risikoer, None).values())


def test_trenden_for_departementet_er_siden_siste_delte_vurdering_aldri_et_utkast(v, client):
    """2023 shared (A at 6), the 2024 half year a draft the ministry never saw (A raised to 20, B
    written), 2024 shared (A at 12, B at 4): the ministry's page and the report's partial compare
    with 2023 (A up from 6, B new), the agency's page with its own half year (A down from 20)."""
    TildelingsbrevFactory(virksomhet=v.virk, departement=v.dep, aar=2023, sendt_brev=True)
    v2023 = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2023, periodetype="aar", acting_user=v.leder)
    _risiko(v2023, v.leder, tittel="A", s=2, k=3)
    services.vurdering_del(vurdering=v2023, acting_user=v.leder)
    halvaar = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="halvaar", acting_user=v.leder)
    ra = halvaar.risikoer.get()
    _risiko(halvaar, v.leder, risiko=ra, tittel="A", s=4, k=5)
    _risiko(halvaar, v.leder, tittel="B UTKASTRISIKO-MARKOR", s=2, k=2)
    aar = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    a, b = aar.risikoer.order_by("nummer")
    _risiko(aar, v.leder, risiko=a, tittel="A", s=3, k=4)
    _risiko(aar, v.leder, risiko=b, tittel="B", s=2, k=2)
    services.tiltak_lagre(risiko=a, acting_user=v.leder, tekst="Tiltak mot A")
    services.vurdering_del(vurdering=aar, acting_user=v.leder)

    client.force_login(v.redaktor)
    side = client.get(f"/risiko/{aar.pk}/").content.decode()
    assert "Økt fra 6 til 12" in side and "Ny siden forrige vurdering" in side
    assert "siden vurderingen for 2023" in side
    for lekk in ("fra 20 til", "UTKASTRISIKO-MARKOR", "alvår 2024"):
        assert lekk not in side
    assert client.get(f"/risiko/{halvaar.pk}/").status_code == 404

    client.force_login(v.leder)
    side = client.get(f"/risiko/{aar.pk}/").content.decode()
    assert "Redusert fra 20 til 12" in side and "Uendret (4)" in side and "siden vurderingen for halvår 2024" in side

    # The reports (read by the ministry) compare with the last shared assessment too.
    from risiko.templatetags.risikobilde import risikobilde
    bilde = risikobilde(Risikovurdering.objects.med_risikoer().get(pk=aar.pk))
    assert [r.trend.tekst for r in bilde["risikoer"]] == ["Økt fra 6 til 12", "Ny siden forrige vurdering"]


def test_nivaa_grenser():
    assert nivaa(1, 4) == Nivaa.LAV and nivaa(5, 1) == Nivaa.MIDDELS and nivaa(3, 3) == Nivaa.MIDDELS
    assert nivaa(2, 5) == Nivaa.HOY and nivaa(5, 5) == Nivaa.HOY


class _R:
    def __init__(self, nummer, s, k, rs=1, rk=1):
        self.kode, self.sannsynlighet, self.konsekvens = f"R{nummer}", s, k
        self.rest_sannsynlighet, self.rest_konsekvens = rs, rk


def test_matrisen_plasserer_risikoene_i_riktige_celler_og_fargelegger_etter_niva():
    risikoer = [_R(1, 4, 5, 3, 4), _R(2, 4, 5), _R(3, 1, 1), _R(4, 3, 2, 3, 4)]
    m = risikomatrise(risikoer)
    # Row 0 is likelihood 5; column 0 is consequence 1.
    assert [[c.sannsynlighet for c in rad][0] for rad in m.rader] == [5, 4, 3, 2, 1]
    assert m.rader[1][4].koder == "R1, R2"  # likelihood 4, consequence 5
    assert m.rader[4][0].koder == "R3"
    assert m.rader[2][1].koder == "R4"
    assert sum(len(c.risikoer) for rad in m.rader for c in rad) == 4
    # The SVG draws the 25 cells in the same order, each with its level's colour.
    farger = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', m.svg)
    assert farger == [FARGE[nivaa(s, k)] for s in (5, 4, 3, 2, 1) for k in (1, 2, 3, 4, 5)]
    # A marker per risk, inside its cell (cell x/y from the grid's origin).
    for kode, s, k in (("R1", 4, 5), ("R3", 1, 1), ("R4", 3, 2)):
        x = re.search(rf'<circle cx="(\d+)" cy="(\d+)" r="12" fill="[^"]+"/><text [^>]*>{kode}</text>', m.svg)
        assert x, kode
        cx, cy = int(x.group(1)), int(x.group(2))
        assert 64 + (k - 1) * 56 < cx < 64 + k * 56 and 8 + (5 - s) * 56 < cy < 8 + (6 - s) * 56
    assert 'role="img"' in m.svg and "<title" in m.svg and "4 risikoer" in m.svg
    etter = risikomatrise(risikoer, etter_tiltak=True)
    assert etter.rader[2][3].koder == "R1, R4" and etter.rader[4][0].koder == "R2, R3"


def test_mange_risikoer_i_en_celle_viser_tre_og_resten_som_tall():
    m = risikomatrise([_R(n, 3, 3) for n in range(1, 7)])
    assert m.svg.count("risikomarkor") == 3 and ">+3</text>" in m.svg
    assert m.rader[2][2].koder == "R1, R2, R3, R4, R5, R6"


def test_tabellen_har_samme_innhold_som_figuren(v):
    vurdering = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    _risiko(vurdering, v.leder, tittel="A", s=4, k=5, rs=2, rk=3)
    _risiko(vurdering, v.leder, tittel="B", s=1, k=2, rs=1, rk=1)
    vurdering = Risikovurdering.objects.med_risikoer().get(pk=vurdering.pk)
    html = Template("{% load risikobilde %}{% risikobilde vurdering %}").render(Context({"vurdering": vurdering}))
    tabeller = re.findall(r'<div class="visuelt-skjult"><table>(.*?)</table></div>', html, re.S)
    assert len(tabeller) == 2  # before and after measures
    for tabell, plassering in zip(tabeller, ({(4, 5): "R1", (1, 2): "R2"}, {(2, 3): "R1", (1, 1): "R2"}), strict=True):
        rader = re.findall(r'<tr><th scope="row">(\d)</th>(.*?)</tr>', tabell, re.S)
        assert [int(s) for s, _ in rader] == [5, 4, 3, 2, 1]
        for s, celler in rader:
            innhold = re.findall(r"<td>(.*?)</td>", celler)
            assert len(innhold) == 5
            for k, tekst in enumerate(innhold, start=1):
                forventet = plassering.get((int(s), k), "ingen")
                assert tekst == f"{nivaa(int(s), k).label} risiko: {forventet}", (s, k, tekst)


def test_tiltak_minner_en_gang_ogsaa_naar_det_er_videreført(v, settings):
    settings.PAAMINNELSE_DAGER = [7]
    halvaar = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="halvaar",
                                         acting_user=v.leder)
    r = _risiko(halvaar, v.leder, s=2, k=2)
    services.tiltak_lagre(risiko=r, acting_user=v.leder, tekst="Avtale med SSB", ansvarlig=v.oppdragseier,
                          frist=date(2024, 9, 16))
    services.vurdering_del(vurdering=halvaar, acting_user=v.leder)
    services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    mail.outbox.clear()
    for _ in range(2):  # a second run on the same day sends nothing more
        call_command("send_reminders", "--date", "2024-09-09", stdout=StringIO())
    sendt = [m for m in mail.outbox if "Avtale med SSB" in m.subject or "Avtale med SSB" in m.body]
    assert len(sendt) == 1
    assert sendt[0].to == ["eier@a.no"]
    assert "Tiltak mot risiko R1" in sendt[0].subject
    # Done: no more reminders, not even the overdue notice.
    aar = Risikovurdering.objects.get(aar=2024, periodetype="aar")
    t = aar.risikoer.get().tiltak.get()
    services.tiltak_lagre(risiko=t.risiko, tiltak=t, acting_user=v.leder, status="gjennomfort")
    mail.outbox.clear()
    call_command("send_reminders", "--date", "2024-09-18", stdout=StringIO())
    assert not [m for m in mail.outbox if "Avtale med SSB" in m.subject]


def test_departementet_ser_bare_forrige_delte_vurdering(v):
    TildelingsbrevFactory(virksomhet=v.virk, departement=v.dep, aar=2023, sendt_brev=True)
    delt = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2023, periodetype="aar", acting_user=v.leder)
    _risiko(delt, v.leder, s=1, k=1)
    services.vurdering_del(vurdering=delt, acting_user=v.leder)
    utkast = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="halvaar", acting_user=v.leder)
    aar = services.vurdering_opprett(virksomhet_id=v.virk.pk, aar=2024, periodetype="aar", acting_user=v.leder)
    _risiko(aar, v.leder, s=1, k=2)
    services.vurdering_del(vurdering=aar, acting_user=v.leder)
    assert services.forrige_vurdering(aar, bruker=v.leder) == utkast
    assert services.forrige_vurdering(aar, bruker=v.redaktor) == delt
    c = Client()
    c.force_login(v.redaktor)
    side = c.get(f"/risiko/{aar.pk}/").content.decode()
    assert "Halvår 2024" not in side and f"/risiko/{delt.pk}/" in side
