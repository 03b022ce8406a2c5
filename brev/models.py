"""What the letter's editors decide about the consistency check."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kjerne.historikk import historikk


class Kvittering(models.Model):
    """A finding of the check that the ministry keeps on purpose, with the reason why.

    Only findings about text carried forward from last year (an old year named, an amount that
    "må oppdateres") can be acknowledged; the key names the place and what was found there, so a
    changed text gives a new finding that must be looked at again.
    """

    tildelingsbrev = models.ForeignKey("styring.Tildelingsbrev", verbose_name="tildelingsbrev",
                                       on_delete=models.CASCADE, related_name="kvitteringer")
    nokkel = models.CharField("funn", max_length=300)
    melding = models.TextField("meldingen fra kontrollen")
    grunn = models.TextField("begrunnelse")
    kvittert_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="kvittert av", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    kvittert = models.DateTimeField("kvittert")

    history = historikk()

    class Meta:
        verbose_name = "kvittert funn"
        verbose_name_plural = "kvitterte funn"
        ordering = ["tildelingsbrev", "kvittert", "id"]
        constraints = [models.UniqueConstraint(fields=["tildelingsbrev", "nokkel"], name="ett_kvittert_funn_per_sted")]

    def __str__(self) -> str:
        return self.melding
