"""The solver keeps the contract of docs/architecture.md: capacity and forbidden pairs always respected, most
requests matched first, then the highest total score, deterministic ties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from mentorship.matching import solve
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_array

NEG = -np.inf


def objective(scores: np.ndarray, result: np.ndarray) -> tuple[int, float]:
    """(matched count, total score) of an assignment."""
    assigned = np.flatnonzero(result >= 0)
    return len(assigned), float(scores[assigned, result[assigned]].sum())


def assert_feasible(scores: np.ndarray, capacity: np.ndarray, result: np.ndarray) -> None:
    assert result.shape == (scores.shape[0],)
    assert result.dtype.kind == "i"
    for i, j in enumerate(result):
        if j >= 0:
            assert np.isfinite(scores[i, j]), f"request {i} got forbidden mentor {j}"
    counts = np.bincount(result[result >= 0], minlength=scores.shape[1])
    assert (counts <= capacity).all()


def brute_force(scores: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    """Best (count, total) over every assignment, by enumeration."""
    n_req, n_men = scores.shape
    options = [[-1, *[j for j in range(n_men) if np.isfinite(scores[i, j])]] for i in range(n_req)]
    best = (0, 0.0)
    for choice in itertools.product(*options):
        used = np.bincount([j for j in choice if j >= 0], minlength=n_men)
        if (used > capacity).any():
            continue
        count = sum(1 for j in choice if j >= 0)
        total = sum(scores[i, j] for i, j in enumerate(choice) if j >= 0)
        if count > best[0] or (count == best[0] and total > best[1]):
            best = (count, total)
    return best


def milp_optimum(scores: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    """Best (count, total) from an integer program solved in two lexicographic stages."""
    rows, cols = np.nonzero(np.isfinite(scores))
    n = rows.size
    if n == 0:
        return 0, 0.0
    n_req, n_men = scores.shape
    per_request = coo_array((np.ones(n), (rows, np.arange(n))), shape=(n_req, n)).tocsr()
    per_mentor = coo_array((np.ones(n), (cols, np.arange(n))), shape=(n_men, n)).tocsr()
    limits = [
        LinearConstraint(per_request, 0, 1),
        LinearConstraint(per_mentor, 0, capacity.astype(float)),
    ]
    # mip_rel_gap=0: HiGHS otherwise stops within 0.01% of the optimum, coarser than the solver.
    options = {"integrality": np.ones(n), "bounds": Bounds(0, 1), "options": {"mip_rel_gap": 0}}
    first = milp(-np.ones(n), constraints=limits, **options)
    count = round(-first.fun)
    fixed = LinearConstraint(np.ones((1, n)), count, count)
    second = milp(-scores[rows, cols], constraints=[*limits, fixed], **options)
    assert second.success
    return count, -second.fun


def tolerance(scores: np.ndarray, count: int) -> float:
    """How far from the true optimum the solver may land: one grid step per match.

    At these sizes (at most a few hundred matches) the grid is 2**-30 of the largest score or
    finer (`solve`'s docstring).
    """
    finite = scores[np.isfinite(scores)]
    return count * (np.abs(finite).max() if finite.size else 0) * 2.0**-30 + 1e-9


def expanded_optimum(scores: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    """Best (count, total) from linear_sum_assignment on the capacity-expanded matrix, in floats.

    One column per place; a forbidden pair costs more than any total score can gain, so the
    assignment fills as many places as possible first, then maximises the score.
    """
    slots = np.repeat(np.arange(scores.shape[1]), capacity)
    finite = scores[np.isfinite(scores)]
    forbidden = 1.0 + 2 * slots.size * float(np.abs(finite).max())
    cost = np.where(np.isfinite(scores[:, slots]), -scores[:, slots], forbidden)
    requests, places = linear_sum_assignment(cost)
    mentors = slots[places]
    kept = np.isfinite(scores[requests, mentors])
    return int(kept.sum()), float(scores[requests[kept], mentors[kept]].sum())


def random_instance(rng: np.random.Generator, n_req: int, n_men: int, max_cap: int, p: float):
    scores = rng.uniform(-2, 10, size=(n_req, n_men)).round(2)
    scores[rng.random((n_req, n_men)) < p] = rng.choice([NEG, np.nan])
    capacity = rng.integers(0, max_cap + 1, size=n_men)
    return scores, capacity


def test_optimal_against_brute_force_on_small_random_instances():
    rng = np.random.default_rng(20261128)
    for _ in range(300):
        n_req, n_men = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        scores, capacity = random_instance(rng, n_req, n_men, 2, float(rng.uniform(0, 0.7)))
        result = solve(scores, capacity)
        assert_feasible(scores, capacity, result)
        count, total = objective(scores, result)
        best_count, best_total = brute_force(scores, capacity)
        assert count == best_count
        assert abs(total - best_total) <= tolerance(scores, count)


def test_optimal_against_integer_program_on_larger_instances():
    rng = np.random.default_rng(7)
    for n_req, n_men, max_cap, p in [
        (40, 12, 3, 0.5),
        (60, 25, 2, 0.8),
        (30, 40, 1, 0.3),
        (80, 10, 3, 0.6),
        (300, 80, 3, 0.75),
    ]:
        scores, capacity = random_instance(rng, n_req, n_men, max_cap, p)
        result = solve(scores, capacity)
        assert_feasible(scores, capacity, result)
        count, total = objective(scores, result)
        best_count, best_total = milp_optimum(scores, capacity)
        assert count == best_count
        assert abs(total - best_total) <= tolerance(scores, count)


def test_total_score_equals_scipys_on_the_expanded_matrix():
    # The distribution (scores uniform in [0, 10), 70% of pairs forbidden, capacities
    # 1-3) at a size where rounding scores to 2**-10 of the largest lost about 6e-6 of the
    # total; the contract now allows less than 1e-6.
    for seed in range(4):
        rng = np.random.default_rng(seed)
        scores = rng.uniform(0, 10, size=(400, 100))
        scores[rng.random(scores.shape) < 0.7] = NEG
        capacity = rng.integers(1, 4, size=100)
        result = solve(scores, capacity)
        assert_feasible(scores, capacity, result)
        count, total = objective(scores, result)
        best_count, best_total = expanded_optimum(scores, capacity)
        assert count == best_count
        assert best_total - total < 1e-6 * best_total


def test_more_matches_beat_a_higher_score():
    # Request 0 loves mentor 0; request 1 can only have mentor 0. Two matches win over one.
    scores = np.array([[10.0, 1.0], [1.0, NEG]])
    assert solve(scores, np.array([1, 1])).tolist() == [1, 0]


def test_tie_goes_to_the_earlier_request():
    scores = np.array([[5.0], [5.0], [5.0]])
    assert solve(scores, np.array([1])).tolist() == [0, -1, -1]
    assert solve(scores, np.array([2])).tolist() == [0, 0, -1]


def test_tie_between_mentors_goes_to_the_lower_index():
    scores = np.array([[3.0, 3.0, 3.0]])
    assert solve(scores, np.array([1, 1, 1])).tolist() == [0]
    assert solve(scores, np.array([0, 1, 1])).tolist() == [1]


def test_scores_differing_by_rounding_noise_count_as_tied():
    scores = np.array([[4.0], [4.0 + 1e-12]])
    assert solve(scores, np.array([1])).tolist() == [0, -1]


def test_same_inputs_give_the_same_output():
    rng = np.random.default_rng(3)
    scores, capacity = random_instance(rng, 300, 60, 3, 0.6)
    scores = np.round(scores)  # many exact ties
    first = solve(scores, capacity)
    for _ in range(3):
        assert np.array_equal(solve(scores.copy(), capacity.copy()), first)


def test_all_forbidden_rows_stay_unassigned():
    scores = np.array([[NEG, NEG], [1.0, 2.0], [np.nan, np.nan]])
    assert solve(scores, np.array([2, 2])).tolist() == [-1, 1, -1]


def test_nan_is_forbidden():
    scores = np.array([[np.nan, 1.0], [np.nan, np.nan]])
    assert solve(scores, np.array([5, 5])).tolist() == [1, -1]


def test_zero_capacity_takes_nobody():
    scores = np.array([[9.0, 1.0], [9.0, 1.0]])
    assert solve(scores, np.array([0, 1])).tolist() == [1, -1]
    assert solve(scores, np.array([0, 0])).tolist() == [-1, -1]


def test_more_capacity_than_requests_matches_everyone_to_their_best():
    scores = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    assert solve(scores, np.array([10, 10, 10])).tolist() == [2, 0]


def test_more_requests_than_capacity_fills_every_place_with_the_best():
    scores = np.array([[1.0], [4.0], [2.0], [3.0]])
    assert solve(scores, np.array([2])).tolist() == [-1, 0, -1, 0]


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
def test_empty_inputs(shape):
    result = solve(np.zeros(shape), np.ones(shape[1], dtype=int))
    assert result.shape == (shape[0],)
    assert (result == -1).all()


def test_malformed_inputs_are_refused():
    with pytest.raises(ValueError, match="shape"):
        solve(np.zeros((2, 3)), np.ones(2, dtype=int))
    with pytest.raises(ValueError, match="negative"):
        solve(np.zeros((2, 2)), np.array([1, -1]))
    with pytest.raises(ValueError, match=r"\+inf"):
        solve(np.array([[np.inf]]), np.array([1]))
    with pytest.raises(ValueError, match="2-D"):
        solve(np.zeros(3), np.ones(3, dtype=int))
