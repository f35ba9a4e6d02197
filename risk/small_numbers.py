"""Moved to ``culture_of_care.suppression`` (the one small-number rule).

Only ``risk/charts.py`` still imports it from here; once it imports ``culture_of_care.suppression``
this module goes.
"""

from culture_of_care.suppression import (  # noqa: F401
    SUPPRESSED,
    Rules,
    is_small,
    publishable_pair,
    show_count,
    show_percentage,
)
