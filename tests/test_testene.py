"""Checks on the tests themselves.

An assertion must be able to fail for the reason its test names: ``assert a or b`` passes whenever
the weaker side holds (``"gyldig" in html`` passes on any page that says "ugyldig"), so it is
refused in every test file. Write the one condition that must hold, or two asserts. There is no
allow-list.

No skip hides in CI: with CI=true a skipped test fails the run (tests/conftest.py).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ci_hopp_som_feil

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def _or_asserts(path: Path, root: Path) -> list[str]:
    """``file:line: assert …`` for every assert whose whole condition is an ``or``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.relative_to(root)}:{node.lineno}: assert {ast.unparse(node.test)[:100]}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Assert) and isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.Or)]


def test_no_assert_passes_on_either_of_two_conditions():
    funnet = [linje for path in sorted(TESTS.rglob("*.py")) for linje in _or_asserts(path, TESTS.parent)]
    assert funnet == [], "assert <x> or <y> kan ikke feile av grunnen testen nevner:\n" + "\n".join(funnet)


def test_the_check_finds_an_or_assert(tmp_path):
    """The check itself can fail: it finds the pattern, also inside a function, and only at the top."""
    fil = tmp_path / "test_eksempel.py"
    fil.write_text("def test_x(html):\n    assert 'a' in html or 'b' in html\n    assert ('a' or 'b') in html\n"
                   "    assert x and (y or z)\n", encoding="utf-8")
    assert _or_asserts(fil, tmp_path) == ["test_eksempel.py:2: assert 'a' in html or 'b' in html"]


# --- No skip hides in CI (tests/conftest.py) ------------------------------------------------------

def _rapport(nodeid: str, *, xfail: bool = False) -> pytest.TestReport:
    rapport = pytest.TestReport(nodeid=nodeid, location=("tests/test_x.py", 1, "test_x"), keywords={},
                                outcome="skipped", longrepr=("tests/test_x.py", 1, "Skipped: tjenesten mangler"),
                                when="setup")
    if xfail:
        rapport.wasxfail = "kjent feil"
    return rapport


def test_in_ci_a_skip_becomes_a_failure_with_its_reason_unless_allow_listed():
    rapport = _rapport("tests/test_x.py::test_x")
    ci_hopp_som_feil(rapport, tillatt={})
    assert rapport.failed and "Hoppet over med CI=true: Skipped: tjenesten mangler" in str(rapport.longrepr)
    assert "CI_TILLATTE_HOPP" in str(rapport.longrepr)

    for tillatt in ({"tests/test_x.py::test_x": "grunn"}, {"tests/test_x.py": "hele modulen, grunn"}):
        rapport = _rapport("tests/test_x.py::test_x")
        ci_hopp_som_feil(rapport, tillatt=tillatt)
        assert rapport.skipped, tillatt
    rapport = _rapport("tests/test_x.py::test_x_annen")  # a prefix of a name is not the test itself
    ci_hopp_som_feil(rapport, tillatt={"tests/test_x.py::test_x": "grunn"})
    assert rapport.failed
    rapport = _rapport("tests/test_x.py::test_x", xfail=True)  # an expected failure is not a skip
    ci_hopp_som_feil(rapport, tillatt={})
    assert rapport.skipped


def test_a_ci_run_with_a_skip_fails(tmp_path):
    """The hooks are wired: a real pytest run with CI=true and this project's conftest fails on a skip
    inside a test, a skip marker and a skipped module, and still passes the rest."""
    from tests.conftest import _redis_ok

    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if _redis_ok(redis_url) is not None:
        pytest.skip("trenger Redis: CI=true krever den før testene kjøres")
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        database_url = "postgres://ubrukt@127.0.0.1:1/ubrukt"  # CI=true checks the setting; no test here opens it
    (tmp_path / "test_hopp.py").write_text(
        "import pytest\n\n"
        "def test_hopper_inne_i_testen():\n    pytest.skip('filen ligger ikke ved siden av')\n\n"
        "@pytest.mark.skip(reason='merket for hopp')\ndef test_merket():\n    pass\n\n"
        "@pytest.mark.xfail(reason='kjent feil', strict=True)\ndef test_kjent_feil():\n    assert False\n\n"
        "def test_kjorer():\n    assert True\n", encoding="utf-8")
    (tmp_path / "test_modul.py").write_text(
        "import pytest\npytest.skip('hele modulen', allow_module_level=True)\n", encoding="utf-8")
    env = {**os.environ, "CI": "true", "DATABASE_URL": database_url, "REDIS_URL": redis_url}
    kjoring = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT),
         "-p", "tests.conftest", "--continue-on-collection-errors", "-q", "-rA", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    ut = kjoring.stdout + kjoring.stderr
    assert kjoring.returncode == 1, ut
    assert "Hoppet over med CI=true: Skipped: filen ligger ikke ved siden av" in ut
    assert "Hoppet over med CI=true: Skipped: merket for hopp" in ut
    assert "Hoppet over med CI=true: Skipped: hele modulen" in ut
    assert "1 passed" in ut and "1 xfailed" in ut and " skipped" not in ut
