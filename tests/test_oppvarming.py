"""The web process's warm-up (config/oppvarming.py, called from config/wsgi.py): after it, a page
reads no template from disk, and the warm-up itself opened no database connection (gunicorn may
fork after it)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.template import engines
from django.template.loaders.filesystem import Loader as FilLaster

from config.oppvarming import _malnavn, varm_opp
from tests.factories import OppdragFactory, TildelingsbrevFactory, UserFactory


@pytest.fixture
def tom_malbuffer():
    """The cached template loader emptied, as in a fresh process; emptied again afterwards."""
    laster = engines["django"].engine.template_loaders[0]
    laster.reset()
    yield
    laster.reset()


def test_varm_opp_rorer_ikke_databasen(tom_malbuffer):
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection") as kobler:
        tall = varm_opp()
    assert kobler.call_count == 0
    assert tall["feil"] == []  # every template of the portal compiles
    assert tall["maler"] == len(_malnavn()) > 50
    assert "minside/min_side.html" in _malnavn() and "brev/brev_detalj.html" in _malnavn()


@pytest.mark.django_db
def test_etter_oppvarming_leser_sidene_ingen_mal_fra_disk(client, tom_malbuffer):
    brev = TildelingsbrevFactory(aar=2025, sendt_brev=True)
    oppdrag = OppdragFactory(tildelingsbrev=brev, virksomhet=brev.virksomhet, aar=2025)
    client.force_login(UserFactory(organisasjon=brev.departement))
    sider = ["/", "/oppdrag/", f"/brev/{brev.pk}/", f"/oppdrag/{oppdrag.pk}/"]
    # Without the warm-up, the first visit reads the pages' templates from disk ...
    with mock.patch.object(FilLaster, "get_contents", autospec=True, side_effect=FilLaster.get_contents) as lest:
        assert client.get(sider[0]).status_code == 200
    assert lest.call_count > 0
    engines["django"].engine.template_loaders[0].reset()
    varm_opp()
    # ... after it, none of the pages does.
    with mock.patch.object(FilLaster, "get_contents", autospec=True, side_effect=FilLaster.get_contents) as lest:
        for side in sider:
            assert client.get(side).status_code == 200, side
    assert lest.call_count == 0, sorted({k.args[1].template_name for k in lest.call_args_list})


def test_en_mal_som_ikke_kompilerer_stopper_ikke_oppstarten(tom_malbuffer, tmp_path, settings, caplog):
    (tmp_path / "oppvarming_test").mkdir()
    (tmp_path / "oppvarming_test" / "odelagt.html").write_text("{% if %}", encoding="utf-8")
    engine = engines["django"].engine
    with mock.patch.object(engine, "dirs", [*engine.dirs, str(tmp_path)]):
        tall = varm_opp()
    assert tall["feil"] == ["oppvarming_test/odelagt.html"]
    assert "oppvarming_test/odelagt.html" in caplog.text
