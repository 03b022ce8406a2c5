"""The letter's rapporteringskrav as items the agency answers in its halvårs- and årsrapport.

Each requirement whose frequency fits the report type becomes a text part of the report
(``Rapportdel`` with kode ``rk-<id>``), after the report's fixed parts and in the letter's order:
written, autosaved, conflict-checked, commented and printed like every other part. The part shows
the requirement's text, its frequency and the styringsparametere it names.
"""

from __future__ import annotations

from styring.models import Rapporteringskrav

from .models import Type

PREFIKS = "rk-"

#: Which requirements go into which report: a monthly or quarterly requirement is its own delivery.
FREKVENSER = {
    Type.AARSRAPPORT: (Rapporteringskrav.Frekvens.AARSRAPPORT, Rapporteringskrav.Frekvens.HALVAAR_OG_AAR),
    Type.HALVAARSRAPPORT: (Rapporteringskrav.Frekvens.HALVAARSRAPPORT, Rapporteringskrav.Frekvens.HALVAAR_OG_AAR),
}


def krav_til_rapport(brev, rapport_type: str) -> list:
    """The letter's requirements for this report type, in the letter's order."""
    frekvenser = FREKVENSER.get(rapport_type)
    if not frekvenser:
        return []
    return list(brev.rapporteringskrav.filter(frekvens__in=frekvenser).order_by("rekkefolge", "pk"))


def kode(krav) -> str:
    return f"{PREFIKS}{krav.pk}"


def tittel(krav) -> str:
    """"Rapporteringskrav R 8.2: Redegjør for …", within the part title's 200 characters."""
    t = f"Rapporteringskrav {krav.kode}: {' '.join(krav.tekst.split())}"
    return t if len(t) <= 200 else t[:198].rstrip() + " …"


def krav_for_deler(deler) -> dict:
    """{part kode: Rapporteringskrav with its mål and styringsparametere} for the parts that answer
    one; no query when the report has none."""
    ids = {}
    for d in deler:
        k = d.kode
        if k.startswith(PREFIKS) and k[len(PREFIKS):].isdigit():
            ids[int(k[len(PREFIKS):])] = k
    if not ids:
        return {}
    krav = (Rapporteringskrav.objects.filter(pk__in=ids).select_related("maal")
            .prefetch_related("styringsparametere__maal"))
    return {ids[k.pk]: k for k in krav}


def beskrivelse(krav) -> str:
    """What the agency is asked: "Halvårsrapport og årsrapport. Gjelder SP 4 (mål 3.2). <tekst>"."""
    deler = [krav.frekvens_tekst or krav.get_frekvens_display()]
    sps = list(krav.styringsparametere.all())
    if sps:
        deler.append("Gjelder " + ", ".join(f"{sp.kode} ({sp.maal.navn.lower()})" for sp in sps))
    elif krav.maal_id:
        deler.append(f"Gjelder {krav.maal.navn.lower()}")
    return ". ".join(d.rstrip(".") for d in deler) + ". " + krav.tekst
