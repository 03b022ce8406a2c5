"""History you can read: who changed what and when, with old → new values, for any model that
keeps django-simple-history records. Used by the pages (the admin has its own view).

``endringer(qs_of_history_records)`` takes the history rows of one or more objects (newest
first, as simple-history orders them) and pairs each row with the previous row of the same
object, in one query for the rows, one for the users and one per referenced model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models

HANDLING = {"+": "opprettet", "~": "endret", "-": "slettet"}
SKJULTE = {"id", "history_id", "history_date", "history_change_reason", "history_type", "history_user",
           "history_relation", "password", "last_login"}


@dataclass
class Feltendring:
    felt: str
    fra: str
    til: str


@dataclass
class Endringspost:
    tid: datetime
    bruker: object
    handling: str
    objekt: str
    objekt_type: str
    endringer: list[Feltendring] = field(default_factory=list)


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKJULTE and not f.name.startswith("history_")]


def _display(f: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "–"
    if f.is_relation:
        obj = related.get((f.related_model, value))
        return str(obj) if obj is not None else f"#{value}"
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y %H.%M}"
    if hasattr(value, "strftime"):
        return f"{value:%d.%m.%Y}"
    return str(value)


def endringer(historikk_qs, *, grense: int = 50, fast_antall_sporringer: bool = False) -> list[Endringspost]:
    """The latest ``grense`` history rows as readable entries, each against its predecessor.

    With ``fast_antall_sporringer`` the referenced objects are fetched with their non-null foreign
    keys joined and handed to each row's instance, so models whose ``__str__`` reads a relation
    (Budsjettpost, Frist, Tillegg …) cost no query per row: the count no longer grows with rows.
    """
    rows = list(historikk_qs.select_related("history_user").order_by("-history_date", "-history_id")[: grense + 1])
    if not rows:
        return []
    model = rows[0].instance_type
    fields = _fields(model)
    pk_name = model._meta.pk.attname
    # Predecessors of the oldest rows may fall outside the window: fetch them in one query.
    by_obj: dict = defaultdict(list)
    for r in rows:
        by_obj[getattr(r, pk_name)].append(r)
    hist_model = type(rows[0])
    oldest = {key: objs[-1] for key, objs in by_obj.items()}
    earlier = {}
    for r in (hist_model.objects.filter(**{f"{pk_name}__in": list(by_obj)})
              .exclude(history_id__in=[x.history_id for x in rows]).order_by("-history_date", "-history_id")):
        key = getattr(r, pk_name)
        first = oldest[key]
        if key not in earlier and (r.history_date, r.history_id) < (first.history_date, first.history_id):
            earlier[key] = r
    wanted: dict = defaultdict(set)
    for r in list(rows) + list(earlier.values()):
        for f in fields:
            if f.is_relation and getattr(r, f.attname) is not None:
                wanted[f.related_model].add(getattr(r, f.attname))
    related = {}
    for rel_model, ids in wanted.items():
        manager = rel_model._default_manager
        qs = manager.select_related() if fast_antall_sporringer else manager
        for pk, obj in qs.in_bulk(list(ids)).items():
            related[(rel_model, pk)] = obj
    result = []
    for key, objs in by_obj.items():
        chain = objs + ([earlier[key]] if key in earlier else [])
        for i, r in enumerate(objs):
            prev = chain[i + 1] if i + 1 < len(chain) else None
            changes = []
            if r.history_type == "~" and prev is not None:
                for f in fields:
                    a, b = getattr(prev, f.attname), getattr(r, f.attname)
                    if a != b:
                        changes.append(Feltendring(str(f.verbose_name).capitalize(), _display(f, a, related),
                                                   _display(f, b, related)))
            elif r.history_type == "+":
                changes = [Feltendring(str(f.verbose_name).capitalize(), "", _display(f, getattr(r, f.attname), related))
                           for f in fields if getattr(r, f.attname) not in (None, "", False)]
            if r.history_type == "~" and prev is not None and not changes:
                continue  # a save that changed nothing a person can see
            instance = r.instance
            if fast_antall_sporringer:
                for f in fields:
                    obj = related.get((f.related_model, getattr(r, f.attname))) if f.many_to_one else None
                    if obj is not None:
                        f.set_cached_value(instance, obj)
            result.append(Endringspost(r.history_date, r.history_user, HANDLING.get(r.history_type, r.history_type),
                                       str(instance), str(model._meta.verbose_name), changes))
    result.sort(key=lambda e: e.tid, reverse=True)
    return result[:grense]
