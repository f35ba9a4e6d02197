"""Moved to ``culture_of_care.suppression`` (the one small-number rule).

Only the chart modules still import it from here; once they import ``culture_of_care.suppression``
this module goes.
"""

from culture_of_care.suppression import (  # noqa: F401
    DEFAULT_RULES,
    SUPPRESSED,
    Z_95,
    EquityTable,
    GroupInput,
    GroupRow,
    RateRatio,
    Rules,
    equity_table,
    rate,
    rate_is_suppressed,
    rate_ratio,
    round_half_up,
    secondary_suppress,
)
from culture_of_care.suppression import show_count as count_display  # noqa: F401
