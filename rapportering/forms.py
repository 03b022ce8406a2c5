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
from .models import Fellesforingssvar, Parameterresultat, Postrapport, Risiko, Tallsvar
from .services import (
    DEL_FELTER,
    FELLESFORING_FELTER,
    OPPDRAG_FELTER,
    POST_FELTER,
    RESULTAT_FELTER,
    TALL_FELTER,
    Fellesforingsverdier,
    Postverdier,
    Resultat,
    svarnokkel,
    tallnokkel,
)

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


class FellesforingForm(RadForm):
    """The answer to one fellesføring: text, and one field per number it asks for (``t<id>``),
    each number with its own version so two people can fill in different numbers at once."""

    felter = FELLESFORING_FELTER
    tekst = forms.CharField(label="Svar", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, rad: Fellesforingssvar, **kwargs):
        self.rad = rad
        self.tallrader: list[Tallsvar] = list(rad.tall.all())
        super().__init__(*args, prefix=f"f{rad.pk}", initial={"tekst": rad.tekst}, **kwargs)
        self.tallkonflikter: dict[int, konflikt.Konflikt] = {}
        grense = kolonnegrense(Tallsvar._meta.get_field("verdi"))
        for t in self.tallrader:
            tf = t.tallfelt
            if tf.enhet == tf.Enhet.KRONER:
                felt = BelopField(label=f"{tf.navn} (kroner)", help_text="F.eks. 12 500 000 eller 12,5 mill.")
                initial = format_tall(int(t.verdi)) if t.verdi is not None else ""
            else:
                felt = forms.CharField(label=f"{tf.navn} ({tf.get_enhet_display()})", required=False,
                                       help_text="Et tall, f.eks. 14 eller 12,5.")
                felt.widget.attrs["inputmode"] = "decimal"
                initial = format_desimal(t.verdi)
            if tf.grunnlag_visning:
                felt.help_text += f" Grunnlag: {tf.grunnlag_visning}."
            felt.initial = initial
            felt.grense = grense
            self.fields[f"t{t.pk}"] = felt
            self.fields[f"versjon_t{t.pk}"] = Versjonsfelt(initial=konflikt.signer(t, TALL_FELTER))

    def _clean_tall(self, t: Tallsvar):
        felt = self.fields[f"t{t.pk}"]
        raw = self.cleaned_data.get(f"t{t.pk}")
        if isinstance(felt, BelopField):
            return None if raw is None else Decimal(raw)
        tekst = (raw or "").strip()
        if not tekst:
            return None
        verdi = parse_tall(tekst)
        if verdi != verdi.quantize(Decimal("0.01")):
            raise ValidationError("Bruk høyst to desimaler.", code="desimaler")
        return verdi

    def clean(self):
        data = super().clean()
        for t in self.tallrader:
            navn = f"t{t.pk}"
            if navn in self.errors:
                continue
            try:
                verdi = self._clean_tall(t)
            except ValidationError as exc:
                # parse_tall speaks of styringsparametere; here the field is a fellesføring's number.
                melding = (f"«{self.data.get(self.add_prefix(navn), '').strip()}» er ikke et tall. Skriv et tall, "
                           "f.eks. 14 eller 12,5, eller la feltet stå tomt." if exc.code == "ikke_tall"
                           else " ".join(exc.messages))
                self.add_error(navn, melding)
                continue
            if verdi is not None and verdi < 0:
                self.add_error(navn, "Tallet kan ikke være negativt.")
                continue
            if verdi is not None:
                try:
                    self.fields[navn].grense(verdi)
                except ValidationError as exc:
                    self.add_error(navn, exc)
                    continue
            data[navn] = verdi
            if konflikt.les_versjon(self.data.get(self.add_prefix(f"versjon_{navn}"))) is None:
                self.add_error(navn, konflikt.MANGLER_VERSJON)
        return data

    @property
    def tallfelter(self) -> list[tuple[forms.BoundField, forms.BoundField, konflikt.Konflikt | None]]:
        return [(self[f"t{t.pk}"], self[f"versjon_t{t.pk}"], self.tallkonflikter.get(t.pk)) for t in self.tallrader]

    def svar_verdier(self) -> Fellesforingsverdier:
        return Fellesforingsverdier(tekst=self.cleaned_data["tekst"],
                                    tall={t.pk: self.cleaned_data[f"t{t.pk}"] for t in self.tallrader})

    def versjoner(self) -> dict[str, str]:
        ut = {svarnokkel(self.rad.pk): self.versjon_verdi()}
        for t in self.tallrader:
            ut[tallnokkel(t.pk)] = self.data.get(self.add_prefix(f"versjon_t{t.pk}"), "")
        return ut

    def vis_konflikt(self, konflikter) -> None:
        """As RadForm.vis_konflikt, for the answer's text and each of its numbers."""
        data = self.data.copy()
        if (k := konflikter.get(svarnokkel(self.rad.pk))) is not None:
            self.konflikt = k
            data[self.add_prefix("versjon")] = k.versjon
            self.add_error(None, k.melding)
        for t in self.tallrader:
            if (k := konflikter.get(tallnokkel(t.pk))) is not None:
                self.tallkonflikter[t.pk] = k
                data[self.add_prefix(f"versjon_t{t.pk}")] = k.versjon
                self.add_error(f"t{t.pk}", k.melding)
        self.data = data


class KommentarForm(forms.Form):
    tekst = forms.CharField(label="Departementets kommentar", widget=forms.Textarea(attrs={"rows": 4}),
                            error_messages={"required": "Skriv en kommentar."})
