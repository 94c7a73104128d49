"""The statistics of outcome analytics: progression, completion velocity, employment
outcomes, employer ROI and equity. Pure domain code (numpy and SciPy; no database, no web):
the inputs are plain records, every result is a dataclass with ``as_json()`` for charts and
``rows()`` for tables and CSV, in a fixed order.

Demographic data enter only ``equity``, and every count it shows goes through the small-group
suppression of ``suppression``. docs/analytics-statistics.md gives each formula and source.
"""

from credstack.domain.analytics.equity import (
    MEASURES,
    Comparison,
    ComparisonCount,
    EquityReport,
    GroupResult,
    Measure,
    MeasureResult,
    consented_groups,
    equity_from_counts,
    equity_report,
)
from credstack.domain.analytics.intervals import (
    Mean,
    Proportion,
    Quartiles,
    Ratio,
    katz_ratio,
    quartiles,
    t_mean,
    wilson,
)
from credstack.domain.analytics.outcomes import EmploymentOutcomes, employment_outcomes
from credstack.domain.analytics.progression import (
    END,
    START,
    Funnel,
    Stage,
    TransitionMatrix,
    funnel,
    transition_matrix,
)
from credstack.domain.analytics.records import (
    Award,
    Cell,
    Demographic,
    Hire,
    Learner,
    Performance,
    Row,
    Satisfaction,
    Selection,
)
from credstack.domain.analytics.roi import Roi, RoiInputs, RoiReport, employer_roi
from credstack.domain.analytics.suppression import (
    GroupCount,
    ProtectedCounts,
    SuppressionBreach,
    SuppressionPolicy,
    disclosures,
    protect,
)
from credstack.domain.analytics.survival import (
    CompletionCurve,
    MedianTime,
    Step,
    WithdrawalRule,
    completion_curve,
    durations,
    kaplan_meier,
)

__all__ = [
    "END",
    "MEASURES",
    "START",
    "Award",
    "Cell",
    "Comparison",
    "ComparisonCount",
    "CompletionCurve",
    "Demographic",
    "EmploymentOutcomes",
    "EquityReport",
    "Funnel",
    "GroupCount",
    "GroupResult",
    "Hire",
    "Learner",
    "Mean",
    "Measure",
    "MeasureResult",
    "MedianTime",
    "Performance",
    "Proportion",
    "ProtectedCounts",
    "Quartiles",
    "Ratio",
    "Roi",
    "RoiInputs",
    "RoiReport",
    "Row",
    "Satisfaction",
    "Selection",
    "Stage",
    "Step",
    "SuppressionBreach",
    "SuppressionPolicy",
    "TransitionMatrix",
    "WithdrawalRule",
    "completion_curve",
    "consented_groups",
    "disclosures",
    "durations",
    "employer_roi",
    "employment_outcomes",
    "equity_from_counts",
    "equity_report",
    "funnel",
    "kaplan_meier",
    "katz_ratio",
    "protect",
    "quartiles",
    "t_mean",
    "transition_matrix",
    "wilson",
]
