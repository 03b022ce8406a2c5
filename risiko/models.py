"""The agency's risk and vesentlighet assessment (instruks 4.2, the letter's chapter 6).

Per period (a half year or a year) the agency lists the risks that may keep it from reaching its
goals: what is at stake (a mål or an oppdrag), likelihood and consequence on a 1–5 scale, the
measures it takes (owner and frist; they remind like other frister), the residual risk after the
measures, and whether that residual risk is acceptable.

An assessment is the agency's own draft until it is shared with the ministry; from then on it is
read-only for everyone (the next period starts a new assessment from it). A risk carried into the
next assessment keeps a link to its earlier self (``forrige``), which gives the trend.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kjerne.historikk import historikk
from kjerne.tiltak import Tiltak, Tiltaksstatus  # noqa: F401  (Tiltaksstatus: imported from here by services)

from .querysets import RisikovurderingQuerySet

SKALA = (1, 2, 3, 4, 5)
SKALA_VALIDATORER = [MinValueValidator(1, "Velg en verdi fra 1 til 5."),
                     MaxValueValidator(5, "Velg en verdi fra 1 til 5.")]

SANNSYNLIGHET_TEKST = {1: "Svært lite sannsynlig", 2: "Lite sannsynlig", 3: "Moderat sannsynlig",
                       4: "Sannsynlig", 5: "Svært sannsynlig"}
KONSEKVENS_TEKST = {1: "Ubetydelig", 2: "Liten", 3: "Moderat", 4: "Alvorlig", 5: "Svært alvorlig"}


class Nivaa(models.TextChoices):
    """The level of a risk from its score (likelihood × consequence), as the matrix colours it."""

    LAV = "lav", "Lav"
    MIDDELS = "middels", "Middels"
    HOY = "hoy", "Høy"


def nivaa(sannsynlighet: int, konsekvens: int) -> Nivaa:
    """Lav 1–4 (green), middels 5–9 (yellow), høy 10–25 (red)."""
    poeng = sannsynlighet * konsekvens
    if poeng >= 10:
        return Nivaa.HOY
    if poeng >= 5:
        return Nivaa.MIDDELS
    return Nivaa.LAV


class Periodetype(models.TextChoices):
    HALVAAR = "halvaar", "Halvår"
    AAR = "aar", "År"


class Vurderingsstatus(models.TextChoices):
    UTKAST = "utkast", "Utkast"
    DELT = "delt", "Delt med departementet"


class Risikovurdering(models.Model):
    """The agency's risk and vesentlighet assessment for one period."""

    virksomhet = models.ForeignKey("styring.Organisasjon", verbose_name="virksomhet", on_delete=models.PROTECT,
                                   related_name="risikovurderinger", limit_choices_to={"type": "virksomhet"})
    # The steering ministry it is shared with: the ministry of the agency's letter for the period.
    departement = models.ForeignKey("styring.Organisasjon", verbose_name="deles med departement",
                                    on_delete=models.PROTECT, related_name="mottatte_risikovurderinger",
                                    limit_choices_to={"type": "departement"})
    aar = models.PositiveSmallIntegerField("år")
    periodetype = models.CharField("periode", max_length=10, choices=Periodetype.choices)
    gjelder_per = models.DateField("gjelder per")
    sammendrag = models.TextField("overordnet vurdering", blank=True)
    status = models.CharField("status", max_length=10, choices=Vurderingsstatus.choices,
                              default=Vurderingsstatus.UTKAST)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="opprettet av", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    delt = models.DateTimeField("delt", null=True, blank=True)
    delt_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="delt av", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")

    objects = RisikovurderingQuerySet.as_manager()
    history = historikk()

    class Meta:
        verbose_name = "risikovurdering"
        verbose_name_plural = "risikovurderinger"
        ordering = ["virksomhet", "-gjelder_per"]
        constraints = [
            models.UniqueConstraint(fields=["virksomhet", "aar", "periodetype"], name="en_risikovurdering_per_periode"),
            models.CheckConstraint(condition=Q(aar__gte=1990) & Q(aar__lte=2100), name="risikovurdering_rimelig_aar"),
            models.CheckConstraint(condition=Q(status="utkast") | Q(delt__isnull=False),
                                   name="delt_risikovurdering_har_tidspunkt"),
        ]

    def __str__(self) -> str:
        return f"Risikovurdering {self.periode} – {self.virksomhet}"

    @property
    def periode(self) -> str:
        """«Halvår 2024» or «2024»."""
        return f"Halvår {self.aar}" if self.periodetype == Periodetype.HALVAAR else str(self.aar)

    @property
    def er_laast(self) -> bool:
        return self.status != Vurderingsstatus.UTKAST

    @staticmethod
    def periodens_dato(aar: int, periodetype: str) -> date:
        return date(aar, 6, 30) if periodetype == Periodetype.HALVAAR else date(aar, 12, 31)


class Risiko(models.Model):
    """One risk factor: what may keep a goal or an oppdrag from being reached, and how likely and
    how serious it is before and after the measures."""

    vurdering = models.ForeignKey(Risikovurdering, on_delete=models.CASCADE, related_name="risikoer")
    nummer = models.PositiveSmallIntegerField("nummer")
    tittel = models.CharField("risiko", max_length=300)
    beskrivelse = models.TextField("årsaker og mulige konsekvenser", blank=True)
    maal = models.ForeignKey("styring.Maal", verbose_name="mål", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="risikoer")
    oppdrag = models.ForeignKey("oppdrag.Oppdrag", verbose_name="oppdrag", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="risikoer")
    sannsynlighet = models.PositiveSmallIntegerField("sannsynlighet", validators=SKALA_VALIDATORER)
    konsekvens = models.PositiveSmallIntegerField("konsekvens", validators=SKALA_VALIDATORER)
    rest_sannsynlighet = models.PositiveSmallIntegerField("sannsynlighet etter tiltak", validators=SKALA_VALIDATORER)
    rest_konsekvens = models.PositiveSmallIntegerField("konsekvens etter tiltak", validators=SKALA_VALIDATORER)
    akseptabel = models.BooleanField("restrisikoen er akseptabel", default=False)
    begrunnelse = models.TextField("vurdering av restrisikoen", blank=True)
    # The same risk in the previous assessment, when it was carried forward: gives the trend.
    forrige = models.ForeignKey("self", verbose_name="samme risiko i forrige vurdering", on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="videreført_i")

    history = historikk()

    class Meta:
        verbose_name = "risiko"
        verbose_name_plural = "risikoer"
        ordering = ["vurdering", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["vurdering", "nummer"], name="risiko_unikt_nummer"),
            *[models.CheckConstraint(condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 5}), name=f"risiko_{f}_1_til_5")
              for f in ("sannsynlighet", "konsekvens", "rest_sannsynlighet", "rest_konsekvens")],
        ]

    def __str__(self) -> str:
        return f"R{self.nummer} {self.tittel}"

    @property
    def kode(self) -> str:
        return f"R{self.nummer}"

    @property
    def poeng(self) -> int:
        return self.sannsynlighet * self.konsekvens

    @property
    def rest_poeng(self) -> int:
        return self.rest_sannsynlighet * self.rest_konsekvens

    @property
    def nivaa(self) -> Nivaa:
        return nivaa(self.sannsynlighet, self.konsekvens)

    @property
    def rest_nivaa(self) -> Nivaa:
        return nivaa(self.rest_sannsynlighet, self.rest_konsekvens)


class Risikotiltak(Tiltak):
    """A measure against a risk, with the person who answers for it and a frist that reminds."""

    risiko = models.ForeignKey(Risiko, on_delete=models.CASCADE, related_name="tiltak")

    history = historikk()

    class Meta(Tiltak.Meta):
        verbose_name = "tiltak mot risiko"
        verbose_name_plural = "tiltak mot risiko"
        ordering = ["risiko", "rekkefolge", "pk"]
