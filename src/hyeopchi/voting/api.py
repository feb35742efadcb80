"""API of participatory-budget votes under /api/v1/voting/….

Public reads: votes, their ballots (contests) and projects, turnout, paper-ballot imports
and published results. Signed-in residents register on the roll, see their eligibility
and cast or change their ballot. A booth casts the ballot paper of a one-time voting code
without signing in (wrong codes are throttled per address). Staff of the vote's district
(city officers for a city-wide vote) set votes up, confirm voters, import the resident
roll, make voting codes and import paper ballots.

Ballot secrecy: no response names a ballot together with a voter. The roll says who took
part in which ballot; ballots are only ever counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import APIKeyHeader

from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    ErrorOut,
    Pagination,
    ValidationErrorOut,
    authentication_message,
    current_user,
    require,
)
from hyeopchi.core.forms import client_address
from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action
from hyeopchi.core.templatetags.hyeopchi import won

from . import services
from .models import (
    Completion,
    Contest,
    CountRun,
    Design,
    Election,
    Project,
    Rule,
    Voter,
)

router = Router(tags=["voting"])

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FILE = File(..., description="The file, sent as multipart/form-data.")
NOTE = Form("", max_length=200, description="A note, e.g. the polling place.")
BOOTH_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def _status(election: Election, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if now < election.opens_at:
        return "upcoming"
    return "open" if now < election.closes_at else "closed"


def _missing(field: str, what: str, pk: Any) -> ValidationError:
    return ValidationError({field: [_("No %(what)s with id %(id)s.") % {"what": what, "id": pk}]})


def _district(field: str, pk: int | None) -> District | None:
    if pk is None:
        return None
    district = District.objects.filter(pk=pk).first()
    if district is None:
        raise _missing(field, _("district"), pk)
    return district


def _signed_in(request):
    user = current_user(request)
    if not user.is_authenticated:
        raise AuthenticationError(message=authentication_message())
    return user


# ---------------------------------------------------------------- schemas


class EligibilityOut(Schema):
    residents_only: bool
    min_age: int | None
    verified_required: bool
    source: str


class ProjectOut(Schema):
    id: int
    contest_id: int
    code: str
    title: str
    description: str
    cost: int = Field(description="Cost in won.")
    cost_label: str = Field(description="The cost as people read it (10억 5,000만 원).")
    area: str

    @staticmethod
    def resolve_cost_label(obj) -> str:
        return won(obj.cost)


class ContestOut(Schema):
    id: int
    election_id: int
    key: str
    name: str
    category: str
    district_id: int | None
    district_code: str | None
    budget: int
    budget_label: str
    design: Design
    design_label: str
    max_choices: int | None = Field(description="k of a k-approval (or ranking) ballot.")
    min_share_spent: str = Field(description="Knapsack: least share of the budget to use.")
    points: int | None = Field(description="Cumulative: the points each voter spreads.")
    rule: Rule
    rule_label: str
    completion: Completion
    tie_break: str
    position: int
    results_published: bool
    projects: list[ProjectOut]

    @staticmethod
    def resolve_district_code(obj) -> str | None:
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_budget_label(obj) -> str:
        return won(obj.budget)

    @staticmethod
    def resolve_design_label(obj) -> str:
        return str(obj.get_design_display())

    @staticmethod
    def resolve_rule_label(obj) -> str:
        return str(obj.get_rule_display())

    @staticmethod
    def resolve_results_published(obj) -> bool:
        return obj.published_run_id is not None

    @staticmethod
    def resolve_projects(obj) -> list[Project]:
        return list(obj.projects.all())


class ElectionOut(Schema):
    id: int
    title: str
    description: str
    district_id: int | None = Field(description="Empty for a city-wide vote.")
    district_code: str | None
    policy_key: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str = Field(description="upcoming, open or closed.")
    published_at: dt.datetime | None
    revote_allowed: bool
    eligibility: EligibilityOut | None

    @staticmethod
    def resolve_district_code(obj) -> str | None:
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_opens_at(obj) -> dt.datetime:
        return timezone.localtime(obj.opens_at)

    @staticmethod
    def resolve_closes_at(obj) -> dt.datetime:
        return timezone.localtime(obj.closes_at)

    @staticmethod
    def resolve_published_at(obj) -> dt.datetime | None:
        return _local(obj.published_at)

    @staticmethod
    def resolve_status(obj) -> str:
        return _status(obj)

    @staticmethod
    def resolve_revote_allowed(obj) -> bool:
        policy = _policy_or_none(obj)
        return bool(policy and policy.revote_allowed)

    @staticmethod
    def resolve_eligibility(obj) -> dict[str, Any] | None:
        policy = _policy_or_none(obj)
        return policy.eligibility.model_dump() if policy else None


class ElectionDetailOut(ElectionOut):
    contests: list[ContestOut]

    @staticmethod
    def resolve_contests(obj) -> list[Contest]:
        return list(obj.contests.all())


def _policy_or_none(election: Election):
    try:
        return services.voting_policy(election.policy_key)
    except LookupError:
        return None


class ElectionIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    district_id: int | None = Field(None, description="Empty for a city-wide vote.")
    policy_key: str = Field(max_length=100, description="A voting policy (GET /voting/policies).")
    opens_at: dt.datetime
    closes_at: dt.datetime
    budgets: dict[str, int] = Field(description="Budget in won per ballot key of the policy.")


class ElectionPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


class ContestPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    budget: int | None = None
    max_choices: int | None = None
    points: int | None = None
    min_share_spent: str | None = Field(None, max_length=20)
    rule: Rule | None = None
    completion: Completion | None = None
    tie_break: str | None = Field(None, max_length=20)
    district_id: int | None = None
    position: int | None = Field(None, ge=0, le=1000)


class ProjectIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=200)
    cost: int
    description: str = ""
    area: str = Field("", max_length=60)


class ProjectPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=20)
    title: str | None = Field(None, min_length=1, max_length=200)
    cost: int | None = None
    description: str | None = None
    area: str | None = Field(None, max_length=60)


class PolicyContestOut(Schema):
    key: str
    name: str
    name_en: str
    category: str
    design: str
    max_choices: int | None
    min_share_spent: str | None
    points: int | None
    rule: str
    completion: str
    tie_break: str


class PolicyOut(Schema):
    key: str
    name: str
    name_en: str
    source: str
    note: str
    revote_allowed: bool
    eligibility: EligibilityOut
    contests: list[PolicyContestOut]


class TurnoutOut(Schema):
    contest_id: int
    ballots: int = Field(description="Ballots counted: online, code and paper.")
    online: int
    code: int
    paper: int
    superseded: int = Field(description="Online ballots replaced by a revote (not counted).")
    roll: int = Field(description="Voters on the roll of the vote.")
    participations: int = Field(description="Voters of the roll who voted in this ballot.")


class RunOut(Schema):
    id: int
    rule: str
    rule_label: str
    completion: str
    status: str
    ballots_counted: int
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_rule_label(obj) -> str:
        return str(obj.get_rule_display())

    @staticmethod
    def resolve_finished_at(obj) -> dt.datetime | None:
        return _local(obj.finished_at)


class ResultsOut(Schema):
    contest_id: int
    run: RunOut
    result: dict[str, Any] = Field(description="The published count's result.")


class PaperBatchOut(Schema):
    id: int
    contest_id: int
    file_name: str
    sha256: str
    count: int
    note: str
    imported_at: dt.datetime

    @staticmethod
    def resolve_imported_at(obj) -> dt.datetime:
        return timezone.localtime(obj.imported_at)


class VoterStatusOut(Schema):
    election_id: int
    registered: bool
    district_id: int | None
    birth_year: int | None
    verified: bool
    verification: str | None
    eligible: bool
    reasons: list[str] = Field(description="Why you may not vote (empty when you may).")
    contests: list[int] = Field(description="Ballots you may fill in.")
    voted: list[int] = Field(description="Ballots you have voted in (not how).")
    revote_allowed: bool


class RegisterIn(Schema):
    district_id: int = Field(description="Your district of residence.")
    birth_year: int


class BallotIn(Schema):
    choices: Any = Field(
        description=(
            "approval, k_approval, knapsack: a list of project codes; ranking: the codes in "
            "order of preference; cumulative: an object {code: points}."
        )
    )


class RevoteIn(BallotIn):
    receipt: str = Field(max_length=64, description="The receipt you got when you voted.")


class ReceiptOut(Schema):
    contest_id: int
    receipt: str = Field(description="Shown once: keep it to change your ballot later.")
    message: str


class ValidBallotOut(Schema):
    contest_id: int
    choices: Any
    cost: int = Field(description="Total cost of the chosen projects, in won.")
    cost_label: str


class CodeIn(Schema):
    code: str = Field(max_length=64)


class CodeBallotIn(CodeIn):
    ballots: dict[str, Any] = Field(description="Choices by ballot key, e.g. {'pb': ['P1']}.")


class CodePaperOut(Schema):
    election_id: int
    contests: list[ContestOut] = Field(description="The ballots this code opens.")


class CodeCastOut(Schema):
    election_id: int
    contest_ids: list[int]
    message: str


class VoterOut(Schema):
    id: int
    election_id: int
    username: str
    name: str
    district_id: int
    birth_year: int
    verified: bool
    verification: str
    voted: list[int] = Field(description="Ballots (contest ids) this voter took part in.")

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.get_full_name()

    @staticmethod
    def resolve_voted(obj) -> list[int]:
        return sorted(p.contest_id for p in obj.participations.all())


class ConfirmIn(Schema):
    district_id: int | None = None
    birth_year: int | None = None
    reason: str = Field("", max_length=500)


class RollImportOut(Schema):
    created: int
    updated: int
    total: int


class CodesIn(Schema):
    n: int = Field(ge=1, le=services.MAX_CODES_PER_BATCH, description="How many codes.")
    note: str = Field("", max_length=200, description="Booth or dong the codes are for.")
    district_id: int | None = Field(
        None, description="City-wide vote: the district whose ballots the codes open."
    )


class CodesOut(Schema):
    batch_id: int
    election_id: int
    district_id: int | None
    note: str
    codes: list[str] = Field(description="Shown once; only their hashes are kept.")


class CodeBatchOut(Schema):
    id: int
    election_id: int
    size: int
    used: int
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_created_at(obj) -> dt.datetime:
        return timezone.localtime(obj.created_at)


# ---------------------------------------------------------------- public reads


def _contests():
    return Contest.objects.select_related("district").prefetch_related(
        Prefetch("projects", queryset=Project.objects.order_by("code"))
    )


def _elections():
    return Election.objects.select_related("district")


@router.get("/voting/policies", response={200: list[PolicyOut], **READ_ERRORS})
def list_policies(request):
    """The voting policies a vote can follow: eligibility, revoting, ballots and rules."""
    out = []
    for policy in services.voting_policies():
        data = policy.model_dump()
        for contest in data["contests"]:
            share = contest["min_share_spent"]
            contest["min_share_spent"] = str(share) if share is not None else None
        out.append(data)
    return out


@router.get("/voting/elections", response={200: list[ElectionOut], **READ_ERRORS})
@paginate(Pagination)
def list_elections(
    request,
    district: str | None = None,
    district_id: int | None = None,
    city_wide: bool | None = None,
    status: str | None = None,
):
    """Votes, latest first. Filter by ``district`` (code) or ``district_id``,
    ``city_wide=true``, and ``status`` (upcoming, open, closed)."""
    qs = _elections()
    if district:
        qs = qs.filter(district__code=district)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if city_wide is not None:
        qs = qs.filter(district__isnull=city_wide)
    now = timezone.now()
    if status == "upcoming":
        qs = qs.filter(opens_at__gt=now)
    elif status == "open":
        qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
    elif status == "closed":
        qs = qs.filter(closes_at__lte=now)
    elif status:
        raise ValidationError(
            {"status": [_("Choose one of: %(c)s.") % {"c": "upcoming, open, closed"}]}
        )
    return qs


@router.get("/voting/elections/{election_id}", response={200: ElectionDetailOut, **READ_ERRORS})
def get_election(request, election_id: int):
    """A vote with its ballots and their projects."""
    get_object_or_404(Election, pk=election_id)
    return _election_detail(election_id)


@router.get("/voting/contests/{contest_id}", response={200: ContestOut, **READ_ERRORS})
def get_contest(request, contest_id: int):
    """A ballot: design, budget, counting rule and projects."""
    return get_object_or_404(_contests(), pk=contest_id)


@router.get(
    "/voting/contests/{contest_id}/projects", response={200: list[ProjectOut], **READ_ERRORS}
)
def list_projects(request, contest_id: int):
    contest = get_object_or_404(Contest, pk=contest_id)
    return list(contest.projects.order_by("code"))


@router.get("/voting/contests/{contest_id}/turnout", response={200: TurnoutOut, **READ_ERRORS})
def get_turnout(request, contest_id: int):
    """How many ballots by channel, and how many voters of the roll took part."""
    contest = get_object_or_404(Contest, pk=contest_id)
    return {"contest_id": contest.pk, **services.turnout(contest).as_dict()}


@router.get("/voting/contests/{contest_id}/results", response={200: ResultsOut, **READ_ERRORS})
def get_results(request, contest_id: int):
    """The published count of a ballot (404 until the results are published)."""
    contest = get_object_or_404(Contest, pk=contest_id)
    if contest.published_run_id is None:
        raise HttpError(404, _("The results of this ballot are not published yet."))
    run = CountRun.objects.get(pk=contest.published_run_id)
    return {"contest_id": contest.pk, "run": run, "result": run.result or {}}


@router.get(
    "/voting/contests/{contest_id}/paper-batches",
    response={200: list[PaperBatchOut], **READ_ERRORS},
)
def list_paper_batches(request, contest_id: int):
    """Paper-ballot imports of a ballot: file, SHA-256 and number of ballots."""
    contest = get_object_or_404(Contest, pk=contest_id)
    return list(contest.paper_batches.order_by("imported_at", "id"))


@router.post("/voting/contests/{contest_id}/check", response={200: ValidBallotOut, **READ_ERRORS})
def check_ballot(request, contest_id: int, payload: BallotIn):
    """Check a ballot without casting it: the choices as they would be stored and their
    total cost, or the problems (422). Nothing is saved."""
    contest = get_object_or_404(Contest, pk=contest_id)
    stored = services.validate_ballot(contest, payload.choices)
    cost = services.ballot_cost(contest, stored)
    return {"contest_id": contest.pk, "choices": stored, "cost": cost, "cost_label": won(cost)}


# ---------------------------------------------------------------- voters


def _voter_status(election: Election, user) -> dict[str, Any]:
    voter = services.voter_for(election, user)
    policy = services.policy_of(election)
    reasons = services.eligibility(election, voter, policy=policy)
    contests = list(election.contests.order_by("position", "id"))
    open_to = [
        c.pk
        for c in contests
        if voter is not None and (c.district_id is None or c.district_id == voter.district_id)
    ]
    return {
        "election_id": election.pk,
        "registered": voter is not None,
        "district_id": voter.district_id if voter else None,
        "birth_year": voter.birth_year if voter else None,
        "verified": bool(voter and voter.verified),
        "verification": voter.verification if voter else None,
        "eligible": not reasons,
        "reasons": reasons,
        "contests": open_to,
        "voted": sorted(services.voted_contests(voter)),
        "revote_allowed": policy.revote_allowed,
    }


@router.get(
    "/voting/elections/{election_id}/me",
    response={200: VoterStatusOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def my_status(request, election_id: int):
    """Your entry on the roll: eligibility (with reasons), your ballots, where you voted."""
    user = _signed_in(request)
    election = get_object_or_404(_elections(), pk=election_id)
    return _voter_status(election, user)


@router.post(
    "/voting/elections/{election_id}/register",
    response={200: VoterStatusOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def register(request, election_id: int, payload: RegisterIn):
    """Put yourself on the roll with your district and birth year (self-declared; staff
    or the resident roll verify it where the policy requires)."""
    user = _signed_in(request)
    election = get_object_or_404(_elections(), pk=election_id)
    district = _district("district_id", payload.district_id)
    services.register_voter(election, user, district, payload.birth_year)
    return _voter_status(election, user)


class BallotPassAuth(APIKeyHeader):
    """``X-Ballot-Pass: <pass>``: a voter's signed ballot pass (POST …/pass)."""

    param_name = "X-Ballot-Pass"

    def authenticate(self, request, key: str | None) -> Any:
        return services.read_ballot_pass(key) if key else None


BALLOT_AUTH = [BallotPassAuth(), *WRITE_AUTH]


def _ballot_intake(request, contest_id: int):
    if isinstance(request.auth, services.BallotPass):
        return services.intake(contest_id, ballot_pass=request.auth)
    return services.intake(contest_id, _signed_in(request))


class PassOut(Schema):
    election_id: int
    ballot_pass: str = Field(description="Send it as the X-Ballot-Pass header to cast ballots.")
    expires_at: dt.datetime


@router.post(
    "/voting/elections/{election_id}/pass",
    response={200: PassOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def get_ballot_pass(request, election_id: int):
    """A signed ballot pass for your device, valid until the vote closes: send it as the
    ``X-Ballot-Pass`` header when casting or changing your ballots in this vote (no
    session or token needed). Only for voters on the roll."""
    user = _signed_in(request)
    election = get_object_or_404(_elections(), pk=election_id)
    voter = services.voter_for(election, user)
    if voter is None:
        raise ValidationError(
            {"__all__": [_("You are not on the voter roll of this vote; register first.")]}
        )
    voter.election = election
    text, expires = services.ballot_pass(voter)
    return {
        "election_id": election.pk,
        "ballot_pass": text,
        "expires_at": timezone.localtime(expires),
    }


@router.post(
    "/voting/contests/{contest_id}/ballots",
    response={201: ReceiptOut, **WRITE_ERRORS},
    auth=BALLOT_AUTH,
)
def cast(request, contest_id: int, payload: BallotIn):
    """Cast your ballot (signed in, or with your ballot pass). The answer holds your
    receipt, shown only this once: with it you can change your ballot until the vote
    closes, where the policy allows."""
    contest, voter = _ballot_intake(request, contest_id)
    receipt = services.cast_ballot(contest, voter, payload.choices)
    return Status(
        201,
        {
            "contest_id": contest.pk,
            "receipt": receipt,
            "message": _("Your ballot was cast. Keep the receipt; it is not shown again."),
        },
    )


@router.post(
    "/voting/contests/{contest_id}/revote",
    response={200: ReceiptOut, **WRITE_ERRORS},
    auth=BALLOT_AUTH,
)
def change_ballot(request, contest_id: int, payload: RevoteIn):
    """Replace your ballot, proven by your receipt (which stays valid)."""
    contest, voter = _ballot_intake(request, contest_id)
    receipt = services.revote(contest, voter, payload.receipt, payload.choices)
    return {
        "contest_id": contest.pk,
        "receipt": receipt,
        "message": _("Your ballot was changed; only the new one counts."),
    }


# ---------------------------------------------------------------- booth (voting codes)


def _failure_key(request) -> str:
    return f"hyeopchi:voting:code-failures:{client_address(request) or '-'}"


def _code_limit() -> tuple[int, int]:
    return (
        int(getattr(settings, "VOTING_CODE_FAILURE_LIMIT", 20)),
        int(getattr(settings, "VOTING_CODE_FAILURE_WINDOW_SECONDS", 900)),
    )


def _check_throttle(request) -> None:
    limit, _window = _code_limit()
    if (cache.get(_failure_key(request)) or 0) >= limit:
        raise HttpError(
            429,
            _("Too many wrong voting codes from this address. Wait a few minutes, then try again."),
        )


def _count_failure(request) -> None:
    _limit, window = _code_limit()
    key = _failure_key(request)
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, window)


def _with_code(request, fn):
    _check_throttle(request)
    try:
        return fn()
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "code" in exc.error_dict:
            _count_failure(request)
        raise


def _booth_election(election_id: int) -> Election:
    return get_object_or_404(_elections(), pk=election_id)


@router.post(
    "/voting/elections/{election_id}/code",
    response={200: CodePaperOut, **BOOTH_ERRORS},
)
def code_paper(request, election_id: int, payload: CodeIn):
    """The ballots a voting code opens, for a booth to show before casting. Does not use
    the code up; wrong codes count against the address's limit."""
    election = _booth_election(election_id)

    def paper():
        ids = [c.pk for c in services.code_paper(election, payload.code)]
        return {
            "election_id": election.pk,
            "contests": list(_contests().filter(pk__in=ids).order_by("position", "id")),
        }

    return _with_code(request, paper)


@router.post(
    "/voting/elections/{election_id}/code-ballots",
    response={201: CodeCastOut, **BOOTH_ERRORS},
)
def cast_with_code(request, election_id: int, payload: CodeBallotIn):
    """Cast the ballot paper of a one-time voting code at a booth (no sign-in): every
    ballot of the paper in one request, ``ballots`` by key. The code is then used up."""
    election = _booth_election(election_id)
    contests = _with_code(
        request, lambda: services.cast_with_code(election, payload.code, payload.ballots)
    )
    return Status(
        201,
        {
            "election_id": election.pk,
            "contest_ids": [c.pk for c in contests],
            "message": _("The ballot paper was cast; the code is now used up."),
        },
    )


# ---------------------------------------------------------------- staff


def _not_null(changes: dict[str, Any], fields: set[str]) -> None:
    errors = {
        name: [_("This field cannot be null.")]
        for name, value in changes.items()
        if value is None and name in fields
    }
    if errors:
        raise ValidationError(errors)


def _election_detail(election_id: int) -> Election:
    return (
        _elections()
        .prefetch_related(Prefetch("contests", queryset=_contests()))
        .get(pk=election_id)
    )


@router.post(
    "/voting/elections", response={201: ElectionDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def create_election(request, payload: ElectionIn):
    """Set up a vote from a voting policy: one ballot per contest of the policy, with its
    budget from ``budgets``. District staff set up their district's votes; city officers
    city-wide ones."""
    user = require(request, Action.EDIT, payload.district_id)
    district = _district("district_id", payload.district_id)
    election = services.create_election(
        title=payload.title,
        description=payload.description,
        district=district,
        policy_key=payload.policy_key,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        budgets=payload.budgets,
        actor=user,
    )
    return Status(201, _election_detail(election.pk))


@router.patch(
    "/voting/elections/{election_id}",
    response={200: ElectionDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def update_election(request, election_id: int, payload: ElectionPatch):
    """Change title, description, opening (before it opens) or closing (before it closes)."""
    election = get_object_or_404(Election, pk=election_id)
    user = require(request, Action.EDIT, election.district_id)
    changes = payload.dict(exclude_unset=True)
    _not_null(changes, {"title", "opens_at", "closes_at", "description"})
    services.update_election(election, user, **changes)
    return _election_detail(election.pk)


@router.patch(
    "/voting/contests/{contest_id}", response={200: ContestOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def update_contest(request, contest_id: int, payload: ContestPatch):
    """Adjust a ballot before the vote opens: name, budget, k, points, minimum share,
    counting rule and completion, tie-break, district (city-wide votes), position."""
    contest = get_object_or_404(Contest.objects.select_related("election"), pk=contest_id)
    user = require(request, Action.EDIT, contest.election.district_id)
    changes = payload.dict(exclude_unset=True)
    _not_null(changes, {"name", "budget", "rule", "completion", "tie_break", "position"})
    if changes.get("district_id") is not None:
        _district("district_id", changes["district_id"])
    services.update_contest(contest, user, **changes)
    return _contests().get(pk=contest.pk)


@router.post(
    "/voting/contests/{contest_id}/projects",
    response={201: ProjectOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def add_project(request, contest_id: int, payload: ProjectIn):
    """Put a project on a ballot (before the vote opens)."""
    contest = get_object_or_404(Contest.objects.select_related("election"), pk=contest_id)
    user = require(request, Action.EDIT, contest.election.district_id)
    project = services.add_project(contest, actor=user, **payload.dict())
    return Status(201, project)


def _staff_project(request, project_id: int):
    project = get_object_or_404(Project.objects.select_related("contest__election"), pk=project_id)
    return project, require(request, Action.EDIT, project.contest.election.district_id)


@router.patch(
    "/voting/projects/{project_id}", response={200: ProjectOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def update_project(request, project_id: int, payload: ProjectPatch):
    """Change a project (before the vote opens)."""
    project, user = _staff_project(request, project_id)
    changes = payload.dict(exclude_unset=True)
    _not_null(changes, {"code", "title", "cost"})
    return services.update_project(project, user, **changes)


@router.delete(
    "/voting/projects/{project_id}", response={204: None, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def remove_project(request, project_id: int):
    """Take a project off its ballot (before the vote opens; the history keeps it)."""
    project, user = _staff_project(request, project_id)
    services.remove_project(project, user)
    return Status(204, None)


@router.get(
    "/voting/elections/{election_id}/voters",
    response={200: list[VoterOut], **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
@paginate(Pagination)
def list_voters(request, election_id: int, verified: bool | None = None, q: str | None = None):
    """The voter roll (staff): who is registered, verified, and in which ballots they took
    part — never how they voted. ``q`` searches user names and e-mail addresses."""
    election = get_object_or_404(Election, pk=election_id)
    require(request, Action.VIEW_PRIVATE, election.district_id)
    qs = (
        Voter.objects.filter(election=election)
        .select_related("user")
        .prefetch_related("participations")
        .order_by("id")
    )
    if verified is not None:
        qs = qs.filter(verified=verified)
    if q:
        qs = qs.filter(Q(user__username__icontains=q) | Q(user__email__icontains=q))
    return qs


@router.post(
    "/voting/voters/{voter_id}/confirm", response={200: VoterOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def confirm_voter(request, voter_id: int, payload: ConfirmIn):
    """Confirm a voter's residency (staff), optionally correcting district and birth year."""
    voter = get_object_or_404(Voter.objects.select_related("election"), pk=voter_id)
    user = require(request, Action.EDIT, voter.election.district_id)
    district = _district("district_id", payload.district_id)
    services.confirm_voter(
        voter, user, district=district, birth_year=payload.birth_year, reason=payload.reason
    )
    return Voter.objects.select_related("user").prefetch_related("participations").get(pk=voter.pk)


def _upload(file: UploadedFile) -> bytes:
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than %(n)s MB.") % {"n": MAX_UPLOAD_BYTES // 2**20}]}
        )
    return file.read()


@router.post(
    "/voting/elections/{election_id}/roll",
    response={200: RollImportOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def import_roll(request, election_id: int, file: UploadedFile = FILE):
    """Import the resident roll (multipart ``file``): CSV lines of
    ``user,district,birth_year`` (user name or e-mail, 5-digit district code). All entries
    become verified; a file with any bad line is refused whole, naming the lines."""
    election = get_object_or_404(Election, pk=election_id)
    user = require(request, Action.EDIT, election.district_id)
    result = services.import_roll(election, _upload(file), user, file_name=file.name or "")
    return {"created": result.created, "updated": result.updated, "total": result.total}


@router.post(
    "/voting/elections/{election_id}/codes",
    response={201: CodesOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def generate_codes(request, election_id: int, payload: CodesIn):
    """Make a batch of one-time voting codes for booths. The codes are in this answer
    only: print them now; the database keeps only their hashes."""
    election = get_object_or_404(_elections(), pk=election_id)
    user = require(request, Action.EDIT, election.district_id)
    district = _district("district_id", payload.district_id)
    codes = services.generate_codes(
        election, payload.n, note=payload.note, district=district, actor=user
    )
    batch = codes.batch
    return Status(
        201,
        {
            "batch_id": batch.pk,
            "election_id": election.pk,
            "district_id": district.pk if district else election.district_id,
            "note": batch.note,
            "codes": codes,
        },
    )


@router.get(
    "/voting/elections/{election_id}/code-batches",
    response={200: list[CodeBatchOut], **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def list_code_batches(request, election_id: int):
    """Batches of voting codes (staff): size, how many were used, note."""
    election = get_object_or_404(Election, pk=election_id)
    require(request, Action.VIEW_PRIVATE, election.district_id)
    return list(
        election.code_batches.annotate(used=Count("codes", filter=Q(codes__used=True))).order_by(
            "id"
        )
    )


@router.post(
    "/voting/contests/{contest_id}/paper",
    response={201: PaperBatchOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def import_paper(request, contest_id: int, file: UploadedFile = FILE, note: str = NOTE):
    """Import paper ballots (multipart ``file``): one ballot per line, project codes
    separated by ';' (``code:points`` for cumulative ballots). Refused whole if any line is
    bad, and refused if the same file was imported for this ballot before."""
    contest = get_object_or_404(Contest.objects.select_related("election"), pk=contest_id)
    user = require(request, Action.EDIT, contest.election.district_id)
    batch = services.import_paper_ballots(
        contest, _upload(file), user, file_name=file.name or "", note=note
    )
    return Status(201, batch)
