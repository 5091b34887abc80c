"""Purchase-model fits: the CDNOW anchors, both backends, collapsing and the penalty."""

from __future__ import annotations

import os

import pytest

from memberkit.lifecycle import (
    ModelError,
    bgnbd_fit,
    bgnbd_log_likelihood,
    fit_purchases,
    mbgnbd_log_likelihood,
    pareto_nbd_log_likelihood,
)
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


HARD = (
    [(0, 0.0, 52.0)] * 300
    + [(1, 3.0, 52.0)] * 20
    + [(2, 40.0, 52.0)] * 5
    + [(3000, 51.5, 52.0), (800, 20.0, 52.0)]
)
"""Hard data: mostly one-time buyers, a few repeaters and two members with hundreds and
thousands of purchases (one gone quiet)."""
LIKELIHOODS = {
    "bgnbd": bgnbd_log_likelihood,
    "mbgnbd": mbgnbd_log_likelihood,
    "pareto_nbd": pareto_nbd_log_likelihood,
}
BACKENDS = ["python", pytest.param("numpy", marks=needs_numpy)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("model", sorted(LIKELIHOODS))
def test_a_penalised_fit_on_hard_data_converges_and_reports_its_likelihood(
    model: str, backend: str
) -> None:
    """On hard data every model and backend converges with penalty 0.05 to finite parameters,
    and the log-likelihood it reports is the mpmath-checked pure-Python one at its answer (so the
    array likelihood agrees with it too, heavy buyers included)."""
    fit = fit_purchases(HARD, model=model, backend=backend, penalty=0.05)  # type: ignore[arg-type]
    assert fit.converged
    assert fit.penalty == 0.05
    assert all(1e-4 < v < 1e4 for v in fit.parameters.values()), fit.parameters
    direct = LIKELIHOODS[model](HARD, **fit.parameters)
    assert fit.log_likelihood == pytest.approx(direct, rel=1e-9)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("model", sorted(LIKELIHOODS))
def test_each_member_counts_once_through_the_weights(model: str, backend: str) -> None:
    """The population twice over collapses to the same rows with doubled weights: the same
    answer, with twice the log-likelihood."""
    sample = [s.triple for s in summaries()[::20]]
    once = fit_purchases(sample, model=model, backend=backend)  # type: ignore[arg-type]
    twice = fit_purchases(sample * 2, model=model, backend=backend)  # type: ignore[arg-type]
    assert twice.members == 2 * once.members
    assert twice.log_likelihood == pytest.approx(2 * once.log_likelihood, rel=1e-6)
    for key, value in once.parameters.items():
        assert twice.parameters[key] == pytest.approx(value, rel=1e-3), key


def test_a_model_fitted_on_summaries_keeps_their_unit() -> None:
    """PurchaseModel.fit takes MemberSummary rows and carries their unit into the model, with
    the same parameters as fit_purchases on their triples."""
    from memberkit.lifecycle import PurchaseModel

    model, fit = PurchaseModel.fit(summaries(), model="bgnbd", backend="python")
    assert model.unit == "weeks"
    assert model.named == fit.parameters == bgnbd_fit(triples(), backend="python").parameters


def test_summaries_in_two_units_are_not_fitted_together() -> None:
    """A population mixing days and weeks is refused rather than fitted as one."""
    from dataclasses import replace

    from memberkit.lifecycle import PurchaseModel

    mixed = [summaries()[0], replace(summaries()[1], unit="days")]
    with pytest.raises(ModelError, match="more than one unit"):
        PurchaseModel.fit(mixed)
