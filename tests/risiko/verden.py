"""Risk assessments and Riksrevisjonen remarks for the access matrix and the marker test's world:
agency VIRKA (steered by DEPA) has a draft and a shared assessment and a remark with a plan and a
reply letter; VIRKB (DEPB) has a remark of its own."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from revisjon.models import Merknad, Revisjonstiltak, Svarbrev
from risiko.models import Risiko, Risikotiltak, Risikovurdering

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def lag_vurdering(*, virksomhet, departement, aar, periodetype="aar", delt=False, tittel="Risiko", **risiko):
    v = Risikovurdering.objects.create(
        virksomhet=virksomhet, departement=departement, aar=aar, periodetype=periodetype,
        gjelder_per=Risikovurdering.periodens_dato(aar, periodetype), status="delt" if delt else "utkast",
        delt=timezone.now() if delt else None)
    verdier = {"sannsynlighet": 2, "konsekvens": 2, "rest_sannsynlighet": 1, "rest_konsekvens": 2, "akseptabel": True,
               **risiko}
    r = Risiko.objects.create(vurdering=v, nummer=1, tittel=tittel, **verdier)
    return v, r


def matriseverden(w) -> None:
    w.vurdering_utkast, w.risiko_utkast = lag_vurdering(virksomhet=w.virk, departement=w.dep, aar=2025)
    w.tiltak_utkast = Risikotiltak.objects.create(risiko=w.risiko_utkast, tekst="Tiltak", frist=date(2025, 6, 1))
    w.vurdering_delt, w.risiko_delt = lag_vurdering(virksomhet=w.virk, departement=w.dep, aar=2024, delt=True)
    w.merknad = Merknad.objects.create(virksomhet=w.virk, departement=w.dep, kilde="aarlig", dato=date(2024, 5, 1),
                                       tittel="Mangler i tilskuddskontrollen", alvorlighet="alvorlig")
    w.revisjonstiltak = Revisjonstiltak.objects.create(merknad=w.merknad, tekst="Ny rutine", status="gjennomfort",
                                                       frist=date(2024, 9, 1))
    w.svarbrev = Svarbrev(merknad=w.merknad, tittel="Svar", datert=date(2024, 6, 1), storrelse=len(PDF))
    w.svarbrev.fil.save("svar.pdf", ContentFile(PDF), save=False)
    w.svarbrev.save()
    w.merknad_annen = Merknad.objects.create(virksomhet=w.virk2, departement=w.dep2, kilde="forvaltning",
                                             dato=date(2024, 3, 1), tittel="Forvaltningsrevisjon B",
                                             alvorlighet="kritikkverdig")


def markorverden(w, *, virk_a, a24, c24, virk_a_roller: set, dep_a_roller: set) -> None:
    """Markers for the marker test: a draft assessment of VIRKA (VIRKA's alone, its measure reminds
    in the test's window), a shared one (VIRKA, DEPA and observers, not DEPB who also steers VIRKA),
    and a remark of VIRKB's with a measure (VIRKB, its ministry DEPC and observers)."""
    u = w.users
    utkast, r = lag_vurdering(virksomhet=virk_a, departement=a24.departement, aar=2025,
                              tittel=w.plant("risiko_utkast", virk_a_roller, "risiko i utkast til risikovurdering"),
                              beskrivelse=w.plant("risiko_utkast_tekst", virk_a_roller, "beskrivelse i utkast"),
                              sannsynlighet=5, konsekvens=5)
    Risikotiltak.objects.create(risiko=r, tekst=w.plant("risiko_utkast_tiltak", virk_a_roller, "tiltak i utkast"),
                                ansvarlig=u["virk_a_kontakt"], frist=date(2026, 11, 26))
    delt, rd = lag_vurdering(virksomhet=virk_a, departement=a24.departement, aar=2024, delt=True,
                             tittel=w.plant("risiko_delt", virk_a_roller | dep_a_roller | {"observator"},
                                            "risiko i delt risikovurdering"))
    m = Merknad.objects.create(virksomhet=c24.virksomhet, departement=c24.departement, kilde="aarlig",
                               dato=date(2024, 5, 1), alvorlighet="alvorlig",
                               tittel=w.plant("merknad_b", {"virk_b", "dep_c", "observator"}, "VIRKBs merknad fra Riksrevisjonen"))
    Revisjonstiltak.objects.create(merknad=m, tekst=w.plant("merknad_b_tiltak", {"virk_b", "dep_c", "observator"}, "VIRKBs tiltak"),
                                   ansvarlig=u["virk_b"], frist=date(2026, 11, 27))
    w.adresser += [f"/risiko/{utkast.pk}/", f"/risiko/{utkast.pk}/risiko/{r.pk}/", f"/risiko/{delt.pk}/",
                   f"/risiko/{delt.pk}/risiko/{rd.pk}/", f"/riksrevisjonen/{m.pk}/", "/risiko/", "/riksrevisjonen/"]
