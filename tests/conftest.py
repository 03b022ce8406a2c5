"""Test-wide setup: real services when configured, and a hard failure in CI when they are missing.

``DATABASE_URL`` selects the database (pytest-django creates ``test_<name>``); ``REDIS_URL``
enables the tests marked ``services`` that talk to a real Redis broker. Locally a missing service
skips those tests; with ``CI=true`` it stops the run, because CI must never pass by skipping.

The same rule holds for every other skip: with ``CI=true`` a skipped test (a skip marker, a
``pytest.skip()`` inside a test or fixture, a skipped module) is reported as a failure unless its
node id is on ``CI_TILLATTE_HOPP`` with the reason it cannot run in CI. Locally skips stay skips.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _redis_per_arbeider(url: str, arbeider: str) -> str:
    """The Redis URL for one pytest-xdist worker: its own database number (gw0 → 1, gw1 → 2, …), so
    a Celery worker a test starts never takes a task that the other pytest worker's tests queued
    against their own test database."""
    from urllib.parse import urlsplit, urlunsplit

    deler = urlsplit(url)
    grunn = int(deler.path.strip("/") or 0)
    return urlunsplit(deler._replace(path=f"/{grunn + 1 + int(arbeider.removeprefix('gw'))}"))


if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-django has read the settings already; subprocesses read the environment.
    os.environ["REDIS_URL"] = _redis_per_arbeider(os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"])
    from django.conf import settings as _settings

    from config.celery import app as _celery

    _settings.REDIS_URL = _settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    _celery.conf.broker_url = os.environ["REDIS_URL"]


#: Skips a CI run accepts: node id (or its start, e.g. a module path) → why the test cannot run in
#: CI. Everything else that skips with CI=true fails the run. Empty: every test runs in CI.
CI_TILLATTE_HOPP: dict[str, str] = {}


def ci_hopp_som_feil(report, *, tillatt: dict[str, str] | None = None) -> None:
    """Turn a skipped report into a failed one, unless the skip is an expected failure (xfail) or
    allow-listed. Called on every test and collection report when CI=true."""
    tillatt = CI_TILLATTE_HOPP if tillatt is None else tillatt
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    if any(report.nodeid == n or report.nodeid.startswith(n + "::") for n in tillatt):
        return
    grunn = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (f"Hoppet over med CI=true: {grunn}\n"
                       "I CI skal hver test kjøre. Rett årsaken, eller før testen opp i CI_TILLATTE_HOPP "
                       "(tests/conftest.py) med en begrunnelse.")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if IN_CI:
        ci_hopp_som_feil(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    if IN_CI:
        ci_hopp_som_feil(report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _rask_passordhash():
    """Hash test passwords with MD5: the production PBKDF2 costs about a second of CPU per user,
    which the demo load pays seven times. No test checks the hasher; production keeps Django's."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases, and at the end every PostgreSQL connection the tests opened
    closed before they are dropped. After the first browser test the tests get their connections
    from another Django connection object than the session's (seen: a different object for
    ``connections["default"]`` in the tests than at the session's start and end), so pytest-django's
    teardown closed only the session's, and dropping the database failed with «being accessed by
    other users» (a warning in every CI run, and the test database left behind)."""
    from weakref import WeakSet

    from django.db.backends.signals import connection_created

    aapne: WeakSet = WeakSet()

    def husk(sender, connection, **kwargs):
        aapne.add(connection)

    connection_created.connect(husk, weak=False, dispatch_uid="tests.conftest.django_db_setup")
    yield
    connection_created.disconnect(dispatch_uid="tests.conftest.django_db_setup")
    for forbindelse in list(aapne):
        if forbindelse.vendor == "postgresql" and forbindelse.connection is not None:
            # Django refuses to close a connection made in another thread (a live server's request
            # thread that kept one): allowed here, where nothing else uses it any more.
            forbindelse.inc_thread_sharing()
            try:
                forbindelse.close()
            finally:
                forbindelse.dec_thread_sharing()


def _redis_ok(url: str) -> str | None:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}"
    return None


def pytest_configure(config):
    if not IN_CI:
        return
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        problems.append("CI=true krever DATABASE_URL mot PostgreSQL (fant: %r)" % (database_url or None))
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append("CI=true krever REDIS_URL")
    elif (why := _redis_ok(redis_url)) is not None:
        problems.append(f"Redis på {redis_url} svarer ikke: {why}")
    if problems:
        pytest.exit("Tjenester mangler i CI:\n  " + "\n  ".join(problems), returncode=3)


#: Tests that take many seconds each (a browser journey, every migration applied from empty, the
#: access matrix and the marker crawl over every URL): started first, so that pytest-xdist's work
#: stealing (``--dist worksteal`` in the Makefile) fills the other worker with the many short tests
#: instead of leaving one long test running alone at the end of the run.
LANGE_TESTER = ("tests/browser/", "tests/test_migreringer.py", "tests/test_tilgangsmatrise.py",
                "tests/test_markorer.py")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Long tests first. Runs after pytest-django's own ordering (which puts transactional tests, the
    # browser tests among them, last): a transactional test flushes the database when it ends, and
    # the database-bound tests that follow it start from an empty database either way.
    items.sort(key=lambda item: next((i for i, start in enumerate(LANGE_TESTER) if item.nodeid.startswith(start)),
                                     len(LANGE_TESTER)))
    if IN_CI:
        return
    redis_url = os.environ.get("REDIS_URL", "")
    reason = "REDIS_URL er ikke satt" if not redis_url else _redis_ok(redis_url)
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"trenger Redis ({reason}); i CI er dette en feil")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    # A run that executes no test is a failure for us (pytest's own code for that is 5).
    if exitstatus == 5:
        session.exitstatus = 1


# Shared by the letter-editing tests (tests/brev/, test_tall.py, test_enkeltlinje.py); a module that
# needs another letter or client defines its own fixture of the same name, which wins.
@pytest.fixture
def brev(db):
    """A 2025 draft letter."""
    from tests.factories import TildelingsbrevFactory

    return TildelingsbrevFactory(aar=2025)


@pytest.fixture
def klient(client, brev):
    """A client logged in as an editor of the ministry that writes ``brev``."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(organisasjon=brev.departement))
    return client


@contextmanager
def delt_verden(django_db_blocker, **innstillinger):
    """Build a test world once for several tests: inside it, everything written stays until the block
    ends and is then rolled back. Each test's own transaction (pytest-django's ``db``) becomes a
    savepoint inside this one, so a test still starts from the world as it was built and leaves
    nothing behind. For a module-scoped fixture whose world costs seconds (the access matrix, the
    marker crawl); not for transactional tests, which flush the database.
    """
    from django.db import transaction
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(**innstillinger), transaction.atomic():
        yield
        transaction.set_rollback(True)
