"""The tildelingsbrev as a print document, built from the structured data in the real letter's order:
heading, chapters, goals with parameters and oppdrag tables, budget tables with computed sums,
signatures, vedlegg, and the oppdrag annex with each new oppdrag's full text."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.template.loader import render_to_string

from budsjett.models import Budsjettkapittel, Budsjettpost, bindingsum_tekst
from dokumenter.registry import Bygget
from kjerne.belop import ENHET_TEKST, desimaler_i_enhet, format_i_enhet, format_intervall, format_tall
from oppdrag.models import Oppdrag
from oppdrag.querysets import oppdrag_i_brev
from styring.maalomraader import plasser_krav, plasser_omraader
from styring.models import Brevavsnitt, Maal, Styringsparameter, Tildelingsbrev

#: The annex fields in the order the real annex shows them, with their labels.
VEDLEGG_FELTER = (
    ("bakgrunn", "Bakgrunn"),
    ("beskrivelse", "Beskrivelse av oppdraget"),
    ("formaal", "Formål/hensikt"),
    ("rapportering", "Rapportering"),
    ("rapporteringskriterier", "Rapporteringskriterier"),
    ("start_tekst", "Oppstart"),
    ("frist_tekst", "Frist"),
    ("finansiering_tekst", "Finansiering"),
    ("tilleggsinformasjon", "Andre opplysninger"),
)


def synlige_tildelingsbrev(user):
    return Tildelingsbrev.objects.for_user(user)


@dataclass
class Postrad:
    post: Budsjettpost
    belop: str
    tilskudd: list[dict] = field(default_factory=list)
    tilskudd_sum: str = ""
    bindinger: list[dict] = field(default_factory=list)
    bundet_sum: str = ""


@dataclass
class Kapitteltabell:
    kapittel: Budsjettkapittel
    rader: list[Postrad]
    sum_tekst: str  # in the table's unit
    sum_kr_tekst: str = ""  # in kroner, for the totals table where chapters of different units meet
    belop_overskrift: str = "Beløp (kr)"
    uten_belop: list[Budsjettpost] = field(default_factory=list)  # posts the table gives no amount


@dataclass
class Avsnittsblokk:
    """A chapter of the letter, with what the structured data adds after its text."""

    avsnitt: Brevavsnitt
    anker: str
    nivaa: int
    med_maal: bool = False
    med_budsjett: bool = False
    med_fellesforinger: bool = False


@dataclass
class Vedleggsoppdrag:
    oppdrag: Oppdrag
    tittel: str
    felter: list[tuple[str, str]] = field(default_factory=list)
    frister: list = field(default_factory=list)


def _brev_med_data(brev: Tildelingsbrev) -> Tildelingsbrev:
    """The letter with everything the document shows, in a bounded number of queries."""
    sp = Styringsparameter.objects.prefetch_related("resultatkrav", "maaleverdier")
    return (
        Tildelingsbrev.objects.select_related("virksomhet", "departement")
        .prefetch_related(
            Prefetch("avsnitt", queryset=Brevavsnitt.objects.filter(tillegg__isnull=True).order_by("rekkefolge", "id")),
            Prefetch("maal", queryset=Maal.objects.order_by("sorteringsnokkel", "nummer").prefetch_related(
                Prefetch("styringsparametere", queryset=sp))),
            "maalgrupper", "rapporteringskrav",
            Prefetch("kapitler", queryset=Budsjettkapittel.objects.order_by("rekkefolge", "nummer").prefetch_related(
                Prefetch("poster", queryset=Budsjettpost.objects.order_by("rekkefolge", "post").prefetch_related(
                    "tilskudd", "bindinger", "fordelinger")))),
            "signaturer", "vedlegg", "kopi_til", "risikodefinisjoner", "fellesforinger__tallfelt",
        )
        .get(pk=brev.pk)
    )


def _nivaa(nummer: str) -> int:
    return min(3, nummer.count(".") + 1) if nummer else 1


def _plasser(avsnitt: list[Brevavsnitt]) -> list[Avsnittsblokk]:
    """Where the goals and the budget tables go: after the chapter that introduces them
    ("Mål, styringsparametere og oppdrag"; "Budsjettrammen" or else "Tildeling av midler")."""
    blokker = [Avsnittsblokk(avsnitt=a, anker=f"kap-{i}", nivaa=_nivaa(a.nummer)) for i, a in enumerate(avsnitt)]

    def finn(*ord_: str) -> Avsnittsblokk | None:
        for o in ord_:
            for b in blokker:
                if o in b.avsnitt.tittel.lower():
                    return b
        return None

    if (b := finn("mål, styringsparametere", "mål og styringsparametere")) is not None:
        b.med_maal = True
    if (b := finn("budsjettrammen", "tildeling av midler")) is not None:
        b.med_budsjett = True
    if (b := finn("fellesføring")) is not None:
        b.med_fellesforinger = True
    return blokker


def _tall(verdi: Decimal | None) -> str:
    """90.000 → "90", 1523.900 → "1 523,9" (Norwegian, without trailing zeros)."""
    if verdi is None:
        return ""
    normal = verdi.normalize()
    desimaler = max(0, -normal.as_tuple().exponent)
    return format_tall(normal, desimaler=desimaler)


def _med_enhet(verdi: Decimal | None, enhet: str, tekst: str) -> str:
    tall = " ".join(x for x in (_tall(verdi), enhet) if x)
    if tall and tekst:
        return f"{tall} ({tekst})"
    return tall or tekst


def _styringsparametere(brev: Tildelingsbrev) -> None:
    """Attach display texts to the prefetched parameters (targets and baseline values)."""
    for m in brev.maal.all():
        for sp in m.styringsparametere.all():
            sp.krav_tekster = [_med_enhet(k.verdi, k.enhet, k.tekst) for k in sp.resultatkrav.all()]
            sp.verdi_tekster = [f"{v.periode}: {_med_enhet(v.verdi, v.enhet, v.tekst)}" for v in sp.maaleverdier.all()]


def _postrad(p: Budsjettpost, enhet: str, desimaler: int) -> Postrad:
    tilskudd = list(p.tilskudd.all())
    bindinger = list(p.bindinger.all())
    return Postrad(
        post=p,
        belop=(format_i_enhet(p.tildelt_kr, enhet, desimaler=desimaler) if p.tildelt_kr is not None
               else p.tildelt_tekst or "–"),
        tilskudd=[{"mottaker": t.mottaker, "belop": format_tall(t.belop_kr)} for t in tilskudd],
        tilskudd_sum=format_tall(sum(t.belop_kr for t in tilskudd)),
        bindinger=[{"tekst": b.tekst, "oppdrag": b.oppdrag_nummer,
                    "belop": format_intervall(b.belop_kr, b.belop_til_kr) or "–"} for b in bindinger],
        bundet_sum=bindingsum_tekst(bindinger),
    )


def _budsjett(brev: Tildelingsbrev) -> list[Kapitteltabell]:
    """Each chapter's table in the unit the letter's table uses ("i 1000 kroner"), exact."""
    tabeller = []
    for kap in brev.kapitler.all():
        poster = list(kap.poster.all())
        enhet = kap.enhet_i_brevet or "kr"
        # Computed from the rows, never the typed total from the letter; a post without an amount
        # is not counted, and the table says so.
        sum_kr = sum(p.tildelt_kr for p in poster if p.tildelt_kr is not None)
        uten = [p for p in poster if p.tildelt_kr is None]
        desimaler = desimaler_i_enhet([p.tildelt_kr for p in poster] + [sum_kr], enhet)
        rader = [_postrad(p, enhet, desimaler) for p in poster]
        har_belop = len(uten) < len(poster) or not poster
        tabeller.append(Kapitteltabell(
            kapittel=kap, rader=rader,
            sum_tekst=format_i_enhet(sum_kr, enhet, desimaler=desimaler) if har_belop else "–",
            sum_kr_tekst=format_tall(sum_kr) if har_belop else "–",
            belop_overskrift="Beløp (kr)" if enhet == "kr" else f"Beløp {ENHET_TEKST[enhet]}",
            uten_belop=uten))
    return tabeller


def _vedlegg_oppdrag(brev: Tildelingsbrev, listing) -> list[Vedleggsoppdrag]:
    nye = {e.oppdrag.pk: e for gruppe in listing for e in gruppe.nye}
    oppdrag = (
        Oppdrag.objects.filter(pk__in=nye).select_related("maal", "hovedansvar")
        .prefetch_related("milepaeler", "delt_med", "finansiering", "samarbeidspartnere",
                          Prefetch("jf_oppdrag", queryset=Oppdrag.objects.kan_nevnes_i(brev)))
    )
    by_pk = {o.pk: o for o in oppdrag}
    result = []
    for pk, entry in nye.items():
        o = by_pk[pk]
        felter = [(label, getattr(o, name)) for name, label in VEDLEGG_FELTER if (getattr(o, name) or "").strip()]
        result.append(Vedleggsoppdrag(oppdrag=o, tittel=entry.tittel, felter=felter, frister=entry.frister))
    result.sort(key=lambda v: ((0, v.oppdrag.maal.sorteringsnokkel) if v.oppdrag.maal_id else (1, ""),
                               v.oppdrag.rekkefolge, v.oppdrag.nummer))
    return result


def tildelingsbrev_html(brev: Tildelingsbrev) -> str:
    """The complete print document (HTML with its own @page CSS) for a letter."""
    brev = _brev_med_data(brev)
    listing = oppdrag_i_brev(brev)
    per_maal = {g.maal.pk: g for g in listing if g.maal is not None}
    uten_maal = next((g for g in listing if g.maal is None), None)
    maal = [(m, per_maal.get(m.pk)) for m in brev.maal.all()]
    omraader_etter = plasser_omraader([m for m, _ in maal], list(brev.maalgrupper.all()))
    krav_uten_maal = plasser_krav([m for m, _ in maal], list(brev.rapporteringskrav.all()))
    blokker = _plasser(list(brev.avsnitt.all()))
    _styringsparametere(brev)
    budsjett = _budsjett(brev)
    context = {
        "brev": brev,
        "utkast": brev.status != "sendt",
        "blokker": blokker,
        "maal": maal,
        "uten_maal": uten_maal,
        "omraader_etter": omraader_etter,
        "krav_uten_maal": krav_uten_maal,
        "maal_plassert": any(b.med_maal for b in blokker),
        "tittel": tittel(brev),
        "budsjett": budsjett,
        "budsjett_sum": format_tall(sum(p.tildelt_kr for k in brev.kapitler.all() for p in k.poster.all()
                                        if p.tildelt_kr is not None)),
        "budsjett_uten_belop": sum(len(t.uten_belop) for t in budsjett),
        "budsjett_plassert": any(b.med_budsjett for b in blokker),
        "fellesforinger": list(brev.fellesforinger.all()),
        "fellesforinger_plassert": any(b.med_fellesforinger for b in blokker),
        "vedlegg_oppdrag": _vedlegg_oppdrag(brev, listing),
        "signaturer": list(brev.signaturer.all()),
        "vedlegg": list(brev.vedlegg.all()),
        "kopi_til": list(brev.kopi_til.all()),
    }
    return render_to_string("dokumenter/tildelingsbrev_pdf.html", context)


def tittel(brev: Tildelingsbrev) -> str:
    return brev.tittel or f"Tildelingsbrev {brev.aar} – {brev.virksomhet.navn}"


def navn_tildelingsbrev(brev: Tildelingsbrev) -> tuple[str, str]:
    """The PDF's title and download name, without building the letter."""
    return tittel(brev), f"tildelingsbrev-{brev.virksomhet.kortnavn}-{brev.aar}.pdf"


def bygg_tildelingsbrev(brev: Tildelingsbrev) -> Bygget:
    tittel_, filnavn = navn_tildelingsbrev(brev)
    return Bygget(html=tildelingsbrev_html(brev), tittel=tittel_, filnavn=filnavn)
