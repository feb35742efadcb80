"""What the UI and the API do to votes: set-up, the voter roll, ballots, codes, paper.

Every function validates first and raises ``ValidationError`` with messages keyed by
field (``"__all__"`` for the request as a whole), then saves inside one transaction and
records staff changes in the audit history. Nothing here raises anything else for bad
input, so the API answers 422, never 500.

Ballot secrecy (see the models' docstring): casting writes two rows that share nothing —
the roll's ``Participation`` (voter, contest, day) and an anonymous ``Ballot`` (contest,
choices, channel, hash of the receipt). Casting is never audited, since an audit event
would link a voter and a time to the moment a ballot appeared.

One ballot per voter is enforced by the database: the unique (voter, contest) constraint
of ``Participation`` is inserted in the same transaction as the ballot, so of any number of
simultaneous submissions exactly one commits and the others get "you have already voted".

Decisions documented here:

- **Cumulative ballots** spread *at most* ``points`` (at least one), as whole non-negative
  numbers; zeros are dropped. Forcing a voter to spend every point would make them give
  points to projects they do not support.
- **Every design needs at least one choice**: an empty ballot is refused, not stored.
- **Ranking ballots** may rank some projects only (at most k when the contest sets k).
- **Age** counts by years, as Korean ordinances do: eligible who turn ``min_age`` in the
  calendar year (Seoul time) in which the vote closes.
- **Receipts** are 16 characters: 12 random and 4 that bind the receipt to the voter and
  the contest (an HMAC under ``SECRET_KEY``). The ballot stores only the receipt's SHA-256,
  so nothing in the database links a ballot to a voter; a receipt shown to or stolen by
  someone else cannot be used by them to replace the owner's ballot. A revote keeps the
  receipt: it moves to the new ballot, and the old one is marked superseded.
- **Voting codes** are per election; one code is one ballot paper: all contests the
  code's district gets are cast in one request, and the code is used up by it.
- **Paper ballots** may be imported from the day the vote opens until a count of the
  contest is published.
- **Ballot passes** (``ballot_pass``) let a voter's device cast ballots of that one vote
  with a signed value instead of a session or API token; intake then costs one query for
  the roll entry and one statement for roll entry and ballot together.
- **Once a vote is open** its contests and projects are fixed and its closing can only be
  extended; intake may therefore cache the contest for a few seconds per process.

What the database itself still knows: PostgreSQL keeps the transaction id (``xmin``) and
the physical order of rows, and a roll entry and its ballot are written in the same
transaction (they must be, so that neither exists without the other). Someone with direct
access to the database server, not to the application's data, could link them through
those; nothing the application stores, shows or exports does.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from hyeopchi.core import audit
from hyeopchi.core.models import District
from hyeopchi.core.policy import policies
from hyeopchi.core.templatetags.hyeopchi import won

from .models import (
    Ballot,
    Channel,
    CodeBatch,
    Completion,
    Contest,
    Design,
    Election,
    PaperBatch,
    Participation,
    Project,
    Rule,
    Verification,
    Voter,
    VotingCode,
)
from .policy import VotingPolicy

NON_FIELD = "__all__"
MAX_CODES_PER_BATCH = 50_000
MAX_PAPER_ERRORS_SHOWN = 50
PROJECT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")
TIE_BREAKS = ("lexicographic", "max_cost", "min_cost")


def _fail(field_name: str, message: str) -> ValidationError:
    return ValidationError({field_name: [message]})


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _fields(obj) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _record(obj, action: str, actor, election: Election, reason: str = "", changes=None):
    """Audit ``obj`` under the election's district (objects without their own district)."""
    if getattr(obj, "district_id", None) is None:
        obj.audit_district_id = election.district_id
    return audit.record(obj, action, actor, reason, changes)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------- policies


def voting_policy(key: str) -> VotingPolicy:
    """The voting policy file with ``key``; LookupError when there is none."""
    document = policies().get("voting", key)
    assert isinstance(document, VotingPolicy)
    return document


def voting_policies() -> list[VotingPolicy]:
    return [f.document for f in policies().of_kind("voting")]  # type: ignore[misc]


def policy_of(election: Election) -> VotingPolicy:
    try:
        return voting_policy(election.policy_key)
    except LookupError:
        raise _fail(
            NON_FIELD,
            _("The voting policy %(key)s of this vote no longer exists.")
            % {"key": election.policy_key},
        ) from None


# ---------------------------------------------------------------- set-up


def _aware(value: Any) -> Any:
    """A date-time without a time zone is Seoul time."""
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _check_window(opens_at, closes_at, errors: dict[str, list[str]]) -> None:
    dates = (("opens_at", opens_at), ("closes_at", closes_at))
    for name, value in dates:
        if not isinstance(value, dt.datetime):
            errors.setdefault(name, []).append(_("Enter a date and time."))
    if all(isinstance(value, dt.datetime) for _n, value in dates) and closes_at <= opens_at:
        errors.setdefault("closes_at", []).append(_("The vote must close after it opens."))


def _check_title(title: Any, errors: dict[str, list[str]], field_name: str = "title") -> None:
    if not isinstance(title, str) or not title.strip():
        errors.setdefault(field_name, []).append(_("This field cannot be blank."))
    elif len(title.strip()) > 200:
        errors.setdefault(field_name, []).append(_("Use at most %(n)s characters.") % {"n": 200})


def _check_budget(value: Any, errors: dict[str, list[str]], field_name: str) -> None:
    if not _is_int(value) or value <= 0:
        errors.setdefault(field_name, []).append(
            _("The budget must be a positive whole number of won.")
        )
    elif value > 10**16:
        errors.setdefault(field_name, []).append(_("The budget is too large."))


@transaction.atomic
def create_election(
    *,
    title: str,
    district: District | None,
    policy_key: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    budgets: Mapping[str, int],
    actor=None,
    description: str = "",
) -> Election:
    """Set up a vote with one contest (ballot) per contest of the voting policy.

    ``budgets`` gives each contest's budget in won, by the policy's contest key. Contests
    take the policy's Korean name, design and counting rule; a district vote's contests
    are for residents of its district, a city-wide vote's for all of Seoul.
    """
    errors: dict[str, list[str]] = {}
    opens_at, closes_at = _aware(opens_at), _aware(closes_at)
    _check_title(title, errors)
    _check_window(opens_at, closes_at, errors)
    policy = None
    try:
        policy = voting_policy(policy_key)
    except LookupError:
        errors["policy_key"] = [_("No voting policy named %(key)s.") % {"key": policy_key}]
    if policy is not None:
        if not isinstance(budgets, Mapping):
            errors["budgets"] = [_("Give the budget of each ballot by its key.")]
        else:
            keys = [c.key for c in policy.contests]
            for key in keys:
                if key not in budgets:
                    errors.setdefault(f"budgets.{key}", []).append(
                        _("Give the budget of the ballot %(key)s.") % {"key": key}
                    )
                else:
                    _check_budget(budgets[key], errors, f"budgets.{key}")
            for key in budgets:
                if key not in keys:
                    errors.setdefault("budgets", []).append(
                        _("The policy has no ballot %(key)s; its ballots are: %(keys)s.")
                        % {"key": key, "keys": ", ".join(keys)}
                    )
    _raise_if(errors)
    assert policy is not None
    election = Election.objects.create(
        title=title.strip(),
        description=description or "",
        district=district,
        policy_key=policy_key,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for position, spec in enumerate(policy.contests):
        Contest.objects.create(
            election=election,
            key=spec.key,
            name=spec.name,
            category=spec.category,
            district=district,
            budget=budgets[spec.key],
            design=spec.design,
            max_choices=spec.max_choices,
            min_share_spent=str(spec.min_share_spent) if spec.min_share_spent else "",
            points=spec.points,
            rule=spec.rule,
            completion=spec.completion,
            tie_break=spec.tie_break,
            position=position,
        )
    _record(election, "created", actor, election, changes=audit.diff({}, _fields(election)))
    return election


def _require_not_open(election: Election, now: dt.datetime, what: str = "") -> None:
    if now >= election.opens_at:
        raise _fail(
            NON_FIELD,
            what or _("The vote has opened; its ballots and projects can no longer change."),
        )


ELECTION_FIELDS = ("title", "description", "opens_at", "closes_at")


@transaction.atomic
def update_election(election: Election, actor=None, *, now=None, **changes) -> Election:
    """Change title, description and dates. The opening can move only before the vote
    opens; once it is open, the closing can only be extended (voters were told it)."""
    now = _now(now)
    election = Election.objects.select_for_update().get(pk=election.pk)
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - set(ELECTION_FIELDS)
    if unknown:
        errors[NON_FIELD] = [_("These fields cannot be changed: %(f)s.") % {"f": sorted(unknown)}]
    _raise_if(errors)
    before = _fields(election)
    changes = {name: _aware(value) for name, value in changes.items()}
    if "title" in changes:
        _check_title(changes["title"], errors)
    if "description" in changes and not isinstance(changes["description"], str):
        errors["description"] = [_("Enter text.")]
    opens_at = changes.get("opens_at", election.opens_at)
    closes_at = changes.get("closes_at", election.closes_at)
    if "opens_at" in changes and opens_at != election.opens_at and now >= election.opens_at:
        errors["opens_at"] = [_("The vote has opened; its opening cannot move.")]
    if "closes_at" in changes and closes_at != election.closes_at:
        if now >= election.closes_at:
            errors["closes_at"] = [_("The vote has closed; its closing cannot move.")]
        elif (
            isinstance(closes_at, dt.datetime)
            and now >= election.opens_at
            and closes_at < election.closes_at
        ):
            errors["closes_at"] = [
                _("The vote is under way: its closing can only be extended, not brought forward.")
            ]
    _check_window(opens_at, closes_at, errors)
    _raise_if(errors)
    for name, value in changes.items():
        setattr(election, name, value.strip() if name == "title" else value)
    election.save()
    _record(election, "changed", actor, election, changes=audit.diff(before, _fields(election)))
    return election


CONTEST_FIELDS = (
    "name",
    "budget",
    "max_choices",
    "points",
    "min_share_spent",
    "rule",
    "completion",
    "tie_break",
    "district_id",
    "position",
)


def parse_share(value: Any) -> Fraction | None:
    """A knapsack ballot's minimum share of the budget ("1/2", "0.5"), or None if invalid."""
    try:
        share = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return share if 0 < share <= 1 else None


def validate_contest(contest: Contest) -> None:
    """The design's parameters are set and consistent, as the voting policy schema asks."""
    errors: dict[str, list[str]] = {}
    _check_title(contest.name, errors, "name")
    _check_budget(contest.budget, errors, "budget")
    if contest.design not in Design.values:
        errors["design"] = [_("Unknown ballot design.")]
    if contest.rule not in Rule.values:
        errors["rule"] = [_("Unknown counting rule.")]
    if contest.completion not in Completion.values:
        errors["completion"] = [_("Unknown completion.")]
    if contest.tie_break not in TIE_BREAKS:
        errors["tie_break"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(TIE_BREAKS)}
        ]
    k = contest.max_choices
    if k is not None and (not _is_int(k) or k < 1):
        errors["max_choices"] = [_("k must be a whole number of at least 1.")]
    elif contest.design == Design.K_APPROVAL and k is None:
        errors["max_choices"] = [_("A k-approval ballot needs k, the most choices allowed.")]
    points = contest.points
    if points is not None and (not _is_int(points) or points < 1):
        errors["points"] = [_("The points must be a whole number of at least 1.")]
    elif contest.design == Design.CUMULATIVE and points is None:
        errors["points"] = [_("A cumulative ballot needs the number of points to spread.")]
    if contest.min_share_spent:
        if contest.design != Design.KNAPSACK:
            errors["min_share_spent"] = [_("A minimum share applies to knapsack ballots only.")]
        elif parse_share(contest.min_share_spent) is None:
            errors["min_share_spent"] = [_("Enter a share such as 1/2: more than 0 and at most 1.")]
    if contest.design == Design.RANKING and contest.rule != Rule.GREEDY:
        errors.setdefault("rule", []).append(
            _("Ranking ballots are counted by most votes first (Borda points) only.")
        )
    if contest.completion != Completion.NONE and not str(contest.rule).startswith("mes"):
        errors.setdefault("completion", []).append(
            _("A completion applies to the Method of Equal Shares only.")
        )
    if contest.district_id is not None:
        election = contest.election
        if election.district_id is not None and contest.district_id != election.district_id:
            errors["district_id"] = [_("A district vote's ballots are for its own district.")]
        elif not District.objects.filter(pk=contest.district_id).exists():
            errors["district_id"] = [_("No district with id %(id)s.") % {"id": contest.district_id}]
    if contest.pk and _is_int(contest.budget) and not errors.get("budget"):
        dearest = contest.projects.order_by("-cost").first()
        if dearest is not None and dearest.cost > contest.budget:
            errors["budget"] = [
                _("Project %(code)s costs %(cost)s, more than this budget.")
                % {"code": dearest.code, "cost": won(dearest.cost)}
            ]
    _raise_if(errors)


@transaction.atomic
def update_contest(contest: Contest, actor=None, *, now=None, **changes) -> Contest:
    """Adjust a ballot's name, budget, design parameters or rule before the vote opens."""
    now = _now(now)
    contest = Contest.objects.select_for_update().select_related("election").get(pk=contest.pk)
    _require_not_open(contest.election, now)
    unknown = set(changes) - set(CONTEST_FIELDS)
    if unknown:
        raise _fail(NON_FIELD, _("These fields cannot be changed: %(f)s.") % {"f": sorted(unknown)})
    before = _fields(contest)
    for name, value in changes.items():
        if name == "min_share_spent" and value is None:
            value = ""
        if name == "name" and isinstance(value, str):
            value = value.strip()
        setattr(contest, name, value)
    validate_contest(contest)
    if contest.min_share_spent:
        contest.min_share_spent = str(parse_share(contest.min_share_spent))
    contest.save()
    _record(
        contest, "changed", actor, contest.election, changes=audit.diff(before, _fields(contest))
    )
    return contest


# ---------------------------------------------------------------- projects


def validate_project(project: Project) -> None:
    errors: dict[str, list[str]] = {}
    code = project.code
    if not isinstance(code, str) or not PROJECT_CODE.match(code):
        errors["code"] = [
            _(
                "A project code has 1 to 20 letters, digits, '-', '_' or '.', "
                "and starts with a letter or digit."
            )
        ]
    elif (
        Project.objects.filter(contest_id=project.contest_id, code=code)
        .exclude(pk=project.pk)
        .exists()
    ):
        errors["code"] = [_("This ballot already has a project %(code)s.") % {"code": code}]
    _check_title(project.title, errors)
    if not isinstance(project.description, str):
        errors["description"] = [_("Enter text.")]
    if not isinstance(project.area, str) or len(project.area) > 60:
        errors["area"] = [_("Use at most %(n)s characters.") % {"n": 60}]
    if not _is_int(project.cost) or project.cost <= 0:
        errors["cost"] = [_("The cost must be a positive whole number of won.")]
    elif project.cost > project.contest.budget:
        errors["cost"] = [
            _("The project costs more than the ballot's whole budget (%(budget)s).")
            % {"budget": won(project.contest.budget)}
        ]
    _raise_if(errors)


PROJECT_FIELDS = ("code", "title", "description", "cost", "area")


@transaction.atomic
def add_project(
    contest: Contest,
    *,
    code: str,
    title: str,
    cost: int,
    description: str = "",
    area: str = "",
    actor=None,
    now=None,
) -> Project:
    """Put a project on a ballot (only before the vote opens)."""
    contest = Contest.objects.select_for_update().select_related("election").get(pk=contest.pk)
    _require_not_open(contest.election, _now(now))
    project = Project(
        contest=contest,
        code=code.strip() if isinstance(code, str) else code,
        title=title.strip() if isinstance(title, str) else title,
        cost=cost,
        description=description if description is not None else "",
        area=area.strip() if isinstance(area, str) else area,
    )
    validate_project(project)
    project.save()
    _record(project, "created", actor, contest.election, changes=audit.diff({}, _fields(project)))
    return project


@transaction.atomic
def update_project(project: Project, actor=None, *, now=None, **changes) -> Project:
    """Change a project (only before the vote opens)."""
    project = (
        Project.objects.select_for_update().select_related("contest__election").get(pk=project.pk)
    )
    _require_not_open(project.contest.election, _now(now))
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise _fail(NON_FIELD, _("These fields cannot be changed: %(f)s.") % {"f": sorted(unknown)})
    before = _fields(project)
    for name, value in changes.items():
        if name in ("code", "title", "area") and isinstance(value, str):
            value = value.strip()
        if name in ("description", "area") and value is None:
            value = ""
        setattr(project, name, value)
    validate_project(project)
    project.save()
    _record(
        project,
        "changed",
        actor,
        project.contest.election,
        changes=audit.diff(before, _fields(project)),
    )
    return project


@transaction.atomic
def remove_project(project: Project, actor=None, *, now=None, reason: str = "") -> None:
    """Take a project off the ballot before the vote opens (the audit keeps its data)."""
    project = (
        Project.objects.select_for_update().select_related("contest__election").get(pk=project.pk)
    )
    election = project.contest.election
    _require_not_open(election, _now(now))
    before = _fields(project)
    reason = reason or _("Taken off the ballot before the vote opened.")
    _record(project, "changed", actor, election, reason, audit.diff(before, {}))
    project.delete()


# ---------------------------------------------------------------- the voter roll


def _age_year(election: Election) -> int:
    return timezone.localtime(election.closes_at).year


def eligibility(
    election: Election, voter: Voter | None, *, policy: VotingPolicy | None = None
) -> list[str]:
    """Why ``voter`` may not vote in ``election`` under its policy; empty when they may.

    Residents only: of the election's district, or of Seoul (any district) when the vote
    is city-wide. Minimum age: reached in the calendar year the vote closes. Verified:
    confirmed by staff or a resident-roll import, when the policy requires it.
    """
    if voter is None:
        return [_("You are not on the voter roll of this vote; register first.")]
    policy = policy or policy_of(election)
    rules = policy.eligibility
    reasons: list[str] = []
    if voter.election_id != election.pk:
        return [_("This voter roll entry belongs to another vote.")]
    if (
        rules.residents_only
        and election.district_id is not None
        and voter.district_id != election.district_id
    ):
        reasons.append(
            _("Only residents of %(district)s may vote.") % {"district": election.district.name}
        )
    if rules.min_age is not None:
        year = _age_year(election)
        if year - voter.birth_year < rules.min_age:
            reasons.append(
                _(
                    "Only residents who turn %(age)s in %(year)s or earlier may vote "
                    "(born in %(born)s or before)."
                )
                % {"age": rules.min_age, "year": year, "born": year - rules.min_age}
            )
    if rules.verified_required and not voter.verified:
        reasons.append(
            _(
                "Your residency has not been verified yet: staff confirm it, or it comes "
                "from the resident roll."
            )
        )
    return reasons


def voter_for(election: Election, user) -> Voter | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return _one(Voter.objects.filter(election=election, user=user).select_related("district"))


def _one(qs):
    """The first row of an unordered queryset, or None (LIMIT 1, no ORDER BY)."""
    return next(iter(qs[:1]), None)


# Contests of open votes with their vote and project costs, per process: once a vote is
# open, its contests and projects cannot change and its closing can only be extended (the
# set-up services refuse anything else), so ballot intake need not read them for every
# ballot. A cached vote may at worst refuse a ballot in the first seconds of an extension,
# never accept one after the closing. Kept INTAKE_CACHE_SECONDS at most, and cleared on
# any save of a contest, project or vote in this process.
INTAKE_CACHE_SECONDS = 5.0
_intake_cache: dict[int, tuple[float, Contest]] = {}


def _clear_intake_cache(**kwargs) -> None:
    _intake_cache.clear()


for _model in (Election, Contest, Project):
    post_save.connect(_clear_intake_cache, sender=_model, dispatch_uid=f"intake-{_model.__name__}")
    post_delete.connect(
        _clear_intake_cache, sender=_model, dispatch_uid=f"intake-del-{_model.__name__}"
    )


def _intake_contest(contest_id: int) -> Contest:
    hit = _intake_cache.get(contest_id)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    contest = Contest.objects.select_related("election").get(pk=contest_id)
    _projects(contest)
    if contest.election.is_open():
        _intake_cache[contest_id] = (time.monotonic() + INTAKE_CACHE_SECONDS, contest)
    return contest


def intake(contest_id: int, user=None, *, ballot_pass: BallotPass | None = None):
    """A contest (with its vote and project costs) and the roll entry of ``user`` — or of
    the holder of ``ballot_pass``, whose account must be active — to cast a ballot: one
    query while the contest is cached (see above), two otherwise. The contest may be
    shared with other requests: read it, do not change it. Contest.DoesNotExist if there
    is no such contest.
    """
    contest = _intake_contest(contest_id)
    if ballot_pass is not None:
        if ballot_pass.election_id != contest.election_id:
            return contest, None
        voter = _roll_entry(contest.election_id, voter_id=ballot_pass.voter_id)
    elif user is not None and getattr(user, "is_authenticated", False):
        voter = _roll_entry(contest.election_id, user_id=user.pk)
    else:
        voter = None
    if voter is not None:
        voter.election = contest.election
    return contest, voter


def _roll_entry(election_id: int, *, voter_id=None, user_id=None) -> Voter | None:
    """One roll entry of an active account, read with one plain query (the ORM's query
    building costs more than the query itself on the ballot-intake path)."""
    q = connection.ops.quote_name
    user_table = q(get_user_model()._meta.db_table)
    where, key = ("v.id = %s", voter_id) if voter_id is not None else ("v.user_id = %s", user_id)
    sql = (
        "SELECT v.id, v.user_id, v.district_id, v.birth_year, v.verification, v.verified "
        f"FROM {q(Voter._meta.db_table)} v JOIN {user_table} u ON u.id = v.user_id "
        f"WHERE v.election_id = %s AND {where} AND u.is_active"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [election_id, key])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, user_pk, district_id, birth_year, verification, verified = row
    return Voter(
        pk=pk,
        election_id=election_id,
        user_id=user_pk,
        district_id=district_id,
        birth_year=birth_year,
        verification=verification,
        verified=verified,
    )


# ---------------------------------------------------------------- ballot passes

PASS_SALT = "hyeopchi.voting.ballot-pass"


@dataclass(frozen=True)
class BallotPass:
    """What a valid ballot pass says: this voter of this vote may cast their ballots."""

    voter_id: int
    election_id: int


def ballot_pass(voter: Voter) -> tuple[str, dt.datetime]:
    """A signed pass with which the voter's device casts (and changes) their ballots in
    this vote without a database look-up of a session or token; valid until the vote
    closes. It carries only the roll entry's id and the vote's; the voter must still be
    on the roll and their account active when they use it. Returns it with its expiry."""
    expires = voter.election.closes_at
    text = signing.dumps(
        {"v": voter.pk, "e": voter.election_id, "x": int(expires.timestamp())},
        salt=PASS_SALT,
    )
    return text, expires


def read_ballot_pass(text: str) -> BallotPass | None:
    """The pass's content if its signature is good and it has not expired, else None."""
    if not isinstance(text, str) or len(text) > 300:
        return None
    try:
        data = signing.loads(text, salt=PASS_SALT)
        voter_id, election_id, expires = int(data["v"]), int(data["e"]), int(data["x"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if time.time() >= expires:
        return None
    return BallotPass(voter_id, election_id)


def _check_birth_year(value: Any, errors: dict[str, list[str]], field_name="birth_year") -> None:
    this_year = timezone.localdate().year
    if not _is_int(value) or not 1900 <= value <= this_year:
        errors.setdefault(field_name, []).append(
            _("Enter a birth year between 1900 and %(year)s.") % {"year": this_year}
        )


@transaction.atomic
def register_voter(
    election: Election, user, district: District, birth_year: int, *, now=None
) -> Voter:
    """Put ``user`` on the roll with their self-declared district and birth year.

    Registering again with other data changes the entry until it is verified or the
    voter has voted; after that only staff can correct it.
    """
    now = _now(now)
    errors: dict[str, list[str]] = {}
    if user is None or not getattr(user, "is_authenticated", False):
        errors[NON_FIELD] = [_("Sign in to register as a voter.")]
    if election.is_closed(now):
        errors[NON_FIELD] = [_("The vote has closed.")]
    if not isinstance(district, District):
        errors["district_id"] = [_("Choose your district of residence.")]
    _check_birth_year(birth_year, errors)
    _raise_if(errors)
    voter = Voter.objects.select_for_update().filter(election=election, user=user).first()
    if voter is None:
        try:
            with transaction.atomic():
                return Voter.objects.create(
                    election=election,
                    user=user,
                    district=district,
                    birth_year=birth_year,
                    verification=Verification.SELF_DECLARED,
                    verified=False,
                )
        except IntegrityError:  # registered at the same moment by another request
            voter = Voter.objects.select_for_update().get(election=election, user=user)
    if voter.district_id == district.pk and voter.birth_year == birth_year:
        return voter
    if voter.verified:
        raise _fail(
            NON_FIELD, _("Your entry on the roll was verified; ask the staff to correct it.")
        )
    if voter.participations.exists():
        raise _fail(NON_FIELD, _("You have voted; your entry on the roll can no longer change."))
    voter.district, voter.birth_year = district, birth_year
    voter.save(update_fields=["district", "birth_year"])
    return voter


@transaction.atomic
def confirm_voter(
    voter: Voter,
    actor,
    *,
    district: District | None = None,
    birth_year: int | None = None,
    reason: str = "",
) -> Voter:
    """Staff confirm a voter's residency (optionally correcting district and birth year)."""
    voter = Voter.objects.select_for_update().select_related("election").get(pk=voter.pk)
    errors: dict[str, list[str]] = {}
    if birth_year is not None:
        _check_birth_year(birth_year, errors)
    changes_place = (district is not None and district.pk != voter.district_id) or (
        birth_year is not None and birth_year != voter.birth_year
    )
    if changes_place and voter.participations.exists():
        errors[NON_FIELD] = [
            _("This voter has voted; their district and birth year can no longer change.")
        ]
    _raise_if(errors)
    before = _fields(voter)
    if district is not None:
        voter.district = district
    if birth_year is not None:
        voter.birth_year = birth_year
    voter.verified, voter.verification = True, Verification.STAFF
    voter.save()
    _record(voter, "changed", actor, voter.election, reason, audit.diff(before, _fields(voter)))
    return voter


@dataclass(frozen=True)
class RollImport:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _decode(data: bytes | str, field_name: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(field_name, _("The file is not UTF-8 text.")) from None


def _line_errors(errors: list[str], field_name: str = "file") -> ValidationError:
    shown = errors[:MAX_PAPER_ERRORS_SHOWN]
    if len(errors) > len(shown):
        shown.append(_("… and %(n)s more lines with errors.") % {"n": len(errors) - len(shown)})
    return ValidationError({field_name: shown})


@transaction.atomic
def import_roll(
    election: Election, data: bytes | str, actor, *, file_name: str = "", now=None
) -> RollImport:
    """Import a resident roll: CSV lines of ``user,district,birth_year``.

    ``user`` is a user name or an e-mail address, ``district`` the 5-digit district code;
    a first line of column names is skipped. Every entry becomes verified (resident-roll
    import). A file with any bad line is refused whole, naming every bad line.
    """
    now = _now(now)
    if election.is_closed(now):
        raise _fail("file", _("The vote has closed."))
    text = _decode(data, "file")
    rows: list[tuple[int, str, str, str]] = []
    errors: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            line = reader.line_num
            header = len(cells) >= 3 and not cells[1].isdigit() and not cells[2].isdigit()
            if not rows and not errors and header:
                continue  # the column names
            if len(cells) != 3:
                errors.append(
                    (
                        line,
                        _("Line %(line)s: expected 3 columns (user, district code, birth year).")
                        % {"line": line},
                    )
                )
                continue
            rows.append((line, cells[0], cells[1], cells[2]))
    except csv.Error as exc:
        raise _fail("file", _("The file is not valid CSV: %(error)s") % {"error": exc}) from None
    if not rows and not errors:
        raise _fail("file", _("The file holds no voters."))

    User = get_user_model()
    names = {who for _l, who, _d, _b in rows if "@" not in who}
    emails = {who.lower() for _l, who, _d, _b in rows if "@" in who}
    by_name = {u.get_username(): u for u in User.objects.filter(username__in=names)}
    by_email: dict[str, list] = {}
    if emails:
        for u in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails):
            by_email.setdefault(u.email.lower(), []).append(u)
    districts = {d.code: d for d in District.objects.all()}
    existing = {v.user_id: v for v in Voter.objects.filter(election=election)}
    voted = set(
        Participation.objects.filter(voter__election=election).values_list("voter_id", flat=True)
    )
    seen: dict[int, int] = {}
    plan: list[tuple[Any, District, int]] = []
    for line, who, code, year_text in rows:
        line_errors: list[str] = []
        if "@" in who:
            matches = by_email.get(who.lower(), [])
            user = matches[0] if len(matches) == 1 else None
            if len(matches) > 1:
                line_errors.append(_("several accounts use the e-mail %(who)s") % {"who": who})
            elif user is None:
                line_errors.append(_("no account with the e-mail %(who)s") % {"who": who})
        else:
            user = by_name.get(who)
            if user is None:
                line_errors.append(_("no account named %(who)s") % {"who": who})
        district = districts.get(code)
        if district is None:
            line_errors.append(_("no district with the code %(code)s") % {"code": code})
        year = int(year_text) if year_text.isdigit() else None
        year_errors: list[str] = []
        _check_birth_year(year, {"": year_errors}, "")
        if year_errors:
            line_errors.append(
                _("the birth year %(year)s is not a year between 1900 and this year")
                % {"year": year_text}
            )
        if user is not None:
            if user.pk in seen:
                line_errors.append(
                    _("the same voter is already on line %(other)s") % {"other": seen[user.pk]}
                )
            else:
                seen[user.pk] = line
            entry = existing.get(user.pk)
            if (
                entry is not None
                and entry.pk in voted
                and district is not None
                and (entry.district_id != district.pk or entry.birth_year != year)
            ):
                line_errors.append(
                    _("this voter has voted; their district and birth year can no longer change")
                )
        if line_errors:
            errors.append(
                (
                    line,
                    _("Line %(line)s: %(problems)s.")
                    % {"line": line, "problems": "; ".join(line_errors)},
                )
            )
        else:
            assert district is not None and year is not None
            plan.append((user, district, year))
    if errors:
        raise _line_errors([message for _line, message in sorted(errors)])

    created: list[Voter] = []
    updated: list[Voter] = []
    for user, district, year in plan:
        entry = existing.get(user.pk)
        if entry is None:
            created.append(
                Voter(
                    election=election,
                    user=user,
                    district=district,
                    birth_year=year,
                    verification=Verification.ROLL_IMPORT,
                    verified=True,
                )
            )
        else:
            entry.district, entry.birth_year = district, year
            entry.verification, entry.verified = Verification.ROLL_IMPORT, True
            updated.append(entry)
    try:
        with transaction.atomic():
            Voter.objects.bulk_create(created, batch_size=2000)
            Voter.objects.bulk_update(
                updated, ["district", "birth_year", "verification", "verified"], batch_size=2000
            )
    except IntegrityError:  # a voter registered themselves during the import
        raise _fail(
            "file", _("The roll changed during the import; import the file again.")
        ) from None
    result = RollImport(created=len(created), updated=len(updated))
    _record(
        election,
        "changed",
        actor,
        election,
        _("Resident-roll import %(file)s: %(created)s added, %(updated)s updated.")
        % {"file": file_name or "-", "created": result.created, "updated": result.updated},
        {"voter_roll": [None, result.total]},
    )
    return result


# ---------------------------------------------------------------- ballots


def _projects(contest: Contest) -> dict[str, int]:
    cached = getattr(contest, "_project_costs", None)
    if cached is None:
        cached = dict(contest.projects.values_list("code", "cost"))
        contest._project_costs = cached
    return cached


def ballot_cost(contest: Contest, stored: Any) -> int:
    """Total cost of the projects on a validated ballot."""
    costs = _projects(contest)
    return sum(costs[code] for code in (stored.keys() if isinstance(stored, dict) else stored))


def _codes_of(choices: Any, known: Mapping[str, int], errors: list[str]) -> list[str]:
    """A list of distinct known project codes, in the order given."""
    if not isinstance(choices, list | tuple):
        errors.append(_("Choose projects as a list of project codes."))
        return []
    codes: list[str] = []
    seen: set[str] = set()
    for item in choices:
        if not isinstance(item, str):
            errors.append(_("Project codes are text, such as %(example)s.") % {"example": "P01"})
            return []
        code = item.strip()
        if code in seen:
            errors.append(_("Project %(code)s is chosen more than once.") % {"code": code[:40]})
        elif code not in known:
            errors.append(_("This ballot has no project %(code)s.") % {"code": code[:40]})
        seen.add(code)
        codes.append(code)
    if not codes and not errors:
        errors.append(_("Choose at least one project."))
    return codes


def validate_ballot(contest: Contest, choices: Any, projects: Mapping[str, int] | None = None):
    """Check a ballot against its contest's design; returns the choices as stored.

    approval, k_approval, knapsack: a list of distinct project codes (stored sorted);
    ranking: the same, in order of preference (kept in order); cumulative: an object
    ``{code: points}`` of whole non-negative numbers adding up to at least 1 and at most
    the contest's points (zeros dropped). Raises ValidationError on ``choices``.
    """
    known = projects if projects is not None else _projects(contest)
    errors: list[str] = []
    design = contest.design
    if design == Design.CUMULATIVE:
        result = _validate_points(contest, choices, known, errors)
    else:
        codes = _codes_of(choices, known, errors)
        limit = contest.max_choices if design in (Design.K_APPROVAL, Design.RANKING) else None
        if not errors and limit is not None and len(codes) > limit:
            errors.append(
                _("Choose at most %(k)s projects; this ballot has %(n)s.")
                % {"k": limit, "n": len(codes)}
            )
        if not errors and design == Design.KNAPSACK:
            total = sum(known[c] for c in codes)
            if total > contest.budget:
                errors.append(
                    _("The chosen projects cost %(total)s, more than the budget of %(budget)s.")
                    % {"total": won(total), "budget": won(contest.budget)}
                )
            share = parse_share(contest.min_share_spent) if contest.min_share_spent else None
            if share is not None and total < share * contest.budget:
                errors.append(
                    _(
                        "The chosen projects cost %(total)s; choose projects for at least "
                        "%(minimum)s (%(share)s of the budget)."
                    )
                    % {
                        "total": won(total),
                        "minimum": won(-(-share.numerator * contest.budget // share.denominator)),
                        "share": str(share),
                    }
                )
        result = codes if design == Design.RANKING else sorted(codes)
    if errors:
        raise ValidationError({"choices": errors})
    return result


def _validate_points(contest, choices, known, errors) -> dict[str, int]:
    if not isinstance(choices, Mapping):
        errors.append(_("Give points as an object of project codes and whole numbers."))
        return {}
    spread: dict[str, int] = {}
    for code, value in choices.items():
        code = str(code).strip()
        if code not in known:
            errors.append(_("This ballot has no project %(code)s.") % {"code": code[:40]})
        elif not _is_int(value) or value < 0:
            errors.append(
                _("The points for %(code)s must be a whole number of at least 0.") % {"code": code}
            )
        elif code in spread:
            errors.append(_("Project %(code)s is chosen more than once.") % {"code": code})
        elif value:
            spread[code] = value
    if errors:
        return {}
    total = sum(spread.values())
    if total == 0:
        errors.append(_("Give at least one point."))
    elif total > contest.points:
        errors.append(
            _("Spread at most %(points)s points; this ballot gives %(total)s.")
            % {"points": contest.points, "total": total}
        )
    return dict(sorted(spread.items()))


def _require_open(election: Election, now: dt.datetime) -> None:
    if now < election.opens_at:
        raise _fail(
            NON_FIELD,
            _("The vote opens at %(at)s.")
            % {"at": timezone.localtime(election.opens_at).strftime("%Y-%m-%d %H:%M")},
        )
    if now >= election.closes_at:
        raise _fail(
            NON_FIELD,
            _("The vote closed at %(at)s; no more ballots are accepted.")
            % {"at": timezone.localtime(election.closes_at).strftime("%Y-%m-%d %H:%M")},
        )


def _require_district(contest: Contest, district_id: int | None) -> None:
    if contest.district_id is not None and contest.district_id != district_id:
        raise _fail(
            NON_FIELD,
            _("This ballot is for residents of %(district)s.")
            % {"district": contest.district.name},
        )


# Codes and receipts: no 0/O, 1/I/L, so that they can be read aloud and typed from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
RECEIPT_RANDOM = 12
RECEIPT_CHECK = 4


def _random_chars(n: int) -> str:
    """``n`` characters of ALPHABET from a CSPRNG (base-31 digits of a random number with
    64 bits to spare, so the digits are uniform for all practical purposes)."""
    value, chars = secrets.randbits(5 * n + 64), []
    for _i in range(n):
        value, digit = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(chars)


def group(code: str, size: int = 4) -> str:
    """``ABCDEFGHJKMN`` → ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def normalize_code(text: Any) -> str:
    """Upper-case, without spaces and dashes; '' if it cannot be a code or receipt."""
    if not isinstance(text, str) or len(text) > 64:
        return ""
    plain = re.sub(r"[\s\-–—]", "", text).upper()
    return plain if plain and all(c in ALPHABET for c in plain) else ""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _receipt_check(contest_id: int, voter_id: int, random_part: str) -> str:
    digest = salted_hmac(
        "hyeopchi.voting.receipt", f"{contest_id}:{voter_id}:{random_part}", algorithm="sha256"
    ).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:RECEIPT_CHECK])


def _new_receipt(contest: Contest, voter: Voter) -> str:
    random_part = _random_chars(RECEIPT_RANDOM)
    return random_part + _receipt_check(contest.pk, voter.pk, random_part)


def _receipt_matches(contest: Contest, voter: Voter, receipt: str) -> bool:
    if len(receipt) != RECEIPT_RANDOM + RECEIPT_CHECK:
        return False
    random_part, check = receipt[:RECEIPT_RANDOM], receipt[RECEIPT_RANDOM:]
    return secrets.compare_digest(check, _receipt_check(contest.pk, voter.pk, random_part))


def check_voter(
    contest: Contest, voter: Voter | None, now: dt.datetime, policy: VotingPolicy | None = None
) -> Voter:
    """The vote is open, ``voter`` is eligible and lives where ``contest`` is held; else a
    ValidationError with the reasons."""
    election = contest.election
    _require_open(election, now)
    reasons = eligibility(election, voter, policy=policy)
    if reasons:
        raise ValidationError({NON_FIELD: reasons})
    assert voter is not None
    _require_district(contest, voter.district_id)
    return voter


def cast_ballot(contest: Contest, voter: Voter | None, choices: Any, *, now=None) -> str:
    """Cast ``voter``'s ballot in ``contest``; returns the receipt, shown only once.

    Refused while the vote is not open, for a voter who is not eligible or lives outside
    the contest's district, for a ballot its design does not allow, and for a voter who
    has voted in this contest already (the database's unique roll entry decides, so of
    simultaneous submissions exactly one is stored).
    """
    now = _now(now)
    policy = policy_of(contest.election)
    voter = check_voter(contest, voter, now, policy)
    stored = validate_ballot(contest, choices)
    receipt = _new_receipt(contest, voter)
    try:
        _insert_ballot(voter, contest, timezone.localdate(now), stored, sha256(receipt))
    except IntegrityError as exc:
        if _constraint(exc) not in ("", "one_ballot_per_voter"):
            raise
        if policy.revote_allowed:
            message = _(
                "You have already voted in this ballot. To change your ballot, use the "
                "receipt you were given."
            )
        else:
            message = _("You have already voted in this ballot.")
        raise _fail(NON_FIELD, message) from None
    return group(receipt)


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _insert_ballot(voter: Voter, contest: Contest, day: dt.date, stored, receipt_hash: str):
    """The roll entry and the ballot, both or neither.

    On PostgreSQL one statement does both (a data-modifying CTE), so that intake costs a
    single round trip and no explicit transaction; the unique roll entry makes a second
    ballot of the same voter fail as a whole. Inside a caller's transaction it runs in a
    savepoint, so that a refusal leaves that transaction usable.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            Participation.objects.create(voter=voter, contest=contest, voted_on=day)
            Ballot.objects.create(
                contest=contest, choices=stored, channel=Channel.ONLINE, receipt_hash=receipt_hash
            )
        return
    q = connection.ops.quote_name
    sql = (
        f"WITH roll AS (INSERT INTO {q(Participation._meta.db_table)} "
        "(voter_id, contest_id, voted_on) VALUES (%s, %s, %s) RETURNING 1) "
        f"INSERT INTO {q(Ballot._meta.db_table)} "
        "(id, contest_id, choices, channel, receipt_hash, superseded, paper_batch_id) "
        "SELECT %s, %s, %s::jsonb, %s, %s, false, NULL FROM roll"
    )
    params = [
        voter.pk,
        contest.pk,
        day,
        uuid.uuid4(),
        contest.pk,
        json.dumps(stored, ensure_ascii=False),
        Channel.ONLINE.value,
        receipt_hash,
    ]
    if connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def revote(contest: Contest, voter: Voter | None, receipt: Any, choices: Any, *, now=None) -> str:
    """Replace ``voter``'s ballot, proven by its receipt, while the vote is open and the
    policy allows it. The old ballot stays, marked superseded; the receipt moves to the
    new one and stays valid."""
    now = _now(now)
    policy = policy_of(contest.election)
    if not policy.revote_allowed:
        raise _fail(NON_FIELD, _("This vote does not allow changing a ballot once cast."))
    voter = check_voter(contest, voter, now, policy)
    plain = normalize_code(receipt)
    if not plain or not _receipt_matches(contest, voter, plain):
        raise _fail("receipt", _("This receipt does not belong to your ballot."))
    stored = validate_ballot(contest, choices)
    receipt_hash = sha256(plain)
    with transaction.atomic():
        participation = (
            Participation.objects.select_for_update().filter(voter=voter, contest=contest).first()
        )
        if participation is None:
            raise _fail(NON_FIELD, _("You have not voted in this ballot yet."))
        replaced = Ballot.objects.filter(
            contest=contest, receipt_hash=receipt_hash, superseded=False
        ).update(superseded=True, receipt_hash=None)
        if replaced != 1:
            raise _fail("receipt", _("This receipt does not belong to your ballot."))
        Ballot.objects.create(
            contest=contest, choices=stored, channel=Channel.ONLINE, receipt_hash=receipt_hash
        )
    return group(plain)


# ---------------------------------------------------------------- voting codes


class GeneratedCodes(list):
    """The plain codes of a new batch (a list of text), with the batch as ``.batch``."""

    batch: CodeBatch


@transaction.atomic
def generate_codes(
    election: Election,
    n: int,
    *,
    note: str = "",
    district: District | None = None,
    actor,
    now=None,
) -> GeneratedCodes:
    """Make ``n`` single-use codes for booth voters; returns them once (e.g. to print).

    Only their SHA-256 is kept. A district vote's codes are for its district; a
    city-wide vote's codes name the district whose ballots they open (none: the
    city-wide ballots only).
    """
    errors: dict[str, list[str]] = {}
    if not _is_int(n) or not 1 <= n <= MAX_CODES_PER_BATCH:
        errors["n"] = [
            _("Make between 1 and %(max)s codes at a time.") % {"max": MAX_CODES_PER_BATCH}
        ]
    if not isinstance(note, str) or len(note) > 200:
        errors["note"] = [_("Use at most %(n)s characters.") % {"n": 200}]
    if election.district_id is not None:
        if district is not None and district.pk != election.district_id:
            errors["district_id"] = [_("A district vote's codes are for its own district.")]
        district = election.district
    if election.is_closed(_now(now)):
        errors[NON_FIELD] = [_("The vote has closed.")]
    if actor is None or not getattr(actor, "is_authenticated", False):
        errors[NON_FIELD] = [_("Sign in to make voting codes.")]
    _raise_if(errors)
    batch = CodeBatch.objects.create(election=election, size=n, note=note, created_by=actor)
    for _attempt in range(3):
        codes: set[str] = set()
        while len(codes) < n:
            codes.add(_random_chars(CODE_LENGTH))
        try:
            with transaction.atomic():
                VotingCode.objects.bulk_create(
                    [
                        VotingCode(batch=batch, code_hash=sha256(c), district=district)
                        for c in codes
                    ],
                    batch_size=5000,
                )
            break
        except IntegrityError:  # a hash collision with an earlier batch: draw again
            continue
    else:  # pragma: no cover - 2^59 codes
        raise _fail(NON_FIELD, _("Could not make unique codes; try again."))
    _record(
        batch,
        "created",
        actor,
        election,
        note,
        {"codes": [None, n], "district": [None, district.code if district else None]},
    )
    result = GeneratedCodes(group(c) for c in sorted(codes))
    result.batch = batch
    return result


def contests_for_code(election: Election, district_id: int | None) -> list[Contest]:
    return [
        c
        for c in election.contests.select_related("district").order_by("position", "id")
        if c.district_id is None or c.district_id == district_id
    ]


def _unknown_code() -> ValidationError:
    return _fail("code", _("This voting code is not known for this vote. Check for typos."))


def _used_code() -> ValidationError:
    return _fail("code", _("This voting code has already been used."))


def _code_row(election: Election, code: Any) -> tuple[str, dict[str, Any]]:
    plain = normalize_code(code)
    if len(plain) != CODE_LENGTH:
        raise _unknown_code()
    code_hash = sha256(plain)
    row = (
        VotingCode.objects.filter(code_hash=code_hash, batch__election=election)
        .values("district_id", "used")
        .first()
    )
    if row is None:
        raise _unknown_code()
    if row["used"]:
        raise _used_code()
    return code_hash, row


def code_paper(election: Election, code: Any, *, now=None) -> list[Contest]:
    """The contests (ballot paper) an unused voting code opens; does not use it up."""
    _require_open(election, _now(now))
    _code_hash, row = _code_row(election, code)
    return contests_for_code(election, row["district_id"])


def cast_with_code(election: Election, code: Any, ballots: Any, *, now=None) -> list[Contest]:
    """Cast the ballot paper of a voting code: ``ballots`` maps contest keys to choices.

    The code opens every contest of its district (and the city-wide ones); all are cast
    in this one request, and the code is then used up. Contests left out are abstentions.
    Returns the contests voted in.
    """
    now = _now(now)
    _require_open(election, now)
    code_hash, row = _code_row(election, code)
    contests = {c.key: c for c in contests_for_code(election, row["district_id"])}
    if not isinstance(ballots, Mapping) or not ballots:
        raise _fail("ballots", _("Fill in at least one ballot."))
    errors: dict[str, list[str]] = {}
    stored: list[tuple[Contest, Any]] = []
    for key, choices in ballots.items():
        contest = contests.get(key)
        if contest is None:
            errors[f"ballots.{str(key)[:50]}"] = [
                _("This code's ballot paper has no ballot %(key)s; it has: %(keys)s.")
                % {"key": str(key)[:50], "keys": ", ".join(contests)}
            ]
            continue
        try:
            stored.append((contest, validate_ballot(contest, choices)))
        except ValidationError as exc:
            errors[f"ballots.{key}"] = exc.message_dict["choices"]
    _raise_if(errors)
    with transaction.atomic():
        taken = VotingCode.objects.filter(code_hash=code_hash, used=False).update(used=True)
        if taken != 1:
            raise _used_code()
        Ballot.objects.bulk_create(
            [Ballot(contest=c, choices=choices, channel=Channel.CODE) for c, choices in stored]
        )
    return [c for c, _choices in stored]


# ---------------------------------------------------------------- paper ballots


def _paper_choices(contest: Contest, cells: list[str]) -> Any:
    """A paper line as the choices ``validate_ballot`` takes."""
    items = [t.strip() for t in re.split(r"[;,]", ";".join(cells)) if t.strip()]
    if contest.design != Design.CUMULATIVE:
        return items
    spread: dict[str, Any] = {}
    for item in items:
        code, sep, value = item.partition(":") if ":" in item else item.partition("=")
        code, value = code.strip(), value.strip() if sep else "1"
        if code in spread:
            raise _fail("choices", _("Project %(code)s is chosen more than once.") % {"code": code})
        spread[code] = int(value) if value.isdigit() else value
    return spread


@transaction.atomic
def import_paper_ballots(
    contest: Contest,
    data: bytes,
    actor,
    *,
    file_name: str = "",
    note: str = "",
    now=None,
) -> PaperBatch:
    """Import paper ballots keyed in elsewhere: one ballot per line.

    A line lists project codes separated by ';' (or by commas, as CSV columns); for a
    ranking ballot in order of preference; for a cumulative ballot as ``code:points``.
    Empty lines and lines starting with '#' are skipped. A file with any bad line is
    refused whole, naming every bad line; the same file (by SHA-256) is refused the
    second time for the same contest.
    """
    now = _now(now)
    contest = Contest.objects.select_for_update().select_related("election").get(pk=contest.pk)
    election = contest.election
    if now < election.opens_at:
        raise _fail("file", _("Paper ballots can be imported once the vote has opened."))
    if contest.published_run_id is not None:
        raise _fail("file", _("The results of this ballot are published; no more ballots."))
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise _fail(NON_FIELD, _("Sign in to import paper ballots."))
    if not isinstance(data, bytes | bytearray):
        raise _fail("file", _("Send the file."))
    digest = hashlib.sha256(data).hexdigest()
    earlier = PaperBatch.objects.filter(contest=contest, sha256=digest).first()
    if earlier is not None:
        raise _fail(
            "file",
            _("This file was already imported for this ballot on %(day)s (%(name)s).")
            % {
                "day": timezone.localtime(earlier.imported_at).date().isoformat(),
                "name": earlier.file_name or "-",
            },
        )
    text = _decode(bytes(data), "file")
    known = _projects(contest)
    stored: list[Any] = []
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            try:
                stored.append(validate_ballot(contest, _paper_choices(contest, cells), known))
            except ValidationError as exc:
                errors.append(
                    _("Line %(line)s: %(problems)s")
                    % {"line": reader.line_num, "problems": " ".join(exc.message_dict["choices"])}
                )
    except csv.Error as exc:
        raise _fail("file", _("The file is not valid CSV: %(error)s") % {"error": exc}) from None
    if errors:
        raise _line_errors(errors)
    if not stored:
        raise _fail("file", _("The file holds no ballots."))
    batch = PaperBatch.objects.create(
        contest=contest,
        file_name=(file_name or "")[:200],
        sha256=digest,
        count=len(stored),
        imported_by=actor,
        note=(note or "")[:200],
    )
    Ballot.objects.bulk_create(
        [
            Ballot(contest=contest, choices=c, channel=Channel.PAPER, paper_batch=batch)
            for c in stored
        ],
        batch_size=5000,
    )
    _record(
        batch,
        "created",
        actor,
        election,
        note,
        {
            "file_name": [None, batch.file_name],
            "sha256": [None, digest],
            "count": [None, len(stored)],
        },
    )
    return batch


# ---------------------------------------------------------------- counting input


@dataclass(frozen=True)
class Turnout:
    online: int
    code: int
    paper: int
    superseded: int  # online ballots replaced by a revote (kept, not counted)
    roll: int  # voters on the roll of the election
    participations: int  # voters of the roll who voted in this contest

    @property
    def ballots(self) -> int:
        return self.online + self.code + self.paper

    def as_dict(self) -> dict[str, int]:
        return {
            "ballots": self.ballots,
            "online": self.online,
            "code": self.code,
            "paper": self.paper,
            "superseded": self.superseded,
            "roll": self.roll,
            "participations": self.participations,
        }


def turnout(contest: Contest) -> Turnout:
    rows = dict(
        Ballot.objects.filter(contest=contest, superseded=False)
        .values("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    return Turnout(
        online=rows.get(Channel.ONLINE, 0),
        code=rows.get(Channel.CODE, 0),
        paper=rows.get(Channel.PAPER, 0),
        superseded=Ballot.objects.filter(contest=contest, superseded=True).count(),
        roll=Voter.objects.filter(election_id=contest.election_id).count(),
        participations=Participation.objects.filter(contest=contest).count(),
    )


@dataclass(frozen=True)
class CountInput:
    """What a counting rule needs, as plain data.

    ``ballots`` are distinct ballots with how many voters cast each: for approval-style
    designs a tuple of project codes (sorted), for ranking the codes in order of
    preference, for cumulative a tuple of ``(code, points)`` pairs (sorted by code).
    """

    contest_id: int
    design: str
    rule: str
    completion: str
    tie_break: str
    budget: int
    projects: dict[str, int]  # code -> cost
    ballots: list[tuple[tuple[Any, ...], int]]
    turnout: Turnout
    max_choices: int | None = None
    points: int | None = None
    min_share_spent: str = ""
    areas: dict[str, str] = field(default_factory=dict)  # code -> area (dong), if set

    @property
    def voters(self) -> int:
        return sum(n for _b, n in self.ballots)


def _as_tuple(design: str, choices: Any) -> tuple[Any, ...]:
    if design == Design.CUMULATIVE:
        return tuple(sorted((str(k), int(v)) for k, v in choices.items()))
    if design == Design.RANKING:
        return tuple(choices)
    return tuple(sorted(choices))


def ballots_for_count(contest: Contest) -> CountInput:
    """The contest's counted (not superseded) ballots grouped by identical choices."""
    grouped: dict[tuple[Any, ...], int] = {}
    rows = (
        Ballot.objects.filter(contest=contest, superseded=False)
        .values("choices")
        .annotate(n=Count("id"))
        .values_list("choices", "n")
    )
    for choices, n in rows:
        key = _as_tuple(contest.design, choices)
        grouped[key] = grouped.get(key, 0) + n
    projects = list(contest.projects.values_list("code", "cost", "area"))
    return CountInput(
        contest_id=contest.pk,
        design=contest.design,
        rule=contest.rule,
        completion=contest.completion,
        tie_break=contest.tie_break,
        budget=contest.budget,
        projects={code: cost for code, cost, _a in projects},
        ballots=sorted(grouped.items(), key=lambda item: (-item[1], item[0])),
        turnout=turnout(contest),
        max_choices=contest.max_choices,
        points=contest.points,
        min_share_spent=contest.min_share_spent,
        areas={code: area for code, _c, area in projects if area},
    )


def voted_contests(voter: Voter | None) -> set[int]:
    """The contests a voter has taken part in (the roll knows that, not how)."""
    if voter is None:
        return set()
    return set(voter.participations.values_list("contest_id", flat=True))
