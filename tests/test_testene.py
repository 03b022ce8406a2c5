"""Checks on the tests themselves: an assertion must be able to fail for the reason its test names.

``assert a or b`` passes whenever the weaker side holds (``"gyldig" in html`` passes on any page
that says "ugyldig"), so it is refused in every test file. Write the one condition that must hold,
or two asserts. There is no allow-list.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


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
