"""The outlier method the compare page states: quartiles by linear interpolation, Tukey's
fences at 1.5 × IQR, nothing judged below five peers."""

from decimal import Decimal as D

from disclosure.compare.stats import quantile, spread


def test_quartiles_interpolate_between_the_sorted_values_as_excel_does():
    values = [D(x) for x in (1, 2, 3, 4, 5, 6, 7, 8)]
    # QUARTILE.INC(1..8, 1) = 2.75, (…, 2) = 4.5, (…, 3) = 6.25
    assert quantile(values, D("0.25")) == D("2.75")
    assert quantile(values, D("0.5")) == D("4.5")
    assert quantile(values, D("0.75")) == D("6.25")


def test_a_value_beyond_the_fences_is_an_outlier_and_one_on_them_is_not():
    s = spread([D(x) for x in (10, 11, 12, 13, 14, 200)] + [None])
    assert (s.n, s.q1, s.median, s.q3) == (6, D("11.25"), D("12.5"), D("13.75"))
    assert (s.low, s.high) == (D("7.5"), D("17.5"))
    assert s.is_outlier(D(200)) and s.is_outlier(D("7.49"))
    assert not s.is_outlier(D("17.5")) and not s.is_outlier(D("7.5"))
    assert not s.is_outlier(None)


def test_fewer_than_five_peers_are_not_judged():
    assert spread([D(1), D(2), D(3), D(1000), None, None]) is None
