"""A PDF rendering of a document (tildelingsbrev, rapport …): one row per document and variant,
moving venter → i_ko → lager → klar (or feilet). The file is kept through the storage API."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kjerne.historikk import historikk

#: The HistoricalRecords instance, kept so that conditional single-row UPDATEs (the race-free claim)
#: can still write their history row (see services._historikk).
HISTORIKK = historikk(excluded_fields=["krav"])


class PdfDokument(models.Model):
    """A PDF of one document in one variant (vanlig PDF or PDF/A for the archive)."""

    class Variant(models.TextChoices):
        STANDARD = "standard", "Vanlig PDF"
        PDFA = "pdfa", "PDF/A (arkiv)"

    class Status(models.TextChoices):
        VENTER = "venter", "Venter"  # recorded, not yet on the queue (or the broker was down)
        I_KO = "i_ko", "I kø"
        LAGER = "lager", "Lages"
        KLAR = "klar", "Klar"
        FEILET = "feilet", "Feilet"

    PAAGAAR = (Status.VENTER, Status.I_KO, Status.LAGER)

    kind = models.CharField("dokumenttype", max_length=40)
    object_id = models.PositiveBigIntegerField("dokument-id")
    variant = models.CharField("variant", max_length=10, choices=Variant.choices, default=Variant.STANDARD)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.VENTER)
    innholdshash = models.CharField("innholdshash", max_length=64, blank=True,
                                    help_text="SHA-256 av HTML-en og varianten; lik hash betyr lik PDF.")
    fil = models.FileField("fil", upload_to="pdf/", max_length=500, blank=True)
    filnavn = models.CharField("filnavn ved nedlasting", max_length=200, blank=True)
    tittel = models.CharField("tittel", max_length=300, blank=True)
    storrelse = models.PositiveBigIntegerField("størrelse (byte)", default=0)
    sider = models.PositiveIntegerField("sider", default=0)
    feilmelding = models.TextField("feilmelding", blank=True)
    bestilt_av = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="bestilt av", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    bestilt = models.DateTimeField("bestilt")
    startet = models.DateTimeField("startet", null=True, blank=True)
    ferdig = models.DateTimeField("ferdig", null=True, blank=True)
    forsok = models.PositiveSmallIntegerField("forsøk", default=0)
    # The claim token of the render that owns the row while it is "lager"; a finish or failure is
    # recorded only by the render holding the current token.
    krav = models.CharField("krav", max_length=32, blank=True, editable=False)

    history = HISTORIKK

    class Meta:
        verbose_name = "PDF-dokument"
        verbose_name_plural = "PDF-dokumenter"
        ordering = ["kind", "object_id", "variant"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "variant"], name="en_pdf_per_dokument_og_variant"),
            models.CheckConstraint(condition=~Q(status="klar") | ~Q(fil=""), name="klar_pdf_har_fil"),
        ]
        indexes = [models.Index(fields=["status", "bestilt"], name="pdf_status_bestilt")]

    def __str__(self) -> str:
        return f"{self.tittel or self.kind} ({self.get_variant_display()})"

    @property
    def pagaar(self) -> bool:
        return self.status in self.PAAGAAR

    @property
    def storrelse_tekst(self) -> str:
        """Size as Norwegian readers write it: "123 kB", "1,4 MB"."""
        if self.storrelse >= 1024 * 1024:
            return f"{self.storrelse / (1024 * 1024):.1f} MB".replace(".", ",")
        return f"{max(1, round(self.storrelse / 1024))} kB"

    @property
    def sider_tekst(self) -> str:
        return "1 side" if self.sider == 1 else f"{self.sider} sider"
