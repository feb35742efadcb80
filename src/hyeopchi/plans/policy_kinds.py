"""Policy kinds of the plans app (one line per kind; each area registers its own)."""

from hyeopchi.core.policy import register_kind

from .budget_policy import BudgetRulesPolicy
from .change_policy import ChangeRules
from .cycle_policy import PlanCyclePolicy

register_kind("budget_rules", BudgetRulesPolicy)
register_kind("plan_change_rules", ChangeRules)
register_kind("plan_cycle", PlanCyclePolicy)
