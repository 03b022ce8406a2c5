"""factory-boy factories; every object they build passes full_clean()."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone

from brukere.models import Rolle, User
from budsjett.models import Budsjettbinding, Budsjettkapittel, Budsjettpost, Fordeling, Tilskudd
from oppdrag.models import Frist, Milepael, Oppdrag
from styring.models import (
    Maal,
    Organisasjon,
    Rapporteringspunkt,
    Styringsparameter,
    Tildelingsbrev,
)


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisasjon
        django_get_or_create = ("kortnavn",)

    navn = factory.Sequence(lambda n: f"Testdepartementet {n}")
    kortnavn = factory.Sequence(lambda n: f"DEP{n}")
    type = Organisasjon.Type.DEPARTEMENT


class VirksomhetFactory(DepartementFactory):
    navn = factory.Sequence(lambda n: f"Testdirektoratet {n}")
    kortnavn = factory.Sequence(lambda n: f"VIRK{n}")
    type = Organisasjon.Type.VIRKSOMHET


class ObservatorFactory(DepartementFactory):
    navn = "Riksrevisjonen"
    kortnavn = "Riksrevisjonen"
    type = Organisasjon.Type.OBSERVATOR


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = "Kari"
    last_name = factory.Sequence(lambda n: f"Nordmann {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    organisasjon = factory.SubFactory(DepartementFactory)
    rolle = Rolle.DEPARTEMENT_REDAKTOR
    password = factory.django.Password("et-langt-testpassord")

    class Params:
        godkjenner = factory.Trait(rolle=Rolle.DEPARTEMENT_GODKJENNER)
        virksomhet = factory.Trait(organisasjon=factory.SubFactory(VirksomhetFactory), rolle=Rolle.VIRKSOMHET_KONTAKT)
        observator = factory.Trait(organisasjon=factory.SubFactory(ObservatorFactory), rolle=Rolle.OBSERVATOR)


class TildelingsbrevFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tildelingsbrev

    virksomhet = factory.SubFactory(VirksomhetFactory)
    departement = factory.SubFactory(DepartementFactory)
    aar = 2024
    tittel = factory.LazyAttribute(lambda b: f"Tildelingsbrev til {b.virksomhet.navn} for {b.aar}")
    dato = factory.LazyAttribute(lambda b: date(b.aar - 1, 12, 20))

    class Params:
        sendt_brev = factory.Trait(status="sendt", sendt=factory.LazyFunction(timezone.now))


class MaalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Maal

    tildelingsbrev = factory.SubFactory(TildelingsbrevFactory)
    nummer = factory.Sequence(lambda n: n + 1)
    tittel = factory.Sequence(lambda n: f"Testmål {n}")


class StyringsparameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Styringsparameter

    maal = factory.SubFactory(MaalFactory)
    kode = factory.Sequence(lambda n: f"SP {n + 1}")
    tekst = "Andel deltakere i arbeid eller utdanning"


class RapporteringspunktFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rapporteringspunkt

    tildelingsbrev = factory.SubFactory(TildelingsbrevFactory)
    type = "aarsrapport"
    rapport_aar = factory.LazyAttribute(lambda r: r.tildelingsbrev.aar)
    betegnelse = factory.LazyAttribute(lambda r: f"Årsrapport og regnskap for budsjettåret {r.rapport_aar}")
    telletidspunkt = factory.LazyAttribute(lambda r: date(r.rapport_aar, 12, 31))
    frist = factory.LazyAttribute(lambda r: date(r.rapport_aar + 1, 3, 15))


class OppdragFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Oppdrag

    tildelingsbrev = factory.SubFactory(TildelingsbrevFactory)
    virksomhet = factory.LazyAttribute(lambda o: o.tildelingsbrev.virksomhet)
    aar = factory.LazyAttribute(lambda o: o.tildelingsbrev.aar)
    maal = factory.LazyAttribute(lambda o: MaalFactory(tildelingsbrev=o.tildelingsbrev))
    nummer = factory.Sequence(lambda n: f"T-{n + 1:04d}")
    tittel = factory.Sequence(lambda n: f"Testoppdrag nummer {n}")


class FristFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Frist

    oppdrag = factory.SubFactory(OppdragFactory)
    tildelingsbrev = factory.LazyAttribute(lambda f: f.oppdrag.tildelingsbrev)
    dato = factory.LazyAttribute(lambda f: date(f.tildelingsbrev.aar, 12, 31))
    tekst = factory.LazyAttribute(lambda f: f"{f.dato:%d.%m.%Y}")
    form = "dato"


class MilepaelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milepael

    oppdrag = factory.SubFactory(OppdragFactory)
    tittel = "Prosjektplan"
    dato = factory.LazyAttribute(lambda m: date(m.oppdrag.aar, 6, 1))
    tekst = factory.LazyAttribute(lambda m: f"{m.dato:%d.%m.%Y}")
    form = "dato"


class BudsjettkapittelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budsjettkapittel

    tildelingsbrev = factory.SubFactory(TildelingsbrevFactory)
    nummer = factory.Sequence(lambda n: 600 + n)
    betegnelse = "Integrering og mangfold"


class BudsjettpostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budsjettpost

    kapittel = factory.SubFactory(BudsjettkapittelFactory)
    post = factory.Sequence(lambda n: n % 99 + 1)
    betegnelse = "Driftsutgifter"
    tildelt_kr = 10_000_000


class BudsjettbindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budsjettbinding

    post = factory.SubFactory(BudsjettpostFactory)
    tekst = "Evaluering"
    belop_kr = 1_000_000


class FordelingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fordeling

    post = factory.SubFactory(BudsjettpostFactory)
    tekst = "Tilskuddsordning"
    belop_kr = 1_000_000


class TilskuddFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tilskudd

    post = factory.SubFactory(BudsjettpostFactory)
    mottaker = factory.Sequence(lambda n: f"Organisasjon {n}")
    belop_kr = 500_000
