from hyeopchi.core.policy import register_kind

from .policy import VotingPolicy

register_kind("voting", VotingPolicy)
