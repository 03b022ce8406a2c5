"""Riksrevisjonen's remarks: the plan, status to closure, reply letters with the upload checks,
who sees what, and the årsrapport's part IV prefilled from the open remarks."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from brukere.models import Rolle
from rapportering.services import rapport_opprett
from revisjon import services
from revisjon.models import Merknad, Svarbrev
from tests.factories import (
    DepartementFactory,
    ObservatorFactory,
    RapporteringspunktFactory,
    TildelingsbrevFactory,
    UserFactory,
    VirksomhetFactory,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def v(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    class V:
        pass

    w = V()
    w.dep, w.dep2 = DepartementFactory(kortnavn="DEPA"), DepartementFactory(kortnavn="DEPB")
    w.virk, w.virk2 = VirksomhetFactory(kortnavn="VIRKA"), VirksomhetFactory(kortnavn="VIRKB")
    w.brev = TildelingsbrevFactory(virksomhet=w.virk, departement=w.dep, aar=2024, sendt_brev=True)
    TildelingsbrevFactory(virksomhet=w.virk2, departement=w.dep2, aar=2024, sendt_brev=True)
    w.kontakt = UserFactory(username="kontakt", organisasjon=w.virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
    w.redaktor = UserFactory(username="red", organisasjon=w.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    w.annet_dep = UserFactory(username="red2", organisasjon=w.dep2, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    w.observator = UserFactory(username="obs", organisasjon=ObservatorFactory(), rolle=Rolle.OBSERVATOR)
    w.merknad = services.merknad_opprett(virksomhet_id=w.virk.pk, acting_user=w.kontakt, kilde="aarlig",
                                         dato=date(2024, 5, 16), tittel="Svak kontroll med tilskudd",
                                         alvorlighet="alvorlig")
    return w


def test_plan_status_og_lukking(v):
    assert v.merknad.departement == v.dep and v.merknad.status == "aapen"
    t = services.tiltak_lagre(merknad=v.merknad, acting_user=v.kontakt, tekst="Ny rutine", ansvarlig=v.kontakt,
                              frist=date(2024, 9, 1))
    assert Merknad.objects.get(pk=v.merknad.pk).status == "oppfolging"
    with pytest.raises(ValidationError, match="1 tiltak i planen er ikke gjennomført"):
        services.merknad_lukk(merknad=v.merknad, lukket=date(2024, 12, 1), begrunnelse="Avsluttet", acting_user=v.kontakt)
    services.tiltak_lagre(merknad=v.merknad, tiltak=t, acting_user=v.kontakt, status="gjennomfort")
    with pytest.raises(ValidationError):
        services.merknad_lukk(merknad=v.merknad, lukket=date(2024, 1, 1), begrunnelse="For tidlig",
                              acting_user=v.kontakt)
    lukket = services.merknad_lukk(merknad=v.merknad, lukket=date(2024, 12, 1), begrunnelse="Riksrevisjonen avsluttet",
                                   acting_user=v.kontakt)
    assert lukket.status == "lukket" and lukket.lukket == date(2024, 12, 1)
    with pytest.raises(ValidationError, match="lukket"):
        services.tiltak_lagre(merknad=lukket, acting_user=v.kontakt, tekst="Etterpå")
    assert services.aapne_merknader(v.virk, bruker=v.kontakt) == []


def test_tiltakets_ansvarlige_er_i_virksomheten_og_tiltaket_hoerer_til_merknaden(v):
    fremmed = UserFactory(username="fremmed", organisasjon=v.virk2, rolle=Rolle.VIRKSOMHET_KONTAKT)
    with pytest.raises(ValidationError, match="Velg en person i virksomheten"):
        services.tiltak_lagre(merknad=v.merknad, acting_user=v.kontakt, tekst="Ny rutine", ansvarlig=fremmed)
    assert not v.merknad.tiltak.exists() and Merknad.objects.get(pk=v.merknad.pk).status == "aapen"
    forste = services.tiltak_lagre(merknad=v.merknad, acting_user=v.kontakt, tekst="Ny rutine")
    andre = services.tiltak_lagre(merknad=v.merknad, acting_user=v.kontakt, tekst="Opplæring")
    assert (forste.rekkefolge, andre.rekkefolge) == (1, 2)
    annen = services.merknad_opprett(virksomhet_id=v.virk.pk, acting_user=v.kontakt, kilde="aarlig",
                                     dato=date(2024, 6, 1), tittel="Annen merknad", alvorlighet="merknad")
    with pytest.raises(PermissionDenied, match="annen merknad"):
        services.tiltak_lagre(merknad=annen, tiltak=forste, acting_user=v.kontakt, tekst="Flyttet")
    forste.refresh_from_db()
    assert forste.tekst == "Ny rutine" and forste.merknad_id == v.merknad.pk


def test_hvem_ser_og_endrer(v):
    def ser(user):
        return Merknad.objects.for_user(user).filter(pk=v.merknad.pk).exists()

    # Observers (Riksrevisjonen) read every remark and its plan; they write nothing.
    assert ser(v.kontakt) and ser(v.redaktor) and ser(v.observator)
    assert not ser(v.annet_dep)
    with pytest.raises(PermissionDenied):
        services.tiltak_lagre(merknad=v.merknad, acting_user=v.observator, tekst="Observatøren skriver")
    with pytest.raises(PermissionDenied):
        services.tiltak_lagre(merknad=v.merknad, acting_user=v.redaktor, tekst="Departementet skriver")
    assert [m.pk for m in services.aapne_merknader(v.virk.pk, bruker=v.redaktor)] == [v.merknad.pk]
    assert services.aapne_merknader(v.virk.pk, bruker=v.annet_dep) == []


def test_svarbrev_med_samme_kontroller_som_leveranser(v):
    c = Client()
    c.force_login(v.kontakt)
    falsk = SimpleUploadedFile("svar.pdf", b"MZ\x90\x00 ikke en pdf", content_type="application/pdf")
    r = c.post(f"/riksrevisjonen/{v.merknad.pk}/svarbrev/", {"svarbrev-tittel": "Svar", "svarbrev-datert": "14.06.2024",
                                                           "svarbrev-fil": falsk})
    assert r.status_code == 400
    assert "Innholdet i filen er ikke en gyldig PDF-fil" in r.content.decode()
    assert not Svarbrev.objects.exists()
    r = c.post(f"/riksrevisjonen/{v.merknad.pk}/svarbrev/", {"svarbrev-tittel": "Svar", "svarbrev-datert": "14.06.2024"})
    assert r.status_code == 400 and "Velg en fil å laste opp." in r.content.decode()
    side = c.get(f"/riksrevisjonen/{v.merknad.pk}/").content.decode()
    assert "Tillatte typer: PDF, DOCX, XLSX, PPTX, ODT, TXT og CSV. Største tillatte størrelse er 25 MB." in side
    r = c.post(f"/riksrevisjonen/{v.merknad.pk}/svarbrev/", {
        "svarbrev-tittel": "Svar", "svarbrev-datert": "14. juni 2024",
        "svarbrev-fil": SimpleUploadedFile("svar.pdf", PDF, content_type="application/pdf")})
    assert r.status_code == 302
    svar = Svarbrev.objects.get()
    assert svar.datert == date(2024, 6, 14) and svar.storrelse == len(PDF)
    # The ministry downloads the copy; another ministry gets nothing.
    d = Client()
    d.force_login(v.redaktor)
    assert d.get(f"/riksrevisjonen/{v.merknad.pk}/svarbrev/{svar.pk}/").status_code == 200
    d.force_login(v.annet_dep)
    assert d.get(f"/riksrevisjonen/{v.merknad.pk}/svarbrev/{svar.pk}/").status_code == 404


def test_aapne_merknader_fyller_ut_del_iv_i_aarsrapporten(v):
    services.tiltak_lagre(merknad=v.merknad, acting_user=v.kontakt, tekst="Stikkprøvekontroll", ansvarlig=v.kontakt,
                          frist=date(2024, 12, 1), status="paagaar")
    lukket = services.merknad_opprett(virksomhet_id=v.virk.pk, acting_user=v.kontakt, kilde="beretning",
                                      dato=date(2023, 4, 1), tittel="Gammel merknad", alvorlighet="merknad")
    services.merknad_lukk(merknad=lukket, lukket=date(2023, 10, 1), begrunnelse="Avsluttet", acting_user=v.kontakt)
    punkt = RapporteringspunktFactory(tildelingsbrev=v.brev, type="aarsrapport", rapport_aar=2024,
                                      telletidspunkt=date(2024, 12, 31), frist=date(2025, 3, 15))
    rapport = rapport_opprett(punkt=punkt, user=v.kontakt)
    del_iv = rapport.deler.get(kode="IV").tekst
    assert "Oppfølging av Riksrevisjonens merknader" in del_iv
    assert "Svak kontroll med tilskudd" in del_iv and "alvorlig" in del_iv
    assert "Stikkprøvekontroll" in del_iv and "frist 01.12.2024" in del_iv and "pågår" in del_iv
    assert "Gammel merknad" not in del_iv
    assert all(d.tekst == "" for d in rapport.deler.exclude(kode="IV"))
    # The agency sees it on the report page, as rich text.
    c = Client()
    c.force_login(v.kontakt)
    side = c.get(f"/rapporter/{rapport.pk}/").content.decode()
    assert "<strong>Svak kontroll med tilskudd</strong>" in side


def test_halvaarsrapporten_fylles_ikke_ut(v):
    punkt = RapporteringspunktFactory(tildelingsbrev=v.brev, type="halvaarsrapport", rapport_aar=2024,
                                      telletidspunkt=date(2024, 6, 30), frist=date(2024, 8, 15))
    rapport = rapport_opprett(punkt=punkt, user=v.kontakt)
    assert all(d.tekst == "" for d in rapport.deler.all())
