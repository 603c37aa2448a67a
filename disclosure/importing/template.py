"""The downloadable import template: the long layout's header and example rows.

The examples name 示例单位, so an example left in a filled template is refused as another
agency's row instead of being imported.
"""

import csv
import io

from disclosure.exports.rows import FIGURE_HEADER as HEADER

EXAMPLE_AGENCY = "示例单位"
_ = ""
EXAMPLES = [
    [EXAMPLE_AGENCY, "2014", "收入决算", _, "财政拨款收入", _, "决算数", "195.82", _] + [_] * 9,
    [EXAMPLE_AGENCY, "2014", "支出按性质分（经济分类）", _, "基本支出", _, "决算数", "140.82", _]
    + [_] * 9,
    [EXAMPLE_AGENCY, "2014", "支出按性质分（经济分类）", "301", "工资福利支出", "基本支出"]
    + ["决算数", "79.82", _]
    + [_] * 9,
    [EXAMPLE_AGENCY, "2014", "“三公”经费", _, "公务接待费", _, "决算数", "3.54", _]
    + [_] * 4
    + ["57", "466", _, _, _],
    [EXAMPLE_AGENCY, "2024", "公开05表 一般公共预算财政拨款支出决算表", "2120101", "行政运行", _]
    + ["合计", "1092.80", _]
    + [_] * 9,
]
NOTES = [
    ("单位、年度", "可留空；填写时必须与导入页面选择的单位和年度一致。"),
    (
        "报表",
        "2014年简式格式：收入决算、支出决算、支出按性质分（经济分类）、支出按功能分类、"
        "“三公”经费；标准格式：公开01表至公开09表（可写“公开05表”或表名）、“三公”经费。",
    ),
    ("科目编码", "3 位（类）、5 位（款）或 7 位（项）数字；没有编码的项目留空。"),
    ("项目", "项目名称，如 财政拨款收入、行政运行。"),
    (
        "上级项目",
        "“其中”项所属的项目；标准格式的收入支出总表填 收入 或 支出，"
        "基本支出表填 人员经费 或 公用经费（如 收入/年初财政拨款结转和结余）。",
    ),
    ("栏目", "2014年格式为 决算数；标准格式为该表的栏目，如 合计、基本支出、本年支出/合计。"),
    (
        "金额（万元）、金额（元）",
        "填一个即可；两个都填时必须一致。可写千分位逗号（1,234.56）和全角数字；"
        "不能为负数，元最多两位小数，万元最多六位小数。也可用“金额”列，在数字后写 元 或 万元。",
    ),
    (
        "数量",
        "只用于“三公”经费：出国团组数、出国人次、购置车辆数、年末公务用车保有量、"
        "接待批次、接待人次、陪同人数、外宾接待批次、外宾接待人次。",
    ),
    (
        "导入规则",
        "文件中出现的每张报表整体替换该决算的相应数字：报表中没有的行会被删除，"
        "没有变化的行不会改写，所以同一文件重复导入结果不变。公开表只替换文件中出现的栏目；"
        "“三公”经费只替换文件中出现的项目的金额和数量，同比情况和说明保持不变。"
        "任何一行有错误，整个文件都不会写入。",
    ),
]


def template_csv() -> bytes:
    """UTF-8 with BOM and CRLF, as the CSV export: Excel on Chinese Windows opens it as is."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(EXAMPLES)
    return ("\ufeff" + out.getvalue()).encode()


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    data = book.active
    data.title = "导入数据"
    data.append(HEADER)
    for row in EXAMPLES:
        data.append(row)
    for cell in data[1]:
        cell.font = Font(bold=True)
    for column in "ABCDEFG":
        data.column_dimensions[column].width = 22
    data.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for row in NOTES:
        notes.append(list(row))
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
