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
    # Hand-off notices (Varsel.Art) the user has turned off, per channel; a kind not listed is on,
    # so a kind added later reaches everyone until they turn it off.
    av_i_portalen = models.JSONField("hendelser slått av i innboksen", default=list, blank=True)
    av_paa_epost = models.JSONField("hendelser slått av på e-post", default=list, blank=True)

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
        # The rest of the styringsdialog (meetings, risk, Riksrevisjonen): declared together so that
        # the apps that add them need no migration of the reminder ledger of their own.
        DAGSORDEN = "dagsorden", "Frist for saker til dagsorden"
        OPPFOLGINGSPUNKT = "oppfolging", "Oppfølgingspunkt fra møte"
        RISIKOTILTAK = "risiko", "Tiltak mot risiko"
        REVISJONSTILTAK = "revisjon", "Tiltak etter Riksrevisjonens merknad"

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
    # Not indexed: a row is always found by its id, the token only checked on it (an index on the
    # token was a write per claim, never searched).
    krav = models.CharField("tatt av kjøring", max_length=32, blank=True,
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
        # One index for what a run may take (``services._klar``): planned rows by status, failed ones
        # by status and next attempt, stale claims by status (few rows) and claim time. Each status
        # change of a send writes this index once (two indexes on status were written twice).
        indexes = [models.Index(fields=["status", "neste_forsok", "sist_forsok"], name="paaminnelse_klar")]

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


class Varsel(models.Model):
    """One notice of a hand-off to one person: a row in their inbox and, if they want it, one
    e-mail. The e-mail is sent under the same ledger rules as the reminders (``status``, ``krav``,
    ``sist_forsok``, ``forsok``, ``neste_forsok``: claimed by one conditional UPDATE, recorded by a
    second), so a task run twice or after a crash sends it at most once more than the one in flight.

    ``tittel`` and ``tekst`` are written when the hand-off happens, for a person who may see the
    object then; the link (``sti``) goes through the object's own access check when followed."""

    class Art(models.TextChoices):
        BREV_TIL_GODKJENNING = "brev_til_godkjenning", "Tildelingsbrev sendt til godkjenning"
        BREV_SENDT_TILBAKE = "brev_sendt_tilbake", "Tildelingsbrev sendt tilbake fra godkjenning"
        BREV_SENDT = "brev_sendt", "Tildelingsbrev sendt til virksomheten"
        TILLEGG_SENDT = "tillegg_sendt", "Tillegg til tildelingsbrev sendt"
        OPPDRAG_RISIKO = "oppdrag_risiko", "Oppdrag satt til rød eller gul"
        OPPDRAG_LEVERANSE = "oppdrag_leveranse", "Leveranse lastet opp i et oppdrag"
        OPPDRAG_KOMMENTAR = "oppdrag_kommentar", "Kommentar fra departementet på et oppdrag"
        OPPDRAG_AVSLUTTET = "oppdrag_avsluttet", "Oppdrag avsluttet av departementet"
        RAPPORT_SENDT = "rapport_sendt", "Rapport sendt til departementet"
        RAPPORT_MOTTATT = "rapport_mottatt", "Rapport mottatt av departementet"
        RAPPORT_KOMMENTERT = "rapport_kommentert", "Kommentar fra departementet på en rapport"
        REFERAT_TIL_KOMMENTAR = "referat_til_kommentar", "Møtereferat sendt til kommentarer"
        REFERAT_MERKNAD = "referat_merknad", "Merknad til et møtereferat"
        REFERAT_GODKJENT = "referat_godkjent", "Møtereferat godkjent"
        RISIKO_DELT = "risiko_delt", "Risikovurdering delt med departementet"

    mottaker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="varsler")
    art = models.CharField("hva", max_length=30, choices=Art.choices)
    tittel = models.CharField("tittel", max_length=300)
    tekst = models.TextField("tekst", blank=True)
    sti = models.CharField("lenke", max_length=300)
    utfort_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="utført av", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    opprettet = models.DateTimeField("tidspunkt", auto_now_add=True)
    i_innboks = models.BooleanField("vises i innboksen", default=True)
    lest = models.DateTimeField("lest", null=True, blank=True)
    # The e-mail; "" = the person does not want this kind by e-mail (or has no address).
    status = models.CharField("e-post", max_length=10, choices=Paaminnelse.Status.choices, blank=True)
    forsok = models.PositiveSmallIntegerField("forsøk", default=0)
    feil = models.TextField("siste feil", blank=True)
    sist_forsok = models.DateTimeField("siste forsøk", null=True, blank=True)
    neste_forsok = models.DateTimeField("neste forsøk", null=True, blank=True)
    sendt = models.DateTimeField("e-post sendt", null=True, blank=True)
    krav = models.CharField("tatt av kjøring", max_length=32, blank=True)

    class Meta:
        verbose_name = "varsel"
        verbose_name_plural = "varsler (innboks og e-post)"
        ordering = ["-opprettet", "-pk"]
        indexes = [models.Index(fields=["mottaker", "i_innboks", "lest"], name="varsel_innboks"),
                   models.Index(fields=["status", "neste_forsok"], name="varsel_epost_klar")]

    def __str__(self) -> str:
        return self.tittel

    @property
    def nye_oppdrag(self) -> list[str]:
        """The new oppdrag a sent letter or tillegg gave, as listed in the notice's text."""
        _, funnet, resten = self.tekst.partition("Nye oppdrag:\n")
        return [linje.removeprefix("– ") for linje in resten.splitlines() if linje.strip()] if funnet else []
