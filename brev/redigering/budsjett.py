"""The budget: chapters and posts with their bindinger, distributions and grants."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from budsjett.forms import (
    BindingFormSet,
    BudsjettkapittelForm,
    BudsjettpostForm,
    TilskuddFormSet,
)
from budsjett.models import Budsjettkapittel, Budsjettpost
from oppdrag.models import Oppdrag

from .felles import (
    LAGRET,
    _ramme,
    _renummerer,
    _skjemaside,
    _slett,
    hent_brev,
    lagre,
    redigering,
)

# --- budget ------------------------------------------------------------------------------------

@redigering
def kapittel_ny(request, pk: int):
    brev = hent_brev(request, pk)
    kapittel = Budsjettkapittel(tildelingsbrev=brev)
    form = BudsjettkapittelForm(request.POST or None, instance=kapittel, brev=brev)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, f"Kapittel {kapittel.nummer} er lagt til.")
        return redirect("brev:rediger-kapittel", brev.pk, kapittel.pk)
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form,
                       overskrift="Nytt budsjettkapittel", knapp="Legg til kapitlet")


@redigering
def kapittel_rediger(request, pk: int, kapittel_pk: int):
    brev = hent_brev(request, pk)
    kapittel = get_object_or_404(brev.kapitler.prefetch_related("poster"), pk=kapittel_pk)
    form = BudsjettkapittelForm(request.POST or None, instance=kapittel, brev=brev)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-kapittel", brev.pk, kapittel.pk)
    return _skjemaside(request, "brev/rediger/kapittel.html", _ramme(brev), form=form, kapittel=kapittel,
                       overskrift=f"Kap. {kapittel.nummer} {kapittel.betegnelse}", knapp="Lagre kapitlet",
                       slett_url=reverse("brev:rediger-kapittel-slett", args=[brev.pk, kapittel.pk]))


@redigering
def kapittel_slett(request, pk: int, kapittel_pk: int):
    brev = hent_brev(request, pk)
    kapittel = get_object_or_404(brev.kapitler.all(), pk=kapittel_pk)
    return _slett(request, ramme=_ramme(brev), objekt=kapittel, hva=f"Kap. {kapittel.nummer}",
                  konsekvenser=["Alle poster under kapitlet slettes, med bindinger og tilskudd."],
                  tilbake=reverse("brev:rediger-kapittel", args=[brev.pk, kapittel.pk]),
                  ferdig=f"{reverse('brev:rediger-oversikt', args=[brev.pk])}#budsjett")


def _post_side(request, brev, kapittel, post, *, ny: bool):
    data = request.POST or None
    form = BudsjettpostForm(data, instance=post, kapittel=kapittel, prefix="post")
    bindinger = BindingFormSet(data, instance=post, prefix="bindinger")
    tilskudd = TilskuddFormSet(data, instance=post, prefix="tilskudd")
    bindinger.radnavn, tilskudd.radnavn = "Binding", "Tilskudd"

    def handling():
        form.save()
        for fs in (bindinger, tilskudd):
            fs.instance = post
            fs.save()
            _renummerer(fs)
        # A binding cites an oppdrag by number; link it when the agency has such an oppdrag.
        nummer = {b.oppdrag_nummer for b in post.bindinger.all() if b.oppdrag_nummer}
        kjente = dict(Oppdrag.objects.filter(virksomhet_id=brev.virksomhet_id, nummer__in=nummer)
                      .values_list("nummer", "pk"))
        for b in post.bindinger.all():
            oppdrag_id = kjente.get(b.oppdrag_nummer)
            if b.oppdrag_id != oppdrag_id:
                b.oppdrag_id = oppdrag_id
                b.save(update_fields=["oppdrag"])

    if request.method == "POST" and lagre(request, [form, bindinger, tilskudd], handling):
        messages.success(request, LAGRET)
        return redirect("brev:rediger-post", brev.pk, post.pk)
    lagret = None if ny else Budsjettpost.objects.prefetch_related("bindinger", "tilskudd").get(pk=post.pk)
    return _skjemaside(request, "brev/rediger/post.html", _ramme(brev, kapittel=kapittel), form=form,
                       formsett=[bindinger, tilskudd], formsett_titler=["Bindinger", "Tilskuddsmottakere"],
                       overskrift=(f"Ny post under kap. {kapittel.nummer}" if ny
                                   else f"Kap. {kapittel.nummer} post {post.post:02d} {post.betegnelse}"),
                       knapp="Lagre posten", lagret=lagret,
                       tilbake_url=reverse("brev:rediger-kapittel", args=[brev.pk, kapittel.pk]),
                       slett_url=None if ny else reverse("brev:rediger-post-slett", args=[brev.pk, post.pk]))


@redigering
def post_ny(request, pk: int, kapittel_pk: int):
    brev = hent_brev(request, pk)
    kapittel = get_object_or_404(brev.kapitler.all(), pk=kapittel_pk)
    return _post_side(request, brev, kapittel, Budsjettpost(kapittel=kapittel), ny=True)


@redigering
def post_rediger(request, pk: int, post_pk: int):
    brev = hent_brev(request, pk)
    post = get_object_or_404(Budsjettpost.objects.select_related("kapittel"), kapittel__tildelingsbrev=brev,
                             pk=post_pk)
    return _post_side(request, brev, post.kapittel, post, ny=False)


@redigering
def post_slett(request, pk: int, post_pk: int):
    brev = hent_brev(request, pk)
    post = get_object_or_404(Budsjettpost.objects.select_related("kapittel"), kapittel__tildelingsbrev=brev,
                             pk=post_pk)
    return _slett(request, ramme=_ramme(brev), objekt=post, hva=f"Post {post.post:02d}",
                  konsekvenser=["Bindinger, fordelinger og tilskudd under posten slettes også."],
                  tilbake=reverse("brev:rediger-post", args=[brev.pk, post.pk]),
                  ferdig=reverse("brev:rediger-kapittel", args=[brev.pk, post.kapittel_id]))
