"""How fast this machine is right now: figures printed beside every bench and load run, and kept in
bench/history.csv, so that a figure that moves with them is read as the machine, not the code."""

from __future__ import annotations

import os
import time


def _arbeid() -> list:
    """The calibration's fixed pure-Python workload: dicts, strings, sorting (the kind of work a page does)."""
    tall: dict[str, int] = {}
    for i in range(200_000):
        nokkel = f"k{i % 5000}"
        tall[nokkel] = tall.get(nokkel, 0) + len(nokkel)
    return sorted(tall.items(), key=lambda kv: (-kv[1], kv[0]))


def _kalibrering() -> float:
    """CPU milliseconds of a fixed pure-Python workload (``_arbeid``), the fastest of five. The same
    code on the same machine kind ran 40 % slower in the afternoon of 2026-12-02 than in the morning
    (reminders 4.43 -> 6.24 s CPU, unchanged code): a figure that moves with this one is the
    machine, not the code. In bench/history.csv beside the goals."""
    return _raskeste(time.process_time)


def _raskeste(klokke) -> float:
    """Milliseconds of ``_arbeid`` by ``klokke``, the fastest of five."""
    tider = []
    for _ in range(5):
        t0 = klokke()
        _arbeid()
        tider.append(klokke() - t0)
    return min(tider) * 1000


def _paa_alle_kjerner(_=None) -> float:
    return _raskeste(time.perf_counter)


def _kalibrering_alle_kjerner() -> float:
    """Wall milliseconds of the same workload run on every core at once, one process per core: the
    slowest process's fastest of five. ``_kalibrering`` counts one process's CPU time, which other
    work on the machine (a neighbour on the same host, the other core busy) does not lengthen; a
    request's latency is wall time on both cores. On 2026-12-02 two runs of make load with single-core
    calibrations of 62 and 60 ms had p95 610 and 280 ms: this figure is meant to tell such hours apart
    (an idle machine gives about the single-core figure)."""
    import multiprocessing

    n = os.cpu_count() or 1
    with multiprocessing.get_context("fork").Pool(n) as pool:
        return max(pool.map(_paa_alle_kjerner, range(n)))


def maskin() -> dict[str, str]:
    """Both calibrations, printed and as figures for bench/history.csv."""
    en, alle = _kalibrering(), _kalibrering_alle_kjerner()
    print(f"Machine: {en:.0f} ms CPU for a fixed pure-Python workload on one core, {alle:.0f} ms wall on "
          f"each of {os.cpu_count()} cores at once (lower is faster; see _kalibrering)")
    return {"machine-calibration-ms": f"{en:.0f}", "machine-calibration-allcores-wall-ms": f"{alle:.0f}"}
