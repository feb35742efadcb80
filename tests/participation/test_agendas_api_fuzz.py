"""No input to the agenda and priority API produces a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hyeopchi.core.models import Role
from tests.conftest import make_user
from tests.participation.test_agendas_world import (  # noqa: F401 - fixture
    fast_passwords,
    new_agenda,
    open_round,
    resident,
    shortlisted,
)
from tests.test_api_helpers import api_as

pytestmark = pytest.mark.django_db

FIELDS = [
    "district_id", "year", "title", "description", "category", "sources", "kind",
    "proposal_id", "forum_idea_id", "department_id", "transfer_reference", "transfer_amount",
    "note", "reason", "agenda_ids", "into_id", "feasible", "opinion", "openness",
    "openness_reason", "decision_id", "suitable", "policy_key", "online_opens_at",
    "online_closes_at", "selected_count", "agenda_id", "panelist_id", "scores", "tallies",
    "channel", "votes",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=20),
    st.sampled_from(
        ["proposal", "forum_idea", "department", "transferred_pb", "governance", "현장투표",
         "nowon-vote", "eunpyeong-criteria", "2020-06-05T00:00:00+09:00", "2020-02-30", "1", ""]
    ),
)  # fmt: skip
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.lists(st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=8), scalars, max_size=3),
)
payloads = st.one_of(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8), scalars)


@pytest.fixture
def world(guro):
    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    agenda = new_agenda(guro, clerk)
    ballot = [shortlisted(guro, clerk) for _ in range(2)]
    r = open_round(guro, ballot, clerk)
    return agenda, r, api_as(clerk), api_as(resident(guro))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads, which=st.integers(min_value=0, max_value=11))
def test_random_payloads_never_cause_a_server_error(world, payload, which):
    agenda, r, clerk, voter = world
    writes = [
        (clerk, "post", "/agendas"),
        (clerk, "patch", f"/agendas/{agenda.pk}"),
        (clerk, "post", f"/agendas/{agenda.pk}/sources"),
        (clerk, "post", "/agendas/merge"),
        (clerk, "post", f"/agendas/{agenda.pk}/reviews"),
        (clerk, "post", f"/agendas/{agenda.pk}/screenings"),
        (clerk, "post", f"/agendas/{agenda.pk}/suitability"),
        (clerk, "post", "/priority/rounds"),
        (clerk, "patch", f"/priority/rounds/{r.pk}"),
        (clerk, "post", f"/priority/rounds/{r.pk}/scores"),
        (voter, "post", f"/priority/rounds/{r.pk}/votes"),
        (clerk, "post", f"/agendas/{agenda.pk}/reopen"),
    ]
    api, method, path = writes[which]
    response = getattr(api, method)(path, payload)
    assert response.status_code in {200, 201, 404, 422}, (path, payload, response.content)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["district", "district_id", "year", "status", "category", "limit", "offset"]
        ),
        st.text(max_size=12),
        max_size=4,
    )
)
def test_random_query_strings_never_cause_a_server_error(world, params):
    _agenda, r, clerk, _voter = world
    for path in ["/agendas", "/priority/rounds", f"/priority/rounds/{r.pk}/results"]:
        response = clerk.get(path, params)
        assert response.status_code in {200, 422}, (path, params, response.content)
