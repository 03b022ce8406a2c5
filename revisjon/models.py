"""Riksrevisjonen's remarks and the agency's follow-up plan (instruks 4.2).

A remark (Merknad) comes from the annual financial audit, the revisjonsberetning or a
forvaltningsrevisjon, with a date and a severity. The agency keeps a concrete follow-up plan for
it: measures with an owner and a frist (Revisjonstiltak, which remind like other frister). The
remark's status runs åpen → under oppfølging → lukket; the agency uploads copies of its reply
letters to Riksrevisjonen (Svarbrev) for the ministry. Open remarks prefill the årsrapport's
part IV and the meeting agenda.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kjerne.historikk import historikk
from kjerne.tiltak import Tiltak
from oppdrag.models import format_storrelse

from .querysets import MerknadQuerySet


class Kilde(models.TextChoices):
    AARLIG_REVISJON = "aarlig", "Årlig revisjon"
    REVISJONSBERETNING = "beretning", "Revisjonsberetning"
    FORVALTNINGSREVISJON = "forvaltning", "Forvaltningsrevisjon"


class Alvorlighet(models.TextChoices):
    """Riksrevisjonen's grading of its criticism, most serious first."""

    SVAERT_ALVORLIG = "svaert_alvorlig", "Svært alvorlig"
    ALVORLIG = "alvorlig", "Alvorlig"
    KRITIKKVERDIG = "kritikkverdig", "Kritikkverdig"
    MERKNAD = "merknad", "Merknad"


ALVORLIGHET_REKKEFOLGE = {a: i for i, a in enumerate(Alvorlighet.values)}


class Merknadsstatus(models.TextChoices):
    AAPEN = "aapen", "Åpen"
    OPPFOLGING = "oppfolging", "Under oppfølging"
    LUKKET = "lukket", "Lukket"


class Merknad(models.Model):
    """A remark from Riksrevisjonen to the agency."""

    virksomhet = models.ForeignKey("styring.Organisasjon", verbose_name="virksomhet", on_delete=models.PROTECT,
                                   related_name="riksrevisjonsmerknader", limit_choices_to={"type": "virksomhet"})
    # The steering ministry that follows it up: the ministry of the agency's letter at registration.
    departement = models.ForeignKey("styring.Organisasjon", verbose_name="departement", on_delete=models.PROTECT,
                                    related_name="fulgte_riksrevisjonsmerknader",
                                    limit_choices_to={"type": "departement"})
    kilde = models.CharField("kilde", max_length=12, choices=Kilde.choices)
    dato = models.DateField("dato for merknaden")
    revidert_aar = models.PositiveSmallIntegerField("gjelder regnskapsåret", null=True, blank=True)
    referanse = models.CharField("Riksrevisjonens referanse", max_length=100, blank=True)
    tittel = models.CharField("merknad", max_length=300)
    beskrivelse = models.TextField("hva Riksrevisjonen påpeker", blank=True)
    alvorlighet = models.CharField("alvorlighetsgrad", max_length=16, choices=Alvorlighet.choices)
    status = models.CharField("status", max_length=12, choices=Merknadsstatus.choices, default=Merknadsstatus.AAPEN)
    lukket = models.DateField("lukket", null=True, blank=True)
    lukket_begrunnelse = models.TextField("grunnlag for lukking", blank=True)
    registrert = models.DateTimeField("registrert", auto_now_add=True)
    registrert_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="registrert av",
                                      on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = MerknadQuerySet.as_manager()
    history = historikk()

    class Meta:
        verbose_name = "merknad fra Riksrevisjonen"
        verbose_name_plural = "merknader fra Riksrevisjonen"
        ordering = ["virksomhet", "-dato", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="lukket") | (Q(lukket__isnull=False)
                                                                    & ~Q(lukket_begrunnelse="")),
                                   name="lukket_merknad_har_dato_og_grunnlag"),
            models.CheckConstraint(condition=Q(revidert_aar__isnull=True) | (Q(revidert_aar__gte=1990)
                                                                             & Q(revidert_aar__lte=2100)),
                                   name="merknad_rimelig_aar"),
            models.CheckConstraint(condition=~Q(tittel=""), name="merknad_har_tittel"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kilde_display()} {self.dato:%d.%m.%Y}: {self.tittel}"

    @property
    def er_lukket(self) -> bool:
        return self.status == Merknadsstatus.LUKKET


class Revisjonstiltak(Tiltak):
    """A measure in the agency's follow-up plan for a remark."""

    merknad = models.ForeignKey(Merknad, on_delete=models.CASCADE, related_name="tiltak")

    history = historikk()

    class Meta(Tiltak.Meta):
        verbose_name = "tiltak etter Riksrevisjonens merknad"
        verbose_name_plural = "tiltak etter Riksrevisjonens merknader"
        ordering = ["merknad", "rekkefolge", "pk"]


def svarbrev_path(instance: Svarbrev, filename: str) -> str:
    return f"riksrevisjonen/{instance.merknad.virksomhet.kortnavn}/{instance.merknad_id}/{filename}"


class Svarbrev(models.Model):
    """A copy of the agency's reply to Riksrevisjonen, uploaded for the ministry."""

    merknad = models.ForeignKey(Merknad, on_delete=models.CASCADE, related_name="svarbrev")
    tittel = models.CharField("tittel", max_length=300)
    datert = models.DateField("datert")
    fil = models.FileField("fil", upload_to=svarbrev_path, max_length=500)
    storrelse = models.PositiveBigIntegerField("størrelse (byte)", default=0)
    lastet_opp = models.DateTimeField("lastet opp", auto_now_add=True)
    lastet_opp_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="lastet opp av",
                                      on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "svarbrev til Riksrevisjonen"
        verbose_name_plural = "svarbrev til Riksrevisjonen"
        ordering = ["merknad", "-datert", "-lastet_opp"]

    def __str__(self) -> str:
        return self.tittel

    @property
    def storrelse_visning(self) -> str:
        return format_storrelse(self.storrelse)
