"""The agency's halvårsrapport and årsrapport, written in the portal.

A Rapport answers one row of a letter's reporting table (type, telletidspunkt, frist). It is
prefilled from the letter when created (rapporter.services.rapport_opprett) and holds:
text parts (Rapportdel), a result per styringsparameter (Parameterresultat), the oppdrag with
their status as of the telletidspunkt (Oppdragsstatus), the finance per post (Postrapport), and in
the årsrapport an answer per fellesføring with its numbers (Fellesforingssvar, Tallsvar).
The ministry's comments on any of those are Kommentar rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from kjerne.historikk import historikk

from .querysets import RapportQuerySet


class RapportStatus(models.TextChoices):
    UTKAST = "utkast", "Utkast"
    SENDT = "sendt", "Sendt til departementet"
    MOTTATT = "mottatt", "Mottatt av departementet"


class Type(models.TextChoices):
    # The same values as styring.models.RapportType, without "annet": only these two are written here.
    AARSRAPPORT = "aarsrapport", "Årsrapport"
    HALVAARSRAPPORT = "halvaarsrapport", "Halvårsrapport"


class Risiko(models.TextChoices):
    IKKE_VURDERT = "", "Ikke vurdert"
    GRONN = "gronn", "Grønn"
    GUL = "gul", "Gul"
    ROD = "rod", "Rød"


@dataclass(frozen=True)
class Deldefinisjon:
    """A text part of a report, and the structured tables shown inside it."""

    kode: str
    tittel: str
    hjelp: str
    # Any of "parametere", "oppdrag", "poster", "risiko": the agency's risk assessment for the
    # period as shared with the ministry (risiko app), with its matrices, and "fellesforinger": the
    # answers to the letter's fellesføringer with their numbers (rapportering/fellesforinger.py).
    blokker: tuple[str, ...] = ()


#: The parts of each report type, in order. The årsrapport has exactly these six parts
#: (Finansdepartementets krav til årsrapport); the halvårsrapport has the parts the instruks asks for.
DELER: dict[str, tuple[Deldefinisjon, ...]] = {
    Type.AARSRAPPORT: (
        Deldefinisjon("I", "I Leders beretning", "Overordnet vurdering av resultater, måloppnåelse og ressursbruk."),
        Deldefinisjon("II", "II Introduksjon til virksomheten og hovedtall",
                      "Samfunnsoppdrag, organisering, og utvalgte hovedtall."),
        Deldefinisjon("III", "III Årets aktiviteter og resultater",
                      "Resultater per mål og styringsparameter, effekter av tiltak og årsaker til vesentlige avvik.",
                      ("parametere", "oppdrag")),
        Deldefinisjon("IV", "IV Styring og kontroll i virksomheten",
                      "Risikostyring, internkontroll og fellesføringer.", ("risiko", "fellesforinger")),
        Deldefinisjon("V", "V Vurdering av framtidsutsikter",
                      "Forhold som kan påvirke evnen til å løse samfunnsoppdraget på sikt."),
        Deldefinisjon("VI", "VI Årsregnskap", "Ledelseskommentarer og bevilgningsrapportering.", ("poster",)),
    ),
    Type.HALVAARSRAPPORT: (
        Deldefinisjon("avvik", "Avvik fra mål og styringsparametere",
                      "Vesentlige avvik fra mål og styringsparametere per telletidspunktet.", ("parametere",)),
        Deldefinisjon("risiko", "Risiko for manglende måloppnåelse",
                      "Risiko for at mål eller oppdrag ikke nås, med status for oppdragene.", ("risiko", "oppdrag")),
        Deldefinisjon("budsjett", "Budsjettutfordringer",
                      "Utfordringer i budsjettet, med forbruk og prognose per post.", ("poster",)),
        Deldefinisjon("tiltak", "Kortsiktige korrigerende tiltak", "Tiltak som er eller vil bli satt i verk."),
        Deldefinisjon("aarsaker", "Virksomhetens vurdering av årsaker", "Virksomhetens vurdering av årsakene til avvik."),
    ),
}


class Rapport(models.Model):
    """The agency's report for one row of the reporting table: one per agency, type and year."""

    virksomhet = models.ForeignKey("styring.Organisasjon", verbose_name="virksomhet", on_delete=models.PROTECT,
                                   related_name="rapporter")
    departement = models.ForeignKey("styring.Organisasjon", verbose_name="sendes til departement",
                                    on_delete=models.PROTECT, related_name="mottatte_rapporter")
    tildelingsbrev = models.ForeignKey("styring.Tildelingsbrev", verbose_name="rapporterer på tildelingsbrev",
                                       on_delete=models.PROTECT, related_name="rapporter")
    punkt = models.ForeignKey("styring.Rapporteringspunkt", verbose_name="rapporteringspunkt",
                              on_delete=models.PROTECT, related_name="rapporter")
    type = models.CharField("type", max_length=20, choices=Type.choices)
    rapport_aar = models.PositiveSmallIntegerField("gjelder år")
    telletidspunkt = models.DateField("telletidspunkt")
    frist = models.DateField("rapporteringsfrist")
    status = models.CharField("status", max_length=10, choices=RapportStatus.choices, default=RapportStatus.UTKAST)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="opprettet av", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    sendt = models.DateTimeField("sendt", null=True, blank=True)
    sendt_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="sendt av", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    mottatt = models.DateTimeField("mottatt", null=True, blank=True)
    mottatt_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="mottatt av", on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    objects = RapportQuerySet.as_manager()
    history = historikk()

    class Meta:
        verbose_name = "rapport"
        verbose_name_plural = "rapporter"
        ordering = ["virksomhet", "-rapport_aar", "telletidspunkt"]
        constraints = [
            models.UniqueConstraint(fields=["virksomhet", "type", "rapport_aar"], name="en_rapport_per_periode"),
            models.CheckConstraint(condition=Q(type__in=["aarsrapport", "halvaarsrapport"]), name="rapport_kjent_type"),
            models.CheckConstraint(condition=Q(frist__gte=models.F("telletidspunkt")),
                                   name="rapport_frist_etter_telletidspunkt"),
            models.CheckConstraint(condition=Q(status="utkast") | Q(sendt__isnull=False, sendt_av__isnull=False),
                                   name="sendt_rapport_har_tidspunkt_og_avsender"),
            models.CheckConstraint(condition=~Q(status="mottatt") | Q(mottatt__isnull=False),
                                   name="mottatt_rapport_har_tidspunkt"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.rapport_aar} – {self.virksomhet}"

    @property
    def tittel(self) -> str:
        if self.type == Type.HALVAARSRAPPORT:
            return f"Halvårsrapport {self.rapport_aar}"
        return f"Årsrapport {self.rapport_aar}"

    @property
    def er_laast(self) -> bool:
        """A report sent to the ministry is no longer the agency's to change."""
        return self.status != RapportStatus.UTKAST

    @property
    def deldefinisjoner(self) -> tuple[Deldefinisjon, ...]:
        return DELER[self.type]


class Rapportdel(models.Model):
    """A text part of a report ("I Leders beretning", "Budsjettutfordringer")."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="deler")
    kode = models.CharField("kode", max_length=20)
    tittel = models.CharField("tittel", max_length=200)
    tekst = models.TextField("tekst", blank=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "del av rapport"
        verbose_name_plural = "deler av rapport"
        ordering = ["rapport", "rekkefolge"]
        constraints = [
            models.UniqueConstraint(fields=["rapport", "kode"], name="rapportdel_unik_kode"),
            models.UniqueConstraint(fields=["rapport", "rekkefolge"], name="rapportdel_unik_rekkefolge"),
        ]

    def __str__(self) -> str:
        return self.tittel


class Parameterresultat(models.Model):
    """The period's result for one styringsparameter, with the agency's assessment.

    ``numerisk`` is fixed at prefill from the parameter's target: a numeric target asks for a
    number (``resultat_tall``), a target in words (or none) for text (``resultat_tekst``).
    "Ingenting å rapportere" is an explicit statement; a row with neither result nor that flag
    is missing.
    """

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="parameterresultater")
    styringsparameter = models.ForeignKey("styring.Styringsparameter", verbose_name="styringsparameter",
                                          on_delete=models.PROTECT, related_name="resultater")
    numerisk = models.BooleanField("tallfestet resultatkrav", default=False)
    resultat_tall = models.DecimalField("resultat", max_digits=16, decimal_places=3, null=True, blank=True)
    resultat_tekst = models.TextField("resultat", blank=True)
    vurdering = models.TextField("vurdering", blank=True)
    risiko = models.CharField("risiko", max_length=10, choices=Risiko.choices, blank=True, default=Risiko.IKKE_VURDERT)
    ingenting_aa_rapportere = models.BooleanField("ingenting å rapportere for perioden", default=False)
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "resultat for styringsparameter"
        verbose_name_plural = "resultater for styringsparametere"
        ordering = ["rapport", "rekkefolge"]
        constraints = [
            models.UniqueConstraint(fields=["rapport", "styringsparameter"], name="ett_resultat_per_parameter"),
            models.CheckConstraint(condition=Q(numerisk=True, resultat_tekst="") | Q(numerisk=False,
                                                                                  resultat_tall__isnull=True),
                                   name="resultat_tall_eller_tekst_etter_krav"),
            models.CheckConstraint(condition=Q(ingenting_aa_rapportere=False)
                                   | Q(resultat_tall__isnull=True, resultat_tekst=""),
                                   name="ingenting_aa_rapportere_uten_resultat"),
        ]

    def __str__(self) -> str:
        return f"{self.styringsparameter.kode} i {self.rapport}"

    def clean(self) -> None:
        if self.ingenting_aa_rapportere and (self.resultat_tall is not None or self.resultat_tekst.strip()):
            raise ValidationError({"ingenting_aa_rapportere": "Velg enten et resultat eller «Ingenting å rapportere "
                                                              "for perioden», ikke begge."})
        if self.numerisk and self.resultat_tekst:
            raise ValidationError({"resultat_tall": "Resultatkravet er et tall; resultatet må være et tall."})
        if not self.numerisk and self.resultat_tall is not None:
            raise ValidationError({"resultat_tekst": "Resultatkravet er ikke et tall; beskriv resultatet med tekst."})

    @property
    def har_resultat(self) -> bool:
        return self.resultat_tall is not None or bool(self.resultat_tekst.strip())

    @property
    def mangler(self) -> bool:
        """Nothing entered and not flagged as "ingenting å rapportere"."""
        return not self.ingenting_aa_rapportere and not self.har_resultat


class Oppdragsstatus(models.Model):
    """An oppdrag in the report: its status and risk as of the telletidspunkt, from the follow-up."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="oppdragsstatuser")
    oppdrag = models.ForeignKey("oppdrag.Oppdrag", verbose_name="oppdrag", on_delete=models.PROTECT,
                                related_name="rapportstatuser")
    kilde = models.ForeignKey("oppdrag.Statusoppdatering", verbose_name="fra statusoppdatering",
                              on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField("status", max_length=20)
    risiko = models.CharField("risiko", max_length=10, choices=Risiko.choices, blank=True, default=Risiko.IKKE_VURDERT)
    vurdering = models.TextField("vurdering (fra oppfølgingen)", blank=True)
    tiltak = models.TextField("korrigerende tiltak (fra oppfølgingen)", blank=True)
    kommentar = models.TextField("kommentar", blank=True)
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "oppdrag i rapport"
        verbose_name_plural = "oppdrag i rapport"
        ordering = ["rapport", "rekkefolge"]
        constraints = [models.UniqueConstraint(fields=["rapport", "oppdrag"], name="ett_oppdrag_per_rapport")]

    def __str__(self) -> str:
        return f"{self.oppdrag.nummer} i {self.rapport}"

    @property
    def status_tekst(self) -> str:
        from oppdrag.models import Status

        return dict(Status.choices).get(self.status, self.status)


class Postrapport(models.Model):
    """Finance per budget post: allocation as of the telletidspunkt, spent to date and forecast."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="postrapporter")
    post = models.ForeignKey("budsjett.Budsjettpost", verbose_name="post", on_delete=models.PROTECT,
                             related_name="rapporter")
    tildelt_kr = models.BigIntegerField("tildelt per telletidspunktet",
                                        help_text="Tildelt i brevet pluss endringer i sendte tillegg fram til "
                                                  "telletidspunktet; beregnet ved oppretting.")
    forbruk_kr = models.BigIntegerField("forbruk per dato", null=True, blank=True)
    prognose_kr = models.BigIntegerField("prognose resten av året", null=True, blank=True)
    kommentar = models.TextField("kommentar", blank=True)
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "post i rapport"
        verbose_name_plural = "poster i rapport"
        ordering = ["rapport", "rekkefolge"]
        constraints = [
            models.UniqueConstraint(fields=["rapport", "post"], name="en_postrapport_per_post"),
            models.CheckConstraint(condition=Q(forbruk_kr__isnull=True) | Q(forbruk_kr__gte=0),
                                   name="postrapport_forbruk_ikke_negativ"),
            models.CheckConstraint(condition=Q(prognose_kr__isnull=True) | Q(prognose_kr__gte=0),
                                   name="postrapport_prognose_ikke_negativ"),
        ]

    def __str__(self) -> str:
        return f"{self.post} i {self.rapport}"

    @property
    def avvik_kr(self) -> int | None:
        """Allocation less spent and forecast: positive is money left, negative an overrun."""
        if self.forbruk_kr is None or self.prognose_kr is None:
            return None
        return self.tildelt_kr - self.forbruk_kr - self.prognose_kr

    @property
    def mangler(self) -> bool:
        return self.forbruk_kr is None or self.prognose_kr is None


class Fellesforingssvar(models.Model):
    """The agency's answer to one fellesføring of the letter in its årsrapport: text, and one
    number per tallfelt the fellesføring asks for (``Tallsvar``)."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="fellesforingssvar")
    fellesforing = models.ForeignKey("styring.Fellesforing", verbose_name="fellesføring", on_delete=models.PROTECT,
                                     related_name="rapportsvar")
    tekst = models.TextField("svar", blank=True)
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "svar på fellesføring"
        verbose_name_plural = "svar på fellesføringer"
        ordering = ["rapport", "rekkefolge"]
        constraints = [models.UniqueConstraint(fields=["rapport", "fellesforing"], name="ett_svar_per_fellesforing")]

    def __str__(self) -> str:
        return f"{self.fellesforing} i {self.rapport}"

    @property
    def mangler(self) -> bool:
        return not self.tekst.strip()


class Tallsvar(models.Model):
    """The number the agency reports for one tallfelt of a fellesføring (empty until stated)."""

    svar = models.ForeignKey(Fellesforingssvar, verbose_name="svar", on_delete=models.CASCADE, related_name="tall")
    tallfelt = models.ForeignKey("styring.Tallfelt", verbose_name="tallfelt", on_delete=models.PROTECT,
                                 related_name="svar")
    verdi = models.DecimalField("verdi", max_digits=16, decimal_places=2, null=True, blank=True)
    rekkefolge = models.PositiveIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "tall i svar på fellesføring"
        verbose_name_plural = "tall i svar på fellesføringer"
        ordering = ["svar", "rekkefolge"]
        constraints = [
            models.UniqueConstraint(fields=["svar", "tallfelt"], name="ett_tall_per_tallfelt"),
            models.CheckConstraint(condition=Q(verdi__isnull=True) | Q(verdi__gte=0), name="tallsvar_ikke_negativt"),
        ]

    def __str__(self) -> str:
        return self.tallfelt.navn


class Kommentar(models.Model):
    """The ministry's comment on a sent report: on the whole report or on one of its items."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="kommentarer")
    rapportdel = models.ForeignKey(Rapportdel, verbose_name="del", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="kommentarer")
    parameterresultat = models.ForeignKey(Parameterresultat, on_delete=models.CASCADE, null=True, blank=True,
                                          related_name="kommentarer")
    oppdragsstatus = models.ForeignKey(Oppdragsstatus, on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="kommentarer")
    postrapport = models.ForeignKey(Postrapport, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="kommentarer")
    tekst = models.TextField("kommentar")
    opprettet = models.DateTimeField("skrevet", auto_now_add=True)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="skrevet av", on_delete=models.PROTECT,
                                     related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "departementets kommentar"
        verbose_name_plural = "departementets kommentarer"
        ordering = ["rapport", "opprettet", "pk"]
        constraints = [
            # At most one item: a comment is on the report, or on exactly one of its items.
            models.CheckConstraint(
                condition=(
                    Q(rapportdel__isnull=True, parameterresultat__isnull=True, oppdragsstatus__isnull=True,
                      postrapport__isnull=True)
                    | Q(rapportdel__isnull=False, parameterresultat__isnull=True, oppdragsstatus__isnull=True,
                        postrapport__isnull=True)
                    | Q(rapportdel__isnull=True, parameterresultat__isnull=False, oppdragsstatus__isnull=True,
                        postrapport__isnull=True)
                    | Q(rapportdel__isnull=True, parameterresultat__isnull=True, oppdragsstatus__isnull=False,
                        postrapport__isnull=True)
                    | Q(rapportdel__isnull=True, parameterresultat__isnull=True, oppdragsstatus__isnull=True,
                        postrapport__isnull=False)
                ),
                name="kommentar_gjelder_hoyst_ett_element",
            ),
            models.CheckConstraint(condition=~Q(tekst=""), name="kommentar_ikke_tom"),
        ]

    def __str__(self) -> str:
        return f"Kommentar fra {self.opprettet_av} på {self.rapport}"
