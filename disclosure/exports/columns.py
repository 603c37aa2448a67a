"""The figures CSV's columns with their meaning: the one description the README, the data
packages' Table Schema and any other reader of the CSV share.

The order is the CSV's (rows.HEADER); columns are only ever appended, so existing readers keep
working. Types are Table Schema types ("string", "integer", "number", "datetime").
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    unit: str = ""


COLUMNS = [
    Column("单位", "string", "公开单位的名称（与 agencies.csv 的 名称 对应）"),
    Column("年度", "integer", "决算所属的财政年度（公历年）"),
    Column(
        "报表", "string", "数字所在的报表或公开表，例如“公开05表 一般公共预算财政拨款支出决算表”"
    ),
    Column(
        "科目编码", "string", "政府收支分类科目编码（功能分类类/款/项或经济分类类/款），固定行为空"
    ),
    Column("项目", "string", "行的名称：科目名称或固定项目（如 本年收入合计）"),
    Column("上级项目", "string", "行的位置：“其中”的上级项目，或公开表的 收入/支出 侧、栏和上级行"),
    Column("栏目", "string", "列：决算数、预算数、合计/基本支出/项目支出等"),
    Column(
        "金额（万元）", "number", "金额，万元，四舍五入到两位小数（与公开文件所印一致）", "万元"
    ),
    Column("金额（元）", "number", "精确金额，元，到分", "元"),
    Column("出国团组数", "integer", "“三公”经费：因公出国（境）团组数"),
    Column("出国人次", "integer", "“三公”经费：因公出国（境）人次"),
    Column("购置车辆数", "integer", "“三公”经费：公务用车购置数量"),
    Column("年末公务用车保有量", "integer", "“三公”经费：年末公务用车保有量"),
    Column("接待批次", "integer", "“三公”经费：国内公务接待批次"),
    Column("接待人次", "integer", "“三公”经费：国内公务接待人次"),
    Column("陪同人数", "integer", "“三公”经费：公务接待陪同人数"),
    Column("外宾接待批次", "integer", "“三公”经费：外宾接待批次"),
    Column("外宾接待人次", "integer", "“三公”经费：外宾接待人次"),
    Column("文件类型", "string", "公开文件的类型：决算（部门预算将来为 预算）"),
    Column("状态", "string", "公开状态：已发布（只导出现行的已发布版本）"),
    Column("修订版本", "integer", "修订版本号：1 为首次发布，每次更正加 1"),
    Column(
        "发布时间",
        "datetime",
        "发布时间，ISO 8601，北京时间（+08:00），精确到秒；历史文件未知时为空",
    ),
    Column("说明", "string", "说明：“三公”经费的说明，或该行的情况说明，没有时为空"),
    Column("同比情况", "string", "“三公”经费与上年相比的情况，没有时为空"),
]

BY_NAME = {column.name: column for column in COLUMNS}
