"""Editing a letter (and its tillegg) in the browser, for the ministry's editors.

Every view starts from ``Tildelingsbrev.objects.for_user`` (what the user may see: a forged id
gives 404) and then asks ``brukere.tilgang`` what the user may change (403 otherwise). A sent
letter is locked: its changes go into a tillegg. Every write runs in one transaction after every
form and formset on the page validated, with the acting user recorded in the history.
"""

from .brev import (
    avsnitt_flytt,
    avsnitt_ny,
    avsnitt_rediger,
    avsnitt_slett,
    brevhode,
    maal_ny,
    maal_rediger,
    maal_slett,
    omraade_ny,
    omraade_rediger,
    omraade_slett,
    oversikt,
    sp_ny,
    sp_rediger,
    sp_slett,
)
from .budsjett import kapittel_ny, kapittel_rediger, kapittel_slett, post_ny, post_rediger, post_slett
from .fellesforing import fellesforing_ny, fellesforing_rediger, fellesforing_slett
from .krav import krav_flytt, krav_ny, krav_rediger, krav_slett
from .oppdrag import oppdrag_ny, oppdrag_rediger, oppdrag_slett, tidligere_oppdrag, tidligere_velg
from .risiko import risikodefinisjoner
from .tillegg import tillegg_budsjett, tillegg_rediger

__all__ = ["oversikt", "brevhode", "avsnitt_ny", "avsnitt_rediger", "avsnitt_flytt", "avsnitt_slett", "maal_ny", "maal_rediger", "maal_slett", "sp_ny", "sp_rediger", "sp_slett", "omraade_ny", "omraade_rediger", "omraade_slett", "krav_ny", "krav_rediger", "krav_flytt", "krav_slett", "oppdrag_ny", "oppdrag_rediger", "oppdrag_slett", "tidligere_velg", "tidligere_oppdrag", "kapittel_ny", "kapittel_rediger", "kapittel_slett", "post_ny", "post_rediger", "post_slett", "tillegg_rediger", "tillegg_budsjett", "risikodefinisjoner", "fellesforing_ny", "fellesforing_rediger", "fellesforing_slett"]
