"""Builders shared by the tests of the letter pages (tests/brev/test_brev_*.py)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from budsjett.models import Budsjettendring
from styring.models import Brevavsnitt, Maaleverdi, Resultatkrav, Tildelingsbrev, Tillegg
from tests.demodata import last_demo
from tests.factories import (
    BudsjettbindingFactory,
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    DepartementFactory,
    FristFactory,
    MaalFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
    TilskuddFactory,
    UserFactory,
    VirksomhetFactory,
)


def load_demo() -> dict[int, Tildelingsbrev]:
    last_demo()
    return {b.aar: b for b in Tildelingsbrev.objects.filter(virksomhet__kortnavn="IMDi")}


def bygg_brev(*, oppdrag: int = 3, poster: int = 2, tillegg: bool = True, brev=None, nr_start: int = 0):
    """A sent letter with mål, parameters, new and earlier oppdrag, budget, a sent tillegg.

    Called again with ``brev`` it adds ``oppdrag``/``poster`` more rows to the same letter.
    """
    if brev is None:
        dep = DepartementFactory()
        virk = VirksomhetFactory()
        forrige = TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2023, sendt_brev=True)
        brev = TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2024, sendt_brev=True)
        Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="1", tittel="Innledning", tekst="Innledende tekst.")
        Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="3", tittel="Mål, styringsparametere og oppdrag",
                                   rekkefolge=3)
        Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="9", tittel="Tildeling av midler", rekkefolge=9)
        for n in (1, 2, 3):
            m = MaalFactory(tildelingsbrev=brev, nummer=n, tittel=f"Mål nummer {n}")
            for k in (1, 2):
                sp = StyringsparameterFactory(maal=m, kode=f"SP {n}.{k}")
                Resultatkrav.objects.create(styringsparameter=sp, tekst="90 prosent")
                Maaleverdi.objects.create(styringsparameter=sp, periode="2022", verdi=49, enhet="%")
        RapporteringspunktFactory(tildelingsbrev=brev)
        BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671, betegnelse="Bosetting")
    maal = list(brev.maal.order_by("nummer"))
    forrige = Tildelingsbrev.objects.get(virksomhet=brev.virksomhet, aar=brev.aar - 1)
    for i in range(nr_start, nr_start + oppdrag):
        o = OppdragFactory(tildelingsbrev=brev, maal=maal[i % 3], nummer=f"2024-{i + 1:03d}", rekkefolge=i)
        FristFactory(oppdrag=o, tekst="31.12.2024", dato=date(2024, 12, 31))
        gammel_maal = MaalFactory(tildelingsbrev=forrige, nummer=100 + i)
        g = OppdragFactory(tildelingsbrev=forrige, maal=gammel_maal, nummer=f"2023-{i + 1:03d}")
        FristFactory(oppdrag=g, tildelingsbrev=forrige, tekst="01.06.2025", dato=date(2025, 6, 1))
    kapitler = {k.nummer: k for k in brev.kapitler.all()}
    for i in range(nr_start, nr_start + poster):
        knr = 671 + i // 90
        if knr not in kapitler:
            kapitler[knr] = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=knr, betegnelse=f"Kapittel {knr}")
        p = BudsjettpostFactory(kapittel=kapitler[knr], post=i % 90 + 1, betegnelse=f"Post {i}",
                                tildelt_kr=1_000_000 * (i + 1))
        BudsjettbindingFactory(post=p, tekst=f"Binding {i}", belop_kr=1000,
                               oppdrag_nummer=f"2024-{i % max(oppdrag, 1) + 1:03d}")
        TilskuddFactory(post=p, belop_kr=500)
    kap = kapitler[671]
    if tillegg and not brev.tillegg.exists():
        t = Tillegg.objects.create(tildelingsbrev=brev, nummer=1, status="sendt", sendt=timezone.now(),
                                   dato=date(2024, 3, 15))
        post = kap.poster.order_by("post").first()
        if post:
            Budsjettendring.objects.create(tillegg=t, post=post, endring_kr=2_500_000, tekst="Økt ramme")
    return brev


def departement_bruker(brev, **kwargs):
    return UserFactory(organisasjon=brev.departement, **kwargs)


def virksomhet_bruker(brev):
    return UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt")
