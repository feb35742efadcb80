"""Recording forums (공론장): validation, ideas, audit history, and the process
statistics read from the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hyeopchi.core.models import AuditEvent
from hyeopchi.participation import forum_services as services
from hyeopchi.participation.models import Agenda, AgendaSource, Forum, ForumIdea
from tests.conftest import make_body

from .forum_helpers import record_forum

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_forum_is_recorded_with_counts_ideas_and_history(guro, guro_clerk):
    council = make_body(guro)
    forum = record_forum(
        guro,
        title="2020 구로 100인 원탁회의",
        organiser=council,
        stage="priority_decision",
        place="구로구청 강당",
        facilitation="원탁토론",
        materials_in_advance=True,
        total=100,
        breakdowns={
            "sector": {"residents": 70, "civic": 20, "administration": 10},
            "gender": {"female": 55, "male": 45},
        },
        ideas="◦◦천 보행환경 개선\n마을 도서관 야간 개방\n",
        actor=guro_clerk,
        published=False,
    )
    forum.refresh_from_db()
    assert forum.participants_total == 100
    assert forum.participants["sector"]["residents"] == 70
    assert forum.participants["sector"]["other"] == 0
    assert "age" not in forum.participants
    assert forum.recorded_by == guro_clerk
    assert list(forum.ideas.order_by("id").values_list("text", flat=True)) == [
        "◦◦천 보행환경 개선",
        "마을 도서관 야간 개방",
    ]
    (event,) = AuditEvent.objects.filter(model="participation.forum", object_id=str(forum.pk))
    assert event.action == "created" and event.actor == guro_clerk
    assert event.district_id == guro.pk
    assert event.changes["ideas"][1] == ["◦◦천 보행환경 개선", "마을 도서관 야간 개방"]


def test_nothing_is_saved_when_counts_do_not_add_up(guro):
    with pytest.raises(ValidationError) as err:
        record_forum(guro, total=40, breakdowns={"sector": {"residents": 30, "civic": 7}})
    assert "add up to 37" in err.value.message_dict["sector"][0]
    assert not Forum.objects.exists()
    assert not AuditEvent.objects.filter(model="participation.forum").exists()


def test_every_problem_is_reported_at_once(guro, eunpyeong):
    other = make_body(eunpyeong, name="은평구협치회의")
    with pytest.raises(ValidationError) as err:
        record_forum(
            guro,
            title="   ",
            type="nonsense",
            stage="no-such-stage",
            organiser=other,
            held_on=dt.date(1999, 12, 31),
            total=-3,
            ideas="좋은 생각\n" + "가" * 400,
        )
    errors = err.value.message_dict
    assert set(errors) >= {"title", "type", "stage", "organiser", "held_on", "total", "ideas"}
    assert "one of the district's bodies" in errors["organiser"][0]


def test_editing_keeps_ideas_an_agenda_was_made_from(guro, guro_clerk):
    forum = record_forum(guro, ideas=["보행환경 개선", "청소년 공간"], actor=guro_clerk)
    used = forum.ideas.get(text="보행환경 개선")
    agenda = Agenda.objects.create(district=guro, year=2020, title="보행 안전 의제")
    AgendaSource.objects.create(agenda=agenda, kind="forum_idea", forum_idea=used)
    with pytest.raises(ValidationError) as err:
        services.save_forum(forum, total=10, breakdowns={}, ideas="청소년 공간\n새 아이디어")
    assert "source of an agenda" in err.value.message_dict["ideas"][0]
    assert ForumIdea.objects.filter(forum=forum).count() == 2
    # Keeping it, the other idea can go and a new one come in; the kept idea keeps its id.
    services.save_forum(forum, total=10, breakdowns={}, ideas="보행환경 개선\n새 아이디어")
    texts = dict(forum.ideas.values_list("text", "pk"))
    assert set(texts) == {"보행환경 개선", "새 아이디어"}
    assert texts["보행환경 개선"] == used.pk
    assert list(services.linked_agendas(forum)) == [agenda]


def test_ideas_left_out_are_left_alone(guro):
    forum = record_forum(guro, ideas="하나\n둘")
    services.save_forum(forum, total=12, breakdowns={}, ideas=None)
    assert forum.ideas.count() == 2
    change = AuditEvent.objects.filter(model="participation.forum", action="changed").get()
    assert change.changes["participants_total"] == [10, 12]
    assert "ideas" not in change.changes


def test_district_statistics_are_read_from_the_records(guro, eunpyeong):
    record_forum(
        guro,
        type="open",
        stage="agenda_discovery",
        held_on=dt.date(2020, 2, 1),
        materials_in_advance=True,
        total=100,
        breakdowns={"sector": {"residents": 80, "administration": 20}},
    )
    record_forum(guro, type="workshop", held_on=dt.date(2020, 5, 2), total=20)
    record_forum(guro, type="dong", held_on=dt.date(2020, 5, 20), total=30)
    record_forum(guro, type="open", held_on=dt.date(2019, 5, 20), total=999)  # other year
    record_forum(eunpyeong, type="open", held_on=dt.date(2020, 5, 20), total=500)
    stats, policy = services.district_stats(guro, 2020)
    assert stats.forums == 3 and stats.participants == 150
    assert stats.by_quarter == {1: 1, 2: 2, 3: 0, 4: 0}
    assert stats.by_type["open"] == 1 and stats.by_type["workshop"] == 1
    assert stats.by_stage["agenda_discovery"] == 1
    assert stats.with_materials == 1
    assert stats.breakdowns["sector"].counts["residents"] == 80
    assert policy.submission_months == [3, 6, 9, 12]


def test_city_comparison_lists_all_25_districts(guro, eunpyeong):
    record_forum(guro, held_on=dt.date(2020, 2, 1), total=10)
    record_forum(guro, held_on=dt.date(2020, 8, 1), total=30)
    record_forum(eunpyeong, held_on=dt.date(2020, 8, 1), total=5)
    districts, stats, _policy = services.city_comparison(2020)
    assert len(districts) == 25
    assert stats[guro.pk].forums == 2 and stats[guro.pk].participants == 40
    assert stats[eunpyeong.pk].by_quarter[3] == 1
    assert sum(s.forums for s in stats.values()) == 3


def test_the_record_policy_has_the_eleven_formulation_stages():
    policy = services.record_policy(dt.date(2020, 6, 1))
    planning = [s for s in policy.stages if s.phase == "planning"]
    assert len(planning) == 11
    assert planning[0].name == "계획수립 과정 논의" and planning[-1].name == "본계획서 제출"
    assert [c.name for c in policy.sectors] == [
        "지역주민",
        "유관기관",
        "시민단체",
        "구의회",
        "행정",
        "기타",
    ]
