"""Moved to ``culture_of_care.suppression`` (the one small-number rule).

Only the chart modules still import it from here; once they import ``culture_of_care.suppression``
this module goes.
"""

from culture_of_care.suppression import *  # noqa: F403
from culture_of_care.suppression import show_count as count_display  # noqa: F401
