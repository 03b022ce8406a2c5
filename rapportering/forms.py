"""Forms for the report's sections. They validate and turn text into typed values; services save."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from kjerne import konflikt
from kjerne.belop import BelopError, format_tall, parse_kroner
from kjerne.tallgrenser import kolonnegrense

from . import rik_tekst
from .format import format_desimal, krav_tekst
from .krav import beskrivelse, krav_for_deler
from .models import Parameterresultat, Postrapport, Risiko
from .services import DEL_FELTER, OPPDRAG_FELTER, POST_FELTER, RESULTAT_FELTER, Postverdier, Resultat

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_TUSENPUNKT = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
_TALL = re.compile(r"-?\d+([.,]\d+)?")


def parse_tall(tekst: str) -> Decimal:
    """A number as Norwegians write it ("12,5", "1 234,5", "87 %"), exactly, without float."""
    raw = tekst.strip()
    cleaned = _SPACES.sub("", raw).replace("−", "-").replace("–", "-")
    cleaned = re.sub(r"(%|prosent)$", "", cleaned, flags=re.IGNORECASE)
    if _TUSENPUNKT.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")
    if not _TALL.fullmatch(cleaned):
        raise ValidationError(
            f"«{raw}» er ikke et tall. Resultatkravet er tallfestet, så resultatet må være et tall, f.eks. 12,5. "
            "Har dere ikke et resultat for perioden, kryss av for «Ingenting å rapportere for perioden».",
            code="ikke_tall",
        )
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValidationError(f"«{raw}» er ikke et tall.") from exc
    if value != value.quantize(Decimal("0.001")):
        raise ValidationError("Bruk høyst tre desimaler.", code="desimaler")
    if abs(value) >= Decimal("1e13"):
        raise ValidationError("Tallet er for stort.", code="for_stort")
    return value


class Versjonsfelt(forms.CharField):
    """The version of a row as the page was opened (styring.konflikt), carried in a hidden field."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, strip=False, **kwargs)


@dataclass
class Delrad:
    felt: forms.BoundField
    versjon: forms.BoundField
    konflikt: konflikt.Konflikt | None


class RikTekstWidget(forms.Textarea):
    """A textarea that static/js/rik_tekst.js turns into django-prose-editor's editor, with the
    extensions in rik_tekst.EDITOR_UTVIDELSER. Only static files: the module imports the editor by
    its path, so no import map (an inline script the CSP refuses) is needed. Without JavaScript it
    stays a textarea, and plain text typed there is saved as paragraphs."""

    class Media:
        css = {"all": ["django_prose_editor/material-icons.css", "django_prose_editor/editor.css",
                       "css/rik_tekst.css"]}
        js = [forms.Script("js/rik_tekst.js", type="module")]

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 10, "data-rik-tekst": json.dumps(rik_tekst.EDITOR_UTVIDELSER),
                                **(attrs or {})})


class DelerForm(forms.Form):
    """One rich-text field per text part of the report, each with the version of its part."""

    def __init__(self, *args, deler, **kwargs):
        super().__init__(*args, **kwargs)
        self.koder = [d.kode for d in deler]
        self.konflikter: dict[str, konflikt.Konflikt] = {}
        krav = krav_for_deler(deler)  # a part answering one of the letter's rapporteringskrav shows it
        for d in deler:
            self.fields[d.kode] = forms.CharField(label=d.tittel, required=False, initial=rik_tekst.som_html(d.tekst),
                                                  widget=RikTekstWidget(),
                                                  help_text=beskrivelse(krav[d.kode]) if d.kode in krav else "")
            self.fields[self._versjonsnavn(d.kode)] = Versjonsfelt(initial=konflikt.signer(d, DEL_FELTER))

    @staticmethod
    def _versjonsnavn(kode: str) -> str:
        return f"versjon_{kode}"

    def clean(self):
        data = super().clean()
        for kode in self.koder:
            if konflikt.les_versjon(self.data.get(self.add_prefix(self._versjonsnavn(kode)))) is None:
                self.add_error(kode, konflikt.MANGLER_VERSJON)
        return data

    @property
    def rader(self) -> list[Delrad]:
        return [Delrad(self[kode], self[self._versjonsnavn(kode)], self.konflikter.get(kode)) for kode in self.koder]

    def tekster(self) -> dict[str, str]:
        return {kode: self.cleaned_data[kode] for kode in self.koder}

    def versjoner(self) -> dict[str, str]:
        return {kode: self.data.get(self.add_prefix(self._versjonsnavn(kode)), "") for kode in self.koder}

    def vis_konflikt(self, konflikter) -> None:
        """Someone else saved these parts since the page was opened: show what they changed, keep
        what was typed, and carry the version as stored now so the next save is a deliberate one."""
        data = self.data.copy()
        for kode in self.koder:
            if (k := konflikter.get(kode)) is not None:
                for e in k.endringer:  # the words that changed, not the editor's markup
                    e.fra, e.til = rik_tekst.ren_tekst(e.fra), rik_tekst.ren_tekst(e.til)
                self.konflikter[kode] = k
                data[self.add_prefix(self._versjonsnavn(kode))] = k.versjon
                self.add_error(kode, k.melding)
        self.data = data


class AutolagreForm(forms.Form):
    """One part saved as the person writes (static/js/rik_tekst.js), with the version the page holds."""

    kode = forms.CharField(max_length=20)
    tekst = forms.CharField(required=False, strip=False)
    versjon = forms.CharField(strip=False)

    def clean_versjon(self):
        versjon = self.cleaned_data["versjon"]
        if konflikt.les_versjon(versjon) is None:
            raise ValidationError(konflikt.MANGLER_VERSJON, code="versjon")
        return versjon


class RadForm(forms.Form):
    """A form for one row of a report section (``rad``), carrying the version it was opened with."""

    felter: tuple[str, ...] = ()
    versjon = Versjonsfelt()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.konflikt: konflikt.Konflikt | None = None
        self.fields["versjon"].initial = konflikt.signer(self.rad, self.felter)

    def clean(self):
        data = super().clean()
        if konflikt.les_versjon(self.versjon_verdi()) is None:
            raise ValidationError(konflikt.MANGLER_VERSJON, code="versjon")
        return data

    def versjon_verdi(self) -> str:
        return self.data.get(self.add_prefix("versjon"), "")

    def vis_konflikt(self, konflikter) -> None:
        """As DelerForm.vis_konflikt, for this form's row."""
        k = konflikter.get(self.rad.pk)
        if k is None:
            return
        self.konflikt = k
        data = self.data.copy()
        data[self.add_prefix("versjon")] = k.versjon
        self.data = data
        self.add_error(None, k.melding)


RISIKO_VALG = [("", "Ikke vurdert"), (Risiko.GRONN, "Grønn – i rute"), (Risiko.GUL, "Gul – forsinket eller svakere effekt"),
               (Risiko.ROD, "Rød – svært forsinket, korrigering må iverksettes")]


class ParameterForm(RadForm):
    """The result for one styringsparameter: a number where the target is a number, else text."""

    felter = RESULTAT_FELTER

    resultat = forms.CharField(label="Resultat for perioden", required=False)
    vurdering = forms.CharField(label="Vurdering", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    risiko = forms.ChoiceField(label="Risiko for manglende måloppnåelse", choices=RISIKO_VALG, required=False)
    ingenting_aa_rapportere = forms.BooleanField(label="Ingenting å rapportere for perioden", required=False)

    def __init__(self, *args, rad: Parameterresultat, **kwargs):
        self.rad = rad
        initial = {
            "resultat": format_desimal(rad.resultat_tall) if rad.numerisk else rad.resultat_tekst,
            "vurdering": rad.vurdering, "risiko": rad.risiko, "ingenting_aa_rapportere": rad.ingenting_aa_rapportere,
        }
        super().__init__(*args, prefix=f"p{rad.pk}", initial=initial, **kwargs)
        self.krav = [krav_tekst(k) for k in rad.styringsparameter.resultatkrav.all()]
        if rad.numerisk:
            self.fields["resultat"].label = "Resultat for perioden (tall)"
            self.fields["resultat"].help_text = "Et tall, f.eks. 12,5."
            self.fields["resultat"].widget.attrs["inputmode"] = "decimal"
        else:
            self.fields["resultat"].widget = forms.Textarea(attrs={"rows": 3})

    def clean_resultat(self):
        tekst = self.cleaned_data["resultat"].strip()
        if not tekst:
            return None if self.rad.numerisk else ""
        return parse_tall(tekst) if self.rad.numerisk else tekst

    def clean(self):
        data = super().clean()
        resultat = data.get("resultat")
        if data.get("ingenting_aa_rapportere") and resultat not in (None, ""):
            self.add_error("ingenting_aa_rapportere", "Velg enten et resultat eller «Ingenting å rapportere for "
                                                      "perioden», ikke begge.")
        return data

    def resultat_verdier(self) -> Resultat:
        d = self.cleaned_data
        numerisk = self.rad.numerisk
        return Resultat(
            resultat_tall=d["resultat"] if numerisk else None,
            resultat_tekst="" if numerisk else d["resultat"],
            vurdering=d["vurdering"], risiko=d["risiko"], ingenting_aa_rapportere=d["ingenting_aa_rapportere"],
        )


class OppdragForm(RadForm):
    felter = OPPDRAG_FELTER
    kommentar = forms.CharField(label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rad, **kwargs):
        self.rad = rad
        super().__init__(*args, prefix=f"o{rad.pk}", initial={"kommentar": rad.kommentar}, **kwargs)


class BelopField(forms.CharField):
    """Whole kroner as written ("37 510 000", "1 523,9 mill."); negatives refused, and so is an
    amount the column ``kolonne`` (a model field) cannot hold."""

    def __init__(self, *, kolonne=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.grense = kolonnegrense(kolonne) if kolonne is not None else None

    def clean(self, value):
        tekst = super().clean(value).strip()
        if not tekst:
            return None
        try:
            belop = parse_kroner(tekst)
        except BelopError as exc:
            raise ValidationError(str(exc), code="belop") from exc
        if self.grense is not None:
            self.grense(belop)
        return belop


class PostForm(RadForm):
    felter = POST_FELTER
    forbruk = BelopField(label="Forbruk per telletidspunktet", help_text="F.eks. 12 500 000 eller 12,5 mill.",
                         kolonne=Postrapport._meta.get_field("forbruk_kr"))
    prognose = BelopField(label="Prognose for resten av året", help_text="F.eks. 12 500 000 eller 12,5 mill.",
                          kolonne=Postrapport._meta.get_field("prognose_kr"))
    kommentar = forms.CharField(label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rad: Postrapport, **kwargs):
        self.rad = rad
        initial = {"forbruk": format_tall(rad.forbruk_kr) if rad.forbruk_kr is not None else "",
                   "prognose": format_tall(rad.prognose_kr) if rad.prognose_kr is not None else "",
                   "kommentar": rad.kommentar}
        super().__init__(*args, prefix=f"b{rad.pk}", initial=initial, **kwargs)

    def post_verdier(self) -> Postverdier:
        d = self.cleaned_data
        return Postverdier(forbruk_kr=d["forbruk"], prognose_kr=d["prognose"], kommentar=d["kommentar"])


class KommentarForm(forms.Form):
    tekst = forms.CharField(label="Departementets kommentar", widget=forms.Textarea(attrs={"rows": 4}),
                            error_messages={"required": "Skriv en kommentar."})
