"""A measure (tiltak) with the person who answers for it and a frist that reminds: the shape shared by
the measures against a risk (risiko) and after a remark from Riksrevisjonen (revisjon), which sit in
one layer and may not import each other."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Max, Q

#: What a user may set on a measure.
TILTAK_FELTER = ("tekst", "ansvarlig", "frist", "status")


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


def lagre_tiltak(*, modell: type[Tiltak], eierfelt: str, eier, virksomhet_id: int, acting_user,
                 tiltak: Tiltak | None, data: dict, annen_eier: str) -> Tiltak:
    """Add a measure to its owner (the ``eierfelt`` of ``modell``: a risk, a remark) as the last one,
    or change one of the owner's; the person who answers for it must work in the agency. The caller
    holds the transaction and has checked that the user may write to the owner."""
    ansvarlig = data.get("ansvarlig")
    if ansvarlig is not None and ansvarlig.organisasjon_id != virksomhet_id:
        raise ValidationError({"ansvarlig": "Velg en person i virksomheten."})
    if tiltak is None:
        neste = (modell.objects.filter(**{eierfelt: eier}).aggregate(m=Max("rekkefolge"))["m"] or 0) + 1
        tiltak = modell(**{eierfelt: eier, "rekkefolge": neste})
    elif getattr(tiltak, f"{eierfelt}_id") != eier.pk:
        raise PermissionDenied(annen_eier)
    for f in TILTAK_FELTER:
        if f in data:
            setattr(tiltak, f, data[f])
    tiltak._history_user = acting_user
    tiltak.full_clean()
    tiltak.save()
    return tiltak
