from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from brukere import tilgang
from brukere.models import Rolle
from kjerne import konflikt
from kjerne.tid import lokal
from styring.models import Rapporteringspunkt, Tildelingsbrev

from . import services
from .diagrammer import rapportdiagrammer
from .forms import (
    AutolagreForm,
    DelerForm,
    FellesforingForm,
    KommentarForm,
    OppdragForm,
    ParameterForm,
    PostForm,
)
from .innhold import rapport_innhold
from .models import Rapport, Tallsvar, Type
from .oversikt import rapportoversikt
from .services import RapportFeil, RapportKonflikt

SEKSJONER = {
    "deler": "Tekstdeler",
    "parametere": "Mål og styringsparametere",
    "oppdrag": "Oppdrag",
    "poster": "Økonomi per post",
    "fellesforinger": "Fellesføringer",
}


def _seksjoner(rapport: Rapport) -> dict[str, str]:
    """The sections of this report: only the årsrapport answers the letter's fellesføringer."""
    if rapport.type == Type.AARSRAPPORT:
        return SEKSJONER
    return {k: v for k, v in SEKSJONER.items() if k != "fellesforinger"}


def _avvist(request, rapport, melding: str):
    return render(request, "rapportering/rapport_avvist.html", {"rapport": rapport, "melding": melding}, status=403)


@login_required
def rapport_liste(request):
    idag = timezone.localdate()
    return render(request, "rapportering/rapport_liste.html",
                  {"o": rapportoversikt(request.user, idag), "idag_aar": idag.year})


@login_required
@require_POST
def rapport_opprett(request, punkt_pk: int):
    synlige = Tildelingsbrev.objects.for_user(request.user)
    punkt = get_object_or_404(Rapporteringspunkt.objects.select_related("tildelingsbrev").filter(
        tildelingsbrev__in=synlige), pk=punkt_pk)
    if not services.kan_opprette(request.user, punkt):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan opprette rapporten.")
    try:
        rapport = services.rapport_opprett(punkt=punkt, user=request.user)
    except RapportFeil as exc:
        messages.error(request, str(exc))
        return redirect("rapportering:liste")
    messages.success(request, f"{rapport.tittel} er opprettet og fylt ut med det som er kjent fra brevet og "
                              "oppfølgingen.")
    return redirect("rapportering:detalj", pk=rapport.pk)


@login_required
def rapport_detalj(request, pk: int):
    rapport = get_object_or_404(Rapport.objects.for_user(request.user).with_report_data(), pk=pk)
    user = request.user
    return render(request, "rapportering/rapport_detail.html", {
        "rapport": rapport,
        "innhold": rapport_innhold(rapport, user=user),
        "diagrammer": rapportdiagrammer(rapport, Rapport.objects.for_user(user)),
        "kan_skrive": services.kan_skrive(user, rapport),
        "kan_sende": services.kan_sende(user, rapport),
        "kan_kommentere": services.kan_kommentere(user, rapport),
        "kan_motta": services.kan_motta(user, rapport),
        "seksjoner": _seksjoner(rapport),
    })


@login_required
def rapport_historikk(request, pk: int):
    """Who changed what in the report and when (every part, result, line and comment), and the
    PDFs made of it."""
    from dokumenter.services import pdf_historikk
    from kjerne.endringslogg import Oppslag, endringer, historikkside

    from .models import (
        Fellesforingssvar,
        Kommentar,
        Oppdragsstatus,
        Parameterresultat,
        Postrapport,
        Rapportdel,
    )

    deler = [("rapport", "Rapporten"), ("deler", "Tekstdeler"), ("parametere", "Mål og styringsparametere"),
             ("oppdrag", "Oppdrag"), ("poster", "Økonomi per post"), ("fellesforinger", "Fellesføringer"),
             ("kommentarer", "Kommentarer")]
    kilder = [(Rapportdel, "deler"), (Parameterresultat, "parametere"), (Oppdragsstatus, "oppdrag"),
              (Postrapport, "poster"), (Fellesforingssvar, "fellesforinger"), (Kommentar, "kommentarer")]
    rapport = get_object_or_404(Rapport.objects.for_user(request.user).select_related("virksomhet"), pk=pk)
    kilder = [(Rapport.history.filter(id=rapport.pk), "rapport")] + [
        (model.history.filter(rapport_id=rapport.pk), del_) for model, del_ in kilder] + [
        (Tallsvar.history.filter(svar_id__in=Fellesforingssvar.history.filter(rapport_id=rapport.pk).values("id")),
         "fellesforinger")]
    if not (tilgang.er_admin(request.user) or tilgang.i_virksomheten(request.user, rapport.virksomhet_id)):
        # The drafts are the agency's: outside it, the history starts when the report was sent.
        kilder = [(qs.filter(history_date__gte=rapport.sendt) if rapport.sendt else qs.none(), del_)
                  for qs, del_ in kilder]
    oppslag, poster = Oppslag(), []
    for qs, del_ in kilder:
        poster += endringer(qs, grense=None, fast_antall_sporringer=True, del_=del_, oppslag=oppslag)
    return render(request, "rapportering/rapport_historikk.html", {
        "rapport": rapport, **historikkside(request, poster, deler=deler),
        "pdf_historikk": pdf_historikk(kind="rapport", object_id=rapport.pk)})


def _skjema(seksjon: str, rapport: Rapport, data=None) -> list:
    if seksjon == "deler":
        return [DelerForm(data, deler=list(rapport.deler.all()))]
    if seksjon == "parametere":
        rader = rapport.parameterresultater.select_related("styringsparameter__maal").prefetch_related(
            "styringsparameter__resultatkrav", "styringsparameter__maaleverdier")
        return [ParameterForm(data, rad=r) for r in rader]
    if seksjon == "oppdrag":
        return [OppdragForm(data, rad=r) for r in rapport.oppdragsstatuser.select_related("oppdrag")]
    if seksjon == "fellesforinger":
        rader = rapport.fellesforingssvar.select_related("fellesforing").prefetch_related(
            Prefetch("tall", queryset=Tallsvar.objects.select_related("tallfelt")))
        return [FellesforingForm(data, rad=r) for r in rader]
    return [PostForm(data, rad=r) for r in rapport.postrapporter.select_related("post__kapittel")]


def _lagre(seksjon: str, rapport: Rapport, skjemaer: list, user) -> None:
    """Save a section through its service, with the version of each row as the page was opened."""
    if seksjon == "deler":
        skjema = skjemaer[0]
        services.rapport_lagre_deler(rapport=rapport, tekster=skjema.tekster(), user=user,
                                     versjoner=skjema.versjoner())
        return
    versjoner = {f.rad.pk: f.versjon_verdi() for f in skjemaer}
    if seksjon == "parametere":
        services.rapport_lagre_parametere(rapport=rapport, user=user, versjoner=versjoner,
                                          resultater={f.rad.pk: f.resultat_verdier() for f in skjemaer})
    elif seksjon == "fellesforinger":
        services.rapport_lagre_fellesforinger(rapport=rapport, user=user, svar={f.rad.pk: f.svar_verdier() for f in skjemaer},
                                              versjoner={k: v for f in skjemaer for k, v in f.versjoner().items()})
    elif seksjon == "oppdrag":
        services.rapport_lagre_oppdrag(rapport=rapport, user=user, versjoner=versjoner,
                                       kommentarer={f.rad.pk: f.cleaned_data["kommentar"] for f in skjemaer})
    else:
        services.rapport_lagre_poster(rapport=rapport, user=user, versjoner=versjoner,
                                      verdier={f.rad.pk: f.post_verdier() for f in skjemaer})


def _konflikt_oppsummering(konflikter: dict) -> str:
    """One line above the form: who saved over the page while it was open, and how many places."""
    navn = list(dict.fromkeys(str(k.endret_av) if k.endret_av else "en annen bruker" for k in konflikter.values()))
    hvem = " og ".join(navn) if len(navn) <= 2 else ", ".join(navn[:-1]) + " og " + navn[-1]
    antall = len(konflikter)
    steder = "ett av punktene" if antall == 1 else f"{antall} av punktene"
    return (f"Ingenting er lagret. {hvem[:1].upper()}{hvem[1:]} har lagret endringer i {steder} etter at du åpnet "
            "siden. Endringene er vist ved punktet, og det du skrev, står fortsatt i skjemaet. Lagre på nytt "
            "hvis du fortsatt vil endre.")


@login_required
def rapport_rediger(request, pk: int, seksjon: str):
    if seksjon not in SEKSJONER:
        raise Http404
    rapport = get_object_or_404(Rapport.objects.for_user(request.user).select_related("virksomhet"), pk=pk)
    if seksjon not in _seksjoner(rapport):
        raise Http404
    if rapport.er_laast:
        return _avvist(request, rapport, services.LAAST_MELDING)
    if not services.kan_skrive(request.user, rapport):
        return _avvist(request, rapport, "Bare virksomhetens egne medarbeidere kan skrive i rapporten.")
    feil, konflikt = 0, ""
    if request.method == "POST":
        skjemaer = _skjema(seksjon, rapport, request.POST)
        if all([f.is_valid() for f in skjemaer]):  # a list: every form shows its errors
            try:
                _lagre(seksjon, rapport, skjemaer, request.user)
            except RapportKonflikt as exc:
                # Someone else saved some of the same rows since this page was opened: nothing is
                # saved, the typed text stays in the form, and the other changes are shown.
                for f in skjemaer:
                    f.vis_konflikt(exc.konflikter)
                konflikt = _konflikt_oppsummering(exc.konflikter)
            except RapportFeil as exc:
                return _avvist(request, rapport, str(exc))
            else:
                messages.success(request, f"{SEKSJONER[seksjon]} er lagret.")
                return redirect("rapportering:detalj", pk=rapport.pk)
        else:
            feil = sum(bool(f.errors) for f in skjemaer)
    else:
        skjemaer = _skjema(seksjon, rapport)
    return render(request, f"rapportering/rapport_rediger_{seksjon}.html", {
        "rapport": rapport, "skjemaer": skjemaer, "seksjon": seksjon, "seksjon_tittel": SEKSJONER[seksjon],
        "feil": feil, "konflikt": konflikt,
    })


@login_required
@require_POST
def rapport_autolagre(request, pk: int):
    """One text part saved as the person writes (static/js/rik_tekst.js): JSON with the part's new
    version for the page to carry, and the time saved in Oslo time. A refusal is JSON with a
    Norwegian message: 403 for who and when, 409 when someone else saved the part since, 400 for bad
    input."""
    rapport = get_object_or_404(Rapport.objects.for_user(request.user), pk=pk)
    if rapport.er_laast:
        return JsonResponse({"melding": services.LAAST_MELDING}, status=403)
    if not services.kan_skrive(request.user, rapport):
        return JsonResponse({"melding": "Bare virksomhetens egne medarbeidere kan skrive i rapporten."}, status=403)
    form = AutolagreForm(request.POST)
    if not form.is_valid():
        melding = " ".join(str(m) for feil in form.errors.values() for m in feil)
        return JsonResponse({"melding": f"Ikke lagret: {melding}"}, status=400)
    try:
        rad = services.rapport_autolagre_del(rapport=rapport, kode=form.cleaned_data["kode"],
                                             tekst=form.cleaned_data["tekst"], versjon=form.cleaned_data["versjon"],
                                             user=request.user)
    except RapportKonflikt as exc:
        k = next(iter(exc.konflikter.values()))
        hvem = str(k.endret_av) if k.endret_av else "En annen bruker"
        return JsonResponse({"melding": f"Ikke lagret automatisk: {hvem} har lagret endringer i denne delen etter "
                                        "at du åpnet siden. Det du skrev, står fortsatt i skjemaet. Trykk «Lagre» "
                                        "for å se endringene."}, status=409)
    except RapportFeil as exc:
        return JsonResponse({"melding": f"Ikke lagret: {exc}"}, status=400)
    return JsonResponse({"versjon": konflikt.signer(rad, services.DEL_FELTER),
                         "melding": f"Lagret kl. {lokal(timezone.now()):%H.%M}"})  # today: the clock is enough


@login_required
@require_POST
def rapport_send(request, pk: int):
    rapport = get_object_or_404(Rapport.objects.for_user(request.user), pk=pk)
    if not (tilgang.i_virksomheten(request.user, rapport.virksomhet_id)
            and request.user.rolle == Rolle.VIRKSOMHET_LEDER):
        return _avvist(request, rapport, "Bare virksomhetens leder kan sende rapporten til departementet.")
    try:
        services.rapport_send(rapport=rapport, user=request.user)
    except RapportFeil as exc:
        return _avvist(request, rapport, str(exc))
    messages.success(request, "Rapporten er sendt til departementet. Den kan ikke lenger endres.")
    return redirect("rapportering:detalj", pk=rapport.pk)


@login_required
@require_POST
def rapport_motta(request, pk: int):
    rapport = get_object_or_404(Rapport.objects.for_user(request.user), pk=pk)
    if not tilgang.i_departementet(request.user, rapport.departement_id):
        return _avvist(request, rapport, "Bare departementet som rapporten er sendt til, kan markere den som mottatt.")
    try:
        services.rapport_motta(rapport=rapport, user=request.user)
    except RapportFeil as exc:
        return _avvist(request, rapport, str(exc))
    messages.success(request, "Rapporten er markert som mottatt.")
    return redirect("rapportering:detalj", pk=rapport.pk)


@login_required
def rapport_kommenter(request, pk: int):
    rapport = get_object_or_404(Rapport.objects.for_user(request.user), pk=pk)
    if not services.kan_kommentere(request.user, rapport):
        return _avvist(request, rapport, "Bare departementet som rapporten er sendt til, kan kommentere den.")
    art = request.GET.get("art") or request.POST.get("art") or None
    raw_id = request.GET.get("id") or request.POST.get("id") or None
    try:
        element = services.finn_element(rapport, art, int(raw_id) if raw_id and raw_id.isdigit() else None)
    except RapportFeil:
        raise Http404 from None
    form = KommentarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rapport_kommenter(rapport=rapport, tekst=form.cleaned_data["tekst"], user=request.user,
                                       art=art, element_id=element.pk if element else None)
        except RapportFeil as exc:
            return _avvist(request, rapport, str(exc))
        messages.success(request, "Kommentaren er lagret.")
        return redirect("rapportering:detalj", pk=rapport.pk)
    return render(request, "rapportering/kommentar_form.html",
                  {"rapport": rapport, "form": form, "element": element, "art": art or "", "element_id": raw_id or ""})
