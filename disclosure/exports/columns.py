"""The figures CSV's columns, with what each holds: the one list the CSV header, the README and
the data package's Table Schema are built from.

The first 18 are the long layout an import reads (README, "Import"); the last six, since 0.2.0,
say which document and revision a figure comes from and carry its explanation. Columns are only
ever appended, so readers that address columns by position keep working.
"""

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["string", "integer", "number", "datetime"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    unit: str = ""  # 元, 万元, 个, 人次 …: what a number counts; "" for text


def _count(name: str, unit: str, description: str) -> Column:
    return Column(name, "integer", f"“三公”经费的数量（只在“三公”经费行）：{description}", unit)


FIGURE_COLUMNS = [
    Column("单位", "string", "公开决算或部门预算的单位（部门）名称"),
    Column("年度", "integer", "决算或预算所属的财政年度", "年"),
    Column(
        "报表",
        "string",
        "2014年格式为报表名（收入决算 …），标准格式为公开表（公开05表 …），部门预算为预算表"
        "（预算05表 …），或“三公”经费",
    ),
    Column("科目编码", "string", "政府收支分类科目编码（类3位、款5位、项7位）；固定项目为空"),
    Column("项目", "string", "行的名称（科目名称或固定项目）"),
    Column(
        "上级项目",
        "string",
        "2014年格式为“其中”项所属的项目；标准格式为行所在的栏、分栏和上级项目，以/分隔",
    ),
    Column("栏目", "string", "数字所在的栏（决算数、合计、本年支出/基本支出 …）"),
    Column(
        "金额（万元）",
        "number",
        "金额，万元，两位小数，四舍五入（与公开文件印制的一致）；表中空白的格为空",
        "万元",
    ),
    Column("金额（元）", "number", "金额，元，精确到分；表中空白的格为空", "元"),
    _count("出国团组数", "个", "因公出国（境）团组数"),
    _count("出国人次", "人次", "因公出国（境）人次"),
    _count("购置车辆数", "辆", "公务用车购置数"),
    _count("年末公务用车保有量", "辆", "年末公务用车保有量"),
    _count("接待批次", "批次", "国内公务接待批次"),
    _count("接待人次", "人次", "国内公务接待人次"),
    _count("陪同人数", "人", "公务接待陪同人数"),
    _count("外宾接待批次", "批次", "其中外宾接待批次"),
    _count("外宾接待人次", "人次", "其中外宾接待人次"),
]

# Since 0.2.0: the document and revision each figure comes from, and its explanation.
CONTEXT_COLUMNS = [
    Column(
        "文件类型",
        "string",
        "公开文件的类型：决算（部门决算）或 预算（部门预算）；同一单位同一年度，预算在决算之前",
    ),
    Column("状态", "string", "公开状态：已发布（只导出现行的已发布版本）"),
    Column("修订版本", "integer", "修订版本：1 为首次发布，更正后为 2、3 …"),
    Column(
        "发布时间",
        "datetime",
        "该版本的发布时间，北京时间，ISO 8601 带时区（2024-09-30T10:00:00+08:00）；"
        "发布时间不详的历史文件为空",
    ),
    Column(
        "说明",
        "string",
        "“三公”经费的说明，或该行的变动说明（标准格式公开表的行）；没有则为空",
    ),
    Column("同比情况", "string", "“三公”经费的同比情况（如 同比基本持平）；其他行为空"),
]

COLUMNS = FIGURE_COLUMNS + CONTEXT_COLUMNS
# By name, for readers that look a column up (the data package's Table Schema).
BY_NAME = {column.name: column for column in COLUMNS}
