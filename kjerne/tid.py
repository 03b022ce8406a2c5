"""Dates and times as a person reads them, written one way everywhere: pages, PDFs, e-mails and
spreadsheets. A time is always shown in Europe/Oslo ("30.11.2026 kl. 21.48"), whatever time zone
is active (a Celery worker, a management command); a date alone is "30.11.2026".

The archive format (arkiv/) is data, not prose: it keeps ISO 8601 with offset.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def oslo() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def lokal(value: datetime) -> datetime:
    """An aware datetime in Europe/Oslo; a naive one is taken as already local."""
    return value.astimezone(oslo()) if timezone.is_aware(value) else value


def lokal_dato(value: datetime | date | None) -> date | None:
    """The calendar day in Oslo (a datetime at 23.30 UTC is the next day in Oslo)."""
    if value is None:
        return None
    return lokal(value).date() if isinstance(value, datetime) else value


def format_dato(value: date | datetime | None) -> str:
    """30.11.2026 (a datetime gives its day in Oslo)."""
    if value in (None, ""):
        return ""
    return f"{lokal_dato(value):%d.%m.%Y}"


def format_tidspunkt(value: datetime | date | None) -> str:
    """30.11.2026 kl. 21.48 in Oslo time; a date alone is written as a date."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime):
        return format_dato(value)
    value = lokal(value)
    return f"{value:%d.%m.%Y} kl. {value:%H.%M}"
