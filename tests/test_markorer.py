"""The marker test: nothing confidential reaches anyone outside its audience, by any road.

A unique marker string is planted in every confidential record: the parts of a draft letter, an
unsent tillegg (its title, text, chapter, oppdrag, frister and budget change), a draft that
restates an oppdrag in force, another ministry's draft letter for the same agency, and another
agency's reports, follow-up, comments and deliveries. Then every role crawls the portal as a user
would (every page it can reach by following links, plus the direct address of every object in the
world), downloads every export (cell contents), calendar feed and PDF (its text), and the
reminders, digests and notifications are sent. No marker may appear in anything that goes to a
role outside the record's audience.

Two ministries steer one agency, as KD and AID both have steered IMDi: DEPA sent 2024 and drafts
2025; DEPB sent 2026 and keeps a draft for 2022 (imported history it never sent). A third
ministry, DEPC, steers a second agency; DEPD has only a draft letter for the first agency.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from brukere.models import Rolle
from budsjett.models import Budsjettendring
from oppdrag.models import Risikodefinisjon
from styring.models import Brevavsnitt, Maalgruppe, Rapporteringskrav, Tillegg
from tests.factories import (
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    DepartementFactory,
    FristFactory,
    MaalFactory,
    ObservatorFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
    UserFactory,
    VirksomhetFactory,
)

pytestmark = pytest.mark.django_db(transaction=False)

MAKS_SIDER = 400  # per role; the crawl stops there (it reaches far fewer in this world)


@dataclass
class Markor:
    tekst: str
    publikum: set  # the roles that may see it
    hvor: str  # where it was planted, for the failure message


@dataclass
class Verden:
    users: dict = field(default_factory=dict)
    markorer: list = field(default_factory=list)
    adresser: list = field(default_factory=list)  # direct addresses of every object
    kalender: dict = field(default_factory=dict)  # role -> feed token

    def plant(self, navn: str, publikum: set, hvor: str) -> str:
        tekst = f"HEMMELIG{navn.upper()}X"
        self.markorer.append(Markor(tekst, set(publikum) | {"admin"}, hvor))
        return tekst


DEP_A = {"dep_a_redaktor", "dep_a_godkjenner"}
VIRK_A = {"virk_a_kontakt", "virk_a_leder"}
ROLLER = ["dep_a_redaktor", "dep_a_godkjenner", "dep_b", "dep_c", "dep_d", "virk_a_kontakt", "virk_a_leder",
          "virk_b", "observator"]


def _bygg() -> Verden:
    from oppdrag.models import Leveranse, Statusoppdatering
    from oppdrag.services import oppdrag_kommenter, oppdrag_set_status
    from rapportering.services import rapport_lagre_deler, rapport_opprett, rapport_send
    from varsler.kalender import kalendertilgang_lag

    w = Verden()
    dep_a = DepartementFactory(kortnavn="DEPA", navn="Departement A")
    dep_b = DepartementFactory(kortnavn="DEPB", navn="Departement B")
    dep_c = DepartementFactory(kortnavn="DEPC", navn="Departement C")
    dep_d = DepartementFactory(kortnavn="DEPD", navn="Departement D")
    virk_a = VirksomhetFactory(kortnavn="VIRKA", navn="Direktorat A")
    virk_b = VirksomhetFactory(kortnavn="VIRKB", navn="Direktorat B")
    obs = ObservatorFactory()
    w.users = {
        "dep_a_redaktor": UserFactory(username="dep_a_redaktor", organisasjon=dep_a, rolle=Rolle.DEPARTEMENT_REDAKTOR),
        "dep_a_godkjenner": UserFactory(username="dep_a_godkjenner", organisasjon=dep_a,
                                        rolle=Rolle.DEPARTEMENT_GODKJENNER),
        "dep_b": UserFactory(username="dep_b", organisasjon=dep_b, rolle=Rolle.DEPARTEMENT_GODKJENNER),
        "dep_c": UserFactory(username="dep_c", organisasjon=dep_c, rolle=Rolle.DEPARTEMENT_GODKJENNER),
        "dep_d": UserFactory(username="dep_d", organisasjon=dep_d, rolle=Rolle.DEPARTEMENT_GODKJENNER),
        "virk_a_kontakt": UserFactory(username="virk_a_kontakt", organisasjon=virk_a, rolle=Rolle.VIRKSOMHET_KONTAKT),
        "virk_a_leder": UserFactory(username="virk_a_leder", organisasjon=virk_a, rolle=Rolle.VIRKSOMHET_LEDER),
        "virk_b": UserFactory(username="virk_b", organisasjon=virk_b, rolle=Rolle.VIRKSOMHET_LEDER),
        "observator": UserFactory(username="observator", organisasjon=obs, rolle=Rolle.OBSERVATOR),
        "admin": UserFactory(username="admin", organisasjon=None, rolle=Rolle.ADMINISTRATOR, is_staff=True,
                             is_superuser=True),
    }
    u = w.users
    virk_a.kontaktperson = u["virk_a_kontakt"]
    virk_a.save()
    virk_b.kontaktperson = u["virk_b"]
    virk_b.save()
    nå = timezone.now()

    # --- DEPA: sent 2024 letter with a sent and an unsent tillegg; draft 2025 --------------------
    a24 = TildelingsbrevFactory(virksomhet=virk_a, departement=dep_a, aar=2024, status="sendt", sendt=nå,
                                kontaktperson=u["dep_a_redaktor"])
    Brevavsnitt.objects.create(tildelingsbrev=a24, nummer="1", tittel="Innledning", tekst="Offentlig tekst 2024")
    m24 = MaalFactory(tildelingsbrev=a24, nummer=1, tittel="Flere i arbeid")
    o24 = OppdragFactory(tildelingsbrev=a24, maal=m24, nummer="2024-01", tittel="Kartlegge tilbudet")
    FristFactory(oppdrag=o24, tildelingsbrev=a24, tekst="01.12.2026", dato=date(2026, 12, 1))
    kap24 = BudsjettkapittelFactory(tildelingsbrev=a24, nummer=671)
    post24 = BudsjettpostFactory(kapittel=kap24, post=1, betegnelse="Driftsutgifter")
    t1 = Tillegg.objects.create(tildelingsbrev=a24, nummer=1, tittel="Sendt tillegg", status="sendt", sendt=nå)
    ot1 = OppdragFactory(tildelingsbrev=a24, tillegg=t1, maal=m24, nummer="2024-T1", tittel="Oppdrag i sendt tillegg")
    t2 = Tillegg.objects.create(
        tildelingsbrev=a24, nummer=2, tittel=w.plant("tillegg_tittel", DEP_A, "tittel på tillegg som ikke er sendt"),
        tekst=w.plant("tillegg_tekst", DEP_A, "tekst i tillegg som ikke er sendt"))
    Brevavsnitt.objects.create(tildelingsbrev=a24, tillegg=t2, nummer="9", tittel="Nytt kapittel",
                               tekst=w.plant("tillegg_avsnitt", DEP_A, "kapittel i tillegg som ikke er sendt"))
    ot2 = OppdragFactory(tildelingsbrev=a24, tillegg=t2, maal=m24, nummer="2024-T2",
                         tittel=w.plant("tillegg_oppdrag", DEP_A, "oppdrag i tillegg som ikke er sendt"))
    FristFactory(oppdrag=ot2, tildelingsbrev=a24, tillegg=t2, dato=date(2026, 11, 20),
                 tekst="20.11.2026 " + w.plant("tillegg_oppdragsfrist", DEP_A, "frist i tillegg som ikke er sendt"))
    FristFactory(oppdrag=o24, tildelingsbrev=a24, tillegg=t2, dato=date(2026, 11, 21),
                 tekst="21.11.2026 " + w.plant("tillegg_ny_frist", DEP_A, "endret frist i tillegg som ikke er sendt"))
    Budsjettendring.objects.create(tillegg=t2, post=post24, endring_kr=5_000_000,
                                   tekst=w.plant("tillegg_budsjett", DEP_A, "budsjettendring i tillegg som ikke er sendt"))

    a25 = TildelingsbrevFactory(virksomhet=virk_a, departement=dep_a, aar=2025,
                                tittel=w.plant("utkast_tittel", DEP_A, "tittel på utkast til brev"))
    Brevavsnitt.objects.create(tildelingsbrev=a25, nummer="1", tittel="Innledning",
                               tekst=w.plant("utkast_avsnitt", DEP_A, "kapittel i utkast"))
    m25 = MaalFactory(tildelingsbrev=a25, nummer=1, tittel=w.plant("utkast_maal", DEP_A, "mål i utkast"))
    o25 = OppdragFactory(tildelingsbrev=a25, maal=m25, aar=2025, nummer="2025-01",
                         tittel=w.plant("utkast_oppdrag", DEP_A, "oppdrag i utkast"))
    # Its frist falls in 2027: it would be "gitt tidligere" in DEPB's sent 2026 letter.
    FristFactory(oppdrag=o25, tildelingsbrev=a25, dato=date(2026, 11, 22),
                 tekst="22.11.2026 " + w.plant("utkast_frist", DEP_A, "frist i utkast"))
    FristFactory(oppdrag=o25, tildelingsbrev=a25, dato=date(2027, 6, 1), tekst="01.06.2027")
    # The draft's own red/yellow/green: shown in the draft only, never in follow-up or reports.
    Risikodefinisjon.objects.create(tildelingsbrev=a25, farge="rod",
                                    tekst=w.plant("utkast_rod", DEP_A, "rød-definisjon i utkast"))
    # A draft's målområde, delområde and rapporteringskrav (with the SP it names): the drafting ministry's only.
    Maalgruppe.objects.create(tildelingsbrev=a25, nummer="1.1", under_maal=m25, tittel="Delområde",
                              tekst=w.plant("utkast_delomraade", DEP_A, "delområde i utkast"))
    sp25 = StyringsparameterFactory(maal=m25, kode="SP 1")
    Rapporteringskrav.objects.create(tildelingsbrev=a25, kode="R 1", maal=m25, frekvens="halvaar_og_aar",
                                     tekst=w.plant("utkast_rkrav", DEP_A, "rapporteringskrav i utkast")
                                     ).styringsparametere.set([sp25])
    # The draft restates the 2024 oppdrag's frist: it must silence nothing and show nowhere else.
    FristFactory(oppdrag=o24, tildelingsbrev=a25, dato=date(2026, 11, 23),
                 tekst="23.11.2026 " + w.plant("utkast_gjentatt_frist", DEP_A, "frist i utkast for et oppdrag i kraft"))

    # --- DEPB: sent 2026 letter, and a draft for 2022 that it never sent ---------------------------
    b26 = TildelingsbrevFactory(virksomhet=virk_a, departement=dep_b, aar=2026, status="sendt", sendt=nå,
                                kontaktperson=u["dep_b"])
    MaalFactory(tildelingsbrev=b26, nummer=1, tittel="Mål hos B")
    b22 = TildelingsbrevFactory(virksomhet=virk_a, departement=dep_b, aar=2022)
    o22 = OppdragFactory(tildelingsbrev=b22, aar=2022, nummer="2022-01",
                         tittel=w.plant("b_utkast_oppdrag", {"dep_b"}, "oppdrag i DEPBs utkast"))
    Risikodefinisjon.objects.create(tildelingsbrev=b22, farge="gul",
                                    tekst=w.plant("b_utkast_gul", {"dep_b"}, "gul-definisjon i DEPBs utkast"))
    # Its frist falls in 2024: it would be "gitt tidligere" in DEPA's 2024 letter.
    FristFactory(oppdrag=o22, tildelingsbrev=b22, dato=date(2026, 11, 24),
                 tekst="24.11.2026 " + w.plant("b_utkast_frist", {"dep_b"}, "frist i DEPBs utkast"))

    # --- «Jf. oppdrag» from the 2024 oppdrag in force: to the sent tillegg's oppdrag, to one in
    # DEPB's draft and to one in DEPA's unsent tillegg. The letter's PDF names such oppdrag by their
    # numbers, so those two carry the markers in their numbers.
    jf_b = OppdragFactory(tildelingsbrev=b22, aar=2022, tittel="Oppdrag i DEPBs utkast",
                          nummer=w.plant("jfb", {"dep_b"}, "nummer på oppdrag i DEPBs utkast, som jf. oppdrag"))
    jf_t2 = OppdragFactory(tildelingsbrev=a24, tillegg=t2, maal=m24, tittel="Oppdrag i tillegg som ikke er sendt",
                           nummer=w.plant("jft2", DEP_A, "nummer på oppdrag i tillegg som ikke er sendt, som jf. oppdrag"))
    o24.jf_oppdrag.add(ot1, jf_b, jf_t2)

    # --- DEPD: only a draft letter for VIRKA, restating the 2024 oppdrag ----------------------------
    d27 = TildelingsbrevFactory(virksomhet=virk_a, departement=dep_d, aar=2027)
    FristFactory(oppdrag=o24, tildelingsbrev=d27, dato=date(2026, 11, 25),
                 tekst="25.11.2026 " + w.plant("d_overtak", {"dep_d"}, "frist i DEPDs utkast for DEPAs oppdrag"))

    # --- DEPC steers VIRKB; VIRKB's follow-up and reports are theirs ---------------------------------
    c24 = TildelingsbrevFactory(virksomhet=virk_b, departement=dep_c, aar=2024, status="sendt", sendt=nå,
                                kontaktperson=u["dep_c"])
    mc = MaalFactory(tildelingsbrev=c24, nummer=1)
    oc = OppdragFactory(tildelingsbrev=c24, maal=mc, nummer="2024-01", tittel="Oppdrag for VIRKB")
    FristFactory(oppdrag=oc, tildelingsbrev=c24, dato=date(2026, 12, 2), tekst="02.12.2026")
    virk_b_publikum = {"virk_b", "dep_c", "observator"}
    oppdrag_set_status(oppdrag=oc, status="paagaar", risiko="gul",
                       risiko_tekst=w.plant("b_vurdering", virk_b_publikum, "VIRKBs vurdering"),
                       kommentar=w.plant("b_oppfolging", virk_b_publikum, "VIRKBs oppfølging"),
                       gjelder_dato=date(2024, 5, 1), acting_user=u["virk_b"])
    oppdrag_kommenter(oppdrag=oc, tekst=w.plant("c_kommentar", virk_b_publikum, "DEPCs kommentar"),
                      acting_user=u["dep_c"])
    lev = Leveranse(oppdrag=oc, tittel=w.plant("b_leveranse", virk_b_publikum, "VIRKBs leveranse"), type="rapport",
                    storrelse=9, levert_av=u["virk_b"])
    lev.fil.save("rapport.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    lev.save()
    punkt_b = RapporteringspunktFactory(tildelingsbrev=c24, type="aarsrapport", rapport_aar=2024,
                                        telletidspunkt=date(2024, 12, 31), frist=date(2025, 3, 15))
    rapport_b = rapport_opprett(punkt=punkt_b, user=u["virk_b"])
    rapport_lagre_deler(rapport=rapport_b, tekster={"I": w.plant("b_rapportutkast", {"virk_b"}, "VIRKBs rapportutkast")},
                        user=u["virk_b"])
    punkt_b_halv = RapporteringspunktFactory(tildelingsbrev=c24, type="halvaarsrapport", rapport_aar=2024,
                                             telletidspunkt=date(2024, 6, 30), frist=date(2024, 8, 15))
    sendt_b = rapport_opprett(punkt=punkt_b_halv, user=u["virk_b"])
    kode = sendt_b.deler.order_by("rekkefolge").first().kode
    rapport_lagre_deler(rapport=sendt_b, tekster={kode: w.plant("b_rapport_sendt", {"virk_b", "dep_c"},
                                                                "VIRKBs sendte rapport")}, user=u["virk_b"])
    rapport_send(rapport=sendt_b, user=u["virk_b"])

    # VIRKA's own report prefilled from the 2024 letter (the prefill must take no draft).
    punkt_a = RapporteringspunktFactory(tildelingsbrev=a24, type="halvaarsrapport", rapport_aar=2024,
                                        telletidspunkt=date(2024, 6, 30), frist=date(2024, 8, 15))
    rapport_a = rapport_opprett(punkt=punkt_a, user=u["virk_a_kontakt"])

    for rolle in ROLLER:
        w.kalender[rolle] = kalendertilgang_lag(bruker=u[rolle])

    w.adresser = [f"/brev/{b.pk}/" for b in (a24, a25, b26, b22, d27, c24)]
    for b in (a24, a25, b26, b22, d27, c24):
        w.adresser += [f"/brev/{b.pk}/historikk/", f"/brev/{b.pk}/sammenlign/",
                       f"/brev/{b.pk}/sammenlign/?med=versjon&dato=2000-01-01",
                       f"/brev/{b.pk}/budsjett.xlsx", f"/brev/{b.pk}/?visning=opprinnelig"]
    w.adresser += [f"/brev/{a24.pk}/tillegg/{n}/" for n in (1, 2)]
    w.adresser += [f"/oppdrag/{o.pk}/" for o in (o24, ot2, o25, o22, oc)]
    w.adresser += [f"/rapporter/{r.pk}/" for r in (rapport_a, rapport_b, sendt_b)]
    w.adresser += [f"/rapporter/{r.pk}/historikk/" for r in (rapport_a, rapport_b, sendt_b)]
    w.adresser += ["/oppdrag/eksport.xlsx", "/oppdrag/?aar=2024", "/oppdrag/?aar=2025", "/oppdrag/?aar=2026"]
    from tests.moter.verden import markorverden

    markorverden(w, a24=a24, a25=a25, b26=b26, c24=c24, dep_a=DEP_A, virk_a=VIRK_A, obs=obs,
                 dep_b_publikum={"dep_b"} | VIRK_A, virk_b_publikum=virk_b_publikum)
    from tests.risiko.verden import markorverden as risiko_og_revisjon

    risiko_og_revisjon(w, virk_a=virk_a, a24=a24, c24=c24, virk_a_roller=VIRK_A, dep_a_roller=DEP_A)
    w.brev = {"a24": a24, "a25": a25, "b26": b26, "c24": c24}
    w.statusoppdatering = Statusoppdatering.objects.get(oppdrag=oc)
    return w


# --- reading what a response holds ----------------------------------------------------------------

def _tekst(respons) -> str:
    """What a person can read in a response: the page, every cell of a spreadsheet, a PDF's text,
    a calendar feed."""
    type_ = respons.get("Content-Type", "")
    data = b"".join(respons.streaming_content) if respons.streaming else respons.content
    if "spreadsheetml" in type_:
        import openpyxl

        bok = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(str(c.value) for ark in bok.worksheets for rad in ark.iter_rows() for c in rad
                         if c.value is not None)
    if "pdf" in type_:
        return _pdf_tekst(data)
    return data.decode("utf-8", errors="replace")


def _pdf_tekst(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        return "\n".join(side.extract_text() or "" for side in PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - a stub file planted as a delivery is not a real PDF
        return data.decode("latin-1")


_HREF = re.compile(r'(?:href|hx-get)="([^"#]*)')


def _lenker(side: str, fra: str) -> list[str]:
    ut = []
    for href in _HREF.findall(side):
        href = href.replace("&amp;", "&")
        if not href or href.startswith(("mailto:", "http://", "https://", "javascript:")):
            if not href.startswith(("http://testserver", "https://testserver")):
                continue
        url = urljoin(fra, href)
        deler = urlsplit(url)
        if deler.netloc not in ("", "testserver"):
            continue
        sti = deler.path + (f"?{deler.query}" if deler.query else "")
        if sti.startswith(("/static/", "/admin/", "/logg-ut/", "/oidc/")):
            continue
        # Sorting and filter variants of one list show the same rows: the direct addresses cover
        # the lists by year; following every variant would only repeat them.
        if deler.query and deler.path in ("/oppdrag/", "/rapporter/", "/brev/"):
            continue
        ut.append(sti)
    return ut


def _lekkasjer(tekst: str, rolle: str, hvor: str, markorer: list[Markor]) -> list[str]:
    return [f"{m.tekst} ({m.hvor}) nådde {rolle} i {hvor}"
            for m in markorer if rolle not in m.publikum and m.tekst in tekst]


def _kryp(client: Client, rolle: str, start: list[str], markorer: list[Markor]) -> tuple[list[str], int]:
    sett: set[str] = set()
    kø = list(start)
    feil: list[str] = []
    while kø and len(sett) < MAKS_SIDER:
        url = kø.pop(0)
        if url in sett:
            continue
        sett.add(url)
        r = client.get(url)
        if r.status_code in (301, 302):
            kø.append(r["Location"])
            continue
        if r.status_code != 200:
            continue
        tekst = _tekst(r)
        feil += _lekkasjer(tekst, rolle, url, markorer)
        if "html" in r.get("Content-Type", ""):
            kø += [lenke for lenke in _lenker(tekst, url) if lenke not in sett]
    return feil, len(sett)


# --- the test ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def verden(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per module (per pytest-xdist worker), rolled back when the module is done; each
    test runs in a savepoint inside it (tests/conftest.py, ``delt_verden``)."""
    from tests.conftest import delt_verden

    with delt_verden(django_db_blocker, MEDIA_ROOT=tmp_path_factory.mktemp("markorer"),
                     EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        yield _bygg()


@pytest.mark.parametrize("rolle", ROLLER)
def test_ingen_markor_naar_noen_utenfor_publikum(verden, settings, rolle):
    """One role per test, so pytest-xdist can share the crawls out."""
    w = verden
    client = Client()
    client.force_login(w.users[rolle])
    start = ["/", "/brev/", "/oppdrag/", "/rapporter/", "/innstillinger/varsler/", "/oppdrag/kalender/",
             f"/oppdrag/kalender/{w.kalender[rolle]}.ics", *w.adresser]
    feil, besokt = _kryp(client, rolle, start, w.markorer)
    # The role reached far more than the seeds: the crawl really walked the portal.
    assert besokt > 40, besokt
    assert feil == [], "\n".join(sorted(set(feil)))


def test_paaminnelser_og_oppsummeringer_bare_fra_det_som_er_sendt(verden):
    """Reminders for every day the planted frister fall due, and the weekly digest: no mail carries
    a draft or another agency's marker to anyone outside its audience; drafts remind nobody."""
    from datetime import timedelta

    from varsler.services import oppsummering_send, paaminnelser_kjor

    w = verden
    rolle_for = {u.email: r for r, u in w.users.items()}
    mail.outbox = []
    dag = date(2026, 11, 1)
    while dag <= date(2026, 12, 8):
        paaminnelser_kjor(dato=dag)
        dag += timedelta(days=1)
    for rolle in ("dep_a_redaktor", "dep_b", "dep_c", "dep_d"):
        oppsummering_send(bruker=w.users[rolle], dato=date(2026, 11, 16))
    assert mail.outbox, "Ingen e-post ble sendt: testen prøvde ingenting."
    emner = " ".join(m.subject for m in mail.outbox)
    # What is in force reminds: the 2024 oppdrag's frist as the sent letter states it, and VIRKB's.
    assert "2024-01" in emner
    feil = []
    for m in mail.outbox:
        innhold = m.subject + "\n" + m.body + "".join(str(a[0]) for a in getattr(m, "alternatives", []))
        for mottaker in m.to:
            rolle = rolle_for.get(mottaker, mottaker)
            feil += _lekkasjer(innhold, rolle, f"e-post «{m.subject}»", w.markorer)
        # A draft reminds nobody, not even its own ministry.
        for markor in w.markorer:
            if markor.tekst in innhold and "frist" in markor.hvor and markor.publikum <= DEP_A | {"dep_b", "dep_d",
                                                                                                "admin"}:
                feil.append(f"{markor.tekst} ({markor.hvor}) ga påminnelse til {m.to}")
    assert feil == [], "\n".join(sorted(set(feil)))


def test_utkast_stilner_ingen_frist_i_kraft(verden):
    """A draft restating the 2024 oppdrag's frist (and an unsent tillegg changing it) silences
    nothing: the oppdrag still reminds on the date the sent letter gives, and its page shows it."""
    from varsler.paaminnelser import forekomster

    w = verden
    datoer = {f.dato for f in forekomster(date(2026, 11, 1), date(2026, 12, 31)) if f.oppdrag is not None
              and f.oppdrag.nummer == "2024-01" and f.oppdrag.virksomhet.kortnavn == "VIRKA"}
    assert datoer == {date(2026, 12, 1)}
    client = Client()
    client.force_login(w.users["virk_a_kontakt"])
    from oppdrag.models import Oppdrag

    o24 = Oppdrag.objects.get(virksomhet__kortnavn="VIRKA", nummer="2024-01")
    side = client.get(f"/oppdrag/{o24.pk}/").content.decode()
    assert "01.12.2026" in side


def test_brevets_pdf_og_arkiv_bare_med_det_som_er_sendt(verden):
    """The letter's print document (what the PDF is made of), its PDF text and the archive export
    of the sent 2024 letter hold nothing from the unsent tillegg or from any draft."""
    import json

    from arkiv.eksport import export_tildelingsbrev
    from brev.pdf import tildelingsbrev_html
    from dokumenter.render import render_pdf

    w = verden
    html = tildelingsbrev_html(w.brev["a24"])
    arkiv = json.dumps(export_tildelingsbrev(w.brev["a24"]), ensure_ascii=False)
    pdf = _pdf_tekst(render_pdf(html, variant="standard", tittel="Tildelingsbrev 2024", identifier="markor"))
    assert "Kartlegge tilbudet" in html and "Kartlegge" in pdf  # the letter itself is there
    feil = []
    for hvor, tekst in (("utskriftsdokumentet", html), ("PDF-en", pdf), ("arkiveksporten", arkiv)):
        feil += _lekkasjer(tekst, "virk_a_kontakt", hvor, w.markorer)
    assert feil == [], "\n".join(feil)
    assert "<dt>Jf. oppdrag</dt><dd>2024-T1</dd>" in html  # the «jf. oppdrag» in force is named
    assert json.loads(arkiv)["oppdrag"][0]["jf_oppdrag"] == ["2024-T1"]


def test_rapporten_forhaandsutfylles_bare_fra_det_som_er_sendt(verden):
    from rapportering.models import Rapport

    rapport = Rapport.objects.get(virksomhet__kortnavn="VIRKA", type="halvaarsrapport")
    nummer = sorted(rapport.oppdragsstatuser.values_list("oppdrag__nummer", flat=True))
    assert nummer == ["2024-01", "2024-T1"]
