"""A table-driven lifecycle shared by the records that have one (agendas, plans).

Pure: a table ``state → {event → next state}`` over string enums, and a refusal that
says what would be possible instead. The services apply a step, save it and audit it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S", bound=StrEnum)
E = TypeVar("E", bound=StrEnum)


class TransitionRefused(Exception):
    """``event`` is not possible in ``state``; ``allowed`` lists what is."""

    def __init__(self, state: str, event: str, allowed: list) -> None:
        self.state, self.event, self.allowed = state, event, allowed
        super().__init__(f"{event} is not possible in state {state}")


class StateMachine(Generic[S, E]):
    def __init__(
        self, states: type[S], events: type[E], transitions: Mapping[S, Mapping[E, S]]
    ) -> None:
        self.states, self.events, self.transitions = states, events, transitions

    def allowed_events(self, state: str) -> list[E]:
        try:
            return list(self.transitions[self.states(state)])
        except (ValueError, KeyError):
            return []

    def next_state(self, state: str, event: str) -> S:
        """The state after ``event``; :class:`TransitionRefused` if it cannot happen now."""
        try:
            return self.transitions[self.states(state)][self.events(event)]
        except (ValueError, KeyError):
            raise TransitionRefused(state, event, self.allowed_events(state)) from None

    def can(self, state: str, event: str) -> bool:
        try:
            self.next_state(state, event)
        except TransitionRefused:
            return False
        return True
