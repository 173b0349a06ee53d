"""The matching solver: an exact capacitated assignment with a lexicographic objective.

`solve(scores, capacity)` is the contract in docs/architecture.md. It reduces the problem to a
rectangular linear assignment (each mentor's column repeated once per free place) and hands it
to `scipy.optimize.linear_sum_assignment`, an exact shortest-augmenting-path method (Crouse
2016). Two objectives become one by giving every allowed pair a large base weight `M`, larger
than any difference in total score, so one more match always outweighs any gain in score.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

# Scores are compared on a grid of 2**-bits of the largest |score|, so the solver works on exact
# integers. `bits` is the most the instance's size allows (see `_integer_weights`), capped at
# FINEST_BITS: two scores closer than about 1e-11 of the largest are floating-point noise (a
# score is a short sum of products), not a preference, and must never decide a match.
FINEST_BITS = 36
# linear_sum_assignment computes in float64: integers stay exact below 2**53. Keeping every
# total (and so every path length and dual potential the solver forms) below 2**50 leaves room.
_EXACT_LIMIT = 2**50


def solve(scores: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Assign requests to mentors: most requests matched first, then the highest total score.

    `scores` is a float array of shape (requests, mentors) where `-inf` or NaN marks a
    forbidden pair; `capacity` an int array of shape (mentors,) with each mentor's free places.
    Returns an int array of shape (requests,): the mentor index given to each request, or -1.

    The count is exact, and the total score is optimal on a grid as fine as the instance's size
    allows while every weight stays an exact integer in float64: scores are rounded to
    2**-bits of the largest |score|, so the total can fall short of the true optimum by at most
    one grid step per match. Small instances get bits = 36 (steps of about 1e-11 of the largest
    score; scores closer than that count as equal); the grid coarsens as the number of
    possible matches m grows (bits = about 50 - 2 log2 m): 10,000 requests x 2,000 mentors
    (about 4,000 places) still gets 26 bits, at most 1.5e-8 of the largest score per match.

    Ties are settled deterministically. Where the exact range has room left after the grid,
    the assignment with the smallest sum of assigned request indices wins (earlier requests
    first), then the one with the smallest sum of assigned mentor indices; that room exists
    only for small instances (about a dozen matches). Beyond that, ties are settled by the
    fixed order in which the solver works through the matrix (index order), so the same
    inputs always give the same output. Raises ValueError for malformed inputs.
    """
    scores = np.asarray(scores, dtype=np.float64)
    capacity = np.asarray(capacity)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D (requests, mentors), not shape {scores.shape}")
    n_requests, n_mentors = scores.shape
    if capacity.shape != (n_mentors,):
        raise ValueError(f"capacity must have shape ({n_mentors},), not {capacity.shape}")
    integral = np.issubdtype(capacity.dtype, np.integer)
    if capacity.size and not integral and not np.array_equal(capacity, np.round(capacity)):
        raise ValueError("capacity must hold whole numbers")
    capacity = capacity.astype(np.int64)
    if (capacity < 0).any():
        raise ValueError("capacity must not be negative")
    if np.isposinf(scores).any():
        raise ValueError("scores must not be +inf (use -inf or NaN to forbid a pair)")

    result = np.full(n_requests, -1, dtype=np.int64)
    allowed = np.isfinite(scores) & (capacity > 0)[None, :]
    # A mentor never needs more places than the requests it may take; extra columns only cost.
    places = np.minimum(capacity, allowed.sum(axis=0))
    rows = np.flatnonzero(allowed.any(axis=1))
    cols = np.flatnonzero(places > 0)
    if rows.size == 0 or cols.size == 0:
        return result

    sub_allowed = allowed[np.ix_(rows, cols)]
    weights = _integer_weights(
        scores[np.ix_(rows, cols)], sub_allowed, places[cols], rows, cols, scores.shape
    )
    # One column per free place; copies of a mentor's column are identical, so their order
    # cannot change which mentor a request gets. The cost matrix is built negated (minimising
    # cost = maximising weight) with the smaller side as rows, as scipy would arrange it itself,
    # so it is the only large copy in memory.
    slot_mentor = np.repeat(np.arange(cols.size), places[cols])
    if rows.size <= slot_mentor.size:
        cost = weights[:, slot_mentor]
        del weights
        row_ind, slot_ind = linear_sum_assignment(np.negative(cost, out=cost))
    else:
        cost = weights.T[slot_mentor, :]
        del weights
        slot_ind, row_ind = linear_sum_assignment(np.negative(cost, out=cost))
    chosen = slot_mentor[slot_ind]
    # Forbidden pairs carry weight 0: a request "assigned" to one is simply left unassigned.
    keep = sub_allowed[row_ind, chosen]
    result[rows[row_ind[keep]]] = cols[chosen[keep]]
    return result


def _integer_weights(
    scores: np.ndarray,
    allowed: np.ndarray,
    places: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    full_shape: tuple[int, int],
) -> np.ndarray:
    """Exact integer weights (as float64) whose maximum-weight assignment is the one we want.

    Each allowed pair gets ((M + q) * K1 + t1) * K2 + t2, forbidden pairs 0, where q is the
    rounded score shifted to start at 1, M outweighs any total of q, and t1 / t2 prefer earlier
    requests / mentors (by their index in the caller's arrays, `rows` / `cols`) with K1 / K2
    outweighing any total of them.
    """
    n_requests, n_mentors = full_shape
    n_rows, n_cols = scores.shape
    most = int(min(n_rows, int(places.sum())))  # no assignment has more pairs than this
    values = scores[allowed]
    scale = float(np.abs(values).max()) or 1.0
    span = float(values.max() - values.min()) / scale  # at most 2
    # The totals must stay below the limit: most * top, where top = (most + 1) * spread and
    # spread (the largest shifted q) is at most span * 2**bits + 2. Start from the finest
    # grid that bound allows, then confirm on the real rounded values (coarser only if the
    # bound was not met, which rounding can make happen once).
    room = _EXACT_LIMIT / (most * (most + 1))
    bits = FINEST_BITS if span == 0 else int(np.floor(np.log2(max(room - 2, 1) / span)))
    bits = max(0, min(FINEST_BITS, bits))
    while True:
        q = np.rint(values / scale * 2.0**bits).astype(np.int64)
        q = q - int(q.min()) + 1
        spread = int(q.max())
        big_m = most * spread
        top = big_m + spread
        if most * top < _EXACT_LIMIT or bits == 0:
            break
        bits -= 1
    k1 = most * (n_requests - 1) + 1
    use_rows = most * (top * k1 + k1) < _EXACT_LIMIT
    k2 = most * (n_mentors - 1) + 1
    use_cols = use_rows and most * ((top * k1 + k1) * k2 + k2) < _EXACT_LIMIT

    weights = np.zeros((n_rows, n_cols), dtype=np.float64)
    base = (big_m + q).astype(np.float64)
    if use_rows:
        row_pref = np.broadcast_to((n_requests - 1 - rows)[:, None], allowed.shape)
        base = base * k1 + row_pref[allowed]
        if use_cols:
            col_pref = np.broadcast_to((n_mentors - 1 - cols)[None, :], allowed.shape)
            base = base * k2 + col_pref[allowed]
    weights[allowed] = base
    return weights
