"""Test-wide setup: real services when configured, and a hard failure in CI when they are missing.

``DATABASE_URL`` selects the database (pytest-django creates ``test_<name>``); ``REDIS_URL``
enables the tests marked ``services`` that talk to a real Redis broker. Locally a missing service
skips those tests; with ``CI=true`` it stops the run, because CI must never pass by skipping.
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


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


def pytest_collection_modifyitems(config, items):
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
