"""PDF rendering of IMDi's 2024 tildelingsbrev (demo data), plain and PDF/A.

Prints, measured in one run (CPU seconds of this process, the best of REPEAT after a warm-up):
- each variant's full render (build HTML from the database + render, what the task does) as a ratio
  to WeasyPrint rendering the same final HTML string alone (goal: ≤ 1.15), the two measured in turn;
- scaling from the real letter to a synthetic one with ten times the mål, oppdrag and posts
  (goal: time grows no more than 2× faster than the page count);
- memory, each figure from a fresh process that does one render (bench/pdf_minne.py): peak
  resident memory (the lower of MINNE_N processes) and, in a process of its own, the peak of
  Python allocations (tracemalloc);
- the årsrapport, when the rapport kind is registered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

REPEAT = 4
REPEAT_STOR = 2  # the 10× letter takes several seconds a render
MINNE_N = 2


def _best(fn, n: int = REPEAT):
    """Best CPU time of this process over ``n`` runs after a warm-up run, and the last run's result.
    CPU time, not wall time: the render is single-threaded, and on a shared machine wall time
    measures the neighbours."""
    fn()  # warm-up
    times = []
    for _ in range(n):
        t0 = time.process_time()
        result = fn()
        times.append(time.process_time() - t0)
    return min(times), result


def _best_pair(fn_a, fn_b, n: int = REPEAT):
    """Best CPU times of two functions after a warm-up of each, measured alternately (a, b, a, b …),
    so that a slow spell of the machine hits both sides alike; and the last result of ``fn_b``."""
    fn_a()
    fn_b()
    a, b = [], []
    for _ in range(n):
        for fn, times in ((fn_a, a), (fn_b, b)):
            t0 = time.process_time()
            result = fn()
            times.append(time.process_time() - t0)
    return min(a), min(b), result


def _minne(brev, variant: str, modus: str) -> dict:
    """One render of ``brev`` in a fresh process (bench/pdf_minne.py); its JSON line."""
    p = subprocess.run([sys.executable, str(Path(__file__).with_name("pdf_minne.py")), str(brev.pk), variant, modus],
                       capture_output=True, text=True, env=os.environ.copy(), timeout=600)
    if p.returncode:
        raise RuntimeError(f"pdf_minne.py feilet ({p.returncode}):\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def _rss(brev, variant: str) -> dict:
    """The lower peak of MINNE_N fresh processes."""
    return min((_minne(brev, variant, "rss") for _ in range(MINNE_N)), key=lambda m: m["topp_mb"])


def _weasyprint_alone(html: str, variant: str) -> None:
    from weasyprint import HTML

    from dokumenter.render import PDF_VARIANTER

    options = {"pdf_variant": PDF_VARIANTER[variant]} if PDF_VARIANTER[variant] else {}
    HTML(string=html).write_pdf(**options)


def _full_render(brev, variant: str):
    """What render_pdf_task does for the document: build from the database, hash, render."""
    from brev.pdf import bygg_tildelingsbrev
    from dokumenter.render import render_pdf_med_sider
    from dokumenter.services import innholdshash

    bygget = bygg_tildelingsbrev(brev)
    hash_ = innholdshash(bygget.html, variant)
    return render_pdf_med_sider(bygget.html, variant=variant, tittel=bygget.tittel,
                                identifier=f"tildelingsbrev-{brev.pk}-{hash_[:16]}")


def _ti_ganger(brev):
    """A throwaway letter with ten times the real letter's mål, parameters, oppdrag (with frister and
    full annex texts) and budget posts, for another agency in the bench database."""
    from budsjett.models import Budsjettkapittel, Budsjettpost
    from oppdrag.models import Frist, Oppdrag
    from styring.models import Maal, Organisasjon, Resultatkrav, Styringsparameter, Tildelingsbrev

    org = Organisasjon.objects.create(kortnavn="BENCH10", navn="Benchdirektoratet (10 × IMDi 2024)", type="virksomhet")
    stor = Tildelingsbrev.objects.create(virksomhet=org, departement=brev.departement, aar=brev.aar,
                                         tittel="Tildelingsbrev 2024 – ti ganger så stort", status="sendt",
                                         sendt=brev.sendt, var_ref="24/0001-", dato=brev.dato)
    for a in brev.avsnitt.filter(tillegg__isnull=True):
        stor.avsnitt.create(nummer=a.nummer, tittel=a.tittel, tekst=a.tekst, rekkefolge=a.rekkefolge)
    for s in brev.signaturer.all():
        stor.signaturer.create(navn=s.navn, tittel=s.tittel, ef=s.ef, rekkefolge=s.rekkefolge)
    for v in brev.vedlegg.all():
        stor.vedlegg.create(nummer=v.nummer, tittel=v.tittel)
    maal = list(brev.maal.prefetch_related("styringsparametere__resultatkrav"))
    nye = list(Oppdrag.objects.filter(tildelingsbrev=brev).prefetch_related("frister"))
    kapitler = list(brev.kapitler.prefetch_related("poster"))
    for k in range(10):
        maal_map = {}
        for m in maal:
            ny = Maal.objects.create(tildelingsbrev=stor, nummer=str(k * 10 + int(m.nummer)), tittel=m.tittel, tekst=m.tekst,
                                     overskrift_nye_oppdrag=m.overskrift_nye_oppdrag)
            maal_map[m.pk] = ny
            for sp in m.styringsparametere.all():
                nsp = Styringsparameter.objects.create(maal=ny, kode=sp.kode, tekst=sp.tekst, rekkefolge=sp.rekkefolge)
                for r in sp.resultatkrav.all():
                    Resultatkrav.objects.create(styringsparameter=nsp, verdi=r.verdi, enhet=r.enhet, tekst=r.tekst)
        for o in nye:
            felter = {f: getattr(o, f) for f in ("tittel", "bakgrunn", "beskrivelse", "formaal", "rapportering",
                                                 "rapporteringskriterier", "frist_tekst", "finansiering_tekst",
                                                 "start_tekst", "tilleggsinformasjon", "rekkefolge")}
            no = Oppdrag.objects.create(virksomhet=org, tildelingsbrev=stor, aar=stor.aar, nummer=f"{o.nummer}-{k}",
                                        maal=maal_map.get(o.maal_id), **felter)
            for f in o.frister.all():
                if f.tildelingsbrev_id == brev.pk:
                    Frist.objects.create(oppdrag=no, tildelingsbrev=stor, tekst=f.tekst, form=f.form, dato=f.dato,
                                         rekkefolge=f.rekkefolge)
        for kap in kapitler:
            nk = Budsjettkapittel.objects.create(tildelingsbrev=stor, nummer=kap.nummer + 1000 * k,
                                                 betegnelse=kap.betegnelse, rekkefolge=k * 10 + kap.rekkefolge)
            for p in kap.poster.all():
                Budsjettpost.objects.create(kapittel=nk, post=p.post, betegnelse=p.betegnelse, tildelt_kr=p.tildelt_kr,
                                            overskrift=p.overskrift, tekst=p.tekst, rekkefolge=p.rekkefolge)
    return stor


def _aarsrapport():
    """Build the årsrapport's HTML through the rapport kind, if another app has registered it."""
    from django.db import transaction

    from dokumenter import registry

    try:
        dokumenttype = registry.get("rapport")
    except registry.UkjentDokumenttype:
        return None, "rapport-typen er ikke registrert ennå (appen rapporter)"
    Rapport = dokumenttype.model_class()
    rapport = Rapport.objects.filter(virksomhet__kortnavn="IMDi", type="aarsrapport").order_by("-rapport_aar").first()
    if rapport is not None:
        return dokumenttype.bygg(rapport), "lagret årsrapport"
    from styring.models import Rapporteringspunkt
    from varsler.services import rapport_forhaandsvis

    punkt = (Rapporteringspunkt.objects.filter(tildelingsbrev__virksomhet__kortnavn="IMDi", type="aarsrapport")
             .order_by("-rapport_aar").first())
    if punkt is None:
        return None, "ingen årsrapport i rapporteringstabellen"

    class _Rollback(Exception):
        pass

    bygget = None
    try:
        with transaction.atomic():
            bygget = dokumenttype.bygg(rapport_forhaandsvis(punkt=punkt))
            raise _Rollback
    except _Rollback:
        pass
    return bygget, f"forhåndsvist årsrapport {punkt.rapport_aar} (ikke lagret)"


def run() -> tuple[list[tuple[str, str]], list[tuple[str, str, str, bool]]]:
    """Rows for the figures table and goals (name, measured, goal, met)."""
    from io import BytesIO

    from django.core.management import call_command

    from brev.pdf import bygg_tildelingsbrev
    from dokumenter.render import render_pdf_med_sider
    from styring.models import Tildelingsbrev

    print("PDF")
    call_command("load_demo", stdout=StringIO())
    brev = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)
    html = bygg_tildelingsbrev(brev).html
    rows, goals = [], []
    for variant, label in (("standard", "plain"), ("pdfa", "PDF/A-2b")):
        alone, full, rendret = _best_pair(lambda v=variant: _weasyprint_alone(html, v),
                                          lambda v=variant: _full_render(brev, v))
        sider = rendret.sider
        figure = (f"{full:.2f} s vs {alone:.2f} s WeasyPrint alone on the same HTML: ratio {full / alone:.2f} "
                  f"(goal ≤ 1.15)")
        print(f"  IMDi 2024, {label}, {sider} pages: {figure}")
        rows.append((f"PDF: IMDi 2024 letter, {label} ({sider} pages), CPU time, best of {REPEAT} after a warm-up, "
                     "measured alternately", figure))
        goals.append((f"pdf-{variant}-to-weasyprint", f"{full / alone:.2f}", "≤1.15", full / alone <= 1.15))

    stor = _ti_ganger(brev)
    t_small, small = _best(lambda: _full_render(brev, "standard"), REPEAT_STOR)
    t_big, big = _best(lambda: _full_render(stor, "standard"), REPEAT_STOR)
    page_growth, time_growth = big.sider / small.sider, t_big / t_small
    figure = (f"{big.sider} pages in {t_big:.2f} s vs {small.sider} in {t_small:.2f} s: pages ×{page_growth:.1f}, "
              f"time ×{time_growth:.1f}, growth {time_growth / page_growth:.2f} (goal ≤ 2)")
    print(f"  10× letter: {figure}")
    rows.append((f"PDF: 10× letter (10× mål, oppdrag, posts), plain, CPU time, best of {REPEAT_STOR} after a warm-up",
                 figure))
    goals.append(("pdf-growth-per-page", f"{time_growth / page_growth:.2f}", "≤2", time_growth / page_growth <= 2))

    liten, stor_rss = _rss(brev, "pdfa"), _rss(stor, "pdfa")
    spor = _minne(stor, "pdfa", "tracemalloc")
    nullstilt = liten["nullstilt"] and stor_rss["nullstilt"]
    figure = (f"IMDi 2024 ({liten['sider']} pages): peak RSS {liten['topp_mb']:.0f} MB, {liten['for_mb']:.0f} MB "
              f"before the render; 10× letter ({stor_rss['sider']} pages): peak RSS {stor_rss['topp_mb']:.0f} MB, "
              f"{stor_rss['for_mb']:.0f} MB before; Python allocations during the 10× render (tracemalloc, a process "
              f"of its own): peak {spor['python_topp_mb']:.0f} MB")
    print(f"  memory: {figure}")
    rows.append((f"PDF: memory of one PDF/A render (build + render, as the task), each in a fresh process, "
                 f"peak RSS the lower of {MINNE_N}" + ("" if nullstilt else " (peak includes start-up: "
                                                        "clear_refs not allowed)"), figure))

    bygget, note = _aarsrapport()
    if bygget is None:
        print(f"  årsrapport: skipped – {note}")
        rows.append(("PDF: årsrapport", f"not measured: {note}"))
    else:
        from pypdf import PdfReader

        def _rapport():
            return render_pdf_med_sider(bygget.html, variant="standard", tittel=bygget.tittel,
                                        identifier="bench-rapport")

        t_alone, t_r, r = _best_pair(lambda: _weasyprint_alone(bygget.html, "standard"), _rapport)
        assert len(PdfReader(BytesIO(r.pdf)).pages) == r.sider
        figure = f"{t_r:.2f} s vs {t_alone:.2f} s WeasyPrint alone, ratio {t_r / t_alone:.2f} (render only)"
        print(f"  årsrapport ({note}), {r.sider} pages: {figure}")
        rows.append((f"PDF: IMDi årsrapport ({note}), {r.sider} pages, CPU time, best of {REPEAT} after a warm-up, "
                     "measured alternately", figure))
    return rows, goals
