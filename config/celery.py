import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("styringsportalen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

import config.celerylogg  # noqa: E402,F401 - one log line per task, request ids into tasks (signals)
