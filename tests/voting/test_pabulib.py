"""Pabulib ``.pb`` files: reading, writing, round trips and malformed files."""

from __future__ import annotations

import pytest

from hyeopchi.voting import pabulib
from hyeopchi.voting.counting import Instance, Profile, greedy_by_votes
from hyeopchi.voting.pabulib import PabulibError

WIELICZKA = """META
key; value
description; Municipal PB in Wieliczka
country; Poland
unit; Wieliczka
instance; 2020
num_projects; 5
num_votes; 10
budget; 2500
rule; greedy
vote_type; approval
min_length; 1
max_length; 3
date_begin; 16.09.2023
date_end; 04.10.2023
PROJECTS
project_id; cost; category
1; 600; culture, education
2; 800; sport
4; 1400; culture
5; 1000; health, sport
7; 1200; education
VOTES
voter_id; age; sex; vote
1; 34; f; 1,2,4
2; 51; m; 1,2
3; 23; m; 2,4,5
4; 19; f; 5,7
5; 62; f; 1,4,7
6; 54; m; 1,7
7; 49; m; 5
8; 27; f; 4
9; 39; f; 2,4,5
10; 44; m; 4,5
"""

CUMULATIVE = (
    "META\n"
    "key;value\n"
    'description;"Seoul test; with a semicolon and ""quotes"""\n'
    "budget;100\n"
    "vote_type;cumulative\n"
    "max_sum_points;5\n"
    "PROJECTS\n"
    "project_id;cost;name;district\n"
    'a;60;"놀이터, 새로";구로1동\n'
    "b;50;도서관;\n"
    "VOTES\n"
    "voter_id;vote;points;neighborhood\n"
    "v1;a,b;3,2;구로1동\n"
    "v2;b;5;\n"
    "v3;;;\n"
)


def test_read_the_format_example():
    pb = pabulib.parse(WIELICZKA)
    assert pb.meta["description"] == "Municipal PB in Wieliczka"
    assert pb.budget == 2500 and pb.vote_type == "approval"
    assert pb.project_ids == ["1", "2", "4", "5", "7"]
    assert pb.projects[0]["category"] == "culture, education"
    assert pb.votes[2] == {"voter_id": "3", "age": "23", "sex": "m", "vote": "2,4,5"}
    inst = pb.instance()
    assert inst.budget == 2500 and inst.projects["4"] == 1400
    assert inst.categories["1"] == frozenset({"culture", "education"})
    prof = pb.profile()
    assert prof.voters == 10
    assert greedy_by_votes(inst, prof).winners == ("4", "5")


@pytest.mark.parametrize("text", [WIELICZKA, CUMULATIVE])
def test_round_trip_keeps_every_field(text):
    pb = pabulib.parse(text)
    out = pabulib.write(pb)
    again = pabulib.parse(out)
    assert again == pb
    assert again.meta == pb.meta and list(again.meta) == list(pb.meta)
    assert again.project_columns == pb.project_columns and again.vote_columns == pb.vote_columns
    assert pabulib.write(again) == out


def test_cumulative_votes_quotes_and_empty_votes():
    pb = pabulib.parse(CUMULATIVE)
    assert pb.meta["description"] == 'Seoul test; with a semicolon and "quotes"'
    assert pb.projects[0]["name"] == "놀이터, 새로"
    prof = pb.profile()
    assert prof.kind == "cardinal"
    assert dict(prof.ballots) == {(("a", 3), ("b", 2)): 1, (("b", 5),): 1, (): 1}
    assert pb.instance(area_column="district").areas == {"a": "구로1동"}


def test_ordinal_and_choose_one():
    text = WIELICZKA.replace("vote_type; approval", "vote_type; ordinal")
    prof = pabulib.parse(text).profile()
    assert prof.kind == "ordinal"
    assert (("2", "4", "5"), 2) in prof.ballots
    one = (
        "META\nkey;value\nbudget;10\nvote_type;choose-1\n"
        "PROJECTS\nproject_id;cost\na;5\nVOTES\nvoter_id;vote\n1;a\n2;\n"
    )
    assert pabulib.parse(one).profile().kind == "approval"


def test_build_an_export_and_read_it_back():
    inst = Instance(
        100, {"a": 60, "b": 50}, areas={"a": "개봉동"}, categories={"b": frozenset({"culture"})}
    )
    prof = Profile.approval([{"a"}, {"a", "b"}, set()], [2, 1, 1])
    pb = pabulib.build(
        inst,
        prof,
        meta={"description": "구로구 주민참여예산", "country": "South Korea"},
        names={"a": "공원", "b": "작은도서관"},
        project_extra={"a": {"votes": "3"}},
    )
    text = pabulib.write(pb)
    back = pabulib.parse(text)
    assert back.meta["num_votes"] == "4" and back.meta["vote_type"] == "approval"
    assert back.project_columns == ["project_id", "cost", "name", "category", "district", "votes"]
    assert back.instance(area_column="district") == inst
    assert back.profile() == Profile.approval([{"a"}, {"a"}, {"a", "b"}, set()])
    cum = pabulib.build(inst, Profile.cardinal([{"a": 2, "b": 1}]))
    assert pabulib.parse(pabulib.write(cum)).votes == [
        {"voter_id": "1", "vote": "a,b", "points": "2,1"}
    ]
    ranks = pabulib.build(inst, Profile.ordinal([("b", "a")]))
    assert pabulib.parse(pabulib.write(ranks)).profile().ballots == ((("b", "a"), 1),)


def test_a_project_over_the_budget_is_allowed():
    text = WIELICZKA.replace("7; 1200; education", "7; 9000; education")
    assert pabulib.parse(text).instance().projects["7"] == 9000


def _replace(old: str, new: str, text: str = WIELICZKA) -> str:
    assert old in text
    return text.replace(old, new)


MALFORMED = [
    ("", None, "no META section"),
    ("PROJECTS\nproject_id;cost\n", 1, "PROJECTS section where META was expected"),
    ("budget;10\n", 1, "must start with a META section"),
    (_replace("PROJECTS\n", ""), 16, "3 fields where the META header has 2"),
    (
        _replace("VOTES\nvoter_id; age; sex; vote\n", ""),
        23,
        "4 fields where the PROJECTS header has 3",
    ),
    (WIELICZKA.split("VOTES")[0], None, "no VOTES section"),
    (_replace("key; value", "name; value"), 2, "META header must be 'key;value'"),
    (_replace("project_id; cost; category", "project_id; price; category"), 17, "no 'cost' column"),
    (_replace("voter_id; age; sex; vote", "voter_id; age; sex"), 24, "no 'vote' column"),
    (_replace("2; 800; sport", "2; 800"), 19, "2 fields where the PROJECTS header has 3"),
    (_replace("2; 800; sport", "2; 80.5; sport"), 19, "cost of project 2 must be a whole number"),
    (_replace("2; 800; sport", "2; -800; sport"), 19, "must be at least 0"),
    (_replace("2; 800; sport", "1; 800; sport"), 19, "project '1' listed twice (first on line 18)"),
    (_replace("2; 51; m; 1,2", "1; 51; m; 1,2"), 26, "voter '1' listed twice"),
    (_replace("2; 51; m; 1,2", "2; 51; m; 1,3"), 26, "votes for unknown project '3'"),
    (_replace("2; 51; m; 1,2", "2; 51; m; 1,1"), 26, "names a project twice"),
    (_replace("budget; 2500", "budget; lots"), 9, "the budget must be a whole number"),
    (_replace("budget; 2500\n", ""), None, "META has no budget"),
    (_replace("num_votes; 10", "num_votes; 11"), 8, "num_votes says 11 but 10 votes are listed"),
    (_replace("num_projects; 5", "num_projects; 4"), 7, "num_projects says 4 but 5 projects"),
    (_replace("vote_type; approval", "vote_type; plurality"), 11, "unknown vote_type 'plurality'"),
    (
        _replace("country; Poland", "country; Poland\ncountry; Polska"),
        5,
        "META key 'country' given twice",
    ),
    (_replace("max_length; 3", "max_length; three"), 13, "max_length must be a whole number"),
    (_replace("VOTES\n", "VOTES\nVOTES\n"), 24, "a second VOTES section"),
    (_replace("vote_type; approval", "vote_type; cumulative"), None, "need a 'points' column"),
    (CUMULATIVE.replace("v1;a,b;3,2;", "v1;a,b;3;"), 13, "has 1 points for 2 projects"),
    (
        CUMULATIVE.replace("v2;b;5;", "v2;b;five;"),
        14,
        "points for project b must be a whole number",
    ),
    (CUMULATIVE.replace('"놀이터, 새로"', '"놀이터'), 9, "unreadable line"),
    (WIELICZKA.split("VOTES")[0] + "VOTES\n", None, "VOTES section has no header line"),
]


@pytest.mark.parametrize(("text", "line", "problem"), MALFORMED)
def test_malformed_files_name_the_line_and_the_problem(text, line, problem):
    with pytest.raises(PabulibError) as caught:
        pabulib.parse(text)
    assert problem in caught.value.problem
    assert caught.value.line == line
    if line is not None:
        assert str(caught.value).startswith(f"line {line}: ")
