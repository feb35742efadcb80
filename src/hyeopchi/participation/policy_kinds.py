from hyeopchi.core.policy import register_kind

from .forum_policy import ForumRecordPolicy
from .policy import PriorityPolicy, ProposalPolicy

register_kind("proposal_policy", ProposalPolicy)
register_kind("priority_policy", PriorityPolicy)
register_kind("forum_record_policy", ForumRecordPolicy)
