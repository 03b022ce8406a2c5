
import pytest

from dokumenter import tasks
from tests.demodata import last_demo
from tests.factories import MaalFactory, OppdragFactory, StyringsparameterFactory, TildelingsbrevFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def demo(db):
    last_demo()
    from styring.models import Tildelingsbrev

    return {b.aar: b for b in Tildelingsbrev.objects.filter(virksomhet__kortnavn="IMDi")}


@pytest.fixture
def brev(db):
    """A small sent letter with a goal, a parameter and an oppdrag."""
    b = TildelingsbrevFactory(sendt_brev=True, var_ref="23/1234-", tittel="Tildelingsbrev til Testdirektoratet for 2024")
    maal = MaalFactory(tildelingsbrev=b, nummer=1, tittel="Flere i arbeid")
    StyringsparameterFactory(maal=maal, kode="SP 1")
    OppdragFactory(tildelingsbrev=b, maal=maal, nummer="2024-01", tittel="Et testoppdrag")
    return b


class Ko:
    """Stands in for the broker: records what was put on the queue, or fails like a broker that is down."""

    def __init__(self):
        self.sendt: list[int] = []
        self.nede = False

    def apply_async(self, args, **kwargs):
        if self.nede:
            from kombu.exceptions import OperationalError

            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sendt.append(args[0])


@pytest.fixture
def ko(monkeypatch):
    k = Ko()
    monkeypatch.setattr(tasks.render_pdf_task, "apply_async", k.apply_async)
    return k
