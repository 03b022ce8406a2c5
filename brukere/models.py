from django.contrib.auth.models import AbstractUser
from django.db import models

from kjerne.historikk import historikk


class Rolle(models.TextChoices):
    DEPARTEMENT_REDAKTOR = "dep_redaktor", "Saksbehandler i departementet"
    DEPARTEMENT_GODKJENNER = "dep_godkjenner", "Godkjenner i departementet"
    VIRKSOMHET_KONTAKT = "virk_kontakt", "Kontaktperson i virksomheten"
    VIRKSOMHET_OPPDRAGSEIER = "virk_oppdragseier", "Oppdragsansvarlig i virksomheten"
    VIRKSOMHET_LEDER = "virk_leder", "Leder i virksomheten"
    OBSERVATOR = "observator", "Lesetilgang (observatør)"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person using the portal: belongs to one organisation and has one role in it."""

    organisasjon = models.ForeignKey(
        "styring.Organisasjon",
        verbose_name="organisasjon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="brukere",
    )
    rolle = models.CharField("rolle", max_length=20, choices=Rolle.choices, blank=True)
    stilling = models.CharField("stillingstittel", max_length=200, blank=True)
    telefon = models.CharField("telefon", max_length=40, blank=True)

    history = historikk(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "bruker"
        verbose_name_plural = "brukere"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def er_administrator(self) -> bool:
        return self.is_superuser or self.rolle == Rolle.ADMINISTRATOR

    @property
    def er_observator(self) -> bool:
        return self.rolle == Rolle.OBSERVATOR

    @property
    def er_departement(self) -> bool:
        return self.rolle in (Rolle.DEPARTEMENT_REDAKTOR, Rolle.DEPARTEMENT_GODKJENNER)

    @property
    def er_virksomhet(self) -> bool:
        return self.rolle in (Rolle.VIRKSOMHET_KONTAKT, Rolle.VIRKSOMHET_OPPDRAGSEIER, Rolle.VIRKSOMHET_LEDER)
