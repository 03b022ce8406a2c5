from __future__ import annotations

import pytest


@pytest.fixture
def celery_eager():
    """Celery tasks run in the calling process (the app reads its settings once, so set it here)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
