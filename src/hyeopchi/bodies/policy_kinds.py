from hyeopchi.core.policy import register_kind

from .rulebook import RulebookFile

register_kind("rulebook", RulebookFile)
