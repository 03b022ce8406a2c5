"""Oppdrag (assignments): identity across years, frister in every form, milepæler, and the agency's
follow-up (status, red/yellow/green, corrective measures, deliveries)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from kjerne.historikk import historikk
from styring.models import FristFelter

from .querysets import FristQuerySet, OppdragQuerySet


class Status(models.TextChoices):
    IKKE_STARTET = "ikke_startet", "Ikke startet"
    PAAGAAR = "paagaar", "Pågår"
    LEVERT = "levert", "Levert"
    AVSLUTTET = "avsluttet", "Avsluttet"
    UTSATT = "utsatt", "Utsatt"
    BORTFALT = "bortfalt", "Bortfalt"


#: States in which an oppdrag is finished: no more reminders, not "open" in next year's letter.
FERDIGE_STATUSER = (Status.LEVERT, Status.AVSLUTTET, Status.BORTFALT)


class Risiko(models.TextChoices):
    IKKE_VURDERT = "", "Ikke vurdert"
    GRONN = "gronn", "Grønn"
    GUL = "gul", "Gul"
    ROD = "rod", "Rød"


RISIKO_DEFINISJON = {
    Risiko.ROD: "Svært forsinket, eller effekten blir ikke som forutsatt, og av særlig betydning for "
                "måloppnåelsen. Korrigering må iverksettes.",
    Risiko.GUL: "Forsinket, eller effekten blir ikke som forutsatt. Virksomheten redegjør for korrigerende tiltak.",
    Risiko.GRONN: "I rute.",
}


class FoU(models.TextChoices):
    NEI = "", "Nei"
    JA = "fou", "FoU"
    DELVIS = "delvis", "Delvis FoU"


nummer_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z.\- ]*$", "Oppdragsnummeret kan bare inneholde bokstaver, tall, punktum og bindestrek."
)


class Oppdrag(models.Model):
    """An assignment from the ministry. Its number (2023-01, O7, 021) identifies it across years."""

    virksomhet = models.ForeignKey("styring.Organisasjon", verbose_name="virksomhet", on_delete=models.PROTECT,
                                   related_name="oppdrag", limit_choices_to={"type": "virksomhet"})
    nummer = models.CharField("nummer", max_length=20, validators=[nummer_validator])
    aar = models.PositiveSmallIntegerField("gitt år")
    tildelingsbrev = models.ForeignKey("styring.Tildelingsbrev", verbose_name="gitt i tildelingsbrev",
                                       on_delete=models.PROTECT, null=True, blank=True, related_name="nye_oppdrag")
    tillegg = models.ForeignKey("styring.Tillegg", verbose_name="gitt i tillegg", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="oppdrag")
    # The owner: the ministry that gave the oppdrag. Taken from the letter (or tillegg) that gave it;
    # for an oppdrag without a letter in the portal (imported history) it is chosen at import or in
    # the admin, never guessed. An administrator hands it over when steering moves to another
    # ministry. Only the owner comments on, closes or restates the oppdrag.
    departement = models.ForeignKey("styring.Organisasjon", verbose_name="gitt av departement",
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="gitte_oppdrag",
                                    limit_choices_to={"type": "departement"},
                                    help_text="Fylles fra tildelingsbrevet. Endres når et annet departement "
                                              "overtar styringen av oppdraget.")
    maal = models.ForeignKey("styring.Maal", verbose_name="mål", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="oppdrag")
    tittel = models.TextField("tittel")
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)
    fou = models.CharField("FoU", max_length=10, choices=FoU.choices, blank=True, default=FoU.NEI)
    bakgrunn = models.TextField("bakgrunn", blank=True)
    beskrivelse = models.TextField("beskrivelse av oppdraget", blank=True)
    formaal = models.TextField("formål/hensikt", blank=True)
    rapportering = models.TextField("rapportering", blank=True)
    i_aarsrapport = models.BooleanField("rapporteres i årsrapport", default=False)
    i_halvaarsrapport = models.BooleanField("rapporteres i halvårsrapport", default=False)
    rapporteringskriterier = models.TextField("rapporteringskriterier", blank=True)
    start = models.DateField("oppstart", null=True, blank=True)
    start_tekst = models.CharField("oppstart (som i brevet)", max_length=200, blank=True)
    finansiering_tekst = models.TextField("finansiering (som i brevet)", blank=True)
    frist_tekst = models.TextField("frist (som i vedlegget)", blank=True)
    tilleggsinformasjon = models.TextField("andre opplysninger", blank=True)
    hovedansvar = models.ForeignKey("styring.Organisasjon", verbose_name="hovedansvar", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="oppdrag_med_hovedansvar")
    delt_med = models.ManyToManyField("styring.Organisasjon", verbose_name="delt med", blank=True,
                                      related_name="delte_oppdrag")
    jf_oppdrag = models.ManyToManyField("self", verbose_name="jf. oppdrag", symmetrical=False, blank=True,
                                        related_name="videreført_i")
    ansvarlig = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="ansvarlig i virksomheten",
                                  on_delete=models.SET_NULL, null=True, blank=True, related_name="ansvar_for_oppdrag")
    # The current follow-up state, kept by services.oppdrag_set_status from the latest Statusoppdatering.
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.IKKE_STARTET)
    risiko = models.CharField("risiko", max_length=10, choices=Risiko.choices, blank=True, default=Risiko.IKKE_VURDERT)

    objects = OppdragQuerySet.as_manager()
    history = historikk(m2m_fields=[delt_med, jf_oppdrag])

    class Meta:
        verbose_name = "oppdrag"
        verbose_name_plural = "oppdrag"
        ordering = ["virksomhet", "aar", "rekkefolge", "nummer"]
        indexes = [
            # A ministry's oppdrag, with what the oppdrag list's filter choices (years, agencies,
            # people, mål: oppdrag.filters) and Min side's counts per agency (status, risk) read of
            # them: those read the index alone, not the wide rows (SQLite: 5,000 rows of the bench,
            # 2.8 -> 1.1 ms for the choices); a year's page of the list seeks (ministry, year).
            models.Index(fields=["departement", "aar", "virksomhet", "ansvarlig", "maal", "status", "risiko"],
                         name="oppdrag_departement_oversikt"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["virksomhet", "nummer"], name="oppdrag_unikt_nummer_per_virksomhet"),
            models.CheckConstraint(condition=Q(aar__gte=1990) & Q(aar__lte=2100), name="oppdrag_rimelig_aar"),
        ]

    def __str__(self) -> str:
        return f"{self.nummer} {self.tittel[:80]}"

    def save(self, *args, **kwargs):
        # The giver of a letter's oppdrag is the letter's ministry, unless an administrator has
        # handed the oppdrag over to another ministry (a change of steering ministry).
        if self.tildelingsbrev_id and self.departement_id is None:
            if Oppdrag._meta.get_field("tildelingsbrev").is_cached(self):
                self.departement_id = self.tildelingsbrev.departement_id
            else:
                from styring.models import Tildelingsbrev

                self.departement_id = Tildelingsbrev.objects.values_list("departement_id", flat=True).get(
                    pk=self.tildelingsbrev_id)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "departement"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if not self.tildelingsbrev_id and not self.tillegg_id and not self.departement_id:
            errors["departement"] = "Velg departementet som ga oppdraget (det har ikke noe tildelingsbrev i portalen)."
        if self.tillegg_id and not self.tildelingsbrev_id:
            errors["tildelingsbrev"] = "Et oppdrag gitt i et tillegg hører til tilleggets tildelingsbrev."
        if self.tildelingsbrev_id and self.tillegg_id and self.tillegg.tildelingsbrev_id != self.tildelingsbrev_id:
            errors["tillegg"] = "Tillegget hører til et annet tildelingsbrev."
        if self.tildelingsbrev_id and self.tildelingsbrev.aar != self.aar:
            errors["aar"] = f"Året må være {self.tildelingsbrev.aar}, som tildelingsbrevet."
        if self.tildelingsbrev_id and self.virksomhet_id and self.tildelingsbrev.virksomhet_id != self.virksomhet_id:
            errors["virksomhet"] = "Oppdraget må gjelde samme virksomhet som tildelingsbrevet."
        if self.pk and self.start:
            tidlig = self.frister.filter(dato__lt=self.start).order_by("dato").first()
            if tidlig:
                errors["start"] = (f"Oppstart {self.start:%d.%m.%Y} er etter fristen «{tidlig.tekst}» "
                                   f"({tidlig.dato:%d.%m.%Y}).")
        if errors:
            raise ValidationError(errors)

    @property
    def er_ferdig(self) -> bool:
        return self.status in FERDIGE_STATUSER

    # A reading of many oppdrag (the letter's, ``oppdrag_i_brev``) loads their frister and
    # collaborators into plain lists (``Prefetch(..., to_attr=LASTEDE[...])``): Django's ordinary
    # prefetch builds a related manager and a filtered queryset per oppdrag and relation, a sixth of
    # the letter page. Readers of such oppdrag go through these two, which read ``.all()`` otherwise.
    LASTEDE = {"frister": "lastede_frister", "samarbeidspartnere": "lastede_samarbeidspartnere"}

    @property
    def alle_frister(self) -> list:
        """The oppdrag's frister, in the order of the reading that loaded them."""
        lastet = self.__dict__.get("lastede_frister")
        return lastet if lastet is not None else list(self.frister.all())

    @property
    def alle_samarbeidspartnere(self) -> list:
        lastet = self.__dict__.get("lastede_samarbeidspartnere")
        return lastet if lastet is not None else list(self.samarbeidspartnere.all())


class Tittelvariant(models.Model):
    """The wording a later letter uses for an earlier oppdrag when it differs from the original title."""

    oppdrag = models.ForeignKey(Oppdrag, on_delete=models.CASCADE, related_name="tittelvarianter")
    tildelingsbrev = models.ForeignKey("styring.Tildelingsbrev", on_delete=models.CASCADE, related_name="+")
    tittel = models.TextField("tittel i dette brevet")

    history = historikk()

    class Meta:
        verbose_name = "tittel i senere brev"
        verbose_name_plural = "titler i senere brev"
        constraints = [models.UniqueConstraint(fields=["oppdrag", "tildelingsbrev"], name="en_tittelvariant_per_brev")]

    def __str__(self) -> str:
        return self.tittel


class Frist(FristFelter):
    """A deadline of an oppdrag as stated in a letter; a later letter may state new frister."""

    oppdrag = models.ForeignKey(Oppdrag, on_delete=models.CASCADE, related_name="frister")
    tildelingsbrev = models.ForeignKey("styring.Tildelingsbrev", verbose_name="fastsatt i",
                                       on_delete=models.CASCADE, related_name="oppdragsfrister")
    tillegg = models.ForeignKey("styring.Tillegg", verbose_name="fastsatt i tillegg", on_delete=models.CASCADE,
                                null=True, blank=True, related_name="oppdragsfrister")
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)
    # A reporting rhythm that changes within the year ("Månedlig frem til 1. juli, deretter
    # kvartalsvis"): the first rhythm (``intervall_mnd`` from ``dato``) runs until ``ny_rytme_fra``;
    # from then on one frist at the end of every ``ny_rytme_intervall_mnd`` months, up to
    # ``gjentas_til``. Derived from the wording by oppdrag.frister; see ``occurrences``.
    ny_rytme_fra = models.DateField("ny rytme fra", null=True, blank=True)
    ny_rytme_intervall_mnd = models.PositiveSmallIntegerField("deretter hver (måneder)", null=True, blank=True)

    objects = FristQuerySet.as_manager()
    history = historikk()

    class Meta(FristFelter.Meta):
        verbose_name = "frist"
        verbose_name_plural = "frister"
        ordering = ["oppdrag", "tildelingsbrev__aar", "rekkefolge"]
        indexes = [
            # The window of dates that reminders, Min side and calendars read (varsler.paaminnelser):
            # "dato in the window, or a recurring frist started by its end". With only the index
            # on dato the second half cannot use an index, and PostgreSQL scans all 250,000
            # frister of the national data (75 ms of CPU for a ministry's Min side); with this
            # one beside it, the two halves are two index reads (about 10 ms).
            models.Index(fields=["dato"], condition=Q(form="gjentakende", intervall_mnd__isnull=False),
                         name="frist_gjentakende_dato"),
        ]
        constraints = [
            *FristFelter.Meta.constraints,
            models.CheckConstraint(
                condition=(Q(ny_rytme_fra__isnull=True) & Q(ny_rytme_intervall_mnd__isnull=True))
                | (Q(form="gjentakende") & Q(ny_rytme_fra__isnull=False) & Q(ny_rytme_intervall_mnd__gte=1)
                   & Q(ny_rytme_intervall_mnd__lte=12)),
                name="frist_ny_rytme_hel",
                violation_error_message="En ny rytme trenger både dato og intervall (1–12 måneder), og gjelder "
                                        "bare gjentakende frister."),
        ]

    def __str__(self) -> str:
        return f"{self.oppdrag.nummer}: {self.tekst}"


class Risikodefinisjon(models.Model):
    """What red, yellow or green means in one letter, when the letter states it itself (older
    letters do). A letter without rows uses the instruks's definitions (``RISIKO_DEFINISJON``).
    Read through oppdrag.risiko: only a sent letter's definitions are used in follow-up and reports."""

    tildelingsbrev = models.ForeignKey("styring.Tildelingsbrev", verbose_name="tildelingsbrev",
                                       on_delete=models.CASCADE, related_name="risikodefinisjoner")
    farge = models.CharField("farge", max_length=10, choices=[c for c in Risiko.choices if c[0]])
    tekst = models.TextField("definisjon")

    history = historikk()

    class Meta:
        verbose_name = "definisjon av rød, gul og grønn"
        verbose_name_plural = "definisjoner av rød, gul og grønn"
        ordering = ["tildelingsbrev", "farge"]
        constraints = [
            models.UniqueConstraint(fields=["tildelingsbrev", "farge"], name="en_risikodefinisjon_per_farge"),
            models.CheckConstraint(condition=Q(farge__in=["rod", "gul", "gronn"]), name="risikodefinisjon_farge"),
            models.CheckConstraint(condition=~Q(tekst=""), name="risikodefinisjon_har_tekst"),
        ]

    def __str__(self) -> str:
        return f"{self.get_farge_display()}: {self.tekst[:60]}"


class Samarbeidspartner(models.Model):
    """A collaborator outside the portal that an oppdrag names (KS, Kompetanse Norge), in the
    letter's order; agencies in the portal are ``Oppdrag.delt_med`` / ``hovedansvar``."""

    oppdrag = models.ForeignKey(Oppdrag, on_delete=models.CASCADE, related_name="samarbeidspartnere")
    navn = models.CharField("navn", max_length=200)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "samarbeidspartner"
        verbose_name_plural = "samarbeidspartnere"
        ordering = ["oppdrag", "rekkefolge", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["oppdrag", "navn"], name="samarbeidspartner_unik_per_oppdrag",
                                    violation_error_message="Samarbeidspartneren står der allerede."),
            models.CheckConstraint(condition=~Q(navn=""), name="samarbeidspartner_har_navn"),
        ]

    def __str__(self) -> str:
        return self.navn


class Milepael(FristFelter):
    """A main milestone (hovedmilepæl) of an oppdrag, usually with its own frist.

    Letters list milepæler without one too; then ``tekst`` is empty, ``form`` is TEKST, ``dato``
    is null (so no reminder), and the milepæl is shown as «uten frist».
    """

    UTEN_FRIST = "uten frist"

    oppdrag = models.ForeignKey(Oppdrag, on_delete=models.CASCADE, related_name="milepaeler")
    tittel = models.CharField("milepæl", max_length=500)
    tekst = models.CharField("frist (som i brevet)", max_length=300, blank=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta(FristFelter.Meta):
        verbose_name = "milepæl"
        verbose_name_plural = "milepæler"
        ordering = ["oppdrag", "rekkefolge"]

    def __str__(self) -> str:
        return f"{self.tittel} ({self.visning})"

    @property
    def visning(self) -> str:
        return self.tekst or self.UTEN_FRIST


class Statusoppdatering(models.Model):
    """The agency's follow-up entry; the latest one is the oppdrag's current state."""

    oppdrag = models.ForeignKey(Oppdrag, on_delete=models.CASCADE, related_name="statusoppdateringer")
    status = models.CharField("status", max_length=20, choices=Status.choices)
    risiko = models.CharField("risiko", max_length=10, choices=Risiko.choices, blank=True)
    risiko_tekst = models.TextField("vurdering", blank=True)
    tiltak = models.TextField("korrigerende tiltak", blank=True)
    kommentar = models.TextField("kommentar", blank=True)
    gjelder_dato = models.DateField("gjelder per")
    opprettet = models.DateTimeField("registrert", auto_now_add=True)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="registrert av", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "statusoppdatering"
        verbose_name_plural = "statusoppdateringer"
        ordering = ["oppdrag", "-gjelder_dato", "-opprettet"]
        indexes = [
            # "Siste oppfølging" on Min side: the newest entries among what a person may see. With
            # it PostgreSQL reads the newest first until it has found the 15 (a ministry: 2,500 of
            # the 26,000 entries of the national data, 4 ms) instead of reading and sorting them all
            # (15 ms).
            models.Index(fields=["-opprettet", "-id"], name="statusoppdatering_nyeste"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(risiko="") | ~Q(risiko_tekst=""), name="risiko_krever_vurdering"),
        ]

    def __str__(self) -> str:
        tekst = f"{self.get_status_display()} ({self.gjelder_dato:%d.%m.%Y})"
        # Only when loaded: history lists call str() per row and must not query per row.
        if Statusoppdatering._meta.get_field("oppdrag").is_cached(self):
            return f"{self.oppdrag.nummer} {tekst}"
        return tekst


def leveranse_path(instance: Leveranse, filename: str) -> str:
    return f"leveranser/{instance.oppdrag.virksomhet.kortnavn}/{instance.oppdrag.nummer}/{filename}"


class Leveranse(models.Model):
    """A delivered document for an oppdrag (report, memo), stored through the storage API."""

    class Type(models.TextChoices):
        RAPPORT = "rapport", "Rapport"
        NOTAT = "notat", "Notat"
        UNDERVEIS = "underveis", "Underveisrapport"
        ANNET = "annet", "Annet"

    oppdrag = models.ForeignKey(Oppdrag, on_delete=models.CASCADE, related_name="leveranser")
    statusoppdatering = models.ForeignKey(Statusoppdatering, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="leveranser")
    tittel = models.CharField("tittel", max_length=300)
    type = models.CharField("type", max_length=20, choices=Type.choices, default=Type.RAPPORT)
    fil = models.FileField("fil", upload_to=leveranse_path, max_length=500)
    storrelse = models.PositiveBigIntegerField("størrelse (byte)", default=0)
    levert = models.DateTimeField("levert", auto_now_add=True)
    levert_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="levert av", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "leveranse"
        verbose_name_plural = "leveranser"
        ordering = ["oppdrag", "-levert"]

    def __str__(self) -> str:
        return self.tittel

    @property
    def storrelse_visning(self) -> str:
        return format_storrelse(self.storrelse)


def format_storrelse(antall_byte: int) -> str:
    """A file size as people read it: "812 byte", "48,3 kB", "1,2 MB"."""
    if antall_byte < 1024:
        return f"{antall_byte} byte"
    if antall_byte < 1024 * 1024:
        return f"{antall_byte / 1024:.1f} kB".replace(".", ",")
    return f"{antall_byte / (1024 * 1024):.1f} MB".replace(".", ",")


class Oppdragskommentar(models.Model):
    """The steering ministry's comment on an oppdrag and on the agency's follow-up."""

    oppdrag = models.ForeignKey(Oppdrag, on_delete=models.CASCADE, related_name="kommentarer")
    tekst = models.TextField("kommentar")
    forfatter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="skrevet av", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    opprettet = models.DateTimeField("skrevet", auto_now_add=True)

    history = historikk()

    class Meta:
        verbose_name = "kommentar fra departementet"
        verbose_name_plural = "kommentarer fra departementet"
        ordering = ["oppdrag", "-opprettet"]
        constraints = [models.CheckConstraint(condition=~Q(tekst=""), name="oppdragskommentar_har_tekst")]

    def __str__(self) -> str:
        return f"Kommentar til {self.oppdrag.nummer}"
