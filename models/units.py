"""The units of time every part of the tool converts between, in one place.

A planning year is 52 weeks (MODEL.md: a pathway's use of a service is weeks ÷ 52 of a
capacity-year, and a price of £ a week is £ × 52 a year), and a week is 7 days, so a
planning year is 364 days: a stay of 4 weeks is 28 days in the plan, its headroom, Little's
law and the simulation alike. The calendar's months are spread over those 364 days in
proportion to their lengths.
"""

from __future__ import annotations

WEEKS_PER_YEAR = 52
"""Weeks in a planning year."""
DAYS_PER_WEEK = 7
DAYS_PER_YEAR = WEEKS_PER_YEAR * DAYS_PER_WEEK
"""Days in a planning year: 364."""
DAYS_IN_MONTH: tuple[int, ...] = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
"""The calendar's months (February of a common year)."""
MONTH_DAYS: tuple[float, ...] = tuple(DAYS_PER_YEAR * days / sum(DAYS_IN_MONTH)
                                      for days in DAYS_IN_MONTH)
"""Each month's days within a planning year (the calendar's, times 364/365)."""
