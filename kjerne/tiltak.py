"""A measure (tiltak) with the person who answers for it and a frist that reminds: the shape shared by
the measures against a risk (risiko) and after a remark from Riksrevisjonen (revisjon), which sit in
one layer and may not import each other."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Tiltaksstatus(models.TextChoices):
    PLANLAGT = "planlagt", "Planlagt"
    PAAGAAR = "paagaar", "Pågår"
    GJENNOMFORT = "gjennomfort", "Gjennomført"


class Tiltak(models.Model):
    """Abstract: a concrete measure adds what it belongs to, its ordering and its history."""

    tekst = models.TextField("tiltak")
    ansvarlig = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="ansvarlig", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="%(class)s")
    frist = models.DateField("frist", null=True, blank=True)
    status = models.CharField("status", max_length=12, choices=Tiltaksstatus.choices,
                              default=Tiltaksstatus.PLANLAGT)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    class Meta:
        abstract = True
        constraints = [models.CheckConstraint(condition=~Q(tekst=""), name="%(class)s_har_tekst")]

    def __str__(self) -> str:
        return self.tekst[:80]

    @property
    def er_ferdig(self) -> bool:
        return self.status == Tiltaksstatus.GJENNOMFORT
