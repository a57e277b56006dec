"""The bench's pass rule (issue 20): a limited row passes only with a fifth of its
allowance to spare, so that a busier run of the same code does not fail it."""

from __future__ import annotations

import pytest

from bench.__main__ import MARGIN, Row, Target


@pytest.mark.parametrize(
    ("target", "value", "reference", "inside"),
    [
        (Target("ratio", 1.5), 1.4, 1.0, 0.2),  # 0.4 of the 0.5 over the reference used
        (Target("ratio", 1.3), 1.3, 1.0, 0.0),
        (Target("ratio", 4), 1.0, 1.0, 1.0),
        (Target("plus", 0.3), 0.46, 0.2, 0.1333),
        (Target("at_most", 0.05), 0.04, None, 0.2),
        (Target("below", 0.05), 0.06, None, -0.2),
    ],
)
def test_inside_is_the_share_of_the_allowance_left(target, value, reference, inside):
    assert target.inside(value, reference) == pytest.approx(inside, abs=1e-3)


def test_a_row_met_by_a_hair_is_tight_and_one_with_room_is_not():
    limit = Target("at_most", 0.05)
    hair = Row("save", 0.049, "s", target=limit)
    roomy = Row("save", 0.05 * (1 - MARGIN) - 0.001, "s", target=limit)
    over = Row("save", 0.051, "s", target=limit)
    assert hair.passed and not hair.roomy and "TIGHT" in hair.cells()[-1]
    assert roomy.passed and roomy.roomy and "TIGHT" not in roomy.cells()[-1]
    assert over.passed is False and not over.roomy and "FAIL" in over.cells()[-1]
    assert Row("reported only", 1.0, "s").roomy is None
