"""Who is told of a hand-off, and what they are told (kjerne.hendelser → Varsel rows).

The receiver runs inside the service's transaction: the inbox rows are written with the change
itself (and vanish with it on a rollback); the e-mails are handed to Celery on commit.

Recipients are only people who may see the object now: each candidate is checked against the
object's own permission-aware queryset (``for_user``), so a draft letter never reaches the agency
and a second ministry steering the same agency is never told of the first one's letters. The
acting user is never told of their own action.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from brukere.models import Rolle
from kjerne import hendelser

from .epost import en_linje
from .models import Paaminnelse, Varsel, Varselinnstilling

log = logging.getLogger(__name__)
Art = Varsel.Art

MINISTERIET = (Rolle.DEPARTEMENT_REDAKTOR, Rolle.DEPARTEMENT_GODKJENNER)


def _brukere(**filtre):
    return list(get_user_model().objects.filter(is_active=True, **filtre))


def _godkjennere(departement_id):
    return _brukere(organisasjon_id=departement_id, rolle=Rolle.DEPARTEMENT_GODKJENNER)


def _virksomhetens_kontakter(virksomhet):
    """The agency's contact persons and leader(s), and its registered contact person."""
    folk = _brukere(organisasjon_id=virksomhet.pk, rolle__in=[Rolle.VIRKSOMHET_KONTAKT, Rolle.VIRKSOMHET_LEDER])
    return folk + [virksomhet.kontaktperson] if virksomhet.kontaktperson_id else folk


def _departementets_kontakter(departement_id, brev):
    """The ministry's contact person for the letter; without one, the ministry's editors."""
    if brev is not None and brev.kontaktperson_id and brev.departement_id == departement_id:
        return [brev.kontaktperson]
    return _brukere(organisasjon_id=departement_id, rolle=Rolle.DEPARTEMENT_REDAKTOR)


def _brevets_redaktorer(brev):
    """Who wrote the letter: the ministry's editors in its history, whoever sent it to approval,
    and its contact person if an editor."""
    historikk = brev.history.exclude(history_user=None).order_by("-history_date")
    innsender = historikk.filter(status="til_godkjenning").values_list("history_user_id", flat=True).first()
    ids = set(historikk.values_list("history_user_id", flat=True))
    if brev.kontaktperson_id:
        ids.add(brev.kontaktperson_id)
    return list(get_user_model().objects.filter(is_active=True, pk__in=ids, organisasjon_id=brev.departement_id)
                .filter(Q(rolle=Rolle.DEPARTEMENT_REDAKTOR) | Q(pk=innsender)))


def _oppdragets_eier(oppdrag):
    """The oppdrag's responsible person at the agency, else the agency's contact person."""
    if oppdrag.ansvarlig_id:
        return [oppdrag.ansvarlig]
    return [oppdrag.virksomhet.kontaktperson] if oppdrag.virksomhet.kontaktperson_id else []


def _kan_se(bruker, modell, pk) -> bool:
    return modell.objects.for_user(bruker).filter(pk=pk).exists()


# --- What each hand-off says ------------------------------------------------------------------

def _brev_sti(brev) -> str:
    return f"/brev/{brev.pk}/"


def _oppdrag_linjer(oppdrag_qs) -> str:
    linjer = [f"– {o.nummer} {en_linje(o.tittel)}" for o in oppdrag_qs.order_by("nummer")[:30]]
    return ("Nye oppdrag:\n" + "\n".join(linjer)) if linjer else ""


def _melding(art: str, objekt, acting_user, detaljer: dict):
    """(kind, title, text, path, the object's model, the object's pk, candidates)."""
    from oppdrag.models import Oppdrag, Risiko
    from rapportering.models import Rapport
    from styring.models import Tildelingsbrev

    hvem = str(acting_user) if acting_user is not None else "Portalen"
    if art in (hendelser.BREV_TIL_GODKJENNING, hendelser.BREV_SENDT_TILBAKE, hendelser.BREV_SENDT):
        brev = objekt
        navn = f"Tildelingsbrev {brev.aar} til {brev.virksomhet.kortnavn}"
        if art == hendelser.BREV_TIL_GODKJENNING:
            return (Art.BREV_TIL_GODKJENNING, f"{navn} er sendt til godkjenning",
                    f"{hvem} har sendt {navn} til godkjenning.", _brev_sti(brev), Tildelingsbrev, brev.pk,
                    _godkjennere(brev.departement_id))
        if art == hendelser.BREV_SENDT_TILBAKE:
            return (Art.BREV_SENDT_TILBAKE, f"{navn} er sendt tilbake fra godkjenning",
                    f"{hvem} har sendt {navn} tilbake til utkast.\nBegrunnelse: {detaljer.get('grunn', '')}",
                    _brev_sti(brev), Tildelingsbrev, brev.pk, _brevets_redaktorer(brev))
        nye = _oppdrag_linjer(Oppdrag.objects.filter(tildelingsbrev=brev, tillegg__isnull=True))
        return (Art.BREV_SENDT, f"{navn} er sendt fra {brev.departement.kortnavn}",
                "\n\n".join(filter(None, [f"{brev.departement.kortnavn} har sendt {navn}.", nye])),
                _brev_sti(brev), Tildelingsbrev, brev.pk, _virksomhetens_kontakter(brev.virksomhet))
    if art == hendelser.TILLEGG_SENDT:
        tillegg, brev = objekt, objekt.tildelingsbrev
        navn = f"Tillegg nr. {tillegg.nummer} til tildelingsbrev {brev.aar} for {brev.virksomhet.kortnavn}"
        nye = _oppdrag_linjer(Oppdrag.objects.filter(tillegg=tillegg))
        return (Art.TILLEGG_SENDT, f"{navn} er sendt",
                "\n\n".join(filter(None, [f"{brev.departement.kortnavn} har sendt {navn}: {en_linje(tillegg.tittel)}",
                                          nye])),
                f"/brev/{brev.pk}/tillegg/{tillegg.nummer}/", Tildelingsbrev, brev.pk,
                _virksomhetens_kontakter(brev.virksomhet))
    if art.startswith("oppdrag_"):
        o = objekt
        navn = f"Oppdrag {o.nummer} {en_linje(o.tittel)}"
        sti = f"/oppdrag/{o.pk}/"
        if art in (hendelser.OPPDRAG_RISIKO, hendelser.OPPDRAG_LEVERANSE):
            mottakere = (_departementets_kontakter(o.departement_id, o.tildelingsbrev)
                         if o.departement_id else [])
            if art == hendelser.OPPDRAG_RISIKO:
                farge = Risiko(detaljer["risiko"]).label.lower()
                tekst = f"{hvem} ({o.virksomhet.kortnavn}) har satt {navn} til {farge}."
                if detaljer.get("tekst"):
                    tekst += f"\nVurdering: {detaljer['tekst']}"
                return (Art.OPPDRAG_RISIKO, f"{o.virksomhet.kortnavn} har satt oppdrag {o.nummer} til {farge}",
                        tekst, sti, Oppdrag, o.pk, mottakere)
            return (Art.OPPDRAG_LEVERANSE, f"Ny leveranse i oppdrag {o.nummer} fra {o.virksomhet.kortnavn}",
                    f"{hvem} har lastet opp «{en_linje(detaljer.get('tittel', ''))}» i {navn}.", sti, Oppdrag, o.pk,
                    mottakere)
        if art == hendelser.OPPDRAG_KOMMENTAR:
            return (Art.OPPDRAG_KOMMENTAR, f"Kommentar fra departementet på oppdrag {o.nummer}",
                    f"{hvem} har kommentert {navn}:\n{detaljer.get('tekst', '')}", sti, Oppdrag, o.pk,
                    _oppdragets_eier(o))
        return (Art.OPPDRAG_AVSLUTTET, f"Oppdrag {o.nummer} er satt til {detaljer.get('status', '').lower()}",
                f"{hvem} har satt {navn} til {detaljer.get('status', '').lower()}.\n{detaljer.get('tekst', '')}",
                sti, Oppdrag, o.pk, _oppdragets_eier(o))
    if art.startswith("rapport_"):
        r = objekt
        navn = f"{r.get_type_display()} {r.rapport_aar} fra {r.virksomhet.kortnavn}"
        sti = f"/rapporter/{r.pk}/"
        if art == hendelser.RAPPORT_SENDT:
            return (Art.RAPPORT_SENDT, f"{navn} er sendt", f"{hvem} har sendt {navn} til departementet.", sti,
                    Rapport, r.pk, _departementets_kontakter(r.departement_id, r.tildelingsbrev))
        if art == hendelser.RAPPORT_MOTTATT:
            return (Art.RAPPORT_MOTTATT, f"{navn} er mottatt av {r.departement.kortnavn}",
                    f"{hvem} har markert {navn} som mottatt.", sti, Rapport, r.pk,
                    _virksomhetens_kontakter(r.virksomhet) + [r.sendt_av])
        return (Art.RAPPORT_KOMMENTERT, f"Kommentar fra {r.departement.kortnavn} på {navn}",
                f"{hvem} har kommentert {navn}:\n{detaljer.get('tekst', '')}", sti, Rapport, r.pk,
                _virksomhetens_kontakter(r.virksomhet) + [r.sendt_av])
    if art.startswith("referat_"):
        return _referatmelding(art, objekt, hvem, detaljer)
    if art == hendelser.RISIKO_DELT:
        from risiko.models import Risikovurdering

        v = objekt
        brev = (Tildelingsbrev.objects.filter(virksomhet_id=v.virksomhet_id, departement_id=v.departement_id,
                                              aar__lte=v.aar, status="sendt").order_by("-aar").first())
        return (Art.RISIKO_DELT, f"{v.virksomhet.kortnavn} har delt risikovurderingen for {v.periode.lower()}",
                f"{hvem} ({v.virksomhet.kortnavn}) har delt risiko- og vesentlighetsvurderingen for "
                f"{v.periode.lower()} med {v.departement.kortnavn}.",
                f"/risiko/{v.pk}/", Risikovurdering, v.pk, _departementets_kontakter(v.departement_id, brev))
    raise ValueError(f"Ukjent hendelse: {art}")


def _motets_side(mote, side: str) -> list:
    """One side of a meeting: its participants in the portal on that side, and the side's contacts
    (the ministry's contact person for the letter, else its editors; the agency's contacts and leader)."""
    brev = mote.tildelingsbrev
    org = brev.departement_id if side == "departement" else brev.virksomhet_id
    deltakere = list(get_user_model().objects.filter(is_active=True, motedeltakelser__mote=mote, organisasjon_id=org))
    kontakter = (_departementets_kontakter(brev.departement_id, brev) if side == "departement"
                 else _virksomhetens_kontakter(brev.virksomhet))
    return deltakere + kontakter


def _referatmelding(art: str, mote, hvem: str, detaljer: dict):
    from moter.models import Mote

    motet = f"{mote.tittel} {mote.dato:%d.%m.%Y}"
    sti = f"/moter/{mote.pk}/referat/"
    side = detaljer.get("side", "departement")
    andre = "virksomhet" if side == "departement" else "departement"
    if art == hendelser.REFERAT_TIL_KOMMENTAR:
        return (Art.REFERAT_TIL_KOMMENTAR, f"Referat til kommentar: {motet}",
                f"{hvem} ({mote.departement.kortnavn}) har sendt referatet fra {motet} til "
                f"{mote.virksomhet.kortnavn} for kommentarer. Kommenter og godkjenn referatet i portalen.",
                sti, Mote, mote.pk, _motets_side(mote, "virksomhet"))
    if art == hendelser.REFERAT_MERKNAD:
        return (Art.REFERAT_MERKNAD, f"Merknad til referatet fra {motet}",
                f"{hvem} har skrevet en merknad til referatet fra {motet}:\n{detaljer.get('tekst', '')}",
                sti, Mote, mote.pk, _motets_side(mote, andre))
    part = mote.departement.kortnavn if side == "departement" else mote.virksomhet.kortnavn
    if detaljer.get("laast"):
        tittel = f"Referatet fra {motet} er godkjent av begge parter"
        tekst = f"{hvem} ({part}) har godkjent referatet fra {motet}. Begge parter har godkjent, og referatet er låst."
    else:
        tittel = f"Referatet fra {motet} er godkjent av {part}"
        tekst = (f"{hvem} ({part}) har godkjent referatet fra {motet}. "
                 "Referatet låses når begge parter har godkjent det.")
    return (Art.REFERAT_GODKJENT, tittel, tekst, sti, Mote, mote.pk, _motets_side(mote, andre))


def varsle(*, art: str, objekt, acting_user, detaljer: dict | None = None) -> list[Varsel]:
    """Write the notices of one hand-off and hand their e-mails to Celery on commit."""
    kind, tittel, tekst, sti, modell, pk, kandidater = _melding(art, objekt, acting_user, detaljer or {})
    sett, mottakere = set(), []
    for u in kandidater:
        if u is None or u.pk in sett or not u.is_active or (acting_user is not None and u.pk == acting_user.pk):
            continue
        sett.add(u.pk)
        if _kan_se(u, modell, pk):
            mottakere.append(u)
    if not mottakere:
        return []
    valg = {v.bruker_id: v for v in Varselinnstilling.objects.filter(bruker__in=mottakere)}
    rader = []
    for u in mottakere:
        v = valg.get(u.pk)
        portal = v is None or kind not in (v.av_i_portalen or [])
        epost = bool(u.email) and (v is None or kind not in (v.av_paa_epost or []))
        if portal or epost:
            rader.append(Varsel(mottaker=u, art=kind, tittel=en_linje(tittel)[:300], tekst=tekst, sti=sti,
                                utfort_av=acting_user, i_innboks=portal,
                                status=Paaminnelse.Status.PLANLAGT if epost else ""))
    for rad in rader:
        rad.save()
    ids = [r.pk for r in rader if r.status]
    if ids:
        transaction.on_commit(lambda: _i_ko(ids))
    return rader


def _i_ko(ids: list[int]) -> None:
    from .tasks import send_varsel_epost

    for pk in ids:
        try:
            send_varsel_epost.delay(pk)
        except Exception:  # noqa: BLE001 - the broker is down: the sweep (varsel_eposter_send_klare) sends it
            log.exception("Kunne ikke legge e-post for varsel %s i kø", pk)


def mottak(sender, *, art, objekt, acting_user, detaljer, **kwargs) -> None:
    varsle(art=art, objekt=objekt, acting_user=acting_user, detaljer=detaljer)
