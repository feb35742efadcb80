"""Read and write participatory-budgeting data in the Pabulib ``.pb`` format.

A ``.pb`` file is UTF-8 text in three sections, in this order, each a title line
(``META``, ``PROJECTS``, ``VOTES``), a header line naming the columns, and rows; fields
are separated by ``;`` and quoted with ``"`` when needed, as in CSV:

* META — header ``key;value``; rows such as ``budget``, ``num_projects``,
  ``num_votes``, ``vote_type`` (``approval``, ``choose-1``, ``cumulative``,
  ``scoring`` or ``ordinal``), ``min_length``/``max_length``, ``max_sum_points``…
* PROJECTS — at least ``project_id`` and ``cost`` (whole numbers), often ``name``,
  ``category`` (comma-separated), ``votes``, ``selected``…
* VOTES — at least ``voter_id`` and ``vote`` (comma-separated project ids; for
  ``ordinal`` best first), with ``points`` (comma-separated, one per project in
  ``vote``) for ``cumulative`` and ``scoring``; often ``age``, ``sex``, ``neighborhood``…

:func:`parse` keeps every field as text, in order, so that :func:`write` gives back the
same fields (values are trimmed of surrounding spaces); :meth:`PabulibFile.instance` and
:meth:`PabulibFile.profile` turn a file into the counting engine's data, and
:func:`build` does the reverse for an export. A malformed file raises
:class:`PabulibError` naming the line and the problem. A project costing more than the
budget is allowed (it simply cannot be funded).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .counting import Instance, Profile

__all__ = ["VOTE_TYPES", "PabulibError", "PabulibFile", "build", "parse", "read", "write"]

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
SECTIONS = ("meta", "projects", "votes")
_INT = re.compile(r"^[+-]?\d+(\.0*)?$")


class PabulibError(ValueError):
    """A malformed ``.pb`` file: ``line`` (1-based, or None for the whole file) and
    ``problem``."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        self.problem = problem
        self.line = line
        super().__init__(f"line {line}: {problem}" if line is not None else problem)


def _integer(text: str, what: str, line: int | None, minimum: int | None = 0) -> int:
    t = text.strip()
    if not _INT.match(t):
        raise PabulibError(f"{what} must be a whole number, not {text!r}", line)
    value = int(t.split(".")[0])
    if minimum is not None and value < minimum:
        raise PabulibError(f"{what} must be at least {minimum}, not {value}", line)
    return value


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


@dataclass
class PabulibFile:
    """The fields of a ``.pb`` file, as text, in the file's order.

    ``meta``: key → value; ``project_columns``/``projects`` and ``vote_columns``/
    ``votes``: the headers and one dict per row (column → text). ``project_lines`` and
    ``vote_lines`` remember where each row was, for messages.
    """

    meta: dict[str, str] = field(default_factory=dict)
    project_columns: list[str] = field(default_factory=lambda: ["project_id", "cost"])
    projects: list[dict[str, str]] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=lambda: ["voter_id", "vote"])
    votes: list[dict[str, str]] = field(default_factory=list)
    meta_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    project_lines: list[int] = field(default_factory=list, compare=False, repr=False)
    vote_lines: list[int] = field(default_factory=list, compare=False, repr=False)

    # -------------------------------------------------------------------- typed views

    @property
    def budget(self) -> int:
        if "budget" not in self.meta:
            raise PabulibError("META has no budget")
        return _integer(self.meta["budget"], "the budget", self.meta_lines.get("budget"))

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()

    @property
    def project_ids(self) -> list[str]:
        return [row["project_id"] for row in self.projects]

    def costs(self) -> dict[str, int]:
        return {
            row["project_id"]: _integer(row["cost"], f"the cost of project {row['project_id']}", ln)
            for row, ln in zip(
                self.projects, self._lines(self.project_lines, self.projects), strict=True
            )
        }

    @staticmethod
    def _lines(lines: list[int], rows: list[dict[str, str]]) -> list[int | None]:
        if len(lines) == len(rows):
            return list(lines)
        return [None] * len(rows)

    def instance(self, area_column: str | None = None) -> Instance:
        """The budget and the projects' costs; ``area_column`` (e.g. ``"district"``)
        names the project column holding each project's area; ``category`` gives the
        categories."""
        areas: dict[str, str] = {}
        categories: dict[str, frozenset[str]] = {}
        for row in self.projects:
            pid = row["project_id"]
            if area_column and row.get(area_column, "").strip():
                areas[pid] = row[area_column].strip()
            if row.get("category", "").strip():
                categories[pid] = frozenset(_split(row["category"]))
        return Instance(self.budget, self.costs(), areas, categories)

    def ballots(self) -> list[tuple[str, ...] | dict[str, int]]:
        """Every vote as a ranking/approval (tuple of ids in the file's order) or, for
        ``cumulative`` and ``scoring``, as points per project."""
        out: list[tuple[str, ...] | dict[str, int]] = []
        pointed = self.vote_type in ("cumulative", "scoring")
        for row, ln in zip(self.votes, self._lines(self.vote_lines, self.votes), strict=True):
            ids = tuple(_split(row.get("vote", "")))
            if pointed:
                pts = _split(row.get("points", ""))
                out.append(
                    {
                        p: _integer(v, f"points for project {p}", ln)
                        for p, v in zip(ids, pts, strict=True)
                    }
                )
            else:
                out.append(ids)
        return out

    def profile(self) -> Profile:
        """The votes for counting: approval (``approval``, ``choose-1``), cardinal
        (``cumulative``, ``scoring``) or ordinal (``ordinal``)."""
        vt = self.vote_type
        ballots = self.ballots()
        if vt in ("cumulative", "scoring"):
            return Profile.cardinal([b for b in ballots if isinstance(b, dict)])
        if vt == "ordinal":
            return Profile.ordinal([b for b in ballots if isinstance(b, tuple)])
        return Profile.approval([b for b in ballots if isinstance(b, tuple)])


# ================================================================================ parse


def read(path: str | Path) -> PabulibFile:
    return parse(Path(path).read_text(encoding="utf-8-sig"))


def parse(text: str) -> PabulibFile:
    """Parse a ``.pb`` file; raise :class:`PabulibError` if it is malformed."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    pb = PabulibFile(project_columns=[], vote_columns=[])
    section: str | None = None
    header: list[str] | None = None
    seen: list[str] = []
    project_ids: dict[str, int] = {}
    voter_ids: dict[str, int] = {}
    start = 1
    try:
        for row in reader:
            line = start
            start = reader.line_num + 1
            if not row or all(not f.strip() for f in row):
                continue
            fields = [f.strip() for f in row]
            title = fields[0].lower() if len([f for f in fields if f]) == 1 else ""
            if title in SECTIONS:
                if title in seen:
                    raise PabulibError(f"a second {title.upper()} section", line)
                expected = SECTIONS[len(seen)]
                if title != expected:
                    raise PabulibError(
                        f"{title.upper()} section where {expected.upper()} was expected", line
                    )
                if section is not None and header is None:
                    raise PabulibError(f"the {section.upper()} section has no header line", line)
                seen.append(title)
                section, header = title, None
                continue
            if section is None:
                raise PabulibError("the file must start with a META section", line)
            if header is None:
                header = _header(section, fields, line)
                if section == "projects":
                    pb.project_columns = header
                elif section == "votes":
                    pb.vote_columns = header
                continue
            if len(fields) != len(header):
                raise PabulibError(
                    f"{len(fields)} fields where the {section.upper()} header has {len(header)}",
                    line,
                )
            if section == "meta":
                key, value = fields
                if not key:
                    raise PabulibError("a META row without a key", line)
                if key in pb.meta:
                    raise PabulibError(f"META key {key!r} given twice", line)
                pb.meta[key] = value
                pb.meta_lines[key] = line
            elif section == "projects":
                rec = dict(zip(header, fields, strict=True))
                pid = rec["project_id"]
                if not pid:
                    raise PabulibError("a project without an id", line)
                if "," in pid:
                    raise PabulibError(f"project id {pid!r} contains a comma", line)
                if pid in project_ids:
                    raise PabulibError(
                        f"project {pid!r} listed twice (first on line {project_ids[pid]})", line
                    )
                project_ids[pid] = line
                _integer(rec["cost"], f"the cost of project {pid}", line)
                pb.projects.append(rec)
                pb.project_lines.append(line)
            else:
                rec = dict(zip(header, fields, strict=True))
                vid = rec["voter_id"]
                if not vid:
                    raise PabulibError("a vote without a voter id", line)
                if vid in voter_ids:
                    raise PabulibError(
                        f"voter {vid!r} listed twice (first on line {voter_ids[vid]})", line
                    )
                voter_ids[vid] = line
                pb.votes.append(rec)
                pb.vote_lines.append(line)
    except csv.Error as exc:
        raise PabulibError(f"unreadable line ({exc})", start) from None
    for name in SECTIONS:
        if name not in seen:
            raise PabulibError(f"the file has no {name.upper()} section")
    if header is None:
        raise PabulibError(f"the {SECTIONS[-1].upper()} section has no header line")
    _check(pb, project_ids)
    return pb


def _header(section: str, fields: list[str], line: int) -> list[str]:
    if section == "meta":
        if [f.lower() for f in fields] != ["key", "value"]:
            raise PabulibError("the META header must be 'key;value'", line)
        return ["key", "value"]
    if any(not f for f in fields):
        raise PabulibError(f"an empty column name in the {section.upper()} header", line)
    if len(set(fields)) != len(fields):
        raise PabulibError(f"a column named twice in the {section.upper()} header", line)
    required = ("project_id", "cost") if section == "projects" else ("voter_id", "vote")
    for col in required:
        if col not in fields:
            raise PabulibError(f"the {section.upper()} header has no {col!r} column", line)
    return fields


def _check(pb: PabulibFile, project_ids: Mapping[str, int]) -> None:
    """Checks across sections: META values, and every vote against the projects."""
    lines = pb.meta_lines
    if "budget" not in pb.meta:
        raise PabulibError("META has no budget")
    _integer(pb.meta["budget"], "the budget", lines.get("budget"))
    vt = pb.vote_type
    if vt not in VOTE_TYPES:
        raise PabulibError(
            f"unknown vote_type {pb.meta.get('vote_type')!r} (use one of {', '.join(VOTE_TYPES)})",
            lines.get("vote_type"),
        )
    for key in (
        "num_projects",
        "num_votes",
        "min_length",
        "max_length",
        "min_points",
        "max_points",
        "min_sum_points",
        "max_sum_points",
        "min_sum_cost",
        "max_sum_cost",
    ):
        if key in pb.meta and pb.meta[key].strip():
            _integer(pb.meta[key], key, lines.get(key))
    if "num_projects" in pb.meta and pb.meta["num_projects"].strip():
        n = _integer(pb.meta["num_projects"], "num_projects", lines.get("num_projects"))
        if n != len(pb.projects):
            raise PabulibError(
                f"num_projects says {n} but {len(pb.projects)} projects are listed",
                lines.get("num_projects"),
            )
    if "num_votes" in pb.meta and pb.meta["num_votes"].strip():
        n = _integer(pb.meta["num_votes"], "num_votes", lines.get("num_votes"))
        if n != len(pb.votes):
            raise PabulibError(
                f"num_votes says {n} but {len(pb.votes)} votes are listed", lines.get("num_votes")
            )
    pointed = vt in ("cumulative", "scoring")
    if pointed and "points" not in pb.vote_columns:
        raise PabulibError(f"{vt} votes need a 'points' column in VOTES")
    for row, line in zip(pb.votes, pb.vote_lines, strict=True):
        ids = _split(row["vote"])
        if len(set(ids)) != len(ids):
            raise PabulibError(f"voter {row['voter_id']} names a project twice", line)
        for p in ids:
            if p not in project_ids:
                raise PabulibError(f"voter {row['voter_id']} votes for unknown project {p!r}", line)
        if vt == "choose-1" and len(ids) > 1:
            raise PabulibError(
                f"voter {row['voter_id']} chose {len(ids)} projects in a choose-1 vote", line
            )
        if pointed:
            pts = _split(row.get("points", ""))
            if len(pts) != len(ids):
                raise PabulibError(
                    f"voter {row['voter_id']} has {len(pts)} points for {len(ids)} projects", line
                )
            for p, v in zip(ids, pts, strict=True):
                _integer(v, f"points for project {p}", line)


# ================================================================================ write


def write(pb: PabulibFile) -> str:
    """The ``.pb`` text of ``pb``."""
    out = io.StringIO()
    w = csv.writer(
        out, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    out.write("META\n")
    w.writerow(["key", "value"])
    for k, v in pb.meta.items():
        w.writerow([k, v])
    out.write("PROJECTS\n")
    w.writerow(pb.project_columns)
    for row in pb.projects:
        w.writerow([row.get(c, "") for c in pb.project_columns])
    out.write("VOTES\n")
    w.writerow(pb.vote_columns)
    for row in pb.votes:
        w.writerow([row.get(c, "") for c in pb.vote_columns])
    return out.getvalue()


def build(
    instance: Instance,
    profile: Profile,
    *,
    meta: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    project_extra: Mapping[str, Mapping[str, str]] | None = None,
    voter_ids: Iterable[str] | None = None,
    area_column: str = "district",
) -> PabulibFile:
    """A ``.pb`` file of a vote: one VOTES row per voter (a ballot cast by several voters
    is repeated), voter ids ``1, 2, …`` unless given. ``meta`` entries are added after
    ``budget``, ``num_projects``, ``num_votes`` and ``vote_type``; ``names`` and
    ``project_extra`` (project → column → text) fill more PROJECTS columns, areas go in
    ``area_column`` and categories in ``category``."""
    vote_type = {"approval": "approval", "cardinal": "cumulative", "ordinal": "ordinal"}[
        profile.kind
    ]
    m: dict[str, str] = {
        "budget": str(instance.budget),
        "num_projects": str(len(instance.projects)),
        "num_votes": str(profile.voters),
        "vote_type": vote_type,
    }
    for k, v in (meta or {}).items():
        m[k] = str(v)
    cols = ["project_id", "cost"]
    if names:
        cols.append("name")
    if instance.categories:
        cols.append("category")
    if instance.areas:
        cols.append(area_column)
    extra_cols: list[str] = []
    for extra in (project_extra or {}).values():
        for c in extra:
            if c not in cols and c not in extra_cols:
                extra_cols.append(c)
    cols += extra_cols
    projects = []
    for pid, cost in instance.projects.items():
        row = {"project_id": pid, "cost": str(cost)}
        if names:
            row["name"] = names.get(pid, "")
        if instance.categories:
            row["category"] = ",".join(sorted(instance.categories.get(pid, ())))
        if instance.areas:
            row[area_column] = instance.areas.get(pid, "")
        for c, v in (project_extra or {}).get(pid, {}).items():
            row[c] = v
        projects.append(row)
    vcols = ["voter_id", "vote"] + (["points"] if profile.kind == "cardinal" else [])
    ids = iter(voter_ids) if voter_ids is not None else None
    votes = []
    serial = 0
    for ballot, weight in profile.ballots:
        row = _vote_row(profile.kind, ballot)
        for _ in range(weight):
            serial += 1
            vid = next(ids) if ids is not None else str(serial)
            votes.append({"voter_id": str(vid), **row})
    return PabulibFile(m, cols, projects, vcols, votes)


def _vote_row(kind: str, ballot: Sequence[object] | frozenset[str]) -> dict[str, str]:
    if kind == "cardinal":
        pairs = list(ballot)  # (id, points)
        return {
            "vote": ",".join(str(p[0]) for p in pairs),  # type: ignore[index]
            "points": ",".join(str(p[1]) for p in pairs),  # type: ignore[index]
        }
    if kind == "ordinal":
        return {"vote": ",".join(str(p) for p in ballot)}
    return {"vote": ",".join(sorted(str(p) for p in ballot))}
