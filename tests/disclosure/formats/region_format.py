"""A third, regional format for the tests: only this module and a table set (data/formats/).

Its 07 table adds 会议费 and 培训费 (a local extra, DOMAIN.md §2); the 三公 total is still 07's
合计 row, and there is no 02/03, so expenditure comes from 01 alone.
"""

from disclosure.formats.standard import Place, Standard


class TestRegion(Standard):
    key = "test-rgn"
    TOTALS = {
        **Standard.TOTALS,
        "income": (Place("01", "本年收入合计", "决算数", side="收入"),),
        "expenditure": (Place("01", "本年支出合计", "决算数", side="支出"),),
        "basic": (),
        "project": (),
    }
