"""Priority pages: a resident votes on the round page (kept choices on errors, window
and residency messages), staff set rounds up, enter scores and tallies, publish; the
published results page shows the full ranking; permissions; constant queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hyeopchi.core.models import Role
from hyeopchi.participation import services_priority as rounds
from hyeopchi.participation.models import AgendaCategory, PriorityRound, PriorityVote
from tests.conftest import make_user
from tests.participation.test_agendas_world import (  # noqa: F401 - fixture
    fast_passwords,
    open_round,
    resident,
    shortlisted,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def ballot(guro, guro_clerk):
    return [shortlisted(guro, guro_clerk, title=f"의제 {n}") for n in range(4)]


def test_a_resident_votes_and_cannot_vote_twice(client, guro, guro_clerk, ballot):
    r = open_round(guro, ballot, guro_clerk)
    url = reverse("agendas:round", args=[r.pk])
    page = text(client.get(url))
    assert "의제 0" in page and reverse("login") in page  # visitors are asked to sign in
    voter = resident(guro)
    client.force_login(voter)
    page = text(client.get(url))
    assert 'name="agendas"' in page and 'aria-live="polite"' in page
    # Too many choices: refused, the choices kept.
    response = client.post(url, {"agendas": [a.pk for a in ballot]})
    page = text(response)
    assert response.status_code == 200 and 'role="alert"' in page
    assert page.count("checked") == 4
    assert not PriorityVote.objects.exists()
    response = client.post(url, {"agendas": [ballot[0].pk, ballot[2].pk]})
    assert response.status_code == 302
    assert PriorityVote.objects.get().agendas == [ballot[0].pk, ballot[2].pk]
    page = text(client.get(url))
    assert 'name="agendas"' not in page
    response = client.post(url, {"agendas": [ballot[1].pk]})
    assert PriorityVote.objects.count() == 1
    # Junk is answered with the page, never a server error.
    for junk in [{"agendas": ["x"]}, {"agendas": ["99999999999999999999"]}, {}]:
        assert client.post(url, junk).status_code in (200, 302)


def test_outside_the_window_and_outside_the_district(client, guro, eunpyeong, guro_clerk, ballot):
    now = timezone.now()
    upcoming = open_round(
        guro,
        ballot[:2],
        guro_clerk,
        online_opens_at=now + dt.timedelta(days=1),
        online_closes_at=now + dt.timedelta(days=2),
        selected_count=1,
    )
    closed = open_round(
        guro,
        ballot[2:],
        guro_clerk,
        online_opens_at=now - dt.timedelta(days=2),
        online_closes_at=now - dt.timedelta(seconds=1),
        selected_count=1,
    )
    client.force_login(resident(guro))
    for r in (upcoming, closed):
        url = reverse("agendas:round", args=[r.pk])
        assert client.post(url, {"agendas": [r.agendas.first().pk]}).status_code == 200
    assert not PriorityVote.objects.exists()
    late = text(client.get(reverse("agendas:round", args=[closed.pk])))
    assert 'name="agendas"' not in late
    closed.online_closes_at = now + dt.timedelta(days=1)
    closed.save()
    client.force_login(resident(eunpyeong))
    page = text(client.get(reverse("agendas:round", args=[closed.pk])))
    assert "구로구" in page and 'name="agendas"' not in page


def test_staff_run_a_round_from_set_up_to_published_results(client, guro, guro_clerk):
    gov = [shortlisted(guro, guro_clerk, title=f"협치 {n}") for n in range(3)]
    client.force_login(guro_clerk)
    create = reverse("agendas:round_create", args=[guro.code]) + "?year=2020"
    page = text(client.get(create))
    assert "협치 0" in page
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        create,
        {
            "title": "2020 협치과제 우선순위",
            "year": "2020",
            "policy_key": "eunpyeong-criteria",
            "category": "",
            "online_opens_at": (now - dt.timedelta(days=1)).strftime(fmt),
            "online_closes_at": (now + dt.timedelta(days=1)).strftime(fmt),
            "selected_count": "2",
            "agendas": [a.pk for a in gov],
        },
    )
    assert response.status_code == 200  # 은평 votes in separate ballots: choose one
    assert 'value="2020 협치과제 우선순위"' in text(response)
    response = client.post(
        create,
        {
            "title": "2020 협치과제 우선순위",
            "year": "2020",
            "policy_key": "eunpyeong-criteria",
            "category": AgendaCategory.GOVERNANCE,
            "online_opens_at": (now - dt.timedelta(days=1)).strftime(fmt),
            "online_closes_at": (now + dt.timedelta(days=1)).strftime(fmt),
            "selected_count": "2",
            "agendas": [a.pk for a in gov],
        },
    )
    r = PriorityRound.objects.get()
    assert response["Location"] == reverse("agendas:round_manage", args=[r.pk])
    # Panel scores, one sheet per agenda.
    scores = reverse("agendas:round_scores", args=[r.pk])
    sheet = {
        "public_interest": "10",
        "urgency": "10",
        "beneficiaries": "10",
        "achievability": "10",
        "effectiveness": "10",
        "governance": "10",
        "partner_will": "10",
    }
    bad = client.post(scores, {**sheet, "agenda": gov[0].pk, "urgency": "11"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in text(bad)
    for points, agenda in zip(["10", "9", "8"], gov, strict=True):
        data = {k: points for k in sheet}
        assert client.post(scores, {**data, "agenda": agenda.pk}).status_code == 302
    # On-site tallies.
    tallies = reverse("agendas:round_tallies", args=[r.pk])
    bad = client.post(tallies, {f"t-{gov[0].pk}-0": "many"})
    assert bad.status_code == 200 and "many" in text(bad)
    ok = client.post(tallies, {f"t-{gov[2].pk}-0": "30", f"t-{gov[2].pk}-2": "1,000"})
    assert ok.status_code == 302
    # A resident votes online.
    voter = resident(guro)
    rounds.cast_vote(r, voter, [gov[1].pk])
    manage = text(client.get(reverse("agendas:round_manage", args=[r.pk])))
    assert "협치 2" in manage
    # Publishing before the window closes is refused with a message.
    response = client.post(reverse("agendas:round_publish", args=[r.pk]), follow=True)
    assert r.published_at is None and response.status_code == 200
    r.online_closes_at = timezone.now() - dt.timedelta(seconds=1)
    r.save()
    response = client.post(reverse("agendas:round_publish", args=[r.pk]))
    assert response["Location"] == reverse("agendas:round_results", args=[r.pk])
    client.logout()
    page = text(client.get(response["Location"]))
    # 협치 2: 56 + 1,030 on site; 협치 0: 70; 협치 1: 63 + 1 online.
    order = [page.index(f"협치 {n}") for n in (2, 0, 1)]
    assert order == sorted(order)
    assert "1086" in page and "선정" in page and "후순위" in page
    assert voter.username not in page


def test_results_before_publication_are_not_shown(client, guro, guro_clerk, ballot):
    r = open_round(guro, ballot, guro_clerk)
    rounds.cast_vote(r, resident(guro), [ballot[0].pk])
    page = text(client.get(reverse("agendas:round_results", args=[r.pk])))
    assert "의제 0" not in page


def test_staff_round_pages_need_the_districts_staff(client, guro, eunpyeong, guro_clerk, ballot):
    r = open_round(guro, ballot, guro_clerk)
    urls = [
        reverse("agendas:round_edit", args=[r.pk]),
        reverse("agendas:round_manage", args=[r.pk]),
        reverse("agendas:round_tallies", args=[r.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong))
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("agendas:round_publish", args=[r.pk])).status_code == 403
    client.force_login(resident(guro))
    assert client.post(reverse("agendas:round_publish", args=[r.pk])).status_code == 403
    r.refresh_from_db()
    assert r.published_at is None


@pytest.mark.parametrize("count", [2, 10])
def test_round_list_queries_do_not_grow(
    client, guro, guro_clerk, count, django_assert_max_num_queries
):
    for n in range(count):
        PriorityRound.objects.create(
            district=guro, year=2020, title=f"라운드 {n}", policy_key="nowon-vote"
        )
    with django_assert_max_num_queries(4):
        response = client.get(reverse("agendas:rounds", args=[guro.code]))
    assert text(response).count('class="vote-card"') == count


def test_a_round_year_out_of_range_is_refused_on_the_form(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    create = reverse("agendas:round_create", args=[guro.code]) + "?year=2020"
    response = client.post(
        create,
        {
            "title": "먼 옛날의 우선순위",
            "year": "1999",
            "policy_key": "eunpyeong-criteria",
            "category": AgendaCategory.GOVERNANCE,
            "selected_count": "1",
        },
    )
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert 'value="먼 옛날의 우선순위"' in text(response)
    assert not PriorityRound.objects.filter(district=guro).exists()
