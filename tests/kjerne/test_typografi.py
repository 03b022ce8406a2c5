"""No line break inside an oppdrag number or an amount, in pages and PDFs (kjerne/typografi.py)."""

from __future__ import annotations

from django.template import Context, Template

from kjerne.typografi import ubrutt


def test_oppdragsnummer_og_belop_holdes_sammen_og_teksten_er_uendret():
    ut = ubrutt("Oppdrag 2024-01 (ref. oppdrag 2022-23a): 291 400 000 kr og 1 523,9 mill. kr over kap. 671")
    assert '<span class="nobr">2024-01</span>' in ut
    assert '<span class="nobr">2022-23a</span>' in ut
    assert '<span class="nobr">291 400 000 kr</span>' in ut
    assert '<span class="nobr">1 523,9 mill. kr</span>' in ut
    # Years, dates and short numbers are left alone; the text reads as typed without the tags.
    assert "kap. 671" in ut
    assert ubrutt("i 2024 og 2025, 20.03.24") == "i 2024 og 2025, 20.03.24"
    assert ut.replace('<span class="nobr">', "").replace("</span>", "") == (
        "Oppdrag 2024-01 (ref. oppdrag 2022-23a): 291 400 000 kr og 1 523,9 mill. kr over kap. 671")


def test_filteret_escaper_html():
    html = Template("{% load portal %}{{ t|ubrutt }}").render(Context({"t": "<b>2024-01</b>"}))
    assert html == '&lt;b&gt;<span class="nobr">2024-01</span>&lt;/b&gt;'
