"""The steering relationship: organisations, instrukser, tildelingsbrev and what a letter holds
besides oppdrag and budget (mål, styringsparametere, rapporteringskrav, the reporting table,
the meeting calendar, fellesføringer and other dated duties)."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from kjerne.belop import format_kroner, format_tall
from kjerne.historikk import historikk
from kjerne.sortering import naturlig_nokkel

from .querysets import TildelingsbrevQuerySet, TilleggQuerySet


class Organisasjon(models.Model):
    """A ministry (departement), an agency (virksomhet) or an observer such as Riksrevisjonen."""

    class Type(models.TextChoices):
        DEPARTEMENT = "departement", "Departement"
        VIRKSOMHET = "virksomhet", "Virksomhet"
        OBSERVATOR = "observator", "Observatør"

    navn = models.CharField("navn", max_length=200)
    kortnavn = models.CharField("kortnavn", max_length=30, unique=True, help_text="F.eks. AID, IMDi.")
    type = models.CharField("type", max_length=20, choices=Type.choices)
    orgnr = models.CharField("organisasjonsnummer", max_length=20, blank=True)
    postadresse = models.TextField("postadresse", blank=True)
    kontaktperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="fast kontaktperson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = historikk()

    class Meta:
        verbose_name = "organisasjon"
        verbose_name_plural = "organisasjoner"
        ordering = ["type", "kortnavn"]

    def __str__(self) -> str:
        return self.kortnavn


class Instruks(models.Model):
    """Standing rules of the relationship (instruks for økonomi- og virksomhetsstyring), versioned."""

    virksomhet = models.ForeignKey(Organisasjon, verbose_name="virksomhet", on_delete=models.PROTECT,
                                   related_name="instrukser", limit_choices_to={"type": "virksomhet"})
    departement = models.ForeignKey(Organisasjon, verbose_name="departement", on_delete=models.PROTECT,
                                    related_name="+", limit_choices_to={"type": "departement"})
    tittel = models.CharField("tittel", max_length=500)
    fastsatt = models.DateField("fastsatt", null=True, blank=True)
    trer_i_kraft = models.DateField("trer i kraft")
    erstatter = models.ForeignKey("self", verbose_name="erstatter", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="erstattet_av")
    erstatter_tekst = models.TextField("om tidligere instruks", blank=True)

    history = historikk()

    class Meta:
        verbose_name = "instruks"
        verbose_name_plural = "instrukser"
        ordering = ["virksomhet", "-trer_i_kraft"]
        constraints = [
            models.UniqueConstraint(fields=["virksomhet", "trer_i_kraft"], name="instruks_unik_per_dato"),
            models.CheckConstraint(condition=Q(fastsatt__isnull=True) | Q(fastsatt__lte=models.F("trer_i_kraft")),
                                   name="instruks_fastsatt_for_ikrafttredelse"),
        ]

    def __str__(self) -> str:
        return f"Instruks for {self.virksomhet} (i kraft {self.trer_i_kraft:%d.%m.%Y})"


class Instruksavsnitt(models.Model):
    """A numbered section of an instruks, with its text."""

    instruks = models.ForeignKey(Instruks, on_delete=models.CASCADE, related_name="avsnitt")
    nummer = models.CharField("nummer", max_length=20, blank=True)
    tittel = models.CharField("tittel", max_length=300, blank=True)
    tekst = models.TextField("tekst", blank=True)
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "avsnitt i instruks"
        verbose_name_plural = "avsnitt i instruks"
        ordering = ["instruks", "rekkefolge"]

    def __str__(self) -> str:
        return f"{self.nummer} {self.tittel}".strip()


class Status(models.TextChoices):
    UTKAST = "utkast", "Utkast"
    TIL_GODKJENNING = "til_godkjenning", "Til godkjenning"
    SENDT = "sendt", "Sendt"


class Tildelingsbrev(models.Model):
    """The allocation letter: one per agency and budget year, from the ministry steering it that year."""

    virksomhet = models.ForeignKey(Organisasjon, verbose_name="virksomhet", on_delete=models.PROTECT,
                                   related_name="tildelingsbrev", limit_choices_to={"type": "virksomhet"})
    departement = models.ForeignKey(Organisasjon, verbose_name="departement", on_delete=models.PROTECT,
                                    related_name="sendte_tildelingsbrev", limit_choices_to={"type": "departement"})
    aar = models.PositiveSmallIntegerField("budsjettår")
    tittel = models.CharField("tittel", max_length=300, blank=True)
    dato = models.DateField("dato", null=True, blank=True)
    var_ref = models.CharField("vår ref.", max_length=50, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.UTKAST)
    instruks = models.ForeignKey(Instruks, verbose_name="gjeldende instruks", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="tildelingsbrev")
    kontaktperson = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="departementets kontaktperson",
                                      on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    avdeling = models.CharField("avdeling", max_length=200, blank=True)
    saksbehandler = models.CharField("saksbehandler (som i brevet)", max_length=200, blank=True)
    mottaker_adresse = models.TextField("mottakers adresse", blank=True)
    elektronisk_signert_tekst = models.TextField("merknad om elektronisk signatur", blank=True)
    kopi_til = models.ManyToManyField(Organisasjon, verbose_name="kopi til", blank=True, related_name="kopier")
    sendt = models.DateTimeField("sendt", null=True, blank=True)
    godkjent_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="godkjent av", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    objects = TildelingsbrevQuerySet.as_manager()
    history = historikk(m2m_fields=[kopi_til])

    class Meta:
        verbose_name = "tildelingsbrev"
        verbose_name_plural = "tildelingsbrev"
        ordering = ["virksomhet", "-aar"]
        constraints = [
            models.UniqueConstraint(fields=["virksomhet", "aar"], name="ett_tildelingsbrev_per_virksomhet_og_aar"),
            models.CheckConstraint(condition=Q(aar__gte=1990) & Q(aar__lte=2100), name="tildelingsbrev_rimelig_aar"),
            models.CheckConstraint(condition=~Q(status="sendt") | Q(sendt__isnull=False), name="sendt_brev_har_tidspunkt"),
        ]

    def __str__(self) -> str:
        return f"Tildelingsbrev {self.aar} – {self.virksomhet}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        forrige = getattr(self, "_lastet_departement_id", self.departement_id)
        if forrige == self.departement_id:
            return
        self._lastet_departement_id = self.departement_id
        # The letter's oppdrag are given by the letter's ministry (Oppdrag.departement): keep them in step
        # when the sender is corrected. Looked up by name: styring does not import oppdrag.
        from django.apps import apps

        Oppdrag = apps.get_model("oppdrag", "Oppdrag")  # noqa: N806
        Oppdrag.objects.filter(tildelingsbrev_id=self.pk, departement_id=forrige).update(
            departement_id=self.departement_id)

    @classmethod
    def from_db(cls, db, field_names, values):
        brev = super().from_db(db, field_names, values)
        brev._lastet_departement_id = brev.__dict__.get("departement_id")
        return brev

    def clean(self) -> None:
        if self.virksomhet_id and self.virksomhet.type != Organisasjon.Type.VIRKSOMHET:
            raise ValidationError({"virksomhet": "Mottakeren må være en virksomhet."})
        if self.departement_id and self.departement.type != Organisasjon.Type.DEPARTEMENT:
            raise ValidationError({"departement": "Avsenderen må være et departement."})

    @property
    def er_laast(self) -> bool:
        """A sent letter changes only through a tillegg."""
        return self.status == Status.SENDT


class Tillegg(models.Model):
    """Supplementary letter ("Tillegg nr. 3 til tildelingsbrev"): adds oppdrag, money or text during the year."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="tillegg")
    nummer = models.PositiveSmallIntegerField("nummer")
    dato = models.DateField("dato", null=True, blank=True)
    var_ref = models.CharField("vår ref.", max_length=50, blank=True)
    tittel = models.CharField("tittel", max_length=300, blank=True)
    tekst = models.TextField("tekst", blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.UTKAST)
    sendt = models.DateTimeField("sendt", null=True, blank=True)

    objects = TilleggQuerySet.as_manager()
    history = historikk()

    class Meta:
        verbose_name = "tillegg til tildelingsbrev"
        verbose_name_plural = "tillegg til tildelingsbrev"
        ordering = ["tildelingsbrev", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["tildelingsbrev", "nummer"], name="tillegg_unikt_nummer"),
            models.CheckConstraint(condition=Q(nummer__gte=1), name="tillegg_nummer_positivt"),
        ]

    def __str__(self) -> str:
        return f"Tillegg nr. {self.nummer} til tildelingsbrev {self.tildelingsbrev.aar}"


class Brevavsnitt(models.Model):
    """A chapter or subchapter of a letter (or of a tillegg), with its full text."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="avsnitt")
    tillegg = models.ForeignKey(Tillegg, on_delete=models.CASCADE, null=True, blank=True, related_name="avsnitt")
    nummer = models.CharField("nummer", max_length=20, blank=True)
    tittel = models.CharField("tittel", max_length=300)
    tekst = models.TextField("tekst", blank=True)
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "kapittel i brevet"
        verbose_name_plural = "kapitler i brevet"
        ordering = ["tildelingsbrev", "rekkefolge"]

    def __str__(self) -> str:
        return f"{self.nummer} {self.tittel}".strip()


class Vedlegg(models.Model):
    """An attachment listed at the end of the letter (instruks, oppdrag, kalender, fullmakter …)."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="vedlegg")
    nummer = models.PositiveSmallIntegerField("nummer")
    tittel = models.CharField("tittel", max_length=300)
    tekst = models.TextField("tekst", blank=True)

    history = historikk()

    class Meta:
        verbose_name = "vedlegg"
        verbose_name_plural = "vedlegg"
        ordering = ["tildelingsbrev", "nummer"]
        constraints = [models.UniqueConstraint(fields=["tildelingsbrev", "nummer"], name="vedlegg_unikt_nummer")]

    def __str__(self) -> str:
        return f"Vedlegg nr. {self.nummer} {self.tittel}"


class Signatur(models.Model):
    """A signature under the letter ("Lisbeth Fransplass Røren (e.f.), ekspedisjonssjef")."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="signaturer")
    navn = models.CharField("navn", max_length=200)
    tittel = models.CharField("tittel", max_length=200, blank=True)
    ef = models.BooleanField("e.f. (etter fullmakt)", default=False)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "signatur"
        verbose_name_plural = "signaturer"
        ordering = ["tildelingsbrev", "rekkefolge"]

    def __str__(self) -> str:
        return f"{self.navn}{' (e.f.)' if self.ef else ''}"


class Maalgruppe(models.Model):
    """(Older letters) a heading in the mål part: a målområde that groups goals ("3 Integrering",
    before mål 3.1 and 3.2), or a sub-area under a mål ("3.2.1 Bosetting") with its
    own text (``under_maal`` set). ``overordnet`` nests a heading under another. Shown in place, in natural order."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="maalgrupper")
    overordnet = models.ForeignKey("self", verbose_name="under målområde", on_delete=models.CASCADE, null=True,
                                   blank=True, related_name="undergrupper")
    under_maal = models.ForeignKey("Maal", verbose_name="delområde under mål", on_delete=models.CASCADE, null=True,
                             blank=True, related_name="delomraader",
                             help_text="Sett for et delområde som står inne i et mål, f.eks. 3.2.1 under mål 3.2.")
    nummer = models.CharField("nummer", max_length=20, help_text="Slik brevet skriver det, f.eks. «3» eller «3.2.1».")
    sorteringsnokkel = models.CharField("sorteringsnøkkel", max_length=200, editable=False, default="")
    tittel = models.CharField("tittel", max_length=300)
    tekst = models.TextField("tekst", blank=True)

    history = historikk()

    class Meta:
        verbose_name = "målområde"
        verbose_name_plural = "målområder"
        ordering = ["tildelingsbrev", "sorteringsnokkel", "nummer"]
        constraints = [models.UniqueConstraint(fields=["tildelingsbrev", "nummer"], name="maalgruppe_unikt_nummer")]

    def __str__(self) -> str:
        return f"{self.nummer} {self.tittel}"

    def save(self, *args, **kwargs):
        self.sorteringsnokkel = naturlig_nokkel(self.nummer)
        if kwargs.get("update_fields") is not None and "nummer" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sorteringsnokkel"}
        super().save(*args, **kwargs)


class Maal(models.Model):
    """A goal, numbered within the letter ("Mål 1: Flere innvandrere deltar i arbeidslivet")."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="maal")
    gruppe = models.ForeignKey(Maalgruppe, verbose_name="målområde", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="maal")
    nummer = models.CharField("nummer", max_length=40,
                              help_text="Slik brevet skriver det, f.eks. «1», «3.1» eller «Hovedmål 2».")
    sorteringsnokkel = models.CharField("sorteringsnøkkel", max_length=200, editable=False, default="")
    tittel = models.CharField("tittel", max_length=500)
    tekst = models.TextField("forklarende tekst", blank=True)
    overskrift_nye_oppdrag = models.CharField("overskrift over nye oppdrag", max_length=300, blank=True)
    overskrift_tidligere_oppdrag = models.CharField("overskrift over tidligere oppdrag", max_length=300, blank=True)

    history = historikk()

    class Meta:
        verbose_name = "mål"
        verbose_name_plural = "mål"
        ordering = ["tildelingsbrev", "sorteringsnokkel", "nummer"]
        constraints = [models.UniqueConstraint(fields=["tildelingsbrev", "nummer"], name="maal_unikt_nummer_i_brev")]

    def __str__(self) -> str:
        return f"{self.navn}: {self.tittel}"

    def save(self, *args, **kwargs):
        self.nummer = str(self.nummer).strip()
        self.sorteringsnokkel = naturlig_nokkel(self.nummer)
        if kwargs.get("update_fields") is not None and "nummer" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sorteringsnokkel"}
        super().save(*args, **kwargs)

    @property
    def navn(self) -> str:
        """How the letter names the goal: "Mål 1", "Mål 3.1"; a number that is a name ("Hovedmål 2") as is."""
        return maal_navn(self.nummer)

    @property
    def anker(self) -> str:
        """An id for links to the goal's heading: "maal-1", "maal-3-1", "maal-hovedmal-2"."""
        return "maal-" + (slugify(str(self.nummer).replace(".", "-")) or str(self.pk))


def maal_navn(nummer) -> str:
    """ "Mål 1" for a number that starts with a digit; otherwise the number is already a name ("Hovedmål 2")."""
    nummer = str(nummer if nummer is not None else "").strip()
    return f"Mål {nummer}" if nummer[:1].isdigit() else nummer


class Styringsparameter(models.Model):
    """A steering parameter ("SP 4", "SP 9.1") under a goal: what the agency measures and reports."""

    maal = models.ForeignKey(Maal, verbose_name="mål", on_delete=models.CASCADE, related_name="styringsparametere")
    kode = models.CharField("kode", max_length=20)
    tekst = models.TextField("tekst")
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)
    i_aarsrapport = models.BooleanField("rapporteres i årsrapport", default=True)
    i_halvaarsrapport = models.BooleanField("rapporteres i halvårsrapport", default=False)
    formaal = models.TextField("formål/hensikt", blank=True)
    maaleutgangspunkt = models.TextField("måleutgangspunkt", blank=True)
    nokkeltall = models.TextField("nøkkeltall", blank=True)

    history = historikk()

    class Meta:
        verbose_name = "styringsparameter"
        verbose_name_plural = "styringsparametere"
        ordering = ["maal", "rekkefolge", "kode"]
        constraints = [models.UniqueConstraint(fields=["maal", "kode"], name="sp_unik_kode_per_maal")]

    def __str__(self) -> str:
        return f"{self.kode}: {self.tekst[:80]}"


class Maaleverdi(models.Model):
    """A historic value in a parameter's baseline (49 % in 2014, 79 % per 31.10.2016)."""

    styringsparameter = models.ForeignKey(Styringsparameter, on_delete=models.CASCADE, related_name="maaleverdier")
    periode = models.CharField("periode", max_length=100, help_text="Slik det står, f.eks. «2014» eller «per 31.10.2016».")
    dato = models.DateField("dato", null=True, blank=True)
    verdi = models.DecimalField("verdi", max_digits=16, decimal_places=3, null=True, blank=True)
    enhet = models.CharField("enhet", max_length=40, blank=True)
    tekst = models.CharField("tekst", max_length=500, blank=True)

    history = historikk()

    class Meta:
        verbose_name = "måleverdi (utgangspunkt)"
        verbose_name_plural = "måleverdier (utgangspunkt)"
        ordering = ["styringsparameter", "dato", "periode"]
        constraints = [models.CheckConstraint(condition=Q(verdi__isnull=False) | ~Q(tekst=""),
                                              name="maaleverdi_har_verdi_eller_tekst")]

    def __str__(self) -> str:
        return f"{self.periode}: {self.verdi if self.verdi is not None else self.tekst} {self.enhet}".strip()


class Resultatkrav(models.Model):
    """A target for a parameter: a number with a unit ("90 prosent") or a requirement in words."""

    styringsparameter = models.ForeignKey(Styringsparameter, on_delete=models.CASCADE, related_name="resultatkrav")
    verdi = models.DecimalField("verdi", max_digits=16, decimal_places=3, null=True, blank=True)
    enhet = models.CharField("enhet", max_length=40, blank=True)
    tekst = models.TextField("tekst", blank=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "resultatkrav"
        verbose_name_plural = "resultatkrav"
        ordering = ["styringsparameter", "rekkefolge"]
        constraints = [models.CheckConstraint(condition=Q(verdi__isnull=False) | ~Q(tekst=""),
                                              name="resultatkrav_har_verdi_eller_tekst")]

    def __str__(self) -> str:
        return self.tekst or f"{self.verdi} {self.enhet}".strip()

    @property
    def er_numerisk(self) -> bool:
        return self.verdi is not None


class Rapporteringskrav(models.Model):
    """(Older letters) a reporting requirement ("R 8.2") with what to account for and how often, in
    the letter's order (``rekkefolge``: "R 2" before "R 10"), under the mål and naming the
    styringsparametere it concerns ("R 10 og 11" may name two)."""

    class Frekvens(models.TextChoices):
        AARSRAPPORT = "aarsrapport", "Årsrapport"
        HALVAAR_OG_AAR = "halvaar_og_aar", "Halvårsrapport og årsrapport"
        HALVAARSRAPPORT = "halvaarsrapport", "Halvårsrapport"
        MAANEDLIG = "maanedlig", "Månedlig"
        KVARTALSVIS = "kvartalsvis", "Kvartalsvis"
        ANNET = "annet", "Annet"

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="rapporteringskrav")
    maal = models.ForeignKey(Maal, verbose_name="mål", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="rapporteringskrav")
    kode = models.CharField("kode", max_length=30, help_text="Slik det står, f.eks. «R 8.2» eller «R 10 og 11».")
    tekst = models.TextField("tekst")
    frekvens = models.CharField("frekvens", max_length=20, choices=Frekvens.choices, default=Frekvens.AARSRAPPORT)
    frekvens_tekst = models.CharField("frekvens (som i brevet)", max_length=200, blank=True)
    styringsparametere = models.ManyToManyField(Styringsparameter, verbose_name="styringsparametere", blank=True,
                                                related_name="rapporteringskrav",
                                                help_text="Styringsparameterne kravet gjelder, om brevet nevner noen.")
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk(m2m_fields=[styringsparametere])

    class Meta:
        verbose_name = "rapporteringskrav"
        verbose_name_plural = "rapporteringskrav"
        ordering = ["tildelingsbrev", "rekkefolge", "id"]
        constraints = [models.UniqueConstraint(fields=["tildelingsbrev", "kode"], name="rapporteringskrav_unik_kode")]

    def __str__(self) -> str:
        return f"{self.kode}: {self.tekst[:80]}"


class RapportType(models.TextChoices):
    AARSRAPPORT = "aarsrapport", "Årsrapport"
    HALVAARSRAPPORT = "halvaarsrapport", "Halvårsrapport"
    ANNET = "annet", "Annen rapport"


class Rapporteringspunkt(models.Model):
    """A row of the letter's reporting table: type of report, as-of date (telletidspunkt) and deadline."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="rapporteringspunkter")
    type = models.CharField("type", max_length=20, choices=RapportType.choices)
    rapport_aar = models.PositiveSmallIntegerField("rapporten gjelder år")
    betegnelse = models.CharField("betegnelse (som i brevet)", max_length=300)
    telletidspunkt = models.DateField("telletidspunkt")
    frist = models.DateField("rapporteringsfrist")
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "rapporteringspunkt"
        verbose_name_plural = "rapporteringspunkter"
        ordering = ["tildelingsbrev", "rekkefolge", "frist"]
        constraints = [
            models.CheckConstraint(condition=Q(frist__gte=models.F("telletidspunkt")),
                                   name="rapportfrist_etter_telletidspunkt"),
            models.UniqueConstraint(fields=["tildelingsbrev", "type", "rapport_aar"], name="rapporteringspunkt_unik"),
        ]

    def __str__(self) -> str:
        return f"{self.betegnelse} (frist {self.frist:%d.%m.%Y})"


class Moete(models.Model):
    """A meeting in the steering calendar (etatsstyringsmøte, strategimøte, ledersamling, særmøte)."""

    class Type(models.TextChoices):
        ETATSSTYRINGSMOTE = "etatsstyringsmote", "Etatsstyringsmøte"
        STRATEGIMOTE = "strategimote", "Strategimøte"
        LEDERSAMLING = "ledersamling", "Ledersamling"
        SAERMOTE = "saermote", "Særmøte"
        ANNET = "annet", "Annet møte"

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="moter")
    type = models.CharField("type", max_length=30, choices=Type.choices)
    tittel = models.CharField("tittel", max_length=300)
    dato = models.DateField("dato", null=True, blank=True)
    tidspunkt_tekst = models.CharField("tidspunkt (som i brevet)", max_length=200, blank=True)
    beskrivelse = models.TextField("beskrivelse", blank=True)

    history = historikk()

    class Meta:
        verbose_name = "møte i styringskalenderen"
        verbose_name_plural = "møter i styringskalenderen"
        ordering = ["tildelingsbrev", "dato", "id"]

    def __str__(self) -> str:
        return self.tittel


_AARSTALL = re.compile(r"\b(19|20)\d\d\b")
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa"})


def stabil_nokkel(tekst: str, maks: int = 80) -> str:
    """The stable key of a fellesføring or tallfelt derived from its name: ASCII, lower case, years
    left out, so "Konsulentbruk i 2024" and "Konsulentbruk i 2025" share "konsulentbruk-i"."""
    nokkel = slugify(_AARSTALL.sub(" ", tekst or "").translate(_ASCII))[:maks].strip("-")
    return nokkel or "uten-navn"


class Fellesforing(models.Model):
    """A government-wide requirement (fellesføring), with what to report in the årsrapport.

    ``nokkel`` is its identity across years: kept when the letter is carried forward, so the
    årsrapporter of different years can be compared field by field (see ``Tallfelt``)."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="fellesforinger")
    nokkel = models.SlugField("nøkkel", max_length=80, blank=True, allow_unicode=False,
                              help_text="Fast nøkkel på tvers av år, f.eks. «redusere-konsulentbruken». "
                                        "Utledes av tittelen når den står tom.")
    tittel = models.CharField("tittel", max_length=300)
    tekst = models.TextField("tekst", blank=True)
    rapportering = models.TextField("rapporteres i årsrapporten", blank=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "fellesføring"
        verbose_name_plural = "fellesføringer"
        ordering = ["tildelingsbrev", "rekkefolge"]
        constraints = [
            models.UniqueConstraint(fields=["tildelingsbrev", "nokkel"], name="fellesforing_unik_nokkel"),
        ]

    def __str__(self) -> str:
        return self.tittel

    def save(self, *args, **kwargs):
        if not self.nokkel:
            self.nokkel = stabil_nokkel(self.tittel)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "nokkel"}
        super().save(*args, **kwargs)


class Tallfelt(models.Model):
    """A number a fellesføring asks the agency to state in the årsrapport ("Totalbeløp for kjøp av
    konsulenttjenester", kroner), with the baseline it is measured against, if any.

    The baseline is a stated value (``grunnlag_verdi``), a description ("gjennomsnitt 2020–2021")
    with the years it averages (``grunnlag_fra_aar``–``grunnlag_til_aar``), or both; with only the
    years, the report computes it from the agency's own årsrapporter of those years.
    Identity across years: the fellesføring's ``nokkel`` and this ``nokkel``."""

    class Enhet(models.TextChoices):
        ANTALL = "antall", "antall"
        KRONER = "kroner", "kroner"
        PROSENT = "prosent", "prosent"

    fellesforing = models.ForeignKey(Fellesforing, verbose_name="fellesføring", on_delete=models.CASCADE,
                                     related_name="tallfelt")
    nokkel = models.SlugField("nøkkel", max_length=80, blank=True,
                              help_text="Fast nøkkel på tvers av år. Utledes av navnet når den står tom.")
    navn = models.CharField("navn", max_length=200)
    enhet = models.CharField("enhet", max_length=10, choices=Enhet.choices, default=Enhet.ANTALL)
    grunnlag_verdi = models.DecimalField("oppgitt grunnlag", max_digits=16, decimal_places=2, null=True, blank=True)
    grunnlag_tekst = models.CharField("grunnlag (som i brevet)", max_length=200, blank=True,
                                      help_text="F.eks. «gjennomsnitt for 2020 og 2021».")
    grunnlag_fra_aar = models.PositiveSmallIntegerField("gjennomsnitt fra år", null=True, blank=True)
    grunnlag_til_aar = models.PositiveSmallIntegerField("gjennomsnitt til år", null=True, blank=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "tallfelt"
        verbose_name_plural = "tallfelt"
        ordering = ["fellesforing", "rekkefolge", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fellesforing", "nokkel"], name="tallfelt_unik_nokkel"),
            models.CheckConstraint(condition=Q(grunnlag_fra_aar__isnull=True, grunnlag_til_aar__isnull=True)
                                   | Q(grunnlag_fra_aar__isnull=False, grunnlag_til_aar__isnull=False,
                                       grunnlag_fra_aar__lte=models.F("grunnlag_til_aar")),
                                   name="tallfelt_grunnlagsaar_fra_til"),
            models.CheckConstraint(condition=Q(grunnlag_verdi__isnull=True) | Q(grunnlag_verdi__gte=0),
                                   name="tallfelt_grunnlag_ikke_negativt"),
        ]

    def __str__(self) -> str:
        return f"{self.navn} ({self.enhet})"

    def save(self, *args, **kwargs):
        if not self.nokkel:
            self.nokkel = stabil_nokkel(self.navn)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "nokkel"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        fra, til = self.grunnlag_fra_aar, self.grunnlag_til_aar
        if (fra is None) != (til is None):
            raise ValidationError({"grunnlag_til_aar": "Oppgi både første og siste år i gjennomsnittet, eller ingen."})
        if fra is not None and fra > til:
            raise ValidationError({"grunnlag_til_aar": "Siste år kan ikke være før første år."})
        if fra is not None and not 1900 <= fra <= 2200:
            raise ValidationError({"grunnlag_fra_aar": "Oppgi et årstall, f.eks. 2020."})

    def format_verdi(self, verdi: Decimal | None) -> str:
        """A number in this field's unit, as Norwegians write it: "1 250 000 kr", "14", "12,5 %"."""
        if verdi is None:
            return ""
        if self.enhet == self.Enhet.KRONER:
            return format_kroner(int(verdi.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
        normal = verdi.normalize()
        tekst = format_tall(normal, desimaler=max(0, -normal.as_tuple().exponent))
        return f"{tekst} %" if self.enhet == self.Enhet.PROSENT else tekst

    @property
    def grunnlag_visning(self) -> str:
        """The baseline as the letter states it: "gjennomsnitt for 2020 og 2021", "12 000 kr", both."""
        deler = []
        if self.grunnlag_tekst:
            deler.append(self.grunnlag_tekst)
        elif self.grunnlagsaar:
            deler.append(f"gjennomsnitt {self.grunnlag_fra_aar}–{self.grunnlag_til_aar}")
        if self.grunnlag_verdi is not None:
            deler.append(self.format_verdi(self.grunnlag_verdi))
        return ": ".join(deler)

    @property
    def grunnlagsaar(self) -> list[int]:
        """The years the baseline averages (empty when it names none)."""
        if self.grunnlag_fra_aar is None or self.grunnlag_til_aar is None:
            return []
        return list(range(self.grunnlag_fra_aar, self.grunnlag_til_aar + 1))


class FristFelter(models.Model):
    """A frist as written (``tekst``) and what can be derived from it (see oppdrag.frister).

    ``dato`` is the concrete date reminders use: the date itself, the last day of a period, the
    first occurrence of a recurring frist, the Friday of a week, or a report's deadline.
    """

    class Form(models.TextChoices):
        DATO = "dato", "Dato"
        GJENTAKENDE = "gjentakende", "Gjentakende"
        PERIODE = "periode", "Periode"
        RAPPORT = "rapport", "Knyttet til rapport"
        LOPENDE = "lopende", "Løpende"
        UKE = "uke", "Uke"
        TEKST = "tekst", "Kun tekst"

    class Rolle(models.TextChoices):
        INGEN = "", "–"
        UNDERVEIS = "underveis", "Underveisrapportering"
        ENDELIG = "endelig", "Endelig leveranse"

    tekst = models.CharField("frist (som i brevet)", max_length=300)
    form = models.CharField("form", max_length=20, choices=Form.choices, default=Form.TEKST)
    dato = models.DateField("dato", null=True, blank=True, db_index=True)
    fra_dato = models.DateField("periode fra", null=True, blank=True)
    opprinnelig_dato = models.DateField("opprinnelig frist", null=True, blank=True,
                                        help_text="Ved endret frist: den tidligere datoen.")
    del_betegnelse = models.CharField("del", max_length=40, blank=True)
    etikett = models.CharField("betegnelse", max_length=200, blank=True)
    rolle = models.CharField("rolle", max_length=20, choices=Rolle.choices, blank=True, default=Rolle.INGEN)
    intervall_mnd = models.PositiveSmallIntegerField("gjentas hver (måneder)", null=True, blank=True)
    gjentas_til = models.DateField("gjentas til", null=True, blank=True)
    rapport_type = models.CharField("rapport", max_length=20, choices=RapportType.choices, blank=True)
    rapport_aar = models.PositiveSmallIntegerField("rapportår", null=True, blank=True)
    uke = models.PositiveSmallIntegerField("uke", null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=Q(fra_dato__isnull=True) | Q(dato__isnull=True) | Q(fra_dato__lte=models.F("dato")),
                                   name="%(app_label)s_%(class)s_periode_start_for_slutt"),
            models.CheckConstraint(condition=Q(gjentas_til__isnull=True) | Q(dato__isnull=True)
                                   | Q(dato__lte=models.F("gjentas_til")),
                                   name="%(app_label)s_%(class)s_gjentas_til_etter_start"),
            models.CheckConstraint(condition=Q(intervall_mnd__isnull=True) | Q(intervall_mnd__gte=1),
                                   name="%(app_label)s_%(class)s_intervall_positivt"),
            models.CheckConstraint(condition=Q(uke__isnull=True) | (Q(uke__gte=1) & Q(uke__lte=53)),
                                   name="%(app_label)s_%(class)s_gyldig_uke"),
            models.CheckConstraint(condition=~Q(form="lopende") | Q(dato__isnull=True),
                                   name="%(app_label)s_%(class)s_lopende_uten_dato"),
        ]

    def clean(self) -> None:
        if self.fra_dato and self.dato and self.fra_dato > self.dato:
            raise ValidationError({"fra_dato": "Perioden kan ikke starte etter at den slutter."})
        if self.gjentas_til and self.dato and self.gjentas_til < self.dato:
            raise ValidationError({"gjentas_til": "Siste gjentakelse kan ikke være før første."})

    @property
    def visning(self) -> str:
        """The frist as written, which is what people recognise."""
        return self.tekst


class Plikt(FristFelter):
    """A dated duty in the letter or instruks outside the oppdrag (e.g. detailed grant report by 1 June)."""

    tildelingsbrev = models.ForeignKey(Tildelingsbrev, on_delete=models.CASCADE, related_name="plikter")
    beskrivelse = models.TextField("hva skal gjøres")
    kilde = models.CharField("kilde i brevet", max_length=200, blank=True, help_text="F.eks. «pkt. 3.1.2».")

    history = historikk()

    class Meta(FristFelter.Meta):
        verbose_name = "annen frist"
        verbose_name_plural = "andre frister"
        ordering = ["tildelingsbrev", "dato"]

    def __str__(self) -> str:
        return f"{self.beskrivelse[:60]} ({self.tekst})"


def year_start(aar: int) -> date:
    return date(aar, 1, 1)
