from pathlib import Path

import pytest

from hyeopchi.core.policy import PolicyError, load_policies, policies

GOOD = (
    Path(__file__).resolve().parents[2]
    / "policies"
    / "seoul-2020"
    / "rulebooks"
    / "guro-council.toml"
)


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "seoul-2020" / "rulebooks"
    folder.mkdir(parents=True)
    (folder / "bad.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_shipped_policies_load():
    registry = policies()
    keys = {f.key for f in registry.of_kind("rulebook")}
    assert {"regional-council-plenary", "regional-council-steering", "guro-council"} <= keys


def test_broken_toml_names_the_file(tmp_path):
    root = write(tmp_path, "kind = 'rulebook'\nkey = ")
    with pytest.raises(PolicyError) as err:
        load_policies(root)
    assert "seoul-2020/rulebooks/bad.toml" in str(err.value)
    assert "not valid TOML" in str(err.value)


def test_bad_value_names_the_key_and_problem(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace('fraction = "7/10"', 'fraction = "7/10"')
    text = text.replace('civilian_share_min = "7/10"', 'civilian_share_min = "7/0"')
    root = write(tmp_path, text)
    with pytest.raises(PolicyError) as err:
        load_policies(root)
    assert err.value.key == "versions.0.composition.civilian_share_min"
    assert "not a fraction" in err.value.problem


def test_missing_kind_and_unknown_keys(tmp_path):
    root = write(tmp_path, 'key = "x"\n')
    with pytest.raises(PolicyError, match="kind: missing"):
        load_policies(root)
    text = GOOD.read_text(encoding="utf-8").replace("[[versions]]", "quorom = 1\n[[versions]]", 1)
    (root / "seoul-2020" / "rulebooks" / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policies(root)
    assert err.value.key == "quorom"


def test_versions_must_ascend(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace(
        "effective_from = 2019-05-02", "effective_from = 2030-01-01"
    )
    text += "\n" + text[text.index("[[versions]]") :].replace("2030-01-01", "2019-01-01")
    root = write(tmp_path, text)
    with pytest.raises(PolicyError, match="ascending"):
        load_policies(root)
