"""The demo: IMDi's real 2023 and 2024 letters, the instrukser, and one user per role."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from brukere.models import Rolle, User
from oppdrag.models import Oppdrag
from oppdrag.services import oppdrag_set_status
from styring.historikk import acting_user
from styring.models import Instruks, Instruksavsnitt, Organisasjon, Tildelingsbrev

from .arkiv import import_tildelingsbrev

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
LETTERS = ("imdi-2023.json", "imdi-2024.json")
INSTRUKSER = ("instruks-imdi-2021.json", "instruks-imdi-2023.json")
DEMO_PASSORD = "styring-demo-2024"


@dataclass(frozen=True)
class DemoBruker:
    username: str
    first_name: str
    last_name: str
    org: str
    rolle: str
    stilling: str
    superuser: bool = False


DEMO_BRUKERE = (
    DemoBruker("dep.redaktor", "Tarjei", "Havnes", "AID", Rolle.DEPARTEMENT_REDAKTOR, "saksbehandler"),
    DemoBruker("dep.godkjenner", "Lisbeth", "Fransplass Røren", "AID", Rolle.DEPARTEMENT_GODKJENNER, "ekspedisjonssjef"),
    DemoBruker("imdi.kontakt", "Ingrid", "Kontaktperson", "IMDi", Rolle.VIRKSOMHET_KONTAKT, "fast kontaktperson"),
    DemoBruker("imdi.oppdrag", "Ola", "Oppdragsansvarlig", "IMDi", Rolle.VIRKSOMHET_OPPDRAGSEIER, "seniorrådgiver"),
    DemoBruker("imdi.leder", "Hanne", "Direktør", "IMDi", Rolle.VIRKSOMHET_LEDER, "direktør"),
    DemoBruker("riksrevisjonen", "Rita", "Revisor", "Riksrevisjonen", Rolle.OBSERVATOR, "revisor"),
    DemoBruker("admin", "Ada", "Administrator", "AID", Rolle.ADMINISTRATOR, "systemansvarlig", superuser=True),
)


def _load_json(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _instruks(data: dict) -> Instruks:
    virksomhet = Organisasjon.objects.get(kortnavn=data["virksomhet"])
    departement = Organisasjon.objects.get(kortnavn=data["departement"])
    instruks, created = Instruks.objects.get_or_create(
        virksomhet=virksomhet, trer_i_kraft=date.fromisoformat(data["trer_i_kraft"]),
        defaults={"departement": departement, "tittel": data["tittel"],
                  "fastsatt": date.fromisoformat(data["fastsatt"]) if data.get("fastsatt") else None,
                  "erstatter_tekst": data.get("erstatter_tekst", "")},
    )
    if created:
        for i, k in enumerate(data.get("kapitler", [])):
            Instruksavsnitt.objects.create(instruks=instruks, nummer=k["nummer"], tittel=k["tittel"], tekst=k["tekst"],
                                           rekkefolge=i)
    return instruks


def _ensure_org(kortnavn: str, navn: str, type_: str) -> Organisasjon:
    org, _ = Organisasjon.objects.get_or_create(kortnavn=kortnavn, defaults={"navn": navn, "type": type_})
    return org


@transaction.atomic
def load_demo(*, stdout=None) -> list[Tildelingsbrev]:
    """Load the demo idempotently: what is already there is left as it is."""
    def say(msg: str) -> None:
        if stdout is not None:
            stdout.write(msg)

    _ensure_org("AID", "Arbeids- og inkluderingsdepartementet", Organisasjon.Type.DEPARTEMENT)
    _ensure_org("KD", "Kunnskapsdepartementet", Organisasjon.Type.DEPARTEMENT)
    _ensure_org("IMDi", "Integrerings- og mangfoldsdirektoratet", Organisasjon.Type.VIRKSOMHET)
    _ensure_org("Riksrevisjonen", "Riksrevisjonen", Organisasjon.Type.OBSERVATOR)

    users = {}
    for d in DEMO_BRUKERE:
        user = User.objects.filter(username=d.username).first()
        if user is None:
            user = User(username=d.username, first_name=d.first_name, last_name=d.last_name,
                        email=f"{d.username}@demo.styringsportalen.no", rolle=d.rolle, stilling=d.stilling,
                        organisasjon=Organisasjon.objects.get(kortnavn=d.org), is_staff=d.superuser,
                        is_superuser=d.superuser)
            user.set_password(DEMO_PASSORD)
            user.save()
        users[d.username] = user

    admin = users["admin"]
    letters = []
    with acting_user(admin):
        instrukser = {}
        for name in INSTRUKSER:
            if (FIXTURES / "tekster" / name).exists():
                data = _load_json(f"tekster/{name}")
                _ensure_org(data["departement"], data["departement"], Organisasjon.Type.DEPARTEMENT)
                instrukser[name] = _instruks(data)
        for name in LETTERS:
            data = _load_json(name)
            existing = Tildelingsbrev.objects.filter(virksomhet__kortnavn=data["virksomhet"], aar=data["aar"]).first()
            if existing:
                say(f"Tildelingsbrev {data['aar']} for {data['virksomhet']} finnes allerede – uendret.")
                letters.append(existing)
                continue
            brev = import_tildelingsbrev(data, user=admin)
            brev.instruks = instrukser.get("instruks-imdi-2023.json")
            brev.kontaktperson = users["dep.redaktor"]
            brev.godkjent_av = users["dep.godkjenner"]
            brev.save()
            letters.append(brev)
            say(f"Lastet tildelingsbrev {brev.aar} for {brev.virksomhet}: {brev.maal.count()} mål, "
                f"{brev.nye_oppdrag.count()} nye oppdrag, {brev.kapitler.count()} budsjettkapitler.")

        imdi = Organisasjon.objects.get(kortnavn="IMDi")
        if imdi.kontaktperson_id is None:
            imdi.kontaktperson = users["imdi.kontakt"]
            imdi.save()
        _demo_oppfolging(users)
        from rapporter.demo import demo_aarsrapport  # the reports app builds on this one's demo data

        demo_aarsrapport(user=users["imdi.kontakt"])
    return letters


def _demo_oppfolging(users: dict) -> None:
    """A little follow-up on the 2024 oppdrag, so the status and risk views are not empty."""
    eier = users["imdi.oppdrag"]
    eksempler = [
        ("2024-02", "paagaar", "gronn", "Arbeidet følger planen.", "", date(2024, 6, 30)),
        ("2024-05", "paagaar", "gul", "Rekruttering av prosjektleder tok lengre tid enn planlagt.",
         "Ekstern bistand er innhentet for å ta igjen forsinkelsen.", date(2024, 6, 30)),
        ("2024-13", "paagaar", "rod", "Del I ble ikke levert innen fristen 30.06.2024 på grunn av manglende data.",
         "Departementet er varslet; ny leveranseplan legges fram innen 15.08.2024.", date(2024, 6, 30)),
        ("2023-09", "levert", "gronn", "Evalueringen er levert.", "", date(2024, 5, 31)),
    ]
    for nummer, status, risiko, vurdering, tiltak, dato in eksempler:
        o = Oppdrag.objects.filter(virksomhet__kortnavn="IMDi", nummer=nummer).first()
        if o is None or o.statusoppdateringer.exists():
            continue
        if o.ansvarlig_id is None:
            o.ansvarlig = eier
            o.save(update_fields=["ansvarlig"])
        oppdrag_set_status(oppdrag=o, status=status, risiko=risiko, risiko_tekst=vurdering, tiltak=tiltak,
                           gjelder_dato=dato, acting_user=eier)


def demo_logins() -> str:
    lines = [f"Demo-pålogging (passord for alle: {DEMO_PASSORD}):"]
    for d in DEMO_BRUKERE:
        lines.append(f"  {d.username:<16} {dict(Rolle.choices)[d.rolle]} ({d.org})")
    return "\n".join(lines)
