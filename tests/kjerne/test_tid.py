"""One way to write a time, in Europe/Oslo whatever time zone is active: winter (UTC+1) and
summer (UTC+2), the day boundary, pages and e-mails."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from kjerne.endringslogg import _display
from kjerne.tid import format_dato, format_tidspunkt, lokal_dato
from styring.models import Tildelingsbrev

VINTER = datetime(2026, 11, 30, 20, 48, tzinfo=UTC)  # 21.48 in Oslo
SOMMER = datetime(2026, 6, 30, 20, 48, tzinfo=UTC)  # 22.48 in Oslo
MIDNATT = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00.30 on 1 January in Oslo


@pytest.mark.parametrize("aktiv", ["UTC", "Europe/Oslo", "America/New_York"])
def test_tidspunkt_er_alltid_oslotid(aktiv):
    with timezone.override(aktiv):
        assert format_tidspunkt(VINTER) == "30.11.2026 kl. 21.48"
        assert format_tidspunkt(SOMMER) == "30.06.2026 kl. 22.48"
        assert format_tidspunkt(MIDNATT) == "01.01.2027 kl. 00.30"
        assert format_dato(MIDNATT) == "01.01.2027" and lokal_dato(MIDNATT) == date(2027, 1, 1)
        side = Template("{% load portal %}{{ t|dato }} / {{ d|dato }} / {{ t|bare_dato }}").render(
            Context({"t": VINTER, "d": date(2026, 3, 5)}))
        assert side == "30.11.2026 kl. 21.48 / 05.03.2026 / 30.11.2026"


def test_historikken_viser_tidsfelt_i_oslotid():
    felt = Tildelingsbrev._meta.get_field("sendt")
    with timezone.override("UTC"):
        assert _display(felt, VINTER, {}, set()) == "30.11.2026 kl. 21.48"
        assert _display(felt, SOMMER, {}, set()) == "30.06.2026 kl. 22.48"


def test_tomme_verdier_gir_tom_tekst():
    assert format_tidspunkt(None) == "" and format_dato(None) == ""
    assert format_tidspunkt(date(2026, 5, 17)) == "17.05.2026"
