"""Versioned policy files: loading and validation.

Every number the source documents give lives in TOML files under ``POLICY_DIR``
(``policies/seoul-2020/...``). Each file names its ``kind``; the app that owns the kind
registers a pydantic schema for it in its ``policy_kinds`` module. All files are loaded
and validated when Django starts, and a bad file stops start-up with a message naming
the file, the key and the problem.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

_SCHEMAS: dict[str, type[BaseModel]] = {}


class PolicyError(Exception):
    """A policy file that cannot be used; the message names file, key and problem."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{self.path}: {key or '(file)'}: {problem}")


def register_kind(kind: str, schema: type[BaseModel]) -> None:
    _SCHEMAS[kind] = schema


@dataclass(frozen=True)
class PolicyFile:
    path: str  # relative to the policy root, e.g. seoul-2020/rulebooks/guro-council.toml
    kind: str
    key: str
    document: BaseModel


@dataclass
class PolicyRegistry:
    root: Path
    files: dict[tuple[str, str], PolicyFile] = field(default_factory=dict)

    def get(self, kind: str, key: str) -> BaseModel:
        try:
            return self.files[(kind, key)].document
        except KeyError:
            raise LookupError(f"no {kind} policy with key {key!r} under {self.root}") from None

    def of_kind(self, kind: str) -> Iterator[PolicyFile]:
        return (f for (k, _), f in sorted(self.files.items()) if k == kind)

    def source_of(self, kind: str, key: str) -> str:
        return self.files[(kind, key)].path


def _error_key(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(file)"


def load_file(path: Path, root: Path) -> PolicyFile:
    rel = path.relative_to(root).as_posix()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(rel, "", f"not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(rel, "", "not UTF-8 text") from exc
    kind = raw.pop("kind", None)
    if kind is None:
        raise PolicyError(rel, "kind", "missing; every policy file names its kind")
    if not isinstance(kind, str):
        raise PolicyError(rel, "kind", f"must be a text such as 'rulebook', got {kind!r}")
    schema = _SCHEMAS.get(kind)
    if schema is None:
        known = ", ".join(sorted(_SCHEMAS)) or "none registered"
        raise PolicyError(rel, "kind", f"unknown kind {kind!r} (known: {known})")
    try:
        document = schema.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PolicyError(rel, _error_key(first), first["msg"]) from exc
    key = getattr(document, "key", None) or path.stem
    return PolicyFile(path=rel, kind=kind, key=key, document=document)


def load_policies(root: Path) -> PolicyRegistry:
    registry = PolicyRegistry(root=root)
    if not root.is_dir():
        raise PolicyError(root, "", "policy directory does not exist")
    for path in sorted(root.rglob("*.toml")):
        policy = load_file(path, root)
        clash = registry.files.get((policy.kind, policy.key))
        if clash is not None:
            raise PolicyError(policy.path, "key", f"{policy.key!r} is also defined in {clash.path}")
        registry.files[(policy.kind, policy.key)] = policy
    return registry


_registry: PolicyRegistry | None = None


def policies() -> PolicyRegistry:
    """The registry loaded at start-up (loads it on first use outside Django start-up)."""
    global _registry
    if _registry is None:
        from django.conf import settings

        _registry = load_policies(Path(settings.POLICY_DIR))
    return _registry


def reload_policies() -> PolicyRegistry:
    global _registry
    _registry = None
    return policies()
