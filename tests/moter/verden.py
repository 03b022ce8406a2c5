"""Meetings for the shared worlds of the access matrix (tests/test_tilgangsmatrise.py) and the
marker test (tests/test_markorer.py), kept here so those files only call in."""

from __future__ import annotations

from datetime import date

from moter import services
from moter.models import Mote, Motetype, Side, Vedtak


def mote(brev, bruker, **kw) -> Mote:
    m = Mote(tildelingsbrev=brev, type=kw.pop("type", Motetype.ETATSSTYRINGSMOTE),
             tittel=kw.pop("tittel", "Etatsstyringsmøte"), dato=kw.pop("dato", date(2026, 12, 10)),
             opprettet_av=bruker, **kw)
    services._lagre(m, bruker)
    return m


def holdt_mote(brev, dep, virk, *, tekst="Referattekst.", godkjent=True, sendt=True, vedtak=True, **kw) -> Mote:
    """A meeting with minutes: sent to the agency (and approved by both) as asked, with an
    oppfølgingspunkt and a decided new oppdrag."""
    punkt, frist = kw.pop("punkt", "Følg opp"), kw.pop("frist", date(2026, 11, 12))
    m = mote(brev, dep, **kw)
    referat = services.referat_start(mote=m, acting_user=dep)
    referat.tekst = tekst
    services._lagre(referat, dep)
    if vedtak:
        services.vedtak_lagre(vedtak=Vedtak(mote=m, art=Vedtak.Art.OPPFOLGING, tittel=punkt,
                                            ansvarlig=virk, frist=frist), acting_user=dep)
        services.vedtak_lagre(vedtak=Vedtak(mote=m, art=Vedtak.Art.OPPDRAG, tittel="Nytt oppdrag fra møtet",
                                            frist=date(2026, 12, 20)), acting_user=dep)
    if sendt:
        services.referat_send(mote=m, acting_user=dep)
    if sendt and godkjent:
        services.referat_godkjenn(mote=m, acting_user=dep)
        services.referat_godkjenn(mote=m, acting_user=virk)
    return m


# --- the access matrix ------------------------------------------------------------------------------

def matriseverden(w) -> None:
    """DEPA's meetings with VIRKA: planned (with a proposal, a participant, a document), minutes in
    draft, minutes out for comments, and approved minutes; a meeting of DEPA's draft letter; DEPB's
    meeting with VIRKB."""
    from django.core.files.base import ContentFile

    from moter.models import Vedlegg

    dep, virk = w.users["dep_redaktor"], w.users["virk_kontakt"]
    w.mote = mote(w.brev_sendt, dep, dagsorden_frist=date(2099, 12, 1), dato=date(2099, 12, 10))
    w.sak = services.sak_foreslaa(mote=w.mote, acting_user=virk, tittel="Sak fra virksomheten", idag=date(2026, 1, 1))
    w.deltaker = services.deltaker_legg_til(mote=w.mote, acting_user=dep, side=Side.DEPARTEMENT, bruker=dep)
    w.vedlegg = Vedlegg(mote=w.mote, tittel="Presentasjon", storrelse=9, lastet_opp_av=dep)
    w.vedlegg.fil.save("presentasjon.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    w.vedlegg.save()
    w.mote_utkast_referat = holdt_mote(w.brev_sendt, dep, virk, sendt=False)
    w.mote_til_kommentar = holdt_mote(w.brev_sendt, dep, virk, godkjent=False)
    w.mote_godkjent = holdt_mote(w.brev_sendt, dep, virk)
    w.punkt = w.mote_godkjent.vedtak.get(art="oppfolging")
    w.vedtak_oppdrag = w.mote_godkjent.vedtak.get(art="oppdrag")
    w.vedtak_utkast = w.mote_utkast_referat.vedtak.get(art="oppfolging")
    w.mote_brevutkast = mote(w.brev_utkast, dep)
    w.mote_annen = mote(w.brev_annen, w.users["annet_dep"])


# --- the marker test --------------------------------------------------------------------------------

def markorverden(w, *, a24, a25, b26, c24, dep_a, virk_a, obs, dep_b_publikum, virk_b_publikum) -> None:
    """Draft minutes and their decisions are DEPA's alone; a meeting of DEPA's draft letter too;
    DEPB's meeting with VIRKA is DEPB's and VIRKA's; DEPC's with VIRKB theirs."""
    u = w.users
    dep, virk = u["dep_a_redaktor"], u["virk_a_kontakt"]
    utkast = holdt_mote(a24, dep, virk, sendt=False, dato=date(2026, 11, 30),
                        tekst=w.plant("referat_utkast", dep_a, "referat i utkast"),
                        punkt=w.plant("vedtak_utkast", dep_a, "vedtak i referat i utkast, frist"))
    godkjent = holdt_mote(a24, dep, virk, dato=date(2026, 11, 2), tekst="Referat som er godkjent.")
    forslag = mote(a24, dep, dato=date(2026, 12, 14), dagsorden_frist=date(2026, 12, 1))
    services.sak_foreslaa(mote=forslag, acting_user=virk, tittel="Sak VIRKA foreslår", idag=date(2026, 11, 1))
    brevutkast = mote(a25, dep, tittel=w.plant("mote_i_utkast", dep_a, "møte i utkast til brev, frist for dagsorden"),
                      dato=date(2026, 11, 28), dagsorden_frist=date(2026, 11, 18))
    b_mote = mote(b26, u["dep_b"], dato=date(2026, 12, 3), dagsorden_frist=date(2026, 11, 26))
    services.sak_foreslaa(mote=b_mote, acting_user=u["dep_b"], idag=date(2026, 11, 1),
                          tittel=w.plant("b_mote_sak", dep_b_publikum, "sak i DEPBs møte med VIRKA"))
    c_mote = holdt_mote(c24, u["dep_c"], u["virk_b"], dato=date(2026, 11, 3),
                        tekst=w.plant("c_referat", virk_b_publikum, "referat fra DEPCs møte med VIRKB"),
                        punkt=w.plant("c_punkt", virk_b_publikum, "oppfølgingspunkt fra DEPCs møte, frist"))
    w.adresser += ["/moter/"]
    for m in (utkast, godkjent, forslag, brevutkast, b_mote, c_mote):
        w.adresser += [f"/moter/{m.pk}/", f"/moter/{m.pk}/referat/", f"/moter/{m.pk}/historikk/"]
