"""Small-cell suppression of a count table with its margins: primary suppression of every value from 1 to k-1,
secondary suppression so that no suppressed value can be worked out from the published ones, and the audit that
proves it.

What is published is the table together with all its margins (a "Total" category on every dimension that has
more than one category: the one-way, two-way, ... totals and the grand total). Margins are values like the others:
a margin from 1 to k-1 is suppressed too. The attacker knows every published value, that each line of the table
(the cells that differ in one dimension only, and the line's total) adds up, and that counts are not negative.

Secondary suppression, iterative: every line that holds exactly one suppressed value gets a second one, the
smallest non-zero published value of that line (an empty cell only when the line has no other), repeated along
every dimension until nothing changes (the pattern rule of tau-Argus' modular and hypercube methods). The pattern
rule alone is not sufficient in two or more dimensions (a suppressed cell can be a "bridge" that the other lines
pin down), so an audit follows: for each suppressed value, two linear programmes give the exact range of values
consistent with what the attacker knows; a value whose range is narrower than one person gets more complementary
suppression in its lines, and the audit runs again. A table whose suppressed values are too many to audit in
reasonable time gets the pattern rule only, and its note says so.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

AUDIT_LIMIT = 1_000_000  # suppressed values above which the linear-programming audit is not run
AUDIT_SECONDS = 20.0  # and the time it may take (a page or an API call waits for it)
REPAIR_ROUNDS = 12
GROUP_VALUES = 2_000  # a connected group of suppressed values up to this size is audited value by value
BLOCK_VALUES = 15_000  # values in each block of the first pass over a larger group
TOLERANCE = 1e-6
WITNESS_ROUNDS = 12  # rounds of random search for moves that clear values before any linear programme
AUDIT_NOT_DONE = "Audit: NOT DONE"  # how the note says so (the release page looks for it to warn as well)
_PREFER_NON_ZERO = np.int64(1) << 40  # ranks an empty cell after every non-zero one
_LAST_RESORT = np.int64(1) << 41  # an empty cell in an empty line: the margins pin it at 0, so it hides nothing
_NEVER = np.iinfo(np.int64).max


class ProtectionFailed(ValueError):
    """No suppression pattern was found that keeps every suppressed cell from being worked out."""


class _AuditTooLong(Exception):
    pass


@dataclass
class Protection:
    extended: np.ndarray  # the table with its margins (the last index of a dimension with a total is the total)
    totals: tuple[bool, ...]  # which dimensions have a total
    mask: np.ndarray  # True where the value is suppressed
    primary: np.ndarray  # True where the value is from 1 to k-1
    audited: bool  # every suppressed value was shown to range over at least one person by linear programming
    rounds: int  # rounds of extra suppression the audit asked for

    @property
    def suppressed(self) -> int:
        return int(self.mask.sum())

    @property
    def secondary(self) -> int:
        return int((self.mask & ~self.primary).sum())


def with_margins(counts: np.ndarray) -> tuple[np.ndarray, tuple[bool, ...]]:
    """The table with a total appended on every dimension of two or more categories (a dimension with one category
    would only repeat the cell as its total), and which dimensions got one."""
    extended = counts.astype(np.int64)
    totals = []
    for axis, size in enumerate(counts.shape):
        totals.append(size >= 2)
        if size >= 2:
            extended = np.concatenate([extended, extended.sum(axis=axis, keepdims=True)], axis=axis)
    return extended, tuple(totals)


def _axes(totals: tuple[bool, ...]) -> list[int]:
    return [axis for axis, has in enumerate(totals) if has]


def _rank(extended: np.ndarray, totals: tuple[bool, ...]) -> np.ndarray:
    """The order in which values are chosen as complements: the smallest non-zero first, then empty cells, then
    empty cells that lie in an empty line (which the line's published 0 total pins at 0, so they hide nothing)."""
    in_empty_line = np.zeros(extended.shape, dtype=bool)
    for axis in _axes(totals):
        in_empty_line |= np.take(extended, [-1], axis=axis) == 0
    rank = np.where(extended == 0, _PREFER_NON_ZERO, extended)
    return np.where((extended == 0) & in_empty_line, _LAST_RESORT, rank)


def complete_lines(extended: np.ndarray, totals: tuple[bool, ...], mask: np.ndarray) -> np.ndarray:
    """Add complementary suppressions until no line holds exactly one suppressed value."""
    mask = mask.copy()
    ranks = _rank(extended, totals)
    changed = True
    while changed:
        changed = False
        for axis in _axes(totals):
            size = extended.shape[axis]
            lines = np.moveaxis(mask, axis, -1).reshape(-1, size)
            alone = np.flatnonzero(lines.sum(axis=1) == 1)
            if alone.size == 0:
                continue
            rank = np.moveaxis(ranks, axis, -1).reshape(-1, size)[alone]
            rank = np.where(lines[alone], _NEVER, rank)
            lines[alone, rank.argmin(axis=1)] = True
            moved_shape = np.moveaxis(mask, axis, -1).shape
            mask = np.ascontiguousarray(np.moveaxis(lines.reshape(moved_shape), -1, axis))
            changed = True
    return mask


def _system(
    extended: np.ndarray, totals: tuple[bool, ...], mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Any, np.ndarray, np.ndarray]:
    """The suppressed values (flat indices), their true values, the additivity constraints between them
    (a sparse matrix A with A @ x = b for the true x), b, and the connected group of each value."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    cells = np.flatnonzero(mask.ravel())
    n = cells.size
    coords = np.unravel_index(cells, extended.shape)
    values = extended.ravel()[cells].astype(float)
    row_parts, col_parts, coefficients = [], [], []
    offset = 0
    for axis in _axes(totals):
        other = tuple(c for i, c in enumerate(coords) if i != axis)
        other_shape = tuple(s for i, s in enumerate(extended.shape) if i != axis)
        line = np.ravel_multi_index(other, other_shape) if other else np.zeros(n, dtype=np.int64)
        _, line_row = np.unique(line, return_inverse=True)
        row_parts.append(line_row + offset)
        col_parts.append(np.arange(n))
        coefficients.append(np.where(coords[axis] == extended.shape[axis] - 1, -1.0, 1.0))
        offset += int(line_row.max()) + 1 if n else 0
    row_index = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int64)
    col_index = np.concatenate(col_parts) if col_parts else np.zeros(0, dtype=np.int64)
    data = np.concatenate(coefficients) if coefficients else np.zeros(0)
    matrix = coo_matrix((data, (row_index, col_index)), shape=(offset, n)).tocsr()
    right = matrix @ values  # what the published values leave for the suppressed ones in each line
    graph = coo_matrix((np.ones(row_index.size), (row_index, col_index + offset)), shape=(offset + n, offset + n))
    _, component = connected_components(graph, directed=False)
    return cells, values, matrix, right, component[offset:]


def _groups(matrix: Any, right: np.ndarray, component: np.ndarray) -> Iterator[tuple[np.ndarray, Any, np.ndarray]]:
    for group in np.unique(component):
        members = np.flatnonzero(component == group)
        constraint_rows = np.unique(matrix[:, members].nonzero()[0])
        yield members, matrix[constraint_rows][:, members], right[constraint_rows]


def _solve(objective: np.ndarray, a_eq: Any, b_eq: np.ndarray) -> tuple[int, float, np.ndarray | None]:
    from scipy.optimize import linprog

    result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if result.status not in (0, 3):  # 3: unbounded
        raise ProtectionFailed("the audit's linear programme did not solve")
    return result.status, float(result.fun) if result.status == 0 else -np.inf, result.x


def _bound(a_eq: Any, b_eq: np.ndarray, position: int, size: int, sign: float) -> tuple[float, np.ndarray | None]:
    objective = np.zeros(size)
    objective[position] = sign
    if a_eq.shape[0] == 0:
        return (0.0, None) if sign > 0 else (np.inf, None)
    status, value, point = _solve(objective, a_eq, b_eq)
    if status == 3:  # unbounded: nothing caps this value
        return (np.inf, None)
    return float(sign * value), point


def _moved(point: np.ndarray, truth: np.ndarray) -> np.ndarray:
    return np.abs(point - truth) >= 1 - TOLERANCE


def feasible_ranges(
    extended: np.ndarray, totals: tuple[bool, ...], mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every suppressed value (flat indices into the extended table, in order), the exact smallest and largest
    value it can take given the published values, the additivity of every line and non-negativity: two linear
    programmes per value, one connected group of suppressed values at a time (groups share no line)."""
    cells, _, matrix, right, component = _system(extended, totals, mask)
    low = np.zeros(cells.size)
    high = np.full(cells.size, np.inf)
    for members, a_eq, b_eq in _groups(matrix, right, component):
        for position, variable in enumerate(members):
            low[variable] = _bound(a_eq, b_eq, position, members.size, 1.0)[0]
            high[variable] = _bound(a_eq, b_eq, position, members.size, -1.0)[0]
    return cells, low, high


def _exact(a_eq: Any, b_eq: np.ndarray, truth: np.ndarray, cleared: np.ndarray, deadline: float) -> np.ndarray:
    """The positions of a group whose range is narrower than one person, by two linear programmes per value not
    yet cleared, over the whole group; each solution also clears every value it moves by at least one (the
    feasible set is convex and holds the true table, so that value's range is at least that wide)."""
    pinned = []
    for position in range(truth.size):
        if cleared[position]:
            continue
        if time.monotonic() > deadline:
            raise _AuditTooLong
        for sign in (1.0, -1.0):
            bound, point = _bound(a_eq, b_eq, position, truth.size, sign)
            if point is not None:
                cleared |= _moved(point, truth)
            if abs(bound - truth[position]) >= 1 - TOLERANCE:
                cleared[position] = True
            if cleared[position]:
                break
        if not cleared[position]:
            pinned.append(position)
    return np.array(pinned, dtype=np.int64)


def _blocks(slices: np.ndarray, lines: np.ndarray, open_: np.ndarray, size: int) -> Iterator[np.ndarray]:
    """Blocks of about `size` values made of whole slices along one dimension, each slice joined by the slices that
    share the most lines with the values it still has to clear (the values one of them can trade with)."""
    count = int(slices.max()) + 1
    line_ids, line_index = np.unique(lines, return_inverse=True)
    from scipy.sparse import coo_matrix

    members = coo_matrix((np.ones(slices.size), (slices, line_index)), shape=(count, line_ids.size)).tocsr()
    waiting = coo_matrix((open_.astype(float), (slices, line_index)), shape=(count, line_ids.size)).tocsr()
    affinity = (waiting @ members.T).toarray()
    affinity = affinity + affinity.T
    np.fill_diagonal(affinity, 0)
    weight = np.bincount(slices, minlength=count)
    todo = np.bincount(slices, weights=open_.astype(float), minlength=count)
    free = weight > 0
    while (free & (todo > 0)).any():
        seed = int(np.argmax(np.where(free, todo, -1)))
        block, total, pull = [seed], int(weight[seed]), affinity[seed].copy()
        free[seed] = False
        while total < size and free.any():
            pull_free = np.where(free, pull, -1)
            best = int(np.argmax(pull_free))
            if pull_free[best] <= 0 or total + weight[best] > 2 * size:
                break
            block.append(best)
            total += int(weight[best])
            free[best] = False
            pull += affinity[best]
        yield np.flatnonzero(np.isin(slices, block))


def _restricted(
    a_eq: Any,
    truth: np.ndarray,
    coords: np.ndarray,
    lines: np.ndarray,
    cleared: np.ndarray,
    deadline: float,
    progress: Callable[[str], None] | None = None,
    passes: int = 2,
) -> None:
    """Clear values by linear programmes over blocks of the group, every value outside the block held at its true
    value: any solution is a table the attacker cannot rule out, so each value it moves by one person or more is
    cleared (sound, never exact: what stays uncleared goes to `_exact`). Each block minimises its uncleared
    non-zero values and maximises its uncleared zeros with random weights, which drives many to 0 at once; the
    blocks grow when a pass clears less than half of what was left."""
    rng = np.random.default_rng(20260302)  # the audit is reproducible
    a_csc = a_eq.tocsc()
    size = BLOCK_VALUES
    axis = int(np.argmax(coords.max(axis=1)))  # slice along the dimension with the most categories
    for _ in range(passes):
        if size >= truth.size or cleared.all():
            break
        before = int((~cleared).sum())
        for block in _blocks(coords[axis], lines[axis], ~cleared, size):
            if time.monotonic() > deadline:
                raise _AuditTooLong
            if cleared[block].all():
                continue
            sub = a_csc[:, block]
            rows = np.unique(sub.indices)
            sub = sub[rows]
            weight = rng.uniform(1.0, 2.0, block.size) * ~cleared[block]
            objective = np.where(truth[block] >= 1, weight, -weight)
            status, _, point = _solve(objective, sub, sub @ truth[block])
            if status == 0 and point is not None:
                cleared[block[_moved(point, truth[block])]] = True
        if progress is not None:
            progress(f"audit: block programmes of {size:,} values, {int((~cleared).sum()):,} values left")
        if int((~cleared).sum()) > before / 2:
            size *= 2


def _witnesses(
    extended: np.ndarray, mask: np.ndarray, cells: np.ndarray, cleared: np.ndarray, rounds: int | None = None
) -> None:
    """Clear values by moves, before any linear programme. A move adds +1 and -1 to suppressed values so that every
    line still adds up; the simplest in a table with margins on every dimension is a box: on each dimension the
    value's own index and a partner (two categories, signs + and -, or a category and the total, signs + and +),
    its 2^d corners signed by the product of their dimensions' signs. When every corner is suppressed and every
    corner it decreases holds at least one person, the true table plus the move is a table the attacker cannot
    rule out, so every corner ranges over at least one person. Each round draws, for every value not yet cleared,
    one partner per dimension among the suppressed values of its line along it (numpy, all values at once); a box
    found clears its 2^d corners. Sound (a witness is a proof), never complete: what is left goes to the linear
    programmes. `cells` are the flat indices of the suppressed values, in increasing order."""
    shape = extended.shape
    size = cells.size
    rounds = WITNESS_ROUNDS if rounds is None else rounds
    if size == 0 or any(extent < 2 for extent in shape):
        return  # a dimension without a total has no line along it; the linear programmes handle such tables
    flat_mask, flat_values = mask.ravel(), extended.ravel()
    coords = np.array(np.unravel_index(cells, shape))
    lines = _line_ids(coords, shape)
    per_axis = []
    for axis in range(len(shape)):
        order = np.lexsort((coords[axis], lines[axis]))
        sorted_lines = lines[axis][order]
        start = np.searchsorted(sorted_lines, lines[axis], side="left")
        count = np.searchsorted(sorted_lines, lines[axis], side="right") - start
        rank = np.empty(size, dtype=np.int64)
        rank[order] = np.arange(size) - start[order]
        per_axis.append((coords[axis][order], start, count, rank))
    strides = np.array([int(np.prod(shape[axis + 1 :])) for axis in range(len(shape))])[:, None]
    top = np.array(shape)[:, None] - 1
    corners = np.array(list(itertools.product((False, True), repeat=len(shape))))
    rng = np.random.default_rng(20260302)  # the audit is reproducible
    for _ in range(rounds):
        todo = np.flatnonzero(~cleared)
        if todo.size == 0:
            return
        possible = np.ones(todo.size, dtype=bool)
        partner = np.empty((len(shape), todo.size), dtype=np.int64)
        for axis, (positions, start, count, rank) in enumerate(per_axis):
            others = count[todo] - 1  # the other suppressed values of the line
            possible &= others >= 1
            pick = (rng.random(todo.size) * np.maximum(others, 1)).astype(np.int64)
            pick = np.where(pick >= rank[todo], pick + 1, pick)
            partner[axis] = positions[start[todo] + np.minimum(pick, count[todo] - 1)]
        todo, partner = todo[possible], partner[:, possible]
        own = coords[:, todo]
        axis_sign = np.where((own == top) | (partner == top), 1, -1)
        suppressed = np.ones(todo.size, dtype=bool)
        up = np.ones(todo.size, dtype=bool)  # the move with +1 on the value: every corner it decreases is >= 1
        down = np.ones(todo.size, dtype=bool)  # the opposite move
        flats = []
        for corner in corners:
            flat = (np.where(corner[:, None], partner, own) * strides).sum(axis=0)
            sign = np.prod(np.where(corner[:, None], axis_sign, 1), axis=0)
            value = flat_values[flat]
            suppressed &= flat_mask[flat]
            up &= (sign > 0) | (value >= 1)
            down &= (sign < 0) | (value >= 1)
            flats.append(flat)
        found = suppressed & (up | down)
        if found.any():
            cleared[np.searchsorted(cells, np.concatenate([flat[found] for flat in flats]))] = True


def _boxes(
    a_eq: Any,
    truth: np.ndarray,
    group_cells: np.ndarray,
    mask: np.ndarray,
    cleared: np.ndarray,
    deadline: float,
    progress: Callable[[str], None] | None,
) -> None:
    """Clear what the block programmes left, one value at a time: a linear programme over the suppressed values
    of the box its lines span (on every dimension, the categories whose value is suppressed on its line along it:
    every box move through it lies there), every value outside held at its true value (a restriction only shrinks
    what the attacker cannot rule out, so what it shows holds). It minimises or maximises the value, with small
    random weights that push the other uncleared values too; each value it moves by one person or more is
    cleared. Sound, never exact: what stays uncleared goes to `_exact`."""
    shape = mask.shape
    rng = np.random.default_rng(20260302)
    a_csc = a_eq.tocsc()
    coords = np.array(np.unravel_index(group_cells, shape))
    waiting = np.flatnonzero(~cleared)
    for done, position in enumerate(waiting):
        if cleared[position]:
            continue
        if time.monotonic() > deadline:
            raise _AuditTooLong
        if progress is not None and done % 200 == 0:
            progress(f"audit: single-value programmes {done:,} of {waiting.size:,}, {int((~cleared).sum()):,} left")
        axes = []
        for axis in range(len(shape)):
            index: list[Any] = list(coords[:, position])
            index[axis] = slice(None)
            axes.append(np.flatnonzero(mask[tuple(index)]))
        box = np.ix_(*axes)
        inside = np.nonzero(mask[box])
        flat = np.ravel_multi_index(tuple(axes[axis][inside[axis]] for axis in range(len(shape))), shape)
        block = np.searchsorted(group_cells, flat)
        block = block[(block < group_cells.size) & (group_cells[np.minimum(block, group_cells.size - 1)] == flat)]
        block = np.unique(block)
        sub = a_csc[:, block]
        rows = np.unique(sub.indices)
        sub = sub[rows]
        values = truth[block]
        weight = rng.uniform(0.001, 0.01, block.size) * ~cleared[block]
        here = int(np.searchsorted(block, position))
        for sign in (1.0, -1.0):
            objective = np.where(values >= 1, weight, -weight)
            objective[here] = sign
            status, _, point = _solve(objective, sub, sub @ values)
            if status == 0 and point is not None:
                cleared[block[_moved(point, values)]] = True
            if cleared[position]:
                break


def pinned_values(
    extended: np.ndarray,
    totals: tuple[bool, ...],
    mask: np.ndarray,
    *,
    deadline: float = math.inf,
    cleared: np.ndarray | None = None,
    decompose: bool = True,
    progress: Callable[[str], None] | None = None,
) -> np.ndarray:
    """The suppressed values (flat indices) whose feasible range is narrower than one person. First the moves
    (`_witnesses`, no linear programme), then one connected group of suppressed values at a time (groups share no
    line, so each is a problem of its own). A group of up to GROUP_VALUES values is decided value by value
    (`_exact`); a larger one first goes through `_restricted`, which clears most of its values with a few
    programmes over blocks of it, then `_boxes`, a small programme around each value still left, and only what
    remains goes to `_exact`. `cleared` (flat indices) are values already shown to range over a person under a
    smaller mask: suppressing more only widens every range, so they stay cleared. `decompose=False` is the
    monolithic audit: every suppressed value in one problem, value by value, no moves (what the tests compare the
    decomposed audit with). `progress` is told how far the audit is (the command prints it)."""
    cells, values, matrix, right, component = _system(extended, totals, mask)
    if not decompose:
        component = np.zeros(cells.size, dtype=np.int64)
    known = np.isin(cells, cleared) if cleared is not None else np.zeros(cells.size, dtype=bool)
    if decompose and totals and all(totals):
        _witnesses(extended, mask, cells, known)
        if progress is not None:
            progress(f"audit: {int(known.sum()):,} of {cells.size:,} values cleared by moves")
    coords = np.array(np.unravel_index(cells, extended.shape)) if cells.size else np.zeros((0, 0), dtype=np.int64)
    pinned = []
    for members, a_eq, b_eq in _groups(matrix, right, component):
        truth = values[members]
        done = known[members].copy()
        if done.all():
            continue
        if decompose and members.size > GROUP_VALUES:
            lines = _line_ids(coords[:, members], extended.shape)
            _restricted(a_eq, truth, coords[:, members], lines, done, deadline, progress)
            _boxes(a_eq, truth, cells[members], mask, done, deadline, progress)
            if progress is not None:
                progress(f"audit: {int((~done).sum()):,} values left for the programmes over the whole group")
        pinned.append(cells[members[_exact(a_eq, b_eq, truth, done, deadline)]])
    return np.concatenate(pinned) if pinned else np.zeros(0, dtype=np.int64)


def _line_ids(coords: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """For each dimension, the line along it that each value lies in (the flat index of its other coordinates)."""
    out = []
    for axis in range(len(shape)):
        other = tuple(c for i, c in enumerate(coords) if i != axis)
        other_shape = tuple(s for i, s in enumerate(shape) if i != axis)
        out.append(np.ravel_multi_index(other, other_shape) if other else np.zeros(coords.shape[1], dtype=np.int64))
    return np.array(out)


def _widen(extended: np.ndarray, totals: tuple[bool, ...], mask: np.ndarray, pinned: np.ndarray) -> np.ndarray:
    """One more complementary suppression in every line through each pinned value."""
    mask = mask.copy()
    ranks = _rank(extended, totals)
    for flat in pinned:
        coords = np.unravel_index(flat, extended.shape)
        for axis in _axes(totals):
            index: list[Any] = list(coords)
            index[axis] = slice(None)
            line_mask = mask[tuple(index)]
            rank = np.where(line_mask, _NEVER, ranks[tuple(index)])
            if (rank < _NEVER).any():
                line_mask[rank.argmin()] = True
                mask[tuple(index)] = line_mask
    return mask


def protect(
    counts: np.ndarray,
    k: int,
    *,
    audit_limit: int = AUDIT_LIMIT,
    audit_seconds: float = AUDIT_SECONDS,
    forced: np.ndarray | None = None,
    progress: Callable[[str], None] | None = None,
) -> Protection:
    """Primary and secondary suppression of a count table and its margins, audited when it is small enough.
    `forced` (the shape of the table with its margins) marks values to suppress whatever they are: the values this
    table shares with another one that suppressed them (linked tables, insights.small_cells)."""
    if k < 2:
        raise ValueError("k must be at least 2")
    extended, totals = with_margins(counts)
    primary = (extended >= 1) & (extended < k)
    if forced is not None:
        primary = primary | forced
    mask = complete_lines(extended, totals, primary)
    rounds = 0
    deadline = time.monotonic() + audit_seconds
    failed = "no suppression pattern keeps every suppressed value from being worked out: choose fewer dimensions"
    cleared = np.zeros(0, dtype=np.int64)
    while True:
        if int(mask.sum()) > audit_limit:
            return Protection(extended, totals, mask, primary, audited=False, rounds=rounds)
        try:
            pinned = pinned_values(extended, totals, mask, deadline=deadline, cleared=cleared, progress=progress)
        except _AuditTooLong:
            return Protection(extended, totals, mask, primary, audited=False, rounds=rounds)
        if pinned.size == 0:
            return Protection(extended, totals, mask, primary, audited=True, rounds=rounds)
        rounds += 1
        if rounds > REPAIR_ROUNDS:
            raise ProtectionFailed(failed)
        cleared = np.setdiff1d(np.flatnonzero(mask.ravel()), pinned)
        widened = complete_lines(extended, totals, _widen(extended, totals, mask, pinned))
        if np.array_equal(widened, mask):
            raise ProtectionFailed(failed)
        mask = widened
