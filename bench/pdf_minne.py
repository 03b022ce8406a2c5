"""One tildelingsbrev render in a fresh process, for the memory figures of bench/pdf.py.

    python bench/pdf_minne.py <tildelingsbrev id> <standard|pdfa> <rss|tracemalloc>

Run by bench/pdf.py with the bench database in DATABASE_URL. Prints one JSON line:
- ``for_mb``: resident memory before the work (Django set up, WeasyPrint and the document code
  imported, the letter fetched);
- ``topp_mb``: the process's peak resident memory (VmHWM) over building the HTML and rendering,
  as the task does; the peak is reset to the current RSS first where the kernel allows it
  (``/proc/self/clear_refs``), otherwise it includes the start-up;
- with ``tracemalloc``: ``python_topp_mb``, the peak of Python allocations during the work (a
  separate process, because tracing inflates the resident memory it would be measured with).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()


def _status_mb(felt: str) -> float:
    for linje in Path("/proc/self/status").read_text().splitlines():
        if linje.startswith(felt + ":"):
            return int(linje.split()[1]) / 1024
    raise RuntimeError(f"{felt} mangler i /proc/self/status")


def main() -> int:
    import tracemalloc

    import weasyprint  # noqa: F401 - imported before the baseline, as in a worker

    from brev.pdf import bygg_tildelingsbrev
    from dokumenter.render import render_pdf_med_sider
    from dokumenter.services import innholdshash
    from styring.models import Tildelingsbrev

    brev_id, variant, modus = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    brev = Tildelingsbrev.objects.get(pk=brev_id)
    for_mb = _status_mb("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        nullstilt = True
    except OSError:
        nullstilt = False
    if modus == "tracemalloc":
        tracemalloc.start()
    bygget = bygg_tildelingsbrev(brev)
    hash_ = innholdshash(bygget.html, variant)
    rendret = render_pdf_med_sider(bygget.html, variant=variant, tittel=bygget.tittel,
                                   identifier=f"tildelingsbrev-{brev.pk}-{hash_[:16]}")
    ut = {"for_mb": for_mb, "topp_mb": _status_mb("VmHWM"), "nullstilt": nullstilt, "sider": rendret.sider}
    if modus == "tracemalloc":
        ut["python_topp_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    print(json.dumps(ut))
    return 0


if __name__ == "__main__":
    sys.exit(main())
