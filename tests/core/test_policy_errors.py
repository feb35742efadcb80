"""Malformed policy files stop start-up with a message naming file, key and problem."""

from pathlib import Path

import pytest

from hyeopchi.core.policy import PolicyError, load_policies


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "seoul-2020" / "rulebooks"
    folder.mkdir(parents=True)
    (folder / "odd.toml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("kind", ["['rulebook']", "1", "{ a = 1 }"])
def test_kind_that_is_not_text_is_a_policy_error(tmp_path, kind):
    root = write(tmp_path, f'kind = {kind}\nkey = "x"\n')
    with pytest.raises(PolicyError) as err:
        load_policies(root)
    assert err.value.path == "seoul-2020/rulebooks/odd.toml"
    assert err.value.key == "kind"
    assert "must be a text" in err.value.problem


def test_fraction_outside_zero_to_one_names_the_key(tmp_path):
    text = """
kind = "rulebook"
key = "odd"
name = "x"
name_en = "x"
[[versions]]
label = "v1"
effective_from = 2020-01-01
source = "test"
quorum = { base = "enrolled", fraction = "3/2", strict = true }
decision = { base = "present", fraction = "1/2", strict = true }
amendment = { base = "present", fraction = "2/3", strict = false }
"""
    with pytest.raises(PolicyError) as err:
        load_policies(write(tmp_path, text))
    assert err.value.key == "versions.0.quorum.fraction"
    assert "at most 1" in err.value.problem
