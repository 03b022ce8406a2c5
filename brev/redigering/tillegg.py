"""A tillegg: its header and text, and its budget changes."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.shortcuts import redirect

from brev.forms import (
    TilleggForm,
)
from budsjett.forms import (
    BudsjettendringFormSet,
)
from budsjett.models import Budsjettpost
from oppdrag.models import Frist

from .felles import (
    LAGRET,
    _hjem,
    _ramme,
    _skjemaside,
    _url,
    hent_tillegg,
    lagre,
    redigering,
)

# --- tillegg -----------------------------------------------------------------------------------

@redigering
def tillegg_rediger(request, pk: int, nr: int):
    brev, tillegg = hent_tillegg(request, pk, nr)
    # The form gets its own copy: a refused number must not change the headings and links of the
    # page that shows the error (the tillegg is still saved under its old number).
    form = TilleggForm(request.POST or None, instance=copy.copy(tillegg))
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-tillegg", brev.pk, form.instance.nummer)
    endringer = list(tillegg.budsjettendringer.select_related("post__kapittel").order_by(
        "post__kapittel__nummer", "post__post", "pk"))
    return _skjemaside(
        request, "brev/rediger/tillegg.html", _ramme(brev, tillegg), form=form,
        overskrift=f"Tillegg nr. {tillegg.nummer} til tildelingsbrevet for {brev.aar}", knapp="Lagre tillegget",
        tilbake_url=_url("brev:tillegg", brev.pk, tillegg.nummer) or _hjem(brev, None),
        avsnitt=list(tillegg.avsnitt.order_by("rekkefolge", "pk")),
        nye_oppdrag=list(tillegg.oppdrag.order_by("rekkefolge", "nummer")),
        fristendringer=list(Frist.objects.filter(tillegg=tillegg).select_related("oppdrag")
                            .order_by("oppdrag__nummer", "rekkefolge")),
        endringer=endringer, sum_endring=sum(e.endring_kr for e in endringer),
    )


@redigering
def tillegg_budsjett(request, pk: int, nr: int):
    brev, tillegg = hent_tillegg(request, pk, nr)
    poster = Budsjettpost.objects.filter(kapittel__tildelingsbrev=brev).select_related("kapittel").order_by(
        "kapittel__nummer", "post")
    formset = BudsjettendringFormSet(request.POST or None, instance=tillegg, prefix="endringer", poster=poster)
    formset.radnavn = "Endring"
    if request.method == "POST" and lagre(request, [formset], formset.save):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-tillegg-budsjett", brev.pk, tillegg.nummer)
    endringer = {}
    for e in tillegg.budsjettendringer.all():
        endringer[e.post_id] = endringer.get(e.post_id, 0) + e.endring_kr
    oversikt_rader = [{"post": p, "endring": endringer[p.pk],
                       "etter": None if p.tildelt_kr is None else p.tildelt_kr + endringer[p.pk]}
                      for p in poster if p.pk in endringer]
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev, tillegg), form=None,
                       formsett=[formset], formsett_titler=["Endringer per post"],
                       formsett_hjelp=["Økning: skriv beløpet. Reduksjon: kryss av for reduksjon, eller skriv "
                                       "minus foran beløpet."],
                       overskrift=f"Budsjettendringer i tillegg nr. {tillegg.nummer}", knapp="Lagre endringene",
                       budsjettendringer=oversikt_rader)
