"""The samples under a group come from its newest years only, as many as hold SAMPLES
agencies: the window then ranks one year's printers of a common line, not every year's."""

from disclosure.search.lines import SAMPLES, LineGroup, _sample_years


def test_a_common_line_is_sampled_from_its_newest_year_alone():
    group = LineGroup("201", "一般公共服务支出", {2024: 2000, 2023: 2000, 2014: 1999})
    assert _sample_years(group) == [2024]


def test_a_rare_line_reaches_back_until_enough_agencies_print_it():
    group = LineGroup("221", "住房保障支出", {2014: 3, 2024: 1, 2023: SAMPLES - 2, 2022: 7})
    assert _sample_years(group) == [2024, 2023, 2022]


def test_a_line_printed_by_fewer_than_samples_agencies_keeps_every_year():
    group = LineGroup("", "基本支出", {2015: 1, 2014: 1})
    assert _sample_years(group) == [2015, 2014]
