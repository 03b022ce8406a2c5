"""Warm-up of a web process before its first request (called from config/wsgi.py).

Django does much of its set-up lazily, on the first request that needs it: importing the views,
building the URL reverse tables, compiling each template, filling each model's field caches. In a
fresh gunicorn worker on the national data that made the first Min side 974 ms against 73 ms for
the next (the first letter 187 against 75 ms), and every request that arrived meanwhile waited
behind it: the tail of `make load` was largely workers' first requests. Here the same work is done
while the worker boots, before it accepts connections. Nothing here touches the database.
"""

from __future__ import annotations

import logging
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import engines
from django.urls import URLResolver, get_resolver

log = logging.getLogger(__name__)


def _resolvere(resolver: URLResolver):
    yield resolver
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _resolvere(pattern)


#: Installed apps outside the project whose templates the portal's pages render: the form widgets.
MALER_FRA = ("django.forms",)


def _malnavn() -> list[str]:
    """The names of the templates the portal's pages render: the project's own (templates/ and each
    of its apps' templates/) and those of MALER_FRA. Not the admin's, nor other packages' (some of
    which need apps the portal does not install)."""
    base = Path(settings.BASE_DIR).resolve()
    mapper = [Path(d) for d in engines["django"].engine.dirs]
    for app in apps.get_app_configs():
        sti = Path(app.path).resolve()
        if app.name in MALER_FRA or (sti.is_relative_to(base) and ".venv" not in sti.relative_to(base).parts):
            mapper.append(sti / "templates")
    navn = set()
    for mappe in mapper:
        if mappe.is_dir():
            navn.update(p.relative_to(mappe).as_posix() for p in mappe.rglob("*") if p.is_file())
    return sorted(navn)


def varm_opp() -> dict:
    """Load what the first requests would; returns how many resolvers and templates, and the names
    of the templates that did not compile (none: the tests compile every one through here)."""
    import_module(settings.ROOT_URLCONF)  # every view module, through the apps' urls
    resolvere = list(_resolvere(get_resolver()))
    for r in resolvere:
        r.reverse_dict, r.namespace_dict, r.app_dict  # noqa: B018 - each builds the tables on first access
    for model in apps.get_models(include_auto_created=True):
        model._meta.get_fields()  # the relation tree and field maps, cached per model
    # Kept by the cached loader. A template that does not compile is logged and left to fail on its
    # own page, as without the warm-up: the rest of the portal stays up (and `make run` starts).
    maler, feil = _malnavn(), []
    for navn in maler:
        try:
            engines["django"].engine.get_template(navn)
        except Exception:  # noqa: BLE001 - a broken template must not stop the process
            log.exception("Malen %s kunne ikke kompileres ved oppstart", navn)
            feil.append(navn)
    return {"resolvere": len(resolvere), "maler": len(maler) - len(feil), "feil": feil}
