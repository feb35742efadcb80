from hyeopchi.core.policy import register_kind

from .policy import PriorityPolicy, ProposalPolicy

register_kind("proposal_policy", ProposalPolicy)
register_kind("priority_policy", PriorityPolicy)
