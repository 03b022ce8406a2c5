"""The shape every permission-aware queryset shares: one ``for_user(user)`` that views start from.

Anonymous users and users without an organisation see nothing; administrators see everything;
everyone else sees what their kind of organisation may see of the model, which each subclass
says in ``for_departement``, ``for_virksomhet`` and ``for_observator``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch


class TilgangQuerySet(models.QuerySet):
    def for_user(self, user):
        # The user's kind is read from the user (brukere.models.User), which the core does not import.
        if not user.is_authenticated:
            return self.none()
        if user.er_administrator:
            return self
        if user.organisasjon_id is None:
            return self.none()
        if user.er_departement:
            return self.for_departement(user.organisasjon_id)
        if user.er_virksomhet:
            return self.for_virksomhet(user.organisasjon_id)
        if user.er_observator:
            return self.for_observator()
        return self.none()

    def for_departement(self, departement_id: int):
        raise NotImplementedError

    def for_virksomhet(self, virksomhet_id: int):
        raise NotImplementedError

    def for_observator(self):
        raise NotImplementedError


def i_egen_rekkefolge(model, *, foran: str, queryset=None) -> models.QuerySet:
    """``model``'s rows in its own order without its first key ``foran``: its parent, for a prefetch.

    Most models order by their parent first (``["tildelingsbrev", "rekkefolge"]``), and the parent's
    ordering expands in turn (a letter's agency type and name and year, an oppdrag's agency and
    number): each prefetch joined two to four tables to sort by what is the same for all the rows of
    one parent. A prefetch hands each parent its rows in the queryset's order, so within one parent
    the rest of the ordering is the whole of it: the same rows in the same order."""
    ordering = list(model._meta.ordering)
    if not ordering or ordering[0] != foran:
        raise ValueError(f"{model.__name__} ordnes ikke først etter {foran}: {ordering}")
    return (queryset if queryset is not None else model.objects.all()).order_by(*ordering[1:])


def prefetch_i_egen_rekkefolge(relasjon: str, model, *, foran: str, queryset=None, to_attr: str | None = None):
    """``Prefetch(relasjon)`` of ``model`` in the order ``i_egen_rekkefolge`` gives."""
    return Prefetch(relasjon, queryset=i_egen_rekkefolge(model, foran=foran, queryset=queryset), to_attr=to_attr)


def prefetch_det_som_finnes(obj: models.Model, *lookups) -> None:
    """``prefetch_related_objects([obj], *lookups)``, with the relations ``obj`` has no rows in
    answered by one query instead of one each.

    A letter page prefetches some twenty parts of the letter; most letters leave several empty
    (meetings, plikter, målgrupper, attachments …), and each empty part still cost a query built
    and compiled by the ORM (about half a millisecond each) to learn that. One query asks whether
    each top-level relation has rows at all; an empty one gets its empty cache as a prefetch would
    leave it (``obj.maal.all()`` is ``[]`` with no query), and the lookups below it are dropped.
    """
    lookups = [lookup if isinstance(lookup, Prefetch) else Prefetch(lookup) for lookup in lookups]
    toppnavn = list(dict.fromkeys(lookup.prefetch_through.split("__")[0] for lookup in lookups))
    tomme = _tomme_relasjoner(obj, toppnavn)
    for lookup in lookups:
        navn = lookup.prefetch_through.split("__")[0]
        if navn in tomme and "__" not in lookup.prefetch_through:
            _sett_tom(obj, navn, lookup.to_attr)
    models.prefetch_related_objects(
        [obj], *(lookup for lookup in lookups if lookup.prefetch_through.split("__")[0] not in tomme))


def finnes_hver(**querysets: models.QuerySet) -> frozenset[str]:
    """The names whose queryset has at least one row, asked in one query.

    ``qs.exists()`` for each would be a query each, built and compiled by the ORM: a page that can
    leave out what has nothing in it (a module nobody uses yet) asks for all of it at once. A queryset
    that is empty by construction (``.none()``) counts as having nothing, without asking."""
    from django.db import connections

    deler, params, alias = [], [], None
    navn = []
    for n, qs in querysets.items():
        if qs.query.is_empty():
            continue
        sql, p = qs.order_by().values("pk")[:1].query.sql_with_params()
        deler.append(f"EXISTS({sql})")
        params.extend(p)
        navn.append(n)
        alias = alias or qs.db
    if not deler:
        return frozenset()
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(deler), params)
        svar = cursor.fetchone()
    return frozenset(n for n, har in zip(navn, svar, strict=True) if har)


_SQL_TOMME: dict[tuple, str] = {}


def _tabell_og_kolonne(obj: models.Model, navn: str) -> tuple[str, str]:
    """The table holding ``obj``'s rows of relation ``navn`` and the column that points at ``obj``."""
    manager = getattr(obj, navn)
    through = getattr(manager, "through", None)
    if through is not None:  # many-to-many: the rows of the link table
        return through._meta.db_table, through._meta.get_field(manager.source_field_name).column
    return manager.model._meta.db_table, manager.field.column  # reverse foreign key


def _tomme_relasjoner(obj: models.Model, navn: list[str]) -> set[str]:
    from django.db import connections, router

    alias = router.db_for_read(type(obj), instance=obj)
    nokkel = (type(obj), tuple(navn), alias)
    sql = _SQL_TOMME.get(nokkel)
    if sql is None:
        q = connections[alias].ops.quote_name
        deler = []
        for n in navn:
            tabell, kolonne = _tabell_og_kolonne(obj, n)
            deler.append(f"EXISTS(SELECT 1 FROM {q(tabell)} WHERE {q(kolonne)} = %s)")
        sql = _SQL_TOMME[nokkel] = "SELECT " + ", ".join(deler)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [obj.pk] * len(navn))
        finnes = cursor.fetchone()
    return {n for n, har in zip(navn, finnes, strict=True) if not har}


def _sett_tom(obj: models.Model, navn: str, to_attr: str | None) -> None:
    """Leave ``obj``'s relation ``navn`` as a prefetch that found nothing leaves it."""
    if to_attr:
        setattr(obj, to_attr, [])
        return
    manager = getattr(obj, navn)
    cache_name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    # The relation's own queryset, as Django's prefetch caches it: iterating it gives the empty
    # result without a query, and a .filter() on it asks the database as it would after a prefetch.
    tom = manager.get_queryset()
    tom._result_cache, tom._prefetch_done = [], True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[cache_name] = tom
