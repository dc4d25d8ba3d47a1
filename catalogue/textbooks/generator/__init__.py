"""Seeded test data for the textbook check, by role: :mod:`.federal` makes a federal list in the
official layout (an older and a newer version), :mod:`.school_lists` makes schools' lists drawn
from it with the truth of every row. One seed gives the same files every time.
"""

from catalogue.textbooks.generator.federal import ListRow, federal_rows, write_federal_list
from catalogue.textbooks.generator.school_lists import (
    GeneratedSchool,
    TruthRow,
    load_truth,
    school_lists,
)

__all__ = [
    "GeneratedSchool",
    "ListRow",
    "TruthRow",
    "federal_rows",
    "load_truth",
    "school_lists",
    "write_federal_list",
]
