"""The Gaussian hypergeometric function 2F1 on the domain the purchase models need.

Domain: a >= 0, b >= 0, c > 0 and 0 <= z < 1 (every 2F1 in BG/NBD, MBG/NBD and Pareto/NBD has
positive parameters and an argument in [0, 1)). Wherever it answers, the answer agrees with an
arbitrary-precision reference to about 1e-10 relative (tests/lifecycle/test_special.py checks it
against mpmath).

How: 2F1(a, b; c; z) = Σ (a)_k (b)_k / ((c)_k k!) z^k. With positive parameters every term is
positive, so the plain series loses no digits to cancellation; it only gets long when z is near 1
and c < a + b. Euler's transformation 2F1(a, b; c; z) = (1 - z)^(c-a-b) 2F1(c-a, c-b; c; z) turns
that growth into a closed factor and a series whose terms fall like k^(c-a-b-1), far faster, but
c - a or c - b may then be negative and the terms of mixed sign. Summing a mixed-sign series
blindly was the old bug (2F1(59.5, 2.3; 28.66; 0.682) came out 11 times too large): the sum here
tracks Σ|term| and the transformed form is used only when it, with the rounding of c - a and
c - b, loses fewer than five digits; otherwise the plain series is summed. The sum is kept with a
running scale, so parameters in the hundreds do not overflow; ``log_hyp2f1`` returns the
logarithm for values beyond a float. The sum stops on a proven bound of the rest (``_settled``).

Near z = 1 with c < max(a, b) and c - a - b < 0 neither form is short: the plain series needs
about (a + b - c) / (1 - z) terms. Past 200,000 terms the function refuses (ArithmeticError)
rather than answer slowly or wrongly; for z <= 0.99 and parameters up to 100 it always answers.
"""

from __future__ import annotations

import math

__all__ = ["hyp2f1", "log_hyp2f1"]

_MAX_TERMS = 200_000
_RESCALE = 1e200
_LOG_RESCALE = math.log(_RESCALE)
# Σ|term| / |Σ term| above this loses more than five of the sixteen digits: use the other form.
_MAX_CANCELLATION = 1e5


def _settled(a: float, b: float, c: float, k: float) -> bool:
    """Whether every term ratio after step k is at most max(this ratio, z).

    The ratio is z·f(j) with f(j) = (a+j)(b+j) / ((c+j)(1+j)), and
    f(j) - 1 = (A j + B) / ((c+j)(1+j)) with A = a+b-c-1, B = ab-c. Past the roots of the
    numerator's factors (j > -a, -b) f is positive. With A <= 0 the numerator only falls: f - 1
    shrinks while positive, then stays <= 0, so f never exceeds max(f(k), 1). With A > 0, f falls
    from k on exactly when f' < 0 there, i.e. N(j) = -A j² - 2B j + A c - B(c+1) < 0 for j >= k;
    N is a downward parabola with its top at j = -B/A.
    """
    if k <= max(-a, -b, 0.0):
        return False
    big_a = a + b - c - 1
    big_b = a * b - c
    if big_a <= 0:
        return True

    def n(j: float) -> float:
        return -big_a * j * j - 2 * big_b * j + big_a * c - big_b * (c + 1)

    top = -big_b / big_a
    return n(k) < 0 and (k >= top or n(top) < 0)


def _series(a: float, b: float, c: float, z: float) -> tuple[float, float, float]:
    """(log|S|, sign of S, Σ|term| / |S|) for S = Σ (a)_k (b)_k / ((c)_k k!) z^k."""
    term = 1.0
    total = 1.0
    magnitude = 1.0
    log_scale = 0.0
    k = 0
    settled = False  # once true it stays true (see _settled)
    while True:
        num = (a + k) * (b + k)
        if num == 0:
            break  # a or b is a non-positive integer: the series stops (a polynomial)
        ratio = num / ((c + k) * (k + 1)) * z
        term *= ratio
        k += 1
        total += term
        magnitude += abs(term)
        if magnitude > _RESCALE:
            term /= _RESCALE
            total /= _RESCALE
            magnitude /= _RESCALE
            log_scale += _LOG_RESCALE
        if settled or _settled(a, b, c, k):
            settled = True
            # Every later ratio is at most q < 1, so the tail is at most |term| q / (1 - q).
            q = max(abs(ratio), z)
            if q < 1 and abs(term) * q / (1 - q) <= 1e-17 * magnitude:
                break
        if k >= _MAX_TERMS:
            raise ArithmeticError(
                f"2F1({a}, {b}; {c}; {z}) needs more than {_MAX_TERMS:,} terms this close to z = 1"
            )
        if term == 0.0:
            break
    if total == 0.0:
        return -math.inf, 0.0, math.inf
    return log_scale + math.log(abs(total)), math.copysign(1.0, total), magnitude / abs(total)


def log_hyp2f1(a: float, b: float, c: float, z: float) -> tuple[float, float]:
    """log|2F1(a, b; c; z)| and its sign, for a >= 0, b >= 0, c > 0 and 0 <= z < 1."""
    if not (a >= 0 and b >= 0 and c > 0 and 0 <= z < 1) or not all(
        math.isfinite(v) for v in (a, b, c)
    ):
        raise ValueError(
            f"hyp2f1 needs a >= 0, b >= 0, c > 0 and 0 <= z < 1 (got {a}, {b}, {c}, {z})"
        )
    if z == 0 or a == 0 or b == 0:
        return 0.0, 1.0
    if c - a - b < 0:
        try:
            log_value, sign, cancellation = _series(c - a, c - b, c, z)
        except ArithmeticError:
            cancellation = math.inf
        # c - a and c - b themselves carry the rounding of the larger inputs: 2F1(1.6, 8.3e6;
        # 8.3e6 - 1; z) knows c - b only to 1e-9, so its transformed form cannot be trusted.
        smallest = min(abs(c - a), abs(c - b)) or 1e-300
        input_loss = max(a, b, c) / smallest
        if cancellation * max(input_loss, 1.0) <= _MAX_CANCELLATION and sign > 0:
            return (c - a - b) * math.log1p(-z) + log_value, sign
    log_value, sign, _ = _series(a, b, c, z)
    return log_value, sign


def hyp2f1(a: float, b: float, c: float, z: float) -> float:
    """The Gaussian hypergeometric function 2F1(a, b; c; z) for a, b >= 0, c > 0, 0 <= z < 1.

    Raises OverflowError when the value is beyond a float (use ``log_hyp2f1`` then) and
    ArithmeticError in the corner the module docstring describes (z very near 1).
    """
    log_value, sign = log_hyp2f1(a, b, c, z)
    if log_value > 709.78:
        raise OverflowError(f"2F1({a}, {b}; {c}; {z}) = e^{log_value:.1f} overflows a float")
    return sign * math.exp(log_value)
