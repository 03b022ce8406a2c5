"""Reminders: each user's choices and the ledger that makes every reminder go out once.

The ledger (Paaminnelse) has one row per frist occurrence, kind of reminder and recipient,
guarded by a unique constraint: a retry, a second beat process, a re-run of the task or two
workers racing all try to insert the same row, and only one succeeds. The row then moves
planlagt → sender → sendt, one row at a time, each step committed on its own (see
docs/paaminnelser.md). A failed send goes to feilet with the time of the next attempt; a claim
(``krav`` + ``sist_forsok``) older than the stale-claim timeout was left by a dead process and is
taken over by the next run.

The ledger is itself a log, so it carries no simple-history; its status changes are conditional
single-row updates, which is what makes the claim race-free.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Varselinnstilling(models.Model):
    """Which reminders a user wants. Missing row = the deployment's defaults (all on, no digest)."""

    bruker = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="varselinnstilling")
    paaminnelser = models.BooleanField("e-post før frister", default=True)
    dager = models.JSONField("dager før fristen", default=list, blank=True,
                             help_text="Tom liste = alle dagene som er satt opp for portalen.")
    forfalt = models.BooleanField("varsel når en frist er passert uten levering", default=True)
    ukentlig_oppsummering = models.BooleanField("ukentlig oppsummering (mandag)", default=False)

    class Meta:
        verbose_name = "varselinnstilling"
        verbose_name_plural = "varselinnstillinger"

    def __str__(self) -> str:
        return f"Varsler for {self.bruker}"


class Paaminnelse(models.Model):
    """One reminder e-mail to one person about one occurrence of one frist."""

    class Kilde(models.TextChoices):
        OPPDRAGSFRIST = "frist", "Oppdragsfrist"
        MILEPAEL = "milepael", "Milepæl"
        RAPPORT = "rapport", "Rapporteringsfrist"
        PLIKT = "plikt", "Annen frist i brevet"

    class Status(models.TextChoices):
        PLANLAGT = "planlagt", "Planlagt"
        SENDER = "sender", "Sendes"
        SENDT = "sendt", "Sendt"
        FEILET = "feilet", "Feilet"
        BORTFALT = "bortfalt", "Bortfalt (levert eller endret før sending)"

    FORFALT = -1  # ``dager`` of the notice sent after a frist has passed without delivery

    kilde = models.CharField("kilde", max_length=10, choices=Kilde.choices)
    kilde_id = models.PositiveBigIntegerField("kilde-id")
    forfallsdato = models.DateField("fristdato")
    dager = models.SmallIntegerField("dager før", help_text="-1 = varsel etter passert frist.")
    mottaker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paaminnelser")
    planlagt_dato = models.DateField("kjøring")
    emne = models.CharField("emne", max_length=300)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.PLANLAGT)
    forsok = models.PositiveSmallIntegerField("forsøk", default=0)
    feil = models.TextField("siste feil", blank=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    sist_forsok = models.DateTimeField("siste forsøk", null=True, blank=True,
                                       help_text="Når raden sist ble tatt for sending (kravets tidspunkt).")
    neste_forsok = models.DateTimeField("neste forsøk", null=True, blank=True,
                                        help_text="Når en feilet sending tidligst prøves igjen (økende ventetid).")
    sendt = models.DateTimeField("sendt", null=True, blank=True)
    krav = models.CharField("tatt av kjøring", max_length=32, blank=True, db_index=True,
                            help_text="Kravet (token) til forsøket som tok raden for sending, satt i samme UPDATE.")

    class Meta:
        verbose_name = "påminnelse"
        verbose_name_plural = "påminnelser (logg)"
        ordering = ["-planlagt_dato", "forfallsdato"]
        constraints = [
            models.UniqueConstraint(fields=["kilde", "kilde_id", "forfallsdato", "dager", "mottaker"],
                                    name="paaminnelse_en_gang"),
            models.CheckConstraint(condition=Q(dager__gte=-1), name="paaminnelse_gyldige_dager"),
        ]
        indexes = [models.Index(fields=["status", "sist_forsok"]),
                   models.Index(fields=["status", "neste_forsok"], name="paaminnelse_neste_forsok")]

    def __str__(self) -> str:
        return self.emne


class Ukesoppsummering(models.Model):
    """The weekly digest to one person for one ISO week: sent once."""

    mottaker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ukesoppsummeringer")
    aar = models.PositiveSmallIntegerField("år")
    uke = models.PositiveSmallIntegerField("uke")
    status = models.CharField("status", max_length=10, choices=Paaminnelse.Status.choices,
                              default=Paaminnelse.Status.PLANLAGT)
    feil = models.TextField("siste feil", blank=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    sendt = models.DateTimeField("sendt", null=True, blank=True)

    class Meta:
        verbose_name = "ukentlig oppsummering"
        verbose_name_plural = "ukentlige oppsummeringer"
        ordering = ["-aar", "-uke"]
        constraints = [models.UniqueConstraint(fields=["mottaker", "aar", "uke"], name="oppsummering_en_gang_per_uke")]

    def __str__(self) -> str:
        return f"Uke {self.uke}/{self.aar} til {self.mottaker}"


class Kalendertilgang(models.Model):
    """A user's secret calendar feed address. Only the SHA-256 of the token is stored, so the
    address is shown once, when it is made; a new one replaces (and so revokes) the old."""

    bruker = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="bruker", on_delete=models.CASCADE,
                                  related_name="kalendertilgang")
    token_hash = models.CharField("token (SHA-256)", max_length=64, unique=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    sist_hentet = models.DateTimeField("sist hentet", null=True, blank=True)

    class Meta:
        verbose_name = "kalenderabonnement"
        verbose_name_plural = "kalenderabonnementer"

    def __str__(self) -> str:
        return f"Kalender for {self.bruker}"
