"""Compare shows only what changed; the unchanged parts are folded under one line (#12 item 9)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from brukere.models import User
from styring.models import Maal
from tests.styring.brevdata import load_demo

pytestmark = pytest.mark.django_db


def _utenfor_details(html: str) -> str:
    return re.sub(r"<details.*?</details>", "", html, flags=re.S)


def test_uendrede_deler_er_foldet_og_bare_endringen_vises_aapen(client):
    brev = load_demo()[2024]
    client.force_login(User.objects.get(username="dep.redaktor"))
    for_endring = timezone.now()
    maal = Maal.objects.get(tildelingsbrev=brev, nummer=2)
    maal.tittel = "Kvalifiseringen for nyankomne er rask og treffsikker"
    maal.save()
    uendret_tittel = Maal.objects.get(tildelingsbrev=brev, nummer=1).tittel
    dato = timezone.localtime(for_endring).strftime("%Y-%m-%dT%H:%M:%S")
    html = client.get(reverse("brev:sammenlign", args=[brev.pk]), {"med": "versjon", "dato": dato}).content.decode()
    assert "Mål <span class=\"dempet\">(1 endring)</span>" in html
    assert "<summary>5 mål uendret</summary>" in html
    apent = _utenfor_details(html)
    assert "<ins>rask</ins>" in apent  # the change is shown open
    assert uendret_tittel not in apent and uendret_tittel in html  # mål 1 only inside the fold
    assert "Uendret</span>" not in html
    # Sections without changes say so and fold everything.
    assert "Ingen endringer." in apent
    assert re.search(r"<summary>\d+ styringsparametere uendret</summary>", html)
