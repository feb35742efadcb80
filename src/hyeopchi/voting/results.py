"""Counts and their results: starting a count, publishing one, and showing results.

A count (``CountRun``) runs in a background task (``voting.tasks.run_count``) once the vote
has closed, so ballot intake never waits for it; its result is stored as JSON on the run:

``{"rule", "completion", "tie_break", "budget", "voters", "winners": [{"code", "cost",
"votes"}, …] (in the order the rule chose them), "spent", "votes": {code: votes},
"trace": …, "fairness": …, "turnout": …}``

where ``trace`` is what ``counting.explain`` needs to explain a ballot and ``fairness``
the counting engine's fairness report. Staff may count a contest with several rules and
compare; exactly one count per contest is published, and publishing is final.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hyeopchi.core import audit
from hyeopchi.core.templatetags.hyeopchi import share as percent
from hyeopchi.core.templatetags.hyeopchi import won

from .models import Completion, Contest, CountRun, Design, Election, Project, Rule, RunStatus

NON_FIELD = "__all__"


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


# ---------------------------------------------------------------- starting and publishing


def start_count(contest: Contest, rule: str, completion: str, actor, *, now=None) -> CountRun:
    """Queue a count of ``contest`` with ``rule`` (and ``completion`` for Equal Shares).

    Only after the vote has closed. The task is enqueued when the transaction commits, so
    a worker never looks for a run that is not there yet.
    """
    from .tasks import run_count

    now = now or timezone.now()
    election = Election.objects.get(pk=contest.election_id)
    errors: dict[str, list[str]] = {}
    if not election.is_closed(now):
        errors[NON_FIELD] = [_("Counting starts once the vote has closed.")]
    if rule not in Rule.values:
        errors["rule"] = [_("Unknown counting rule.")]
    if completion not in Completion.values:
        errors["completion"] = [_("Unknown completion.")]
    elif completion != Completion.NONE and not str(rule).startswith("mes"):
        errors["completion"] = [_("A completion applies to the Method of Equal Shares only.")]
    if contest.design == Design.RANKING and rule != Rule.GREEDY:
        errors["rule"] = [_("Ranking ballots are counted by most votes first (Borda points) only.")]
    if actor is None or not getattr(actor, "is_authenticated", False):
        errors[NON_FIELD] = [_("Sign in to start a count.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        run = CountRun.objects.create(
            contest=contest, rule=rule, completion=completion, requested_by=actor
        )
        audit.record(
            run,
            "created",
            actor,
            changes={"rule": [None, rule], "completion": [None, completion]},
        )
        transaction.on_commit(lambda: run_count.enqueue(run.pk))
    return run


@transaction.atomic
def publish(contest: Contest, run: CountRun, actor, *, now=None) -> Contest:
    """Publish ``run`` as the result of ``contest``: final, audited; the election counts
    as published from its first published contest on."""
    now = now or timezone.now()
    contest = Contest.objects.select_for_update().select_related("election").get(pk=contest.pk)
    run = CountRun.objects.get(pk=run.pk)
    errors: list[str] = []
    if run.contest_id != contest.pk:
        errors.append(_("This count is of another ballot."))
    elif run.status != RunStatus.DONE:
        errors.append(_("Only a finished count can be published."))
    if contest.published_run_id is not None:
        errors.append(_("The results of this ballot are already published."))
    if not contest.election.is_closed(now):
        errors.append(_("Results are published after the vote has closed."))
    if actor is None or not getattr(actor, "is_authenticated", False):
        errors.append(_("Sign in to publish results."))
    if errors:
        raise ValidationError({NON_FIELD: errors})
    contest.published_run = run
    contest.save(update_fields=["published_run"])
    election = contest.election
    if election.published_at is None:
        Election.objects.filter(pk=election.pk).update(published_at=now)
        election.published_at = now
    audit.record(
        contest,
        "published",
        actor,
        changes={
            "published_run": [None, run.pk],
            "rule": [None, run.rule],
            "completion": [None, run.completion],
        },
    )
    return contest


# ---------------------------------------------------------------- progress


def progress(run: CountRun) -> dict[str, Any]:
    """What the progress bar shows, as JSON."""
    finished = run.status in (RunStatus.DONE, RunStatus.FAILED)
    if run.status == RunStatus.QUEUED:
        text = _("Waiting for a worker…")
    elif run.status == RunStatus.RUNNING:
        if run.progress_total:
            text = _("Counting: step %(done)s of %(total)s") % {
                "done": run.progress_done,
                "total": run.progress_total,
            }
        else:
            text = _("Counting…")
    elif run.status == RunStatus.DONE:
        text = _("Done.")
    else:
        text = _("The count failed.")
    return {
        "status": run.status,
        "done": run.progress_done,
        "total": run.progress_total,
        "finished": finished,
        "text": str(text),
    }


# ---------------------------------------------------------------- presenting results


def rule_text(rule: str, completion: str, design: str) -> list[str]:
    """The rule in plain words, one paragraph per step."""
    unit = _("votes")
    if design == Design.CUMULATIVE:
        unit = _("points")
    elif design == Design.RANKING:
        unit = _("Borda points (a first place is worth the most)")
    texts: list[str] = []
    if rule == Rule.GREEDY:
        texts.append(
            _(
                "Most votes first: the projects are taken in order of their %(unit)s, the "
                "most first. A project that no longer fits in what is left of the budget is "
                "skipped, and the next one is tried."
            )
            % {"unit": unit}
        )
    elif rule == Rule.GREEDY_COST_UTILITY:
        texts.append(
            _(
                "Most votes per won first: the projects are taken in order of their votes "
                "divided by their cost, so that cheap popular projects come first. A project "
                "that no longer fits in what is left of the budget is skipped."
            )
        )
    elif rule in (Rule.MES_COST, Rule.MES_CARDINALITY):
        texts.append(
            _(
                "Method of Equal Shares: the budget is split into equal shares, one for each "
                "voter. A project is funded when its supporters can pay for it together from "
                "their shares. At each step the project whose supporters pay the least "
                "for it, measured per %(what)s, is funded, and the cost is shared as equally as "
                "their remaining money allows."
            )
            % {"what": _("won of benefit") if rule == Rule.MES_COST else _("funded project")}
        )
        texts.append(
            _(
                "This way every group of voters decides over a part of the budget in proportion "
                "to its size: a large group cannot take the whole budget for its own projects."
            )
        )
        if completion in (Completion.BUDGET_INCREASE, Completion.BOTH):
            texts.append(
                _(
                    "Equal Shares may leave money unspent. The count was then repeated with "
                    "larger shares, step by step, as long as the projects chosen still fit in "
                    "the real budget."
                )
            )
        if completion in (Completion.GREEDY_FILL, Completion.BOTH):
            texts.append(
                _(
                    "What was left was then filled by most votes first with the projects that "
                    "still fit."
                )
            )
    elif rule == Rule.PHRAGMEN:
        texts.append(
            _(
                "Sequential Phragmén: voters earn money at the same rate; a project is "
                "funded as soon as its supporters together have earned its cost, and they "
                "spend what they earned on it. Projects that no longer fit are skipped."
            )
        )
    texts.append(
        _(
            "Ties are broken by a fixed, published order, so that counting the same ballots "
            "again always gives the same result."
        )
    )
    return [str(t) for t in texts]


def _votes_text(design: str, votes: Any) -> str:
    if design in (Design.CUMULATIVE, Design.RANKING):
        return ngettext("%(n)s point", "%(n)s points", int(votes)) % {"n": votes}
    return ngettext("%(n)s vote", "%(n)s votes", int(votes)) % {"n": votes}


CHART_WIDTH = 360
BAR_HEIGHT = 16
ROW_HEIGHT = 44
LABEL_CHARS = 24


def chart(design: str, rows: list[dict]) -> dict[str, Any]:
    """Horizontal bars for an inline SVG: a label line above each bar, the number after it."""
    top = max((r["votes"] for r in rows), default=0) or 1
    usable = CHART_WIDTH - 50
    bars = []
    for i, row in enumerate(rows):
        y = i * ROW_HEIGHT
        width = max(1, round(usable * row["votes"] / top)) if row["votes"] else 0
        title = f"{row['project'].code} {row['project'].title}"
        if len(title) > LABEL_CHARS:
            title = title[: LABEL_CHARS - 1] + "…"
        bars.append(
            {
                "label": title,
                "label_y": y + 14,
                "bar_y": y + 20,
                "width": width,
                "value": row["votes"],
                "value_x": width + 6,
                "value_y": y + 20 + BAR_HEIGHT - 3,
                "funded": row["funded"],
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": max(ROW_HEIGHT, len(rows) * ROW_HEIGHT),
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }


def present(contest: Contest, run: CountRun, projects: list[Project]) -> dict[str, Any]:
    """A finished count as the results page and the run page show it."""
    result = run.result or {}
    by_code = {p.code: p for p in projects}
    votes = {str(k): v for k, v in (result.get("votes") or {}).items()}
    order = [w["code"] for w in result.get("winners", [])]
    position = {code: i + 1 for i, code in enumerate(order)}
    design = contest.design
    rows = [
        {
            "project": p,
            "votes": votes.get(p.code, 0),
            "funded": p.code in position,
            "position": position.get(p.code),
        }
        for p in projects
    ]
    rows.sort(key=lambda r: (-r["votes"], r["project"].code))
    winners = [
        {
            "project": by_code[code],
            "votes": votes.get(code, 0),
            "votes_text": _votes_text(design, votes.get(code, 0)),
        }
        for code in order
        if code in by_code
    ]
    budget = int(result.get("budget") or contest.budget)
    spent = int(result.get("spent") or sum(by_code[c].cost for c in order if c in by_code))
    return {
        "key": f"{contest.pk}-{run.pk}",
        "contest": contest,
        "run": run,
        "design": design,
        "budget": budget,
        "spent": spent,
        "left": budget - spent,
        "spent_share": percent(Fraction(spent, budget)) if budget else "",
        "voters": int(result.get("voters") or run.ballots_counted),
        "winners": winners,
        "rows": rows,
        "chart": chart(design, rows),
        "rule_text": rule_text(run.rule, run.completion, design),
        "fairness": fairness_view(result.get("fairness")),
    }


def fairness_view(report: Any) -> dict[str, Any] | None:
    """The stored fairness report as labelled facts and a table of spending per area."""
    if not isinstance(report, dict):
        return None
    facts: list[tuple[str, str]] = []
    voting_for = int(report.get("voting_for") or report.get("voters") or 0)
    for key, label in (
        ("voters_with_nothing", _("Voters with none of their projects funded")),
        ("voters_with_all", _("Voters with all of their projects funded")),
    ):
        if report.get(key) is not None:
            n = int(report[key])
            share = percent(Fraction(n, voting_for)) if voting_for else "0%"
            facts.append((label, f"{n} ({share})"))
    for key, label in (
        ("average_share_funded", _("Share of a voter's projects funded, on average")),
        ("average_cost_share", _("Share of the cost of a voter's projects funded, on average")),
    ):
        if report.get(key) is not None:
            facts.append((label, percent(Fraction(report[key]))))
    stored = report.get("areas") or []
    if not any(a.get("area") for a in stored):
        return {"facts": facts, "areas": []}  # no project has an area: nothing to compare
    spent_total = sum(int(a.get("spent", 0)) for a in stored)
    areas = [
        {
            "area": a.get("area") or _("(no area)"),
            "funded": a.get("funded", 0),
            "spent": int(a.get("spent", 0)),
            "share": percent(Fraction(int(a.get("spent", 0)), spent_total))
            if spent_total
            else "0%",
        }
        for a in stored
    ]
    return {"facts": facts, "areas": areas}


# ---------------------------------------------------------------- explanations


def _money(value: Any) -> str:
    """Won, exact in the trace, shown rounded to the won."""
    if value is None or value == "":
        return "-"
    return won(round(Fraction(value)))


def _reason(item, votes: dict[str, Any], design: str, position: dict[str, int]) -> str:
    f = item.figures
    code = item.project
    n = votes.get(code, 0)
    votes_text = _votes_text(design, n)
    cost = _money(f.get("cost"))
    reason = item.reason
    if reason == "greedy_funded":
        return _(
            "Funded as project no. %(position)s: with %(votes)s it was next in line, and its "
            "cost of %(cost)s fit in the %(left)s still left."
        ) % {
            "position": position.get(code, "?"),
            "votes": votes_text,
            "cost": cost,
            "left": _money(f.get("remaining")),
        }
    if reason == "greedy_skipped":
        return _(
            "Not funded: when its turn came (with %(votes)s), only %(left)s was left, less than "
            "its cost of %(cost)s."
        ) % {"votes": votes_text, "left": _money(f.get("remaining")), "cost": cost}
    if reason == "mes_funded":
        return _(
            "Funded by Equal Shares in round %(round)s: its supporters paid for it together. "
            "Your share of the budget was %(share)s; you paid %(paid)s of it for this project."
        ) % {
            "round": f.get("round"),
            "share": _money(f.get("share")),
            "paid": _money(f.get("paid")),
        }
    if reason == "mes_unaffordable":
        if f.get("left") is not None:
            return _(
                "Not funded: its supporters together had only %(left)s of their shares left, "
                "less than its cost of %(cost)s (you had %(yours)s left)."
            ) % {"left": _money(f.get("left")), "cost": cost, "yours": _money(f.get("your_left"))}
        return _(
            "Not funded: its supporters' shares could not cover its cost of %(cost)s (you had "
            "%(yours)s left)."
        ) % {"cost": cost, "yours": _money(f.get("your_left"))}
    if reason == "fill_funded":
        return _(
            "Funded when the money Equal Shares left over was spent by most votes first: its "
            "cost of %(cost)s fit in the %(left)s left."
        ) % {"cost": cost, "left": _money(f.get("remaining"))}
    if reason == "fill_skipped":
        return _(
            "Not funded: its supporters' shares could not cover it, and when the money left "
            "over was spent by most votes first, only %(left)s was left, less than its cost "
            "of %(cost)s."
        ) % {"left": _money(f.get("remaining")), "cost": cost}
    if reason == "phragmen_funded":
        return _("Funded as project no. %(position)s by sequential Phragmén.") % {
            "position": f.get("round")
        }
    if reason == "phragmen_stopped":
        return _(
            "Not funded: the count stopped at project %(stop)s (%(stop_cost)s), which no "
            "longer fit in the %(left)s left, before this project's turn."
        ) % {
            "stop": f.get("stopped_at", "-"),
            "stop_cost": _money(f.get("stop_cost")),
            "left": _money(f.get("remaining")),
        }
    if reason == "over_budget":
        return _("Not funded: it costs %(cost)s, more than the whole budget of %(budget)s.") % {
            "cost": cost,
            "budget": _money(f.get("budget")),
        }
    return _("Not funded: nobody else voted for it.") if not item.funded else _("Funded.")


def explain_ballot(
    contest: Contest, run: CountRun, choices: Any, projects: list[Project]
) -> list[dict[str, Any]]:
    """For each project a ballot chose, whether it was funded and why, in plain words."""
    from . import counting_bridge

    result = run.result or {}
    by_code = {p.code: p for p in projects}
    votes = {str(k): v for k, v in (result.get("votes") or {}).items()}
    position = {w["code"]: i + 1 for i, w in enumerate(result.get("winners", []))}
    items = []
    for item in counting_bridge.explain(result, contest.design, choices):
        project = by_code.get(item.project)
        if project is None:
            continue
        items.append(
            {
                "project": project,
                "funded": item.funded,
                "reason": _reason(item, votes, contest.design, position),
            }
        )
    return items


def pabulib_text(contest: Contest) -> str:
    """The contest's counted ballots in the Pabulib ``.pb`` format, for research: the
    projects (with the published result) and one anonymous row per ballot, numbered in
    an order that follows the ballots' contents, not who cast them or when."""
    from . import counting_bridge, pabulib, services

    data = services.ballots_for_count(contest)
    election = contest.election
    run = contest.published_run
    result = (run.result if run else None) or {}
    winners = {w["code"] for w in result.get("winners", [])}
    votes = result.get("votes") or {}
    meta = {
        "description": f"{election.title} · {contest.name}",
        "country": "South Korea",
        "unit": election.district.name_ko if election.district else "서울특별시",
        "instance": str(timezone.localtime(election.closes_at).year),
        "subunit": contest.name,
        "date_begin": timezone.localtime(election.opens_at).strftime("%d.%m.%Y"),
        "date_end": timezone.localtime(election.closes_at).strftime("%d.%m.%Y"),
        "language": "ko",
        "currency": "KRW",
        "ballot_design": contest.design,
    }
    if contest.max_choices:
        meta["max_length"] = str(contest.max_choices)
    if contest.points:
        meta["max_sum_points"] = str(contest.points)
    if run is not None:
        meta["rule"] = run.rule
        meta["completion"] = run.completion
        meta["tie_break"] = contest.tie_break
    extra = {
        code: {"votes": str(votes.get(code, 0)), "selected": "1" if code in winners else "0"}
        for code in data.projects
    }
    titles = dict(contest.projects.values_list("code", "title"))
    pb = pabulib.build(
        counting_bridge.instance_of(data),
        counting_bridge.profile_of(data),
        meta=meta,
        names=titles,
        project_extra=extra if run is not None else None,
        area_column="neighborhood",
    )
    return pabulib.write(pb)


def compare(contest: Contest, runs: list[CountRun], projects: list[Project]) -> dict | None:
    """Finished counts side by side: which projects each funds, spending, unhappy voters."""
    if not runs:
        return None
    heads, positions, spent, unhappy = [], [], [], []
    for run in runs:
        label = run.get_rule_display()
        if run.completion != Completion.NONE:
            label = f"{label} + {run.get_completion_display()}"
        heads.append(label)
        order = [w["code"] for w in (run.result or {}).get("winners", [])]
        positions.append({code: i + 1 for i, code in enumerate(order)})
        spent.append(int((run.result or {}).get("spent", 0)))
        fairness = (run.result or {}).get("fairness") or {}
        unhappy.append(fairness.get("voters_with_nothing", "—"))
    rows = [{"project": p, "cells": [pos.get(p.code) for pos in positions]} for p in projects]
    return {"heads": heads, "rows": rows, "spent": spent, "unhappy": unhappy}


def won_text(amount: int) -> str:
    return won(amount)
