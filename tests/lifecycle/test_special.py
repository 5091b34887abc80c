"""2F1 against mpmath (arbitrary precision) over its whole documented domain."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from memberkit.lifecycle import hyp2f1, log_hyp2f1

mpmath.mp.dps = 40

PARAM = st.floats(1e-3, 100, allow_nan=False)


def reference_log(a: float, b: float, c: float, z: float) -> float:
    """log 2F1(a, b; c; z) at 40 significant digits (the function is positive on the domain)."""
    return float(mpmath.log(mpmath.hyp2f1(a, b, c, z)))


def agrees(a: float, b: float, c: float, z: float) -> None:
    """log|2F1| agrees with mpmath to 1e-10, relative to the value (absolute for log near 0)."""
    log_value, sign = log_hyp2f1(a, b, c, z)
    expected = reference_log(a, b, c, z)
    assert sign == 1.0
    assert log_value == pytest.approx(expected, rel=1e-10, abs=1e-10)


def test_the_reported_case_is_right() -> None:
    """2F1(59.5, 2.3; 28.66; 0.682) is 796,205.54 (it was 9,012,756 before Euler was guarded)."""
    expected = float(mpmath.hyp2f1(59.5, 2.3, 28.66, 0.682))
    assert hyp2f1(59.5, 2.3, 28.66, 0.682) == pytest.approx(expected, rel=1e-10)
    assert round(hyp2f1(59.5, 2.3, 28.66, 0.682)) == 796_206


@given(PARAM, PARAM, PARAM, st.floats(0.0, 0.99))
def test_agrees_with_mpmath_up_to_099(a: float, b: float, c: float, z: float) -> None:
    """Up to z = 0.99 with parameters up to 100, 2F1 always answers and agrees with mpmath."""
    agrees(a, b, c, z)


@given(PARAM, PARAM, PARAM, st.floats(0.99, 1.0, exclude_max=True))
def test_near_one_it_agrees_or_refuses(a: float, b: float, c: float, z: float) -> None:
    """Closer to 1 it either agrees with mpmath or refuses with ArithmeticError, never guesses."""
    try:
        log_hyp2f1(a, b, c, z)
    except ArithmeticError:
        return
    agrees(a, b, c, z)


@pytest.mark.parametrize(
    ("a", "b", "c", "z"),
    [
        (1.0, 1.0, 2.0, 0.5),
        (0.5, 0.5, 1.5, 0.25),
        (59.5, 2.3, 28.66, 0.682),
        (300.0, 2.0, 1.0, 0.9),  # BG/NBD with hundreds of purchases: c - a - b far below 0
        (0.243 + 500, 2.426 + 500, 0.793 + 2.426 + 499, 0.999999),  # x = 500, horizon ≫ T
        (1.0, 0.5, 1000.0, 0.999),
        (2.0, 3.0, 4.0, 0.0),
        (32.0, 0.5, 5.0, 0.5),  # an Euler transform with alternating terms cancelled digits
        # A runaway BG/NBD fit (b ~ 8e6): the stopping rule must not wait for k ~ b.
        (1.6180260883192843, 8294212.957983383, 8294211.957983385, 0.5699236743774148),
    ],
)
def test_hard_corners_agree_with_mpmath(a: float, b: float, c: float, z: float) -> None:
    """Large parameters, z close to 1 and c far below a + b still agree with mpmath."""
    agrees(a, b, c, z)


def test_values_beyond_a_float_overflow_loudly_and_their_log_is_right() -> None:
    """2F1(200, 200; 1; 0.99) ≈ e^1970: hyp2f1 raises OverflowError; log_hyp2f1 is exact."""
    with pytest.raises(OverflowError):
        hyp2f1(200, 200, 1, 0.99)
    agrees(200, 200, 1, 0.99)


@pytest.mark.parametrize(
    ("a", "b", "c", "z"), [(-1, 1, 1, 0.5), (1, 1, 0, 0.5), (1, 1, 1, 1.0), (1, 1, 1, -0.1)]
)
def test_arguments_outside_the_domain_are_refused(a: float, b: float, c: float, z: float) -> None:
    """Negative a or b, c <= 0 and z outside [0, 1) are refused, not answered wrongly."""
    with pytest.raises(ValueError, match="hyp2f1 needs"):
        log_hyp2f1(a, b, c, z)


def test_elementary_closed_forms() -> None:
    """2F1 equals its elementary closed forms (log, arcsine, geometric series)."""
    assert hyp2f1(1, 1, 2, 0.5) == pytest.approx(-math.log(0.5) / 0.5, rel=1e-13)
    assert hyp2f1(0.5, 0.5, 1.5, 0.25) == pytest.approx(math.asin(0.5) / 0.5, rel=1e-13)
    assert hyp2f1(1, 1, 1, 0.9) == pytest.approx(10.0, rel=1e-13)


@pytest.mark.parametrize(
    ("a", "b", "c", "z"),
    [
        (0.0, 5.0, 3.0, 0.5),  # a = 0 and b = 0: the series is 1
        (5.0, 0.0, 3.0, 0.9),
        (0.0, 0.0, 1e-3, 0.99),
        (2.0, 3.0, 1e-3, 0.5),  # c near 0
        (1e-3, 1e-3, 1e-3, 0.9),
        (100.0, 100.0, 1e-3, 0.9),
        (3.0, 4.0, 5.0, 0.0),  # z = 0
        (50.0, 60.0, 200.0, 0.99),
        (5000.5, 5002.4, 5003.2, 0.3),  # BG/NBD with thousands of purchases
        (3000.2, 3002.4, 3003.2, 0.9),
    ],
)
def test_the_edges_of_the_domain_agree_with_mpmath(a: float, b: float, c: float, z: float) -> None:
    """At the domain's edges (a or b = 0, c near 0, z = 0) and with parameters in the thousands,
    log 2F1 agrees with mpmath to 1e-10."""
    agrees(a, b, c, z)
