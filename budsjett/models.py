"""Tildeling av midler: budget chapters and posts per letter, with bindinger, distributions into
sub-schemes, named grant recipients, oppdrag financing, and spending to date with forecast.

All amounts are whole kroner (BigIntegerField), whatever unit the letter's table uses (the
chapter's ``enhet_i_brevet`` says how to show them). Totals are computed, never stored as truth: a
typed total from a letter is kept only to be compared with the computed one.

An amount the letter does not give is NULL, never 0: a post whose table cell says "Se omtale
under", a binding without an amount. A binding may also be a range ("1 til 1,5 mill. kroner"):
``belop_kr`` is its start and ``belop_til_kr`` its end.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum

from kjerne.historikk import historikk


def _ikke_negativ(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}), name=name)


def _tom_sum_rad(flag: str, field: str, name: str) -> models.CheckConstraint:
    """A Sum row typed without an amount has no amount: the flag and a typed sum exclude each other."""
    return models.CheckConstraint(condition=Q(**{flag: False}) | Q(**{f"{field}__isnull": True}), name=name,
                                  violation_error_message="En Sum-rad uten beløp kan ikke samtidig ha et beløp.")


class Enhet(models.TextChoices):
    KRONER = "kr", "kroner"
    TUSEN = "1000", "i 1000 kroner"
    MILLIONER = "mill", "i mill. kroner"


class Budsjettkapittel(models.Model):
    """A budget chapter in a letter ("Kap. 671 Integrering og mangfold"). Numbers change between years."""

    tildelingsbrev = models.ForeignKey("styring.Tildelingsbrev", on_delete=models.CASCADE, related_name="kapitler")
    nummer = models.PositiveIntegerField("kapittel")
    betegnelse = models.CharField("betegnelse", max_length=300, blank=True)
    enhet_i_brevet = models.CharField("enhet i brevets tabell", max_length=10, choices=Enhet.choices,
                                      default=Enhet.KRONER)
    typed_sum_kr = models.BigIntegerField("sum slik brevet oppgir den", null=True, blank=True,
                                          help_text="Bare for kontroll mot summen som beregnes av postene.")
    # "Typed, but empty": the letter's table has a Sum row with no amount in it (a mistake the
    # consistency check flags). Without this, it would be stored the same as no Sum row at all.
    sum_rad_uten_belop = models.BooleanField("Sum-rad uten beløp", default=False,
                                             help_text="Brevets tabell har en Sum-rad, men uten beløp.")
    tekst = models.TextField("tekst", blank=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "budsjettkapittel"
        verbose_name_plural = "budsjettkapitler"
        ordering = ["tildelingsbrev", "rekkefolge", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["tildelingsbrev", "nummer"], name="kapittel_unikt_per_brev"),
            _ikke_negativ("typed_sum_kr", "kapittel_typed_sum_ikke_negativ"),
            _tom_sum_rad("sum_rad_uten_belop", "typed_sum_kr", "kapittel_tom_sum_rad_uten_belop"),
        ]

    def __str__(self) -> str:
        return f"Kap. {self.nummer} {self.betegnelse}".strip()

    @property
    def sum_kr(self) -> int:
        """The chapter total, computed from the posts that have an amount in the table (see
        ``poster_uten_belop`` for those that do not: the total is then of the amounts given)."""
        if hasattr(self, "_prefetched_objects_cache") and "poster" in self._prefetched_objects_cache:
            return sum(p.tildelt_kr for p in self.poster.all() if p.tildelt_kr is not None)
        return self.poster.aggregate(s=Sum("tildelt_kr"))["s"] or 0

    @property
    def poster_uten_belop(self) -> list:
        """Posts the letter's table gives no amount for ("Se omtale under")."""
        if hasattr(self, "_prefetched_objects_cache") and "poster" in self._prefetched_objects_cache:
            return [p for p in self.poster.all() if p.tildelt_kr is None]
        return list(self.poster.filter(tildelt_kr__isnull=True))


class Budsjettpost(models.Model):
    """A post under a chapter, with the amount allocated in the letter's table, what the Storting
    appropriated (bevilget) and the agency's share put at its disposal (andel), where the text says."""

    kapittel = models.ForeignKey(Budsjettkapittel, on_delete=models.CASCADE, related_name="poster")
    post = models.PositiveSmallIntegerField("post")
    betegnelse = models.CharField("betegnelse", max_length=300)
    kan_overfores = models.BooleanField("kan overføres", default=False)
    overslagsbevilgning = models.BooleanField("overslagsbevilgning", default=False)
    tildelt_kr = models.BigIntegerField("tildelt (tabellen)", null=True, blank=True,
                                        help_text="Tomt når brevets tabell ikke har noe beløp for posten.")
    tildelt_tekst = models.CharField("i tabellen i stedet for beløp", max_length=100, blank=True,
                                     help_text="Det brevets tabell skriver når den ikke har beløp, "
                                               "f.eks. «Se omtale under».")
    bevilget_kr = models.BigIntegerField("bevilget av Stortinget", null=True, blank=True)
    andel_kr = models.BigIntegerField("virksomhetens andel", null=True, blank=True)
    overskrift = models.CharField("overskrift i brevet", max_length=300, blank=True)
    tekst = models.TextField("tekst", blank=True)
    typed_tilskudd_sum_kr = models.BigIntegerField("sum i tilskuddstabellen (som i brevet)", null=True, blank=True)
    tilskudd_sum_rad_uten_belop = models.BooleanField("SUM-rad i tilskuddstabellen uten beløp", default=False)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "budsjettpost"
        verbose_name_plural = "budsjettposter"
        ordering = ["kapittel", "post"]
        constraints = [
            models.UniqueConstraint(fields=["kapittel", "post"], name="post_unik_per_kapittel"),
            _ikke_negativ("tildelt_kr", "post_tildelt_ikke_negativ"),
            models.CheckConstraint(condition=Q(tildelt_kr__isnull=True) | Q(tildelt_tekst=""),
                                   name="post_tekst_bare_uten_belop",
                                   violation_error_message="En post med beløp i tabellen kan ikke også ha en tekst i "
                                                           "stedet for beløpet."),
            _ikke_negativ("bevilget_kr", "post_bevilget_ikke_negativ"),
            _ikke_negativ("andel_kr", "post_andel_ikke_negativ"),
            _ikke_negativ("typed_tilskudd_sum_kr", "post_tilskuddsum_ikke_negativ"),
            _tom_sum_rad("tilskudd_sum_rad_uten_belop", "typed_tilskudd_sum_kr", "post_tom_tilskuddsum_uten_belop"),
        ]

    def __str__(self) -> str:
        return f"Kap. {self.kapittel.nummer} post {self.post:02d} {self.betegnelse}"

    @property
    def disponibelt_kr(self) -> int | None:
        """What the agency disposes of: its stated share, else the allocation in the table; None
        when the letter gives neither."""
        return self.andel_kr if self.andel_kr is not None else self.tildelt_kr

    def _sum(self, related: str) -> int:
        cache = getattr(self, "_prefetched_objects_cache", {})
        if related in cache:
            return sum(r.belop_kr for r in cache[related] if r.belop_kr is not None)
        return getattr(self, related).aggregate(s=Sum("belop_kr"))["s"] or 0

    def _bindinger(self) -> list:
        cache = getattr(self, "_prefetched_objects_cache", {})
        return list(cache["bindinger"]) if "bindinger" in cache else list(self.bindinger.all())

    @property
    def bundet_kr(self) -> int:
        """What is bound at least: the bindinger's amounts, a range counted by its start."""
        return self._sum("bindinger")

    @property
    def bundet_til_kr(self) -> int:
        """What is bound at most: a range counted by its end (equal to ``bundet_kr`` without ranges)."""
        return sum(b.hoyeste_kr for b in self._bindinger() if b.belop_kr is not None)

    @property
    def bindinger_uten_belop(self) -> int:
        """How many bindinger the letter gives without an amount (not counted in the sums)."""
        return sum(1 for b in self._bindinger() if b.belop_kr is None)

    @property
    def udisponert_kr(self) -> int | None:
        """Udisponerte midler: the share less what is bound (at least); None without a share."""
        disponibelt = self.disponibelt_kr
        return None if disponibelt is None else disponibelt - self.bundet_kr

    @property
    def udisponert_minst_kr(self) -> int | None:
        """What is left at least when a binding is a range and its end is bound."""
        disponibelt = self.disponibelt_kr
        return None if disponibelt is None else disponibelt - self.bundet_til_kr

    @property
    def fordelt_kr(self) -> int:
        return self._sum("fordelinger")

    @property
    def tilskudd_sum_kr(self) -> int:
        return self._sum("tilskudd")


class Budsjettbinding(models.Model):
    """An earmark inside a post, bound to a purpose and often to an oppdrag by its number."""

    class Kategori(models.TextChoices):
        NY = "ny", "Nye prosjekter"
        TIDLIGERE = "tidligere", "Bindinger fra tidligere år"
        ANNET = "annet", "Annen binding"

    post = models.ForeignKey(Budsjettpost, on_delete=models.CASCADE, related_name="bindinger")
    tekst = models.TextField("formål")
    belop_kr = models.BigIntegerField("beløp", null=True, blank=True,
                                      help_text="Tomt når brevet ikke oppgir beløp; starten når det er et intervall.")
    belop_til_kr = models.BigIntegerField("til (beløpsintervall)", null=True, blank=True,
                                          help_text="Slutten når brevet oppgir et intervall, f.eks. «1 til 1,5 mill.».")
    kategori = models.CharField("kategori", max_length=20, choices=Kategori.choices, default=Kategori.ANNET)
    oppdrag_nummer = models.CharField("oppdrag (som i brevet)", max_length=20, blank=True)
    oppdrag = models.ForeignKey("oppdrag.Oppdrag", verbose_name="oppdrag", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="bindinger")
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "budsjettbinding"
        verbose_name_plural = "budsjettbindinger"
        ordering = ["post", "rekkefolge"]
        constraints = [
            _ikke_negativ("belop_kr", "binding_ikke_negativ"),
            models.CheckConstraint(
                condition=Q(belop_til_kr__isnull=True) | Q(belop_kr__isnull=False, belop_til_kr__gt=F("belop_kr")),
                name="binding_intervall_stigende",
                violation_error_message="Et beløpsintervall må slutte på et høyere beløp enn det starter på."),
        ]

    def __str__(self) -> str:
        return self.tekst[:80]

    @property
    def hoyeste_kr(self) -> int | None:
        """The amount, or the end of a range."""
        return self.belop_til_kr if self.belop_til_kr is not None else self.belop_kr


def bindingsum_tekst(bindinger, *, skille: str = " ") -> str:
    """The sum of a post's bindinger as the letter would write it: a range when any binding is one
    ("4 000 000 til 4 500 000"), and how many have no amount ("(og 1 uten beløp)"), which are not in
    the sum; "–" when none has an amount."""
    from kjerne.belop import format_intervall

    med = [b for b in bindinger if b.belop_kr is not None]
    if not med:
        return "–"
    fra, til = sum(b.belop_kr for b in med), sum(b.hoyeste_kr for b in med)
    tekst = format_intervall(fra, til if til != fra else None, skille=skille)
    uten = len(bindinger) - len(med)
    return f"{tekst} (og {uten} uten beløp)" if uten else tekst


class Fordeling(models.Model):
    """A distribution of a post into a sub-scheme ("94,0 mill. kroner til Jobbsjansen")."""

    post = models.ForeignKey(Budsjettpost, on_delete=models.CASCADE, related_name="fordelinger")
    tekst = models.TextField("ordning/tiltak")
    belop_kr = models.BigIntegerField("beløp")
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "fordeling"
        verbose_name_plural = "fordelinger"
        ordering = ["post", "rekkefolge"]
        constraints = [_ikke_negativ("belop_kr", "fordeling_ikke_negativ")]

    def __str__(self) -> str:
        return self.tekst[:80]


class Tilskudd(models.Model):
    """A named grant recipient in a post's table (with the table's SUM row computed, not typed)."""

    post = models.ForeignKey(Budsjettpost, on_delete=models.CASCADE, related_name="tilskudd")
    fordeling = models.ForeignKey(Fordeling, verbose_name="under ordning", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="tilskudd")
    mottaker = models.CharField("mottaker", max_length=300)
    belop_kr = models.BigIntegerField("beløp")
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "tilskuddsmottaker"
        verbose_name_plural = "tilskuddsmottakere"
        ordering = ["post", "rekkefolge"]
        constraints = [_ikke_negativ("belop_kr", "tilskudd_ikke_negativ")]

    def __str__(self) -> str:
        return self.mottaker


class Finansiering(models.Model):
    """How an oppdrag is financed, as the annex says ("3 mill. kroner i 2023 over kap. 671, post 21")."""

    oppdrag = models.ForeignKey("oppdrag.Oppdrag", on_delete=models.CASCADE, related_name="finansiering")
    tekst = models.CharField("tekst", max_length=500)
    belop_kr = models.BigIntegerField("beløp", null=True, blank=True)
    kapittel = models.PositiveIntegerField("kapittel", null=True, blank=True)
    post = models.PositiveSmallIntegerField("post", null=True, blank=True)
    aar = models.PositiveSmallIntegerField("år", null=True, blank=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    history = historikk()

    class Meta:
        verbose_name = "finansiering"
        verbose_name_plural = "finansiering"
        ordering = ["oppdrag", "rekkefolge"]
        constraints = [_ikke_negativ("belop_kr", "finansiering_ikke_negativ")]

    def __str__(self) -> str:
        return self.tekst


class Budsjettendring(models.Model):
    """A change of money in a tillegg (positive or negative) on a post of the main letter."""

    tillegg = models.ForeignKey("styring.Tillegg", on_delete=models.CASCADE, related_name="budsjettendringer")
    post = models.ForeignKey(Budsjettpost, on_delete=models.PROTECT, related_name="endringer")
    endring_kr = models.BigIntegerField("endring (kr)", help_text="Negativt beløp for reduksjon.")
    tekst = models.TextField("begrunnelse", blank=True)

    history = historikk()

    class Meta:
        verbose_name = "budsjettendring i tillegg"
        verbose_name_plural = "budsjettendringer i tillegg"
        ordering = ["tillegg", "post"]

    def __str__(self) -> str:
        return f"{self.post}: {self.endring_kr:+d} kr"


class Forbruk(models.Model):
    """Spending to date on a post and the forecast for the rest of the year (for the half-year report)."""

    post = models.ForeignKey(Budsjettpost, on_delete=models.CASCADE, related_name="forbruk")
    per_dato = models.DateField("per dato")
    forbruk_kr = models.BigIntegerField("forbruk per dato")
    prognose_kr = models.BigIntegerField("prognose resten av året")
    kommentar = models.TextField("kommentar", blank=True)
    registrert_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")

    history = historikk()

    class Meta:
        verbose_name = "forbruk og prognose"
        verbose_name_plural = "forbruk og prognoser"
        ordering = ["post", "-per_dato"]
        constraints = [
            models.UniqueConstraint(fields=["post", "per_dato"], name="ett_forbruk_per_post_og_dato"),
            _ikke_negativ("forbruk_kr", "forbruk_ikke_negativ"),
            _ikke_negativ("prognose_kr", "prognose_ikke_negativ"),
        ]

    def __str__(self) -> str:
        return f"{self.post} per {self.per_dato:%d.%m.%Y}"

    @property
    def avvik_kr(self) -> int | None:
        """Allocation less spent and forecast: positive means money left, negative an overrun;
        None when the letter gives the post no amount."""
        disponibelt = self.post.disponibelt_kr
        return None if disponibelt is None else disponibelt - self.forbruk_kr - self.prognose_kr
