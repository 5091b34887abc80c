"""Purchase-model fits: the CDNOW anchors, both backends, collapsing and the penalty."""

from __future__ import annotations

import os

import pytest

from memberkit.lifecycle import ModelError, bgnbd_fit, bgnbd_log_likelihood, fit_purchases
from memberkit.lifecycle._fast import available

from .cdnow import BGNBD, summaries

NUMPY = available()
needs_numpy = pytest.mark.skipif(
    not NUMPY and os.environ.get("MEMBERKIT_REQUIRE_NUMPY") != "1",
    reason="numpy/scipy not installed (pip install -e '.[value]'); "
    "MEMBERKIT_REQUIRE_NUMPY=1 makes this a failure",
)


def triples() -> list[tuple[int, float, float]]:
    """The CDNOW calibration summaries as (x, t_x, T) in weeks."""
    return [s.triple for s in summaries()]


def test_cdnow_bgnbd_fit_matches_the_published_estimates() -> None:
    """The pure-Python fit on CDNOW gives FHL 2005's r, α, a, b and LL = -9582.4."""
    fit = bgnbd_fit(triples(), backend="python")
    assert fit.converged
    assert fit.members == 2357
    assert (round(fit.r, 3), round(fit.alpha, 3), round(fit.a, 3), round(fit.b, 3)) == (
        BGNBD["r"],
        BGNBD["alpha"],
        BGNBD["a"],
        BGNBD["b"],
    )
    assert round(fit.log_likelihood, 1) == -9582.4


@needs_numpy
@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd"])
def test_the_numpy_backend_finds_the_same_maximum(model: str) -> None:
    """numpy/scipy and pure Python reach the same estimates on CDNOW (to 3 decimals)."""
    fast = fit_purchases(triples(), model=model, backend="numpy")  # type: ignore[arg-type]
    slow = fit_purchases(triples(), model=model, backend="python")  # type: ignore[arg-type]
    for name in ("r", "alpha", "a", "b"):
        assert getattr(fast, name) == pytest.approx(getattr(slow, name), abs=2e-3), name
    assert fast.log_likelihood == pytest.approx(slow.log_likelihood, abs=1e-3)


def test_mbgnbd_fits_cdnow_at_least_as_well() -> None:
    """MBG/NBD on CDNOW converges, with a log-likelihood within a point of BG/NBD's."""
    fit = fit_purchases(triples(), model="mbgnbd", backend="python")
    assert fit.converged
    assert fit.model == "mbgnbd"
    assert abs(fit.log_likelihood - -9582.4) < 1.0


def test_collapsing_duplicates_changes_nothing() -> None:
    """Fitting each member or the same members collapsed gives one likelihood at the answer."""
    fit = bgnbd_fit(triples(), backend="python")
    direct = bgnbd_log_likelihood(triples(), r=fit.r, alpha=fit.alpha, a=fit.a, b=fit.b)
    assert fit.log_likelihood == pytest.approx(direct, rel=1e-12)


def test_a_penalty_shrinks_a_runaway_fit() -> None:
    """Hard data (one heavy buyer among one-time buyers) has no finite maximum; a penalty has one."""
    hard = [(0, 0.0, 52.0)] * 200 + [(150, 51.0, 52.0)]
    plain = bgnbd_fit(hard, backend="python")
    penalised = bgnbd_fit(hard, backend="python", penalty=0.1)
    assert penalised.converged
    assert max(penalised.r, penalised.alpha, penalised.a, penalised.b) < 1e3
    assert max(plain.r, plain.alpha, plain.a, plain.b) > max(
        penalised.r, penalised.alpha, penalised.a, penalised.b
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "pareto"}, "unknown purchase model"),
        ({"penalty": -1.0}, "penalty"),
        ({"backend": "gpu"}, "unknown backend"),
    ],
)
def test_bad_fit_options_are_refused(kwargs: dict[str, object], match: str) -> None:
    """An unknown model or backend, or a negative penalty, is a ModelError naming the option."""
    with pytest.raises(ModelError, match=match):
        fit_purchases([(1, 1.0, 2.0)], **kwargs)  # type: ignore[arg-type]


def test_an_empty_population_cannot_be_fitted() -> None:
    """Fitting nothing is an error, not a made-up answer."""
    with pytest.raises(ModelError, match="empty population"):
        bgnbd_fit([])
