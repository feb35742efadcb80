"""Engines of the Method of Equal Shares (MES) behind ``counting.method_of_equal_shares``.

Private to ``counting``: plain integers in, plain integers and fractions out. Projects are
numbered ``0..m-1`` in tie-break order (a lower number wins a tie). Money is in *units*:
the caller scales won so that every voter's starting budget ``b`` and every cost is an
integer (see ``counting``). Every decision is exact; floating point is used only to
order and pre-select, and any comparison a float cannot settle with a proven margin is
redone in integers.

Two engines compute the same thing (the rule of ``pabutools.rules.method_of_equal_shares``
with its lazy "affordability" loop, minus its data structures):

* :func:`mes_reference` — any additive satisfaction (cost, cardinality, points of a
  cumulative ballot), voters grouped by identical ballot, exact fractions throughout.
  Simple; used for cardinal ballots, small votes, and as the oracle in tests.
* :class:`ApprovalMES` — approval ballots with a satisfaction that is the same for every
  supporter of a project (cost or cardinality), built for 10⁵–10⁶ voters and for the
  completion by budget increase, which reruns the rule with a growing budget:

  - a voter's budget after some projects are bought depends only on which of them they
    approve (their *class*: a bit mask of bought projects), so a project's supporters
    are counted per class, not per voter or per ballot;
  - a project's classes at a given set of bought projects are found with numpy (from
    the ballots as a matrix of project numbers, refined from the project's previous
    grouping when few projects were bought since) and cached across runs; a class is a
    row of arrays (voters, one ballot), its bit mask made only when an exact check needs
    it, and float money, sorting and water-filling run over whole arrays;
  - each run leaves a *trace* (one node per round with the evaluations it made). A
    later run with a larger budget that buys the same projects in the same order meets
    the same classes, and with more money every voter is at least as rich and every
    price at most as high, so a supporter who could pay the full price before still
    can: only the supporters who were short ("poor") need looking at again;
  - a pairwise bound (money left ≤ what supporters have after paying full price for
    every bought project they share with the candidate) discards most unaffordable
    projects without looking at their supporters at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd

import numpy as np

# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RoundResult:
    """One project bought by MES: ``rho`` is the price per unit of satisfaction, so a
    supporter with satisfaction ``s`` pays ``min(their money, rho * s)``; ``rich_price``
    is what a supporter with the project's usual satisfaction pays in full (approval)."""

    project: int
    rho: Fraction
    supporters: int  # weighted number of supporters
    paid_in_full: int  # supporters who paid ``rho * s`` (the others paid all they had)


# ----------------------------------------------------------------------- reference


def mes_reference(
    costs: Sequence[int],
    groups: Sequence[tuple[dict[int, int], int]],
    b: int | Fraction,
    candidates: Sequence[int],
) -> tuple[list[RoundResult], list[Fraction]]:
    """Exact MES over ballot groups ``(project -> satisfaction, weight)``.

    ``candidates``: projects with a positive cost and at least one supporter (the caller
    deals with free projects, as pabutools does). Returns the rounds and every group's
    money left at the end.
    """
    budget: list[Fraction] = [Fraction(b)] * len(groups)
    supporters: dict[int, list[int]] = {k: [] for k in candidates}
    total_sat: dict[int, int] = dict.fromkeys(candidates, 0)
    for gi, (ballot, weight) in enumerate(groups):
        for k, s in ballot.items():
            if k in supporters and s > 0:
                supporters[k].append(gi)
                total_sat[k] += weight * s
    alive = {k for k in candidates if total_sat[k] > 0}
    lb: dict[int, Fraction] = {k: Fraction(costs[k], total_sat[k]) for k in alive}
    rounds: list[RoundResult] = []
    while True:
        best: Fraction | None = None
        tied: list[int] = []
        for k in sorted(alive, key=lambda p: (lb[p], p)):
            sup = supporters[k]
            avail = sum(budget[g] * groups[g][1] for g in sup)
            if avail < costs[k]:
                alive.discard(k)
                continue
            if best is not None and lb[k] > best:
                break
            order = sorted(sup, key=lambda g: budget[g] / groups[g][0][k])
            paid = Fraction(0)
            denominator = total_sat[k]
            rho = Fraction(0)
            for g in order:
                s = groups[g][0][k]
                rho = (costs[k] - paid) / denominator
                if rho * s <= budget[g]:
                    break
                paid += budget[g] * groups[g][1]
                denominator -= groups[g][1] * s
            lb[k] = rho
            if best is None or rho < best:
                best, tied = rho, [k]
            elif rho == best:
                tied.append(k)
        if best is None:
            return rounds, budget
        k = min(tied)
        alive.discard(k)
        full = 0
        count = 0
        for g in supporters[k]:
            s = groups[g][0][k]
            weight = groups[g][1]
            count += weight
            due = best * s
            if due <= budget[g]:
                full += weight
                budget[g] -= due
            else:
                budget[g] = Fraction(0)
        rounds.append(RoundResult(k, best, count, full))


# ------------------------------------------------------------------------ fast engine

_U = 2.0**-52  # unit round-off (generous)
_CODE_BITS = 62  # classes keyed by an int64 with a bit per bought project, up to this many


_NOFLOATS = np.zeros(0)
_NOINTS = np.zeros(0, dtype=np.intp)


class _Rec:
    """What the evaluation of one project at one node of the trace found.

    ``b_ref``/``pf_ref``: the budget and the prices of the bought projects when the
    classes' money ``xs`` was last computed (the *reference*); ``b``: the budget of the
    latest evaluation, which the other fields describe. Money only grows with the budget,
    by at most a bound computed from the reference, so classes far from a threshold need
    no look.

    Classes are numbers in ``cl``, the project's classes at the node. Unaffordable:
    ``avail`` is the supporters' money at the reference. Affordable: the poor classes
    (money below the price, broke ones included) sorted by money at the reference, and
    for the poor classes with money how many of their voters approve each bought project
    (``nvec``; its entries for projects not bought mean nothing), so that their money
    adds up exactly in O(number of bought projects).
    """

    __slots__ = (
        "avail",
        "b",
        "b_ref",
        "bro",
        "broke",
        "cl",
        "npoor",
        "npp",
        "nvec",
        "pf_ref",
        "poor",
        "unaffordable",
        "xs",
    )

    def __init__(self, b: int, pf: list[float], cl: _Classes) -> None:
        self.cl = cl
        self.b = b
        self.b_ref = b
        self.pf_ref = pf
        self.unaffordable = False
        self.avail = 0.0
        self.xs = _NOFLOATS  # ascending
        self.poor = _NOINTS  # the same order
        self.broke: np.ndarray | None = None  # per class of ``cl``: broke (if any is)
        self.nvec: list[int] = []
        self.bro = _NOINTS  # unaffordable: the classes broke (or nearly) at the reference
        self.npp = 0  # voters in poor classes with money
        self.npoor = 0  # voters in poor classes, broke included


class _Classes:
    """A project's supporters at a bought set ``W``, grouped by class: class ``i`` has
    ``cs[i]`` voters, one of whose ballots is ``rep[i]`` (an index of the engine's
    ballots) with projects ``rows[i]`` (ascending, padded with ``m``). Its class (bit
    mask) is that ballot's mask and ``W``, made only when needed."""

    __slots__ = ("W", "_csl", "cs", "csf", "masks", "n", "rep", "rows")

    def __init__(
        self, W: int, rep: np.ndarray, cs: np.ndarray, rows: np.ndarray, masks: list[int]
    ) -> None:
        self.W = W
        self.rep = rep
        self.cs = cs
        self._csl: list[int] | None = None
        self.csf = cs.astype(np.float64)
        self.rows = rows
        self.n = len(rep)
        self.masks = masks

    @property
    def csl(self) -> list[int]:
        """``cs`` as a list (made when first needed: most groupings are evaluated in
        bulk only)."""
        if self._csl is None:
            self._csl = self.cs.tolist()
        return self._csl

    def T(self, i: int) -> int:
        return self.masks[int(self.rep[i])] & self.W


class _Node:
    __slots__ = ("W", "recs", "winner")

    def __init__(self, W: int) -> None:
        self.W = W  # mask of the projects bought before this round
        self.winner = -1  # -1: nothing affordable, the run ended here
        self.recs: dict[int, _Rec] = {}


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class ApprovalMES:
    """MES on approval ballots with per-project satisfaction ``sat[k]`` (cost or 1).

    ``masks``/``weights``: distinct non-empty ballots as bit masks and how many voters
    cast each; ``voters``: everybody, empty ballots included (they get a share too).
    """

    def __init__(
        self,
        costs: Sequence[int],
        sat: Sequence[int],
        masks: Sequence[int],
        weights: Sequence[int],
        voters: int,
    ) -> None:
        m = len(costs)
        self.m = m
        self.costs = list(costs)
        self.sat = list(sat)
        self.voters = voters
        self.masks = list(masks)
        nb = len(self.masks)
        width = (m + 7) // 8
        packed = np.frombuffer(b"".join(x.to_bytes(width, "little") for x in self.masks), np.uint8)
        by_byte = np.ascontiguousarray(packed.reshape(nb, width).T)
        # project -> the ballots approving it
        self.approvers = np.unpackbits(by_byte, axis=0, bitorder="little")[:m].view(bool)
        self.weights = np.asarray(weights, dtype=np.int64).reshape(nb)
        # the ballots approving each project, project by project
        projects, self._sup_ballots = np.nonzero(self.approvers)
        per_project = np.bincount(projects, minlength=m)
        self._sup_starts = np.zeros(m + 1, dtype=np.intp)
        np.cumsum(per_project, out=self._sup_starts[1:])
        nsup = np.bincount(projects, weights=self.weights[self._sup_ballots], minlength=m)
        self.nsup = [int(x) for x in nsup.tolist()]
        lens = np.bincount(self._sup_ballots, minlength=nb)
        maxlen = int(lens.max()) if nb else 0
        self.maxlen = maxlen
        self.ones = np.ones(max(maxlen, 1))  # adds up a row of the ballot matrix
        # the ballots as a matrix of project numbers, ascending, padded with ``m``
        ballots = np.full((nb, max(maxlen, 1)), m, dtype=np.intp)
        filled = np.zeros(nb, dtype=np.intp)
        for k in range(m):
            sup = self._sup_ballots[self._sup_starts[k] : self._sup_starts[k + 1]]
            ballots[sup, filled[sup]] = k
            filled[sup] += 1
        self.ballots = ballots
        self.candidates = [k for k in range(m) if self.nsup[k] > 0 and costs[k] > 0]
        self._arrays: dict[tuple[int, int], _Classes] = {}
        self._codes: dict[int, np.ndarray | None] = {}
        # per project: its supporters' ballots' weights and projects (by column), and the
        # class of each at the latest bought set it was grouped at
        self._sup_w: dict[int, np.ndarray] = {}
        self._sup_rows: dict[int, np.ndarray] = {}
        self._labels: dict[int, tuple[int, np.ndarray, int]] = {}
        self._prow: dict[int, list[int]] = {}
        self._prowa: dict[int, np.ndarray] = {}
        self.bitsof: dict[int, tuple[int, ...]] = {}
        self.trace: list[_Node] = []
        self.scale = 0  # costs are multiplied by this in the runs of the trace

    # -------------------------------------------------------------- supporter classes

    def _code(self, W: int) -> np.ndarray | None:
        """A bit of its own for each project of ``W`` (None if they are too many)."""
        if W not in self._codes:
            ks = _bits(W)
            code = None
            if len(ks) <= _CODE_BITS:
                code = np.zeros(self.m + 1, dtype=np.int64)
                code[ks] = np.left_shift(1, np.arange(len(ks), dtype=np.int64))
            self._codes[W] = code
        return self._codes[W]

    def arrays(self, k: int, W: int) -> _Classes:
        """The supporters of ``k`` grouped by class (the projects of ``W`` they approve)."""
        key = (k, W)
        a = self._arrays.get(key)
        if a is not None:
            return a
        sup = self._sup_ballots[self._sup_starts[k] : self._sup_starts[k + 1]]
        w = self._sup_w.get(k)
        if w is None:
            w = self._sup_w[k] = self.weights[sup]
        last = self._labels.get(k)
        new = _bits(W & ~last[0]) if last is not None and last[0] & ~W == 0 else None
        if new is not None and last is not None and len(new) <= 4:
            # refine the classes at a smaller bought set by the projects bought since
            lab = last[1] << len(new)
            for i, j in enumerate(new):
                lab |= self.approvers[j].take(sup).astype(np.int64) << i
            bins = last[2] << len(new)
            counts = np.bincount(lab, weights=w, minlength=bins)
            present = np.flatnonzero(counts)
            cs = counts.take(present)
            renumber = np.zeros(bins, dtype=np.int64)
            renumber[present] = np.arange(present.size)
            some = np.zeros(bins, dtype=np.intp)
            some[lab] = sup  # a ballot of each class: any will do
            rep = some.take(present)
            lab = renumber.take(lab)
        elif (code := self._code(W)) is not None:
            rows = self._sup_rows.get(k)
            if rows is None:
                rows = self._sup_rows[k] = self.ballots[sup].T.copy()
            cls = code.take(rows[0])
            for col in range(1, rows.shape[0]):
                cls = cls | code.take(rows[col])
            order = cls.argsort(kind="stable")
            sc = cls.take(order)
            starts = np.concatenate(([True], sc[1:] != sc[:-1]))
            first = np.flatnonzero(starts)
            cs = np.add.reduceat(w.take(order), first)
            rep = sup.take(order.take(first))
            lab = np.empty(sup.size, dtype=np.int64)
            lab[order] = np.cumsum(starts) - 1
        else:
            masks = self.masks
            found: dict[int, int] = {}
            counts_d: dict[int, int] = {}
            labl = []
            for g, wg in zip(sup.tolist(), w.tolist(), strict=True):
                T = masks[g] & W
                if T in counts_d:
                    counts_d[T] += wg
                else:
                    counts_d[T] = wg
                    found[T] = g
                labl.append(T)
            ids = {T: i for i, T in enumerate(found)}
            lab = np.fromiter((ids[T] for T in labl), dtype=np.int64, count=len(labl))
            rep = np.fromiter(found.values(), dtype=np.intp, count=len(found))
            cs = np.fromiter(counts_d.values(), dtype=np.int64, count=len(counts_d))
        self._labels[k] = (W, lab, rep.size)
        a = _Classes(W, rep, cs.astype(np.int64), self.ballots[rep], self.masks)
        self._arrays[key] = a
        return a

    def prow_array(self, k: int) -> np.ndarray:
        """:meth:`prow` as floats."""
        row = self._prowa.get(k)
        if row is None:
            row = self._prowa[k] = np.array(self.prow(k), dtype=np.float64)
        return row

    def prow(self, k: int) -> list[int]:
        """``prow(k)[j]``: voters approving both ``k`` and ``j`` (``j != k``)."""
        row = self._prow.get(k)
        if row is None:
            sup = self._sup_ballots[self._sup_starts[k] : self._sup_starts[k + 1]]
            rows = self.ballots[sup]
            w = np.repeat(self.weights[sup].astype(np.float64), rows.shape[1])
            counts = np.bincount(rows.ravel(), weights=w, minlength=self.m + 1)
            row = counts[: self.m].astype(np.int64).tolist()
            self._prow[k] = row
        return row

    # ------------------------------------------------------------------------- a run

    def run(
        self,
        b: int,
        scale: int,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[RoundResult]:
        """One run of MES where each voter starts with ``b`` units and a project costs
        ``cost * scale`` units. The trace of earlier runs is reused when they had the same
        ``scale`` and a budget ``<= b``; otherwise it is dropped."""
        if scale != self.scale or (self.trace and self.trace[0].recs and self._trace_b > b):
            self.trace = []
            self.scale = scale
        self._trace_b = b
        return _Run(self, b, scale, progress).go()

    _trace_b = 0

    def left(self, b: int, scale: int, rounds: Sequence[RoundResult]) -> dict[int, Fraction]:
        """Money (units) left to the supporters of each candidate not bought, after a run
        with ``b`` units per voter that bought ``rounds``."""
        D = 1
        prices: dict[int, Fraction] = {}
        for r in rounds:
            p = r.rho * self.sat[r.project]
            prices[r.project] = p
            D = D * p.denominator // gcd(D, p.denominator)
        PD = {k: p.numerator * (D // p.denominator) for k, p in prices.items()}
        W = 0
        for k in prices:
            W |= 1 << k
        bD = b * D
        # floats sort the classes into surely broke, surely not and too close to tell
        # (as in a run); the money of those not broke adds up from voters per project
        Pa = np.zeros(self.m + 1)
        for j, p in prices.items():
            Pa[j] = float(p)
        top = float(max(b, max(self.costs, default=0) * scale))
        L = self.maxlen + 2
        tol = 8.0 * L * L * _U * top + 1e-300
        out: dict[int, Fraction] = {}
        for k in self.candidates:
            if k in prices:
                continue
            cl = self.arrays(k, W)
            x = b - Pa[cl.rows].sum(axis=1)
            rich = x > tol
            unsure = np.flatnonzero((x >= -tol) & ~rich).tolist()
            total = 0
            for o in unsure:
                xo = bD - sum(PD[j] for j in _bits(cl.T(o)))
                if xo > 0:
                    total += xo * cl.csl[o]
            rows = cl.rows[rich]
            w = np.repeat(cl.csf[rich], rows.shape[1])
            nvec = np.bincount(rows.ravel(), weights=w, minlength=self.m + 1)
            nvec = nvec.astype(np.int64).tolist()
            total += bD * int(cl.cs[rich].sum()) - sum(PD[j] * nvec[j] for j in PD)
            out[k] = Fraction(total, D)
        return out


class _Run:
    def __init__(
        self,
        eng: ApprovalMES,
        b: int,
        scale: int,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.e = eng
        self.b = b
        self.bf = float(b)
        self.C = [c * scale for c in eng.costs]
        self.progress = progress
        top = max(b, max(self.C, default=0))
        self.top = float(top)
        # a float money is within ``tol`` of the true one: a sum of at most ``maxlen``
        # correctly rounded prices, each at most ``top``, taken from a budget <= ``top``
        L = eng.maxlen + 2
        self.tol = 8.0 * L * L * _U * float(top) + 1e-300
        self.D = 1  # common denominator of the prices so far
        self.PD: dict[int, int] = {}  # bought project -> price * D
        self.Pf = [0.0] * eng.m  # bought project -> price (float); this run's own list
        self.Pa = np.zeros(eng.m + 1)  # the same as an array (``m``: no project)
        self.poorwa = np.zeros(eng.m)  # ``poorw`` as an array
        self.poorw: dict[int, int] = {}  # bought project -> voters who paid all they had
        self.Smemo: dict[int, float] = {0: 0.0}
        self.W = 0
        self.order: list[int] = []
        self._delta: dict[tuple[int, int], float] = {}

    # ------------------------------------------------------------------- arithmetic

    def S(self, T: int) -> float:
        s = self.Smemo.get(T)
        if s is None:
            bits = self.e.bitsof.get(T)
            if bits is None:
                bits = tuple(_bits(T))
                self.e.bitsof[T] = bits
            Pf = self.Pf
            s = 0.0
            for j in bits:
                s += Pf[j]
            self.Smemo[T] = s
        return s

    def money_D(self, T: int) -> int:
        """Exact money left to a voter of class ``T``, times ``D``."""
        PD = self.PD
        x = self.b * self.D - sum(PD[j] for j in _bits(T))
        return x if x > 0 else 0

    def delta(self, rec: _Rec) -> float:
        """A bound on how much any class's money grew since ``rec``'s reference."""
        key = (id(rec.pf_ref), len(self.order))
        d = self._delta.get(key)
        if d is None:
            ref = rec.pf_ref
            Pf = self.Pf
            diffs = sorted((ref[j] - Pf[j] for j in self.order), reverse=True)
            d = 0.0
            for x in diffs[: max(self.e.maxlen - 1, 0)]:
                if x <= 0:
                    break
                d += x
            self._delta[key] = d
        return d + (self.b - rec.b_ref) + 4 * self.tol

    # ------------------------------------------------------------------ evaluations

    def price_from(self, k: int, rec: _Rec) -> tuple[int, int]:
        """Exact price (numerator, denominator) given the poor classes in ``rec``."""
        D = self.D
        spent = 0
        PD = self.PD
        nvec = rec.nvec
        for j in self.order:
            c = nvec[j]
            if c:
                spent += PD[j] * c
        num = self.C[k] * D - (rec.npp * self.b * D - spent)
        den = (self.e.nsup[k] - rec.npoor) * D
        g = gcd(num, den)
        return num // g, den // g

    def exact_eval(
        self, k: int, cl: _Classes, cls: Iterable[int], only_poor: bool = False
    ) -> tuple[list[float], list[int], list[int]] | None:
        """Evaluate ``k`` in integers (the slow, sure way) over the classes ``cls`` of
        ``cl``: all of them, or with ``only_poor`` the poor ones of a record (everybody
        else being rich). Returns the poor classes (float money ascending, and which) and
        the broke ones, or None if ``k`` is unaffordable."""
        D = self.D
        csl = cl.csl
        money = sorted((self.money_D(cl.T(o)), o) for o in cls)
        cost = self.C[k] * D
        if not only_poor and sum(x * csl[o] for x, o in money) < cost:
            return None
        rem = cost
        cr = self.e.nsup[k]
        i = 0
        for x, o in money:
            if rem <= x * cr:
                break
            rem -= x * csl[o]
            cr -= csl[o]
            i += 1
        bf = self.bf
        S = self.S
        poor = sorted((bf - S(cl.T(o)), o) for _x, o in money[:i])
        return [x for x, _o in poor], [o for _x, o in poor], [o for x, o in money[:i] if x == 0]

    def full_eval(self, node: _Node, k: int) -> tuple[_Rec, tuple[int, int] | None]:
        """Evaluate ``k`` afresh over all its classes: floats pick the poor classes
        (ascending money, water-filling), integers settle the price and the classes too
        close to it; the integer path for all when floats cannot tell."""
        cl = self.e.arrays(k, node.W)
        n = cl.n
        tol = self.tol
        # every class's float money (added in the same order as ``S``), ascending
        x = self._money(cl, slice(None))
        order = x.argsort(kind="stable")
        xs = x.take(order)
        cs = cl.csf.take(order)
        xc = np.maximum(xs, 0.0)
        # class ``t`` is rich if the price asked of the classes from ``t`` on, once the
        # poorer ones have paid all they have, is within its money
        paid = np.cumsum(xc * cs)
        before = np.empty(n)
        before[0] = 0.0
        before[1:] = paid[:-1]
        left = np.empty(n)
        left[0] = self.e.nsup[k]
        left[1:] = left[0] - np.cumsum(cs[:-1])
        rich = self.C[k] - before <= xc * left
        i = int(rich.argmax())
        if not rich[i]:
            i = n
        rec = _Rec(self.b, self.Pf, cl)
        ntol = int(xs.searchsorted(tol, side="right"))
        avail = float(paid[-1])
        tol_a = 2 * self.e.nsup[k] * tol + 4 * n * _U * avail + 1e-300
        if i == n:
            # by floats, nobody can pay the price: unaffordable unless too close to tell
            if avail < self.C[k] - tol_a:
                self._unaffordable_at(rec, cl, order[:ntol], avail + tol_a)
                return rec, None
        else:
            low = order[:ntol].tolist()
            brokes = self._broke_classes(xs[:ntol].tolist(), low, cl)
            self._fill(rec, xs[:i], order[:i], brokes)
            price = self.price_from(k, rec)
            if self._check_at(price, xs, order, i, cl):
                return rec, price
        found = self.exact_eval(k, cl, range(n))
        if found is None:
            self._unaffordable_at(rec, cl, order[:ntol], avail + tol_a)
            return rec, None
        self._fill(rec, *found)
        return rec, self.price_from(k, rec)

    def _broke_classes(self, xs: list[float], low: list[int], cl: _Classes) -> list[int]:
        """Which of the classes ``low`` of ``cl`` (float money ``xs``, all ``<= tol``)
        have no money left."""
        tol = self.tol
        bD = self.b * self.D
        PD = self.PD
        out = []
        for x, o in zip(xs, low, strict=True):
            if x < -tol or sum(PD[j] for j in _bits(cl.T(o))) >= bD:
                out.append(o)
        return out

    def _fill(
        self,
        rec: _Rec,
        xs: Sequence[float] | np.ndarray,
        poor: Sequence[int] | np.ndarray,
        brokes: list[int],
    ) -> None:
        """Set ``rec``'s poor classes ``poor`` (money ``xs``, ascending), the broke ones
        among them and their sums; reference = now."""
        cl = rec.cl
        rec.xs = np.asarray(xs, dtype=np.float64)
        rec.poor = np.asarray(poor, dtype=np.intp)
        rec.broke = None
        if brokes:
            rec.broke = np.zeros(cl.n, dtype=bool)
            rec.broke[brokes] = True
        rec.b = rec.b_ref = self.b
        rec.pf_ref = self.Pf
        sel = np.zeros(cl.n, dtype=bool)
        sel[rec.poor] = True
        npoor = int(cl.cs[sel].sum())
        if brokes:
            sel[brokes] = False
        rows = cl.rows[sel]
        w = np.repeat(cl.csf[sel], rows.shape[1])
        nv = np.bincount(rows.ravel(), weights=w, minlength=self.e.m + 1)
        rec.nvec = nv.astype(np.int64).tolist()
        rec.npp = int(cl.cs[sel].sum())
        rec.npoor = npoor

    def _check_at(
        self, price: tuple[int, int], xs: np.ndarray, order: np.ndarray, i: int, cl: _Classes
    ) -> bool:
        """Check exactly the classes whose float money is too close to the price to tell:
        the poor are ``order[:i]``, the rich the others (float money ``xs``, ascending)."""
        num, den = price
        pf = num / den
        margin = 2 * self.tol + 8 * _U * pf
        D = self.D
        lo = int(xs[:i].searchsorted(pf - margin, side="left"))
        for o in order[lo:i].tolist():
            if self.money_D(cl.T(o)) * den >= num * D:
                return False
        hi = int(xs[i:].searchsorted(pf + margin, side="right")) + i
        return all(self.money_D(cl.T(o)) * den >= num * D for o in order[i:hi].tolist())

    def _unaffordable_at(self, rec: _Rec, cl: _Classes, low: np.ndarray, avail: float) -> None:
        rec.unaffordable = True
        rec.avail = avail
        rec.bro = low

    def _money(self, cl: _Classes, idx: np.ndarray | slice) -> np.ndarray:
        """Float money of the classes ``idx`` of ``cl``: the budget less the float prices
        of their bought projects, added in any order (the error bound ``tol`` holds for all)."""
        rows = cl.rows if isinstance(idx, slice) else cl.rows.take(idx, axis=0)
        spent: np.ndarray = self.Pa.take(rows) @ self.e.ones
        return self.bf - spent

    def re_eval(self, k: int, rec: _Rec) -> tuple[int, int]:
        """Re-evaluate an affordable record made at a budget ``<= b`` on the same node.

        With more money nobody is poorer and no price higher, so the rich stay rich:
        only poor classes can get money again or join the rich, and only those whose
        money could have grown past a threshold are looked at."""
        if rec.b == self.b:
            return self.price_from(k, rec)
        tol = self.tol
        delta = self.delta(rec)
        xs = rec.xs
        poor = rec.poor
        cl = rec.cl
        csl = cl.csl
        n = len(xs)
        looked = 0
        broke = rec.broke
        # 1. broke classes that may have money again
        if broke is not None:
            lo = int(xs.searchsorted(-delta - tol, side="left"))
            hi = int(xs.searchsorted(tol, side="right"))
            seg = poor[lo:hi]
            if hi > lo:
                seg = seg[broke.take(seg)]
            if seg.size:
                looked += seg.size
                x = self._money(cl, seg)
                nvec = rec.nvec
                up = x >= -tol
                for o, xo in zip(seg[up].tolist(), x[up].tolist(), strict=True):
                    if xo <= tol and self.money_D(cl.T(o)) == 0:
                        continue
                    broke[o] = False
                    c = csl[o]
                    rec.npp += c
                    for j in cl.rows[o].tolist():
                        nvec[j] += c
        # 2. the price if nobody joins the rich (a lower bound of the price)
        p0 = self.price_from(k, rec)
        p0f = p0[0] / p0[1]
        # 3. classes that may now reach it, joining the rich from the richest down
        j0 = int(xs.searchsorted(p0f - delta - 2 * tol - 8 * _U * p0f, side="left"))
        seg = poor[j0:]
        looked += n - j0
        if j0 < n:
            x = self._money(cl, seg)
            desc = (-x).argsort(kind="stable")
            cx = x.take(desc).tolist()
            co = seg.take(desc).tolist()
        else:
            cx = co = []
        pf = p0f
        R = self.e.nsup[k] - rec.npoor
        nm = 0
        for xo, o in zip(cx, co, strict=True):
            if xo < pf or (broke is not None and broke[o]):
                break
            c = csl[o]
            pf = (pf * R + c * xo) / (R + c)
            R += c
            nm += 1
        price = p0
        if nm:
            nvec = rec.nvec
            for o in co[:nm]:
                c = csl[o]
                rec.npoor -= c
                rec.npp -= c
                for j in cl.rows[o].tolist():
                    nvec[j] -= c
            price = self.price_from(k, rec)
        if not self._check_seq(price, cl, cx, co, nm):
            return self._exact_re_eval(k, rec)
        if nm:
            keep = np.zeros(n, dtype=bool)
            keep[j0 + desc[:nm]] = True
            keep = ~keep
            rec.xs = xs = xs[keep]
            rec.poor = poor = poor[keep]
        rec.b = self.b
        if looked * 3 > n + 24:
            # refresh the reference: the bound has grown loose
            x = self._money(cl, poor)
            asc = x.argsort(kind="stable")
            rec.xs = x[asc]
            rec.poor = poor[asc]
            rec.b_ref = self.b
            rec.pf_ref = self.Pf
        return price

    def _check_seq(
        self, price: tuple[int, int], cl: _Classes, xs: list[float], os: list[int], nm: int
    ) -> bool:
        """Check exactly the classes too close to the price to tell: ``os`` (float money
        ``xs``, descending) are poor from position ``nm`` on, rich before it."""
        num, den = price
        pf = num / den
        margin = 2 * self.tol + 8 * _U * pf
        D = self.D
        for t in range(nm, len(xs)):
            if xs[t] < pf - margin:
                break
            if self.money_D(cl.T(os[t])) * den >= num * D:
                return False
        for t in range(nm - 1, -1, -1):
            if xs[t] > pf + margin:
                break
            if self.money_D(cl.T(os[t])) * den < num * D:
                return False
        return True

    def _exact_re_eval(self, k: int, rec: _Rec) -> tuple[int, int]:
        """The float shortcut could not settle it: redo over the poor classes of the
        previous evaluation (those moved just now included) in integers."""
        found = self.exact_eval(k, rec.cl, rec.poor.tolist(), only_poor=True)
        assert found is not None
        self._fill(rec, *found)
        return self.price_from(k, rec)

    def unaffordable_bound(self, k: int, rec: _Rec | None) -> bool:
        """True if ``k`` is surely unaffordable, from an earlier record of the node or
        from the pairwise bound: its supporters have at most their budget minus the full
        price of every bought project they share with it, for those who paid in full."""
        e = self.e
        nk = e.nsup[k]
        cost = self.C[k]
        known = rec is not None and rec.unaffordable and rec.b_ref <= self.b
        if known:
            assert rec is not None
            if rec.avail + self.delta(rec) * nk < cost:
                return True
        order = self.order
        # a bound of the float error of the sums below (at most ``len(order)`` products)
        margin = 4.0 * (len(order) + 4) * _U * nk * self.top * (e.maxlen + 1) + nk * self.tol
        rowa = e.prow_array(k)
        if known:
            assert rec is not None
            # the supporters' money is their budgets minus everything they would have
            # spent at full price, plus what the broke ones could not pay
            bf = self.bf
            tot = nk * bf - float(self.Pa[:-1] @ rowa)
            cl = rec.cl
            if rec.bro.size:
                debt = -self._money(cl, rec.bro)  # what they could not pay, if positive
                tot += float(np.maximum(debt, 0.0) @ cl.csf[rec.bro])
            if tot < cost - margin:
                rec.b = self.b
                return True
            if tot <= cost + margin:
                bD = self.b * self.D
                total = nk * bD
                PD = self.PD
                row = e.prow(k)
                for j in order:
                    total -= PD[j] * row[j]
                csl = cl.csl
                for o in rec.bro.tolist():
                    sd = sum(PD[j] for j in _bits(cl.T(o)))
                    if sd > bD:
                        total += (sd - bD) * csl[o]
                if total < cost * self.D:
                    rec.b = self.b
                    return True
            return False
        poorw = self.poorw
        tot = nk * self.bf - float(self.Pa[:-1] @ np.maximum(rowa - self.poorwa, 0.0))
        if tot < cost - margin:
            return True
        if tot > cost + margin:
            return False
        total = nk * self.b * self.D
        PD = self.PD
        row = e.prow(k)
        for j in order:
            r = row[j] - poorw[j]
            if r > 0:
                total -= PD[j] * r
        return total < cost * self.D

    # -------------------------------------------------------------------------- loop

    def go(self) -> list[RoundResult]:
        e = self.e
        trace = e.trace
        C = self.C
        sat = e.sat
        nsup = e.nsup
        alive = set(e.candidates)
        # lower bounds of rho as (num, den) and as float
        lbn: dict[int, tuple[int, int]] = {k: (C[k], nsup[k] * sat[k]) for k in alive}
        lbf: dict[int, float] = {k: C[k] / (nsup[k] * sat[k]) for k in alive}
        rounds: list[RoundResult] = []
        on_trace = True
        idx = 0
        total = len(alive)
        queue = sorted(alive)  # alive projects by lower bound: nearly sorted from round to round
        while True:
            if on_trace and idx < len(trace):
                node = trace[idx]
            else:
                on_trace = False
                node = _Node(self.W)
                trace.append(node)
            best: tuple[int, int] | None = None  # rho as (num, den)
            bestf = 0.0
            tied: list[tuple[int, tuple[int, int], int]] = []
            if len(queue) > len(alive) + 8:
                queue = [k for k in queue if k in alive]
            queue.sort(key=lbf.__getitem__)
            for k in queue:
                if k not in alive:
                    continue
                if best is not None and lbf[k] > bestf * (1 + 8 * _U):
                    n1, d1 = lbn[k]
                    if n1 * best[1] > best[0] * d1:
                        break
                rec = node.recs.get(k)
                price: tuple[int, int] | None
                if rec is not None and not rec.unaffordable and rec.b <= self.b:
                    price = self.re_eval(k, rec)
                else:
                    if self.unaffordable_bound(k, rec):
                        alive.discard(k)
                        continue
                    rec, price = self.full_eval(node, k)
                    node.recs[k] = rec
                if price is None:
                    alive.discard(k)
                    continue
                rho = (price[0], price[1] * sat[k])
                lbn[k] = rho
                lbf[k] = rho[0] / rho[1]
                if best is None:
                    best, bestf = rho, lbf[k]
                    tied = [(k, price, rec.npoor)]
                else:
                    lhs = rho[0] * best[1]
                    rhs = best[0] * rho[1]
                    if lhs < rhs:
                        best, bestf = rho, lbf[k]
                        tied = [(k, price, rec.npoor)]
                    elif lhs == rhs:
                        tied.append((k, price, rec.npoor))
            if best is None:
                del trace[idx + 1 :]
                node.winner = -1
                if self.progress is not None:
                    self.progress(total, total)
                return rounds
            k, price, npoor = min(tied)
            if on_trace and node.winner != k:
                del trace[idx + 1 :]
                on_trace = False
            node.winner = k
            alive.discard(k)
            self.buy(k, price, npoor)
            rounds.append(RoundResult(k, Fraction(best[0], best[1]), nsup[k], nsup[k] - npoor))
            idx += 1
            if self.progress is not None:
                self.progress(total - len(alive), total)

    def buy(self, k: int, price: tuple[int, int], npoor: int) -> None:
        num, den = price
        D = self.D
        newD = D * den // gcd(D, den)
        f = newD // D
        if f != 1:
            PD = self.PD
            for j in PD:
                PD[j] *= f
        self.D = newD
        self.PD[k] = num * (newD // den)
        self.Pf[k] = num / den
        self.Pa[k] = self.Pf[k]
        self.poorw[k] = npoor
        self.poorwa[k] = npoor
        self.W |= 1 << k
        self.order.append(k)
