"""Amounts, counts and encodings: what is understood, and what is a row error, never a guess."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disclosure.importing.parsing import parse_amount, parse_code, parse_count
from disclosure.importing.readers import ENCODING_ERROR, detect_encoding, read_records
from disclosure.importing.records import ImportFileError

D = Decimal


@pytest.mark.parametrize(
    ("value", "unit", "yuan"),
    [
        ("195.82", "万元", D("1958200.00")),
        ("1,234.56", "元", D("1234.56")),
        ("1,234,567.891234", "万元", D("12345678912.34")),
        ("１２３.４５", "元", D("123.45")),  # full-width digits and point
        ("１，２３４．５", "元", D("1234.50")),  # full-width comma
        (" 0 ", "万元", D("0.00")),
        ("12万元", None, D("120000.00")),
        ("12 元", None, D("12.00")),
        ("12元", "元", D("12.00")),
        ("0.000001", "万元", D("0.01")),
        ("1.500", "元", D("1.50")),  # trailing zeros are still exact to the fen
        ("999999999.999999", "万元", D("9999999999999.99")),
        ("9999999999999.99", "元", D("9999999999999.99")),
        (195.82, "万元", D("1958200.00")),  # an Excel number cell, read as Excel shows it
        (195.82000000000002, "万元", D("1958200.00")),  # a SUM() result's binary noise
        (12, "元", D("12.00")),
        (D("3.54"), "万元", D("35400.00")),
    ],
)
def test_amounts_understood(value, unit, yuan):
    assert parse_amount(value, unit=unit) == yuan


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        ("", "元", "请填写金额。"),
        ("一百万", "元", "不是有效的金额"),
        ("12.3.4", "元", "不是有效的金额"),
        ("1,23", "元", "不是有效的金额"),
        ("1e3", "元", "不是有效的金额"),
        ("NaN", "元", "不是有效的金额"),
        ("Infinity", "万元", "不是有效的金额"),
        ("-5", "元", "金额不能为负数。"),
        ("－5", "元", "金额不能为负数。"),  # full-width minus
        ("(5.00)", "元", "金额不能为负数。"),  # accounting negative
        (-5.0, "万元", "金额不能为负数。"),
        ("1.234", "元", "以元为单位的金额最多两位小数（精确到分）。"),
        ("1.2345678", "万元", "以万元为单位的金额最多六位小数（精确到分）。"),
        ("12", None, "请注明金额单位（元或万元）。"),
        ("12元", "万元", "金额写的单位是元，与表头的万元不一致。"),
        ("10000000000000", "元", "金额过大"),
        ("1000000000", "万元", "金额过大"),
        ("¥12", "元", "不是有效的金额"),
        (True, "元", "逻辑值"),
    ],
)
def test_amounts_refused(value, unit, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_amount(value, unit=unit)


@pytest.mark.parametrize(
    ("value", "count"), [("57", 57), ("１,２３４", 1234), (466.0, 466), ("", None), (None, None)]
)
def test_counts(value, count):
    assert parse_count(value) == count


@pytest.mark.parametrize("value", ["-1", "3.5", "五十七", "1e2"])
def test_bad_counts(value):
    with pytest.raises(ValueError):
        parse_count(value)


@pytest.mark.parametrize(
    ("value", "code"), [(2010301, "2010301"), ("２０１", "201"), (201.0, "201")]
)
def test_codes_stored_as_numbers_or_full_width(value, code):
    assert parse_code(value) == code


HEADER = "单位,年度,报表,项目,金额（万元）\r\n"
ROW = "溧阳市信访局,2014,收入决算,财政拨款收入,195.82\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ((HEADER + ROW).encode("utf-8-sig"), "utf-8-sig"),
        ((HEADER + ROW).encode("utf-8"), "utf-8"),
        ((HEADER + ROW).encode("gb18030"), "gb18030"),
        ((HEADER + ROW).encode("gbk"), "gb18030"),
    ],
)
def test_encodings_read(data, encoding):
    assert detect_encoding(data) == encoding
    (record,) = read_records(data)
    assert record.values["name"] == "财政拨款收入" and record.row == 2


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + ROW).encode("utf-16"),
        (HEADER + ROW).encode("utf-16-le"),
        (HEADER + ROW).encode("big5", errors="ignore") + b"\xff\xfe\x80",
        b"\x80\xff" * 10,
    ],
)
def test_other_bytes_are_a_clear_chinese_error(data):
    with pytest.raises(ImportFileError, match=ENCODING_ERROR.split("：")[0]):
        list(read_records(data))


def test_a_sample_cut_inside_a_character_is_still_utf8():
    data = ("项" * 30000).encode("utf-8")
    assert detect_encoding(data[: (1 << 16)]) == "utf-8"


def test_unknown_and_missing_columns():
    with pytest.raises(ImportFileError, match="无法识别的列：备注"):
        list(read_records("报表,项目,金额（元）,备注\r\n".encode()))
    with pytest.raises(ImportFileError, match="缺少必需的列：报表"):
        list(read_records("项目,金额（元）\r\n".encode()))


def test_old_excel_files_are_refused():
    with pytest.raises(ImportFileError, match=r"\.xls"):
        list(read_records(b"\xd0\xcf\x11\xe0" + b"\0" * 100))


# The export's own format ("1234.56" 元 beside its 万元 rounding) takes a quick path in
# resolve._amount; stating the unit (a 金额单位 column) takes the general one.
@given(
    yuan=st.decimals(min_value=0, max_value=D("9999999999999.99"), places=2),
    shift=st.sampled_from([None, D("0.01"), D("-0.01"), D("0.005")]),
)
def test_the_quick_path_for_exported_amounts_agrees_with_the_general_one(yuan, shift):
    from disclosure.core.money import format_wan, format_yuan
    from disclosure.importing.records import Record
    from disclosure.importing.resolve import _amount

    wan = format_wan(yuan)
    if shift is not None:  # a 万元 figure that is not the rounding of the 元 figure
        wan = str((D(wan) + shift).quantize(D("0.01"))) if D(wan) + shift >= 0 else wan
    quick_errors, general_errors = [], []
    values = {"amount_yuan": format_yuan(yuan), "amount_wan": wan}
    quick = _amount(Record(row=2, values=values), quick_errors, required=True)
    general = _amount(Record(row=2, values=values | {"unit": "元"}), general_errors, required=True)
    assert (quick, quick_errors) == (general, general_errors)
    if not quick_errors:
        assert quick == yuan
