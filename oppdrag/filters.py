"""The oppdrag list's filters, shared by the page and the Excel export (same query string, same rows)."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from brukere.models import User
from kjerne.skjemavisning import RaskSelect
from styring.models import Maal, Organisasjon, maal_navn

from .models import FoU, Frist, Oppdrag, Risiko, Status


def synlige_frister(user):
    """The frister pages count for the oppdrag a person may see: those in force, and an oppdrag's
    own frister while it is still in a draft (which only its ministry sees). A draft that restates
    an oppdrag in force changes nothing here until it is sent."""
    return Frist.objects.relevante()


def gjeldende_frister(synlige):
    """Frister as last stated: those of the latest (visible) letter that stated frister for the oppdrag."""
    siste = (synlige.filter(oppdrag=OuterRef("oppdrag")).order_by("-tildelingsbrev__aar")
             .values("tildelingsbrev__aar")[:1])
    return synlige.filter(tildelingsbrev__aar=Subquery(siste))


def med_neste_frist(qs, idag: date, synlige):
    """Annotate ``neste_frist_dato``: the earliest current frist from today, else the latest passed one."""
    kommende = (gjeldende_frister(synlige).filter(oppdrag=OuterRef("pk"), dato__gte=idag).order_by("dato")
                .values("dato")[:1])
    passert = (gjeldende_frister(synlige).filter(oppdrag=OuterRef("pk"), dato__lt=idag).order_by("-dato")
               .values("dato")[:1])
    return qs.annotate(neste_frist_dato=Coalesce(Subquery(kommende), Subquery(passert)))


RISIKO_VALG = [("rod", "Rød"), ("gul", "Gul"), ("gronn", "Grønn"), ("ikke", "Ikke vurdert")]
STATUS_VALG = [("aapne", "Alle åpne (ikke levert, avsluttet eller bortfalt)"), *Status.choices]
FOU_VALG = [("fou", "FoU"), ("delvis", "Delvis FoU"), ("nei", "Ikke FoU")]
NY_VALG = [("ny", "Gitt i valgt år"), ("tidligere", "Gitt tidligere år")]
SORTERING = {
    "nummer": ("nummer", ["-aar", "rekkefolge", "nummer"]),
    "-nummer": ("nummer", ["aar", "-rekkefolge", "-nummer"]),
    "frist": ("frist", [F("neste_frist_dato").asc(nulls_last=True), "nummer"]),
    "-frist": ("frist", [F("neste_frist_dato").desc(nulls_last=True), "nummer"]),
    "status": ("status", ["_status_orden", "nummer"]),
    "-status": ("status", ["-_status_orden", "nummer"]),
    "risiko": ("risiko", ["_risiko_orden", "nummer"]),
    "-risiko": ("risiko", ["-_risiko_orden", "nummer"]),
}
SORTERING_VALG = [("nummer", "Nummer"), ("-nummer", "Nummer, synkende"), ("frist", "Neste frist"),
                  ("-frist", "Neste frist, seneste først"), ("status", "Status"), ("risiko", "Risiko, rød først")]
_STATUS_ORDEN = [s.value for s in Status]
_RISIKO_ORDEN = [Risiko.ROD, Risiko.GUL, Risiko.GRONN, Risiko.IKKE_VURDERT]


class OppdragFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Søk i nummer, tittel, beskrivelse og bakgrunn", method="filter_q",
                                  widget=forms.TextInput(attrs={"type": "search"}))
    aar = django_filters.ChoiceFilter(label="Gitt år", field_name="aar", empty_label="Alle år", widget=RaskSelect)
    aktuell = django_filters.ChoiceFilter(label="Aktuelt i år (nytt eller åpent)", method="filter_aktuell",
                                          empty_label="Alle år", widget=RaskSelect)
    ny = django_filters.ChoiceFilter(label="Nye eller tidligere gitt", choices=NY_VALG, method="filter_ny",
                                     empty_label="Begge", widget=RaskSelect)
    virksomhet = django_filters.ModelChoiceFilter(label="Virksomhet", queryset=Organisasjon.objects.none(),
                                                  empty_label="Alle virksomheter", widget=RaskSelect)
    maal = django_filters.ChoiceFilter(label="Mål", method="filter_maal", empty_label="Alle mål", widget=RaskSelect)
    status = django_filters.ChoiceFilter(label="Status", choices=STATUS_VALG, method="filter_status",
                                         empty_label="Alle statuser", widget=RaskSelect)
    risiko = django_filters.ChoiceFilter(label="Risiko", choices=RISIKO_VALG, method="filter_risiko",
                                         empty_label="Alle", widget=RaskSelect)
    ansvarlig = django_filters.ModelChoiceFilter(label="Ansvarlig", queryset=User.objects.none(),
                                                 empty_label="Alle", null_label="Uten ansvarlig", widget=RaskSelect)
    frist_fra = django_filters.DateFilter(label="Frist fra og med", method="filter_frist_fra",
                                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                          input_formats=["%Y-%m-%d", "%d.%m.%Y"])
    frist_til = django_filters.DateFilter(label="Frist til og med", method="filter_frist_til",
                                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                          input_formats=["%Y-%m-%d", "%d.%m.%Y"])
    fou = django_filters.ChoiceFilter(label="FoU", choices=FOU_VALG, method="filter_fou", empty_label="Alle",
                                      widget=RaskSelect)
    sorter = django_filters.ChoiceFilter(label="Sortering", choices=SORTERING_VALG, method="filter_ingen",
                                         empty_label="Standard (år og nummer)", widget=RaskSelect)

    class Meta:
        model = Oppdrag
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, idag: date | None = None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.idag = idag or timezone.localdate()
        self.frister = synlige_frister(request.user)
        # The choices come from one pass over the user's oppdrag: which years, agencies, people
        # and mål occur (distinct combinations), then the names by primary key.
        kombinasjoner = list(self.queryset.order_by().values_list("aar", "virksomhet_id", "ansvarlig_id", "maal_id")
                             .distinct())
        aar = sorted({k[0] for k in kombinasjoner}, reverse=True)
        virksomheter = {k[1] for k in kombinasjoner}
        self.antall_virksomheter = len(virksomheter)
        aktuelle = sorted(set(aar) | {self.idag.year}, reverse=True)
        self.filters["aar"].extra["choices"] = [(str(a), str(a)) for a in aar]
        self.filters["aktuell"].extra["choices"] = [(str(a), str(a)) for a in aktuelle]
        self.filters["virksomhet"].queryset = Organisasjon.objects.filter(pk__in=virksomheter).order_by("kortnavn")
        self.filters["ansvarlig"].queryset = User.objects.filter(
            pk__in={k[2] for k in kombinasjoner if k[2] is not None}).order_by("last_name", "first_name", "username")
        # One entry per mål number, titled as the latest letter words it.
        maal_titler: dict[str, str] = {}
        for nummer, tittel in (Maal.objects.filter(pk__in={k[3] for k in kombinasjoner if k[3] is not None})
                               .order_by("sorteringsnokkel", "nummer", "-tildelingsbrev__aar")
                               .values_list("nummer", "tittel")):
            maal_titler.setdefault(nummer, tittel)
        self.filters["maal"].extra["choices"] = [(n, f"{maal_navn(n)}: {t}"[:90]) for n, t in maal_titler.items()]

    # -- filters ---------------------------------------------------------------------------------
    def filter_q(self, qs, name, value):
        for ord_ in value.split():
            qs = qs.filter(Q(nummer__icontains=ord_) | Q(tittel__icontains=ord_) | Q(beskrivelse__icontains=ord_)
                           | Q(bakgrunn__icontains=ord_))
        return qs

    def filter_aktuell(self, qs, name, value):
        aar = int(value)
        return qs.filter(Q(aar=aar) | Q(pk__in=Oppdrag.objects.open_in(aar).values("pk")))

    def valgt_aar(self) -> int:
        data = getattr(self.form, "cleaned_data", {})
        return int(data.get("aktuell") or data.get("aar") or self.idag.year)

    def filter_ny(self, qs, name, value):
        aar = self.valgt_aar()
        return qs.filter(aar=aar) if value == "ny" else qs.filter(aar__lt=aar)

    def filter_maal(self, qs, name, value):
        return qs.filter(maal__nummer=value)

    def filter_status(self, qs, name, value):
        return qs.aapne() if value == "aapne" else qs.filter(status=value)

    def filter_risiko(self, qs, name, value):
        return qs.filter(risiko="" if value == "ikke" else value)

    def filter_fou(self, qs, name, value):
        return qs.filter(fou=FoU.NEI if value == "nei" else value)

    def filter_frist_fra(self, qs, name, value):
        return qs.filter(Exists(gjeldende_frister(self.frister).filter(oppdrag=OuterRef("pk"), dato__gte=value)))

    def filter_frist_til(self, qs, name, value):
        fra = self.form.cleaned_data.get("frist_fra")
        frister = gjeldende_frister(self.frister).filter(oppdrag=OuterRef("pk"), dato__lte=value)
        if fra:  # both ends: one frist must fall inside the window
            frister = frister.filter(dato__gte=fra)
        return qs.filter(Exists(frister))

    def filter_ingen(self, qs, name, value):
        return qs

    # -- ordering --------------------------------------------------------------------------------
    @property
    def sortering(self) -> str:
        value = getattr(self.form, "cleaned_data", {}).get("sorter") or ""
        return value if value in SORTERING else ""

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        qs = med_neste_frist(qs, self.idag, self.frister).annotate(
            _status_orden=Case(*[When(status=s, then=Value(i)) for i, s in enumerate(_STATUS_ORDEN)],
                               output_field=IntegerField()),
            _risiko_orden=Case(*[When(risiko=r, then=Value(i)) for i, r in enumerate(_RISIKO_ORDEN)],
                               output_field=IntegerField()),
        )
        key = self.sortering
        if key:
            return qs.order_by(*SORTERING[key][1], "pk")
        return qs.order_by("-aar", "virksomhet__kortnavn", "rekkefolge", "nummer", "pk")
