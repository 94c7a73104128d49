"""Statistics of assessment moderation: how far first markers agree with blind second
markers, and which assessors or sites drift from them. Pure domain code (numpy, SciPy,
scikit-learn and the ``krippendorff`` package; no framework)."""

from credstack.domain.moderation.marks import GROUP_KEYS, ROLES, Mark, MarkTable, Role
from credstack.domain.moderation.report import (
    GroupReport,
    ModerationPolicy,
    ModerationReport,
    moderation_report,
)
from credstack.domain.moderation.stats import (
    Agreement,
    Drift,
    Measure,
    agreement,
    drift,
    krippendorff_alpha,
    weighted_kappa,
)

__all__ = [
    "GROUP_KEYS",
    "ROLES",
    "Agreement",
    "Drift",
    "GroupReport",
    "Mark",
    "MarkTable",
    "Measure",
    "ModerationPolicy",
    "ModerationReport",
    "Role",
    "agreement",
    "drift",
    "krippendorff_alpha",
    "moderation_report",
    "weighted_kappa",
]
