"""Meetings of the styringsdialog: etatsstyringsmøter and the other meetings the letter's chapter 7
and its calendar name, each with participants, an agenda, documents, minutes and decisions.

- ``Mote``: one meeting of a letter (and of its calendar entry, ``styring.Moete``, when the letter
  has one), with the report it is based on and the deadline for proposing agenda items.
- ``Sak``: an agenda item. Until the minutes are started, the agenda is drafted live from what
  needs discussing (``moter.dagsorden``) plus the stored items either side proposed; when the
  ministry starts the minutes, the drafted items are stored too, so the agenda as held is kept.
- ``Referat``: the minutes, written by the ministry, sent to the agency for comments
  (``Merknad``), approved by both sides and then locked.
- ``Vedtak``: a decision in the minutes: a new oppdrag (drafted into the letter's next tillegg) or
  an oppfølgingspunkt with an owner and a frist, followed up by ``Punktoppdatering``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kjerne.historikk import historikk

from .querysets import MoteQuerySet, VedtakQuerySet


class Motetype(models.TextChoices):
    ETATSSTYRINGSMOTE = "etatsstyringsmote", "Etatsstyringsmøte"
    SAERMOTE = "saermote", "Særmøte"
    FAGMOTE = "fagmote", "Fagmøte"
    STRATEGIMOTE = "strategimote", "Strategimøte"
    LEDERSAMLING = "ledersamling", "Ledersamling"
    KONTAKTMOTE = "kontaktmote", "Kontaktmøte med politisk ledelse"


#: The calendar's types (styring.Moete.Type) as meeting types; "annet" becomes a særmøte.
FRA_KALENDER = {
    "etatsstyringsmote": Motetype.ETATSSTYRINGSMOTE,
    "strategimote": Motetype.STRATEGIMOTE,
    "ledersamling": Motetype.LEDERSAMLING,
    "saermote": Motetype.SAERMOTE,
    "annet": Motetype.SAERMOTE,
}


class Side(models.TextChoices):
    DEPARTEMENT = "departement", "Departementet"
    VIRKSOMHET = "virksomhet", "Virksomheten"


class Mote(models.Model):
    tildelingsbrev = models.ForeignKey("styring.Tildelingsbrev", verbose_name="tildelingsbrev",
                                       on_delete=models.PROTECT, related_name="styringsmoter")
    kalenderpunkt = models.OneToOneField("styring.Moete", verbose_name="i brevets kalender", on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="portalmote")
    type = models.CharField("type møte", max_length=20, choices=Motetype.choices)
    tittel = models.CharField("tittel", max_length=300)
    dato = models.DateField("dato")
    klokkeslett = models.TimeField("klokkeslett", null=True, blank=True)
    sted = models.CharField("sted", max_length=200, blank=True)
    grunnlag = models.ForeignKey("rapportering.Rapport", verbose_name="bygger på rapport", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="moter")
    dagsorden_frist = models.DateField("frist for saker til dagsorden", null=True, blank=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="opprettet av", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    objects = MoteQuerySet.as_manager()
    history = historikk()

    class Meta:
        verbose_name = "møte"
        verbose_name_plural = "møter"
        ordering = ["dato", "klokkeslett", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(dagsorden_frist__isnull=True) | Q(dagsorden_frist__lte=models.F("dato")),
                                   name="mote_dagsordenfrist_for_motet",
                                   violation_error_message="Fristen for saker til dagsorden må være før møtet."),
        ]

    def __str__(self) -> str:
        return f"{self.tittel} {self.dato:%d.%m.%Y}"

    @property
    def har_referat(self) -> bool:
        try:
            return self.referat is not None
        except Referat.DoesNotExist:
            return False

    @property
    def saker_laast(self) -> bool:
        """Once the minutes are started, the agenda is the one held: stored, no longer drafted."""
        return self.har_referat

    @property
    def virksomhet(self):
        return self.tildelingsbrev.virksomhet

    @property
    def departement(self):
        return self.tildelingsbrev.departement


class Deltaker(models.Model):
    """A participant: a portal user, or a name (someone without a login, e.g. political leadership)."""

    mote = models.ForeignKey(Mote, on_delete=models.CASCADE, related_name="deltakere")
    side = models.CharField("side", max_length=20, choices=Side.choices)
    bruker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="bruker i portalen", on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="motedeltakelser")
    navn = models.CharField("navn", max_length=200, blank=True)
    stilling = models.CharField("stilling", max_length=200, blank=True)

    history = historikk()

    class Meta:
        verbose_name = "deltaker"
        verbose_name_plural = "deltakere"
        ordering = ["mote", "side", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(bruker__isnull=False) | ~Q(navn=""), name="deltaker_har_navn",
                                   violation_error_message="Velg en bruker eller skriv et navn."),
        ]

    def __str__(self) -> str:
        return self.visningsnavn

    @property
    def visningsnavn(self) -> str:
        if self.bruker_id:
            return self.bruker.get_full_name() or self.bruker.username
        return self.navn


class Sak(models.Model):
    """An item on the agenda."""

    class Kilde(models.TextChoices):
        FORSLAG = "forslag", "Foreslått"
        OPPDRAG = "oppdrag", "Oppdrag med rød eller gul status"
        AVVIK = "avvik", "Avvik i rapporten"
        RISIKO = "risiko", "Risikovurdering"
        REVISJON = "revisjon", "Riksrevisjonens merknader"
        OPPFOLGING = "oppfolging", "Åpent oppfølgingspunkt"

    mote = models.ForeignKey(Mote, on_delete=models.CASCADE, related_name="saker")
    kilde = models.CharField("kilde", max_length=20, choices=Kilde.choices, default=Kilde.FORSLAG)
    tittel = models.CharField("sak", max_length=300)
    beskrivelse = models.TextField("beskrivelse", blank=True)
    oppdrag = models.ForeignKey("oppdrag.Oppdrag", verbose_name="oppdrag", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    punkt = models.ForeignKey("moter.Vedtak", verbose_name="oppfølgingspunkt", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    foreslatt_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="foreslått av", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    side = models.CharField("foreslått av", max_length=20, choices=Side.choices, blank=True)
    opprettet = models.DateTimeField("foreslått", auto_now_add=True)
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "sak til dagsorden"
        verbose_name_plural = "saker til dagsorden"
        ordering = ["mote", "rekkefolge", "id"]

    def __str__(self) -> str:
        return self.tittel


def vedlegg_path(instance: Vedlegg, filename: str) -> str:
    return f"moter/{instance.mote.tildelingsbrev.virksomhet.kortnavn}/{instance.mote_id}/{filename}"


class Vedlegg(models.Model):
    """A document for the meeting (presentation, memo, the agency's risk report)."""

    mote = models.ForeignKey(Mote, on_delete=models.CASCADE, related_name="vedlegg")
    tittel = models.CharField("tittel", max_length=300)
    fil = models.FileField("fil", upload_to=vedlegg_path, max_length=500)
    storrelse = models.PositiveBigIntegerField("størrelse (byte)", default=0)
    lastet_opp = models.DateTimeField("lastet opp", auto_now_add=True)
    lastet_opp_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="lastet opp av", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "dokument til møtet"
        verbose_name_plural = "dokumenter til møtet"
        ordering = ["mote", "lastet_opp", "id"]

    def __str__(self) -> str:
        return self.tittel


class Referatstatus(models.TextChoices):
    UTKAST = "utkast", "Utkast (departementet skriver)"
    TIL_KOMMENTAR = "til_kommentar", "Sendt virksomheten for kommentarer"
    GODKJENT = "godkjent", "Godkjent av begge parter"


class Referat(models.Model):
    mote = models.OneToOneField(Mote, on_delete=models.CASCADE, related_name="referat")
    tekst = models.TextField("referat", blank=True)
    status = models.CharField("status", max_length=20, choices=Referatstatus.choices, default=Referatstatus.UTKAST)
    sendt = models.DateTimeField("sendt til kommentar", null=True, blank=True)
    sendt_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="sendt av", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    godkjent_departement = models.DateTimeField("godkjent av departementet", null=True, blank=True)
    godkjent_departement_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="godkjent for departementet av",
                                                on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    godkjent_virksomhet = models.DateTimeField("godkjent av virksomheten", null=True, blank=True)
    godkjent_virksomhet_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="godkjent for virksomheten av",
                                               on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "referat"
        verbose_name_plural = "referater"
        constraints = [
            models.CheckConstraint(condition=Q(status="utkast") | Q(sendt__isnull=False),
                                   name="referat_sendt_har_tidspunkt"),
            models.CheckConstraint(condition=~Q(status="godkjent") | Q(godkjent_departement__isnull=False,
                                                                       godkjent_virksomhet__isnull=False),
                                   name="referat_godkjent_av_begge"),
        ]

    def __str__(self) -> str:
        return f"Referat fra {self.mote}"

    @property
    def er_laast(self) -> bool:
        return self.status == Referatstatus.GODKJENT


class Merknad(models.Model):
    """The agency's comment on minutes sent to it (or the ministry's reply)."""

    referat = models.ForeignKey(Referat, on_delete=models.CASCADE, related_name="merknader")
    tekst = models.TextField("merknad")
    skrevet = models.DateTimeField("skrevet", auto_now_add=True)
    skrevet_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="skrevet av", on_delete=models.PROTECT,
                                   related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "merknad til referat"
        verbose_name_plural = "merknader til referat"
        ordering = ["referat", "skrevet", "id"]

    def __str__(self) -> str:
        return self.tekst[:80]


class Vedtak(models.Model):
    class Art(models.TextChoices):
        OPPDRAG = "oppdrag", "Nytt oppdrag"
        OPPFOLGING = "oppfolging", "Oppfølgingspunkt"

    class Status(models.TextChoices):
        AAPEN = "aapen", "Åpent"
        PAAGAAR = "paagaar", "Pågår"
        UTFORT = "utfort", "Utført (venter på departementet)"
        LUKKET = "lukket", "Lukket"

    mote = models.ForeignKey(Mote, on_delete=models.CASCADE, related_name="vedtak")
    nummer = models.PositiveSmallIntegerField("nummer")
    art = models.CharField("vedtaket blir", max_length=20, choices=Art.choices)
    tittel = models.CharField("vedtak", max_length=300)
    tekst = models.TextField("nærmere beskrivelse", blank=True)
    ansvarlig = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="ansvarlig", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="oppfolgingspunkter")
    frist = models.DateField("frist", null=True, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.AAPEN)
    oppdrag = models.ForeignKey("oppdrag.Oppdrag", verbose_name="ble oppdrag", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="fra_vedtak")

    objects = VedtakQuerySet.as_manager()
    history = historikk()

    class Meta:
        verbose_name = "vedtak"
        verbose_name_plural = "vedtak"
        ordering = ["mote", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["mote", "nummer"], name="vedtak_unikt_nummer_per_mote"),
            models.CheckConstraint(condition=Q(art="oppdrag") | Q(frist__isnull=False),
                                   name="oppfolgingspunkt_har_frist",
                                   violation_error_message="Et oppfølgingspunkt må ha en frist."),
            models.CheckConstraint(condition=Q(art="oppfolging") | Q(status="aapen"),
                                   name="vedtak_status_bare_for_oppfolgingspunkt"),
        ]

    def __str__(self) -> str:
        return f"Vedtak {self.nummer}: {self.tittel}"

    @property
    def er_aapent(self) -> bool:
        return self.art == self.Art.OPPFOLGING and self.status != self.Status.LUKKET


class Punktoppdatering(models.Model):
    """Follow-up of an oppfølgingspunkt: a status with what was done, as for an oppdrag."""

    vedtak = models.ForeignKey(Vedtak, on_delete=models.CASCADE, related_name="oppdateringer")
    status = models.CharField("status", max_length=20, choices=Vedtak.Status.choices)
    tekst = models.TextField("hva er gjort")
    skrevet = models.DateTimeField("skrevet", auto_now_add=True)
    skrevet_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="skrevet av", on_delete=models.PROTECT,
                                   related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "oppfølging av punkt"
        verbose_name_plural = "oppfølging av punkter"
        ordering = ["vedtak", "-skrevet", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.tekst[:60]}"
