"""A letter as it stands, in the archive format (version 2): only what is in force beside the
letter's own parts (styring/querysets.py), and its sent tillegg with what each gives and changes.
Export → import into an empty database → export gives identical JSON."""

from __future__ import annotations

from django.db.models import Prefetch

from oppdrag.models import FoU
from oppdrag.querysets import _frister_qs, frister_per_brev, oppdrag_i_brev
from styring.konsistens import check_tildelingsbrev
from styring.models import (
    Organisasjon,
    Status,
    Styringsparameter,
    Tildelingsbrev,
)

from .skjema import FORMAT, VERSJON, _iso


def _frist_dict(f) -> dict:
    return {
        "tekst": f.tekst, "dato": _iso(f.dato), "form": f.form, "fra_dato": _iso(f.fra_dato),
        "opprinnelig_dato": _iso(f.opprinnelig_dato), "del": f.del_betegnelse, "etikett": f.etikett,
        "rolle": f.rolle, "intervall_mnd": f.intervall_mnd, "gjentas_til": _iso(f.gjentas_til),
        "rapport_type": f.rapport_type, "rapport_aar": f.rapport_aar, "uke": f.uke,
        # A rhythm that changes within the year (oppdrag frister only); written only when there is one.
        **({"ny_rytme_fra": _iso(f.ny_rytme_fra), "ny_rytme_intervall_mnd": f.ny_rytme_intervall_mnd}
           if getattr(f, "ny_rytme_fra", None) else {}),
    }


def _dec(v) -> str | None:
    if v is None:
        return None
    return format(v.normalize(), "f") if hasattr(v, "normalize") else str(v)


def _oppdrag_dict(o, *, tittel: str, maal, ny_i_aar: bool, frister: list, orgs: dict, brev) -> dict:
    """One oppdrag as the letter (or a tillegg) lists it; the organisations it names go into ``orgs``.
    Its «jf. oppdrag» are those ``brev``'s documents may name (in force, or the letter's own)."""
    for org in [o.hovedansvar, o.departement, *o.delt_med.all()]:
        if org is not None:
            orgs[org.kortnavn] = org
    return {
        "nummer": o.nummer, "tittel": tittel,
        "maal": maal,
        "ny_i_aar": ny_i_aar, "gitt_aar": o.aar, "fou": o.fou != FoU.NEI, "fou_type": o.fou,
        "frister": [_frist_dict(f) for f in frister],
        "finansiering": [{"tekst": f.tekst, "belop_kr": f.belop_kr, "kapittel": f.kapittel, "post": f.post}
                         for f in o.finansiering.all()] if ny_i_aar else [],
        "start": _iso(o.start), "start_tekst": o.start_tekst,
        "bakgrunn": o.bakgrunn, "beskrivelse": o.beskrivelse, "formaal": o.formaal,
        "rapportering": o.rapportering, "i_aarsrapport": o.i_aarsrapport,
        "i_halvaarsrapport": o.i_halvaarsrapport, "rapporteringskriterier": o.rapporteringskriterier,
        "finansiering_tekst": o.finansiering_tekst, "frist_tekst": o.frist_tekst,
        "tilleggsinformasjon": o.tilleggsinformasjon,
        "milepaeler": [{"tittel": m.tittel, **_frist_dict(m)} for m in o.milepaeler.all()],
        "hovedansvar": o.hovedansvar.kortnavn if o.hovedansvar else None,
        "delt_med": sorted(x.kortnavn for x in o.delt_med.all()),
        "jf_oppdrag": sorted(o.jf_oppdrag.kan_nevnes_i(brev).values_list("nummer", flat=True)),
        # Collaborators outside the portal, in the letter's order; only when there are any.
        **({"samarbeidspartnere": partnere}
           if (partnere := [s.navn for s in o.alle_samarbeidspartnere]) else {}),
        "opprinnelig_tittel": o.tittel,
        "gitt_av": o.departement.kortnavn if o.departement else None,
    }


def _egen_tillegg(f, brev) -> bool:
    """A frist one of this letter's tillegg states: written with that tillegg, not with the letter."""
    return f.tillegg_id is not None and f.tildelingsbrev_id == brev.pk


def _frister_i_brevet(o, brev) -> list:
    """The oppdrag's frister as of the letter itself, without what its own tillegg changed (those are
    written under the tillegg, so an import gives each frist back to the letter or tillegg that set it)."""
    return frister_per_brev([f for f in o.alle_frister if not _egen_tillegg(f, brev)], brev.aar, brev=brev)


def _plassering(o, brev) -> tuple:
    """The order of the earlier oppdrag under a mål: those the letter itself restates, by its frister's
    order; then the others, newest first; then those with no frist as of the letter. This is the
    order an import of the file gives back (its frister are numbered in file order), and a tillegg's
    frist does not move an oppdrag in the letter."""
    egne = [f.rekkefolge for f in o.alle_frister if f.tildelingsbrev_id == brev.pk and f.tillegg_id is None]
    if egne:
        return (0, min(egne), o.nummer)
    return (1 if _frister_i_brevet(o, brev) else 2, -o.aar, o.nummer)


def _tillegg(brev: Tildelingsbrev, orgs: dict) -> list[dict]:
    """The letter's sent tillegg (drafts never leave the portal), each with what it gives and changes:
    its own chapters, the oppdrag it gives, the frister it states for oppdrag given before it, and
    its budget changes."""
    from budsjett.models import Budsjettendring
    from oppdrag.models import Frist, Oppdrag

    ut = []
    for t in brev.tillegg.filter(status=Status.SENDT).order_by("nummer"):
        gitt = (Oppdrag.objects.filter(tillegg=t).select_related("maal", "hovedansvar", "departement")
                .prefetch_related(Prefetch("frister", queryset=_frister_qs().filter(tillegg=t)))
                .order_by("rekkefolge", "nummer"))
        frister = (Frist.objects.filter(tillegg=t).exclude(oppdrag__tillegg=t).select_related("oppdrag")
                   .order_by("oppdrag__nummer", "rekkefolge", "id"))
        endringer = (Budsjettendring.objects.filter(tillegg=t).select_related("post__kapittel")
                     .order_by("post__kapittel__nummer", "post__post", "id"))
        ut.append({
            "nummer": t.nummer, "dato": _iso(t.dato), "var_ref": t.var_ref or None, "tittel": t.tittel,
            "tekst": t.tekst,
            "kapitler": [{"nummer": a.nummer, "tittel": a.tittel, "tekst": a.tekst}
                         for a in t.avsnitt.order_by("rekkefolge", "id")],
            "oppdrag": [_oppdrag_dict(o, tittel=o.tittel, ny_i_aar=True, frister=list(o.frister.all()), orgs=orgs,
                                      brev=brev, maal=o.maal.nummer if o.maal_id and o.maal.tildelingsbrev_id == brev.pk else None)
                        for o in gitt],
            "frister": [{"oppdrag": f.oppdrag.nummer, **_frist_dict(f)} for f in frister],
            "budsjettendringer": [{"kapittel": e.post.kapittel.nummer, "post": e.post.post, "endring_kr": e.endring_kr,
                                   "tekst": e.tekst} for e in endringer],
        })
    return ut


def export_tildelingsbrev(brev: Tildelingsbrev) -> dict:
    """The letter as a JSON-ready dict in the archive format (version 2)."""
    brev = Tildelingsbrev.objects.select_related("virksomhet", "departement").get(pk=brev.pk)
    orgs: dict[str, Organisasjon] = {brev.virksomhet.kortnavn: brev.virksomhet, brev.departement.kortnavn: brev.departement}
    for o in brev.kopi_til.all():
        orgs[o.kortnavn] = o

    maal = []
    grupper = list(brev.maalgrupper.select_related("overordnet", "under_maal"))
    for m in brev.maal.select_related("gruppe").prefetch_related("styringsparametere__maaleverdier",
                                                                  "styringsparametere__resultatkrav"):
        maal.append({
            "nummer": m.nummer, "tittel": m.tittel, "tekst": m.tekst,
            "overskrift_nye_oppdrag": m.overskrift_nye_oppdrag,
            "overskrift_tidligere_oppdrag": m.overskrift_tidligere_oppdrag,
            # Older letters only: written when set, so a letter without målområder is as before.
            **({"omraade": m.gruppe.nummer} if m.gruppe_id else {}),
            "styringsparametere": [{
                "kode": sp.kode, "tekst": sp.tekst, "i_aarsrapport": sp.i_aarsrapport,
                "i_halvaarsrapport": sp.i_halvaarsrapport, "formaal": sp.formaal,
                "maaleutgangspunkt": sp.maaleutgangspunkt, "nokkeltall": sp.nokkeltall,
                "maaleverdier": [{"periode": v.periode, "dato": _iso(v.dato), "verdi": _dec(v.verdi),
                                  "enhet": v.enhet, "tekst": v.tekst} for v in sp.maaleverdier.all()],
                "resultatkrav": [{"verdi": _dec(r.verdi), "enhet": r.enhet, "tekst": r.tekst}
                                 for r in sp.resultatkrav.all()],
            } for sp in m.styringsparametere.all()],
        })

    oppdrag = []
    for gruppe in oppdrag_i_brev(brev):
        for e in gruppe.nye + sorted(gruppe.tidligere, key=lambda e: _plassering(e.oppdrag, brev)):
            if e.oppdrag.tillegg_id is not None and e.oppdrag.tildelingsbrev_id == brev.pk:
                continue  # given in a tillegg: written with it, under "tillegg"
            oppdrag.append(_oppdrag_dict(e.oppdrag, tittel=e.tittel, maal=gruppe.maal.nummer if gruppe.maal else None,
                                         ny_i_aar=e.ny_i_aar, frister=_frister_i_brevet(e.oppdrag, brev), orgs=orgs,
                                         brev=brev))
    tillegg = _tillegg(brev, orgs)

    budsjett, kapittel_sum = [], []
    for kap in brev.kapitler.prefetch_related("poster__bindinger", "poster__fordelinger", "poster__tilskudd"):
        poster = list(kap.poster.all())
        for p in poster:
            fordelinger = list(p.fordelinger.all())
            index = {f.pk: i for i, f in enumerate(fordelinger)}
            budsjett.append({
                "kapittel": kap.nummer, "post": p.post, "betegnelse": p.betegnelse, "tildelt_kr": p.tildelt_kr,
                # What the table says instead of an amount ("Se omtale under"); only when it says something.
                **({"tildelt_tekst": p.tildelt_tekst} if p.tildelt_tekst else {}),
                "bevilget_kr": p.bevilget_kr, "andel_kr": p.andel_kr, "kan_overfores": p.kan_overfores,
                "overslagsbevilgning": p.overslagsbevilgning, "overskrift": p.overskrift, "tekst": p.tekst,
                # belop_kr null: no amount; a range's end in belop_til_kr, written only for a range.
                "bindinger": [{"tekst": b.tekst, "belop_kr": b.belop_kr,
                               **({"belop_til_kr": b.belop_til_kr} if b.belop_til_kr is not None else {}),
                               "oppdrag": b.oppdrag_nummer or None, "kategori": b.kategori}
                              for b in p.bindinger.all()],
                "fordeling": [{"tekst": f.tekst, "belop_kr": f.belop_kr} for f in fordelinger],
                "tilskudd": [{"mottaker": t.mottaker, "belop_kr": t.belop_kr, "fordeling": index.get(t.fordeling_id)}
                             for t in p.tilskudd.all()],
                "typed_sum_kr": p.typed_tilskudd_sum_kr,
                # Written only when true, so files without an empty Sum row stay as they were.
                **({"sum_rad_uten_belop": True} if p.tilskudd_sum_rad_uten_belop else {}),
            })
        kapittel_sum.append({"kapittel": kap.nummer, "betegnelse": kap.betegnelse, "enhet_i_brevet": kap.enhet_i_brevet,
                             "tekst": kap.tekst, "typed_sum_kr": kap.typed_sum_kr,
                             **({"sum_rad_uten_belop": True} if kap.sum_rad_uten_belop else {}),
                             "computed_sum_kr": sum(p.tildelt_kr for p in poster if p.tildelt_kr is not None)})

    return {
        "format": FORMAT, "versjon": VERSJON,
        "virksomhet": brev.virksomhet.kortnavn, "departement": brev.departement.kortnavn, "aar": brev.aar,
        "dato": _iso(brev.dato), "var_ref": brev.var_ref or None, "tittel": brev.tittel, "status": brev.status,
        "organisasjoner": [{"kortnavn": o.kortnavn, "navn": o.navn, "type": o.type}
                           for o in sorted(orgs.values(), key=lambda o: (o.type, o.kortnavn))],
        "brevhode": {"avdeling": brev.avdeling, "saksbehandler": brev.saksbehandler,
                     "mottaker_adresse": brev.mottaker_adresse},
        "kapitler": [{"nummer": a.nummer, "tittel": a.tittel, "tekst": a.tekst}
                     for a in brev.avsnitt.filter(tillegg__isnull=True)],
        "maal": maal,
        **({"maalomraader": [{"nummer": g.nummer, "tittel": g.tittel, "tekst": g.tekst,
                              "overordnet": g.overordnet.nummer if g.overordnet_id else None,
                              "maal": g.under_maal.nummer if g.under_maal_id else None} for g in grupper]}
           if grupper else {}),
        "rapporteringskrav": [{"kode": r.kode, "tekst": r.tekst, "maal": r.maal.nummer if r.maal else None,
                               "frekvens": r.frekvens, "frekvens_tekst": r.frekvens_tekst,
                               "styringsparametere": [sp.kode for sp in r.styringsparametere.all()]}
                              for r in brev.rapporteringskrav.select_related("maal").prefetch_related(
                                  Prefetch("styringsparametere", queryset=Styringsparameter.objects.order_by(
                                      "maal__sorteringsnokkel", "rekkefolge", "kode")))],
        "oppdrag": oppdrag,
        "tillegg": tillegg,
        "budsjett": budsjett,
        "kapittel_sum": kapittel_sum,
        "rapportering": [{"type": r.betegnelse, "rapport_type": r.type, "rapport_aar": r.rapport_aar,
                          "telletidspunkt": _iso(r.telletidspunkt), "frist": _iso(r.frist)}
                         for r in brev.rapporteringspunkter.all()],
        "kalender": [{"type": m.type, "tittel": m.tittel, "dato": _iso(m.dato), "tidspunkt_tekst": m.tidspunkt_tekst,
                      "beskrivelse": m.beskrivelse} for m in brev.moter.all()],
        "fellesforinger": [{"nokkel": f.nokkel, "tittel": f.tittel, "tekst": f.tekst, "rapportering": f.rapportering,
                            "tallfelt": [{"nokkel": t.nokkel, "navn": t.navn, "enhet": t.enhet,
                                          "grunnlag_verdi": _dec(t.grunnlag_verdi), "grunnlag_tekst": t.grunnlag_tekst,
                                          "grunnlag_fra_aar": t.grunnlag_fra_aar, "grunnlag_til_aar": t.grunnlag_til_aar}
                                         for t in f.tallfelt.all()]}
                           for f in brev.fellesforinger.prefetch_related("tallfelt")],
        "plikter": [{"beskrivelse": p.beskrivelse, "kilde": p.kilde, **_frist_dict(p)} for p in brev.plikter.all()],
        "vedlegg": [{"nummer": v.nummer, "tittel": v.tittel, "tekst": v.tekst} for v in brev.vedlegg.all()],
        "signaturer": [{"navn": s.navn, "tittel": s.tittel, "ef": s.ef} for s in brev.signaturer.all()],
        "elektronisk_signert_tekst": brev.elektronisk_signert_tekst,
        "kopi_til": sorted(o.kortnavn for o in brev.kopi_til.all()),
        # The letter's own red/yellow/green definitions; left out when it uses the instruks's.
        **({"risikodefinisjoner": {d.farge: d.tekst for d in brev.risikodefinisjoner.all()}}
           if brev.risikodefinisjoner.exists() else {}),
        "konsistens": [a.as_dict() for a in check_tildelingsbrev(brev)],
        **_kvitteringer(brev),
    }


def _kvitteringer(brev: Tildelingsbrev) -> dict:
    """Findings the ministry acknowledged with a reason; the key is left out when there are none."""
    rader = [{"nokkel": k.nokkel, "melding": k.melding, "grunn": k.grunn,
              "kvittert_av": k.kvittert_av.username if k.kvittert_av else None,
              "kvittert": k.kvittert.isoformat()}
             for k in brev.kvitteringer.select_related("kvittert_av").order_by("kvittert", "id")]
    return {"kvitteringer": rader} if rader else {}
