"""The `datapackage.json` of a data package: Frictionless Data Package with a Table Schema per
CSV, and the Fiscal Data Package's model (OpenSpending) for the figures. Pure: no database.

See README, "Data packages", for how the figures map to the Fiscal Data Package.
"""

from typing import Any

from .columns import BY_NAME

# The layout's version: the major number changes when a column is renamed or removed (never
# done: columns are only appended), the minor one when a column or resource is added.
PACKAGE_VERSION = "1.0.0"
# Government open data is published to be reused: attribution is the one condition we ask.
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "知识共享 署名 4.0 国际许可协议（Creative Commons Attribution 4.0）",
}
SOURCES = [
    {
        "title": "各单位依法公开的部门决算、部门预算及“三公”经费（本平台发布的现行版本）",
        "description": (
            "各单位按财预〔2016〕143号等规定公开的部门决算和部门预算；"
            "只含已发布的现行修订版本，不含草稿。"
        ),
    }
]

FIGURES, DISCLOSURES, AGENCIES = "figures", "disclosures", "agencies"
ROW_NUMBER = "行号"  # packaged figures only: the figure's place in its disclosure, 1, 2, …
# What names a disclosure in a package: an agency publishes a 决算 and a 预算 for a year, one
# current revision of each.
DISCLOSURE_KEY = ["单位", "年度", "文件类型"]

DISCLOSURE_FIELDS = [
    ("单位标识", "string", "单位的网址标识（agencies.csv 的 单位标识）"),
    ("单位", "string", "单位名称，与 figures.csv 的 单位 相同"),
    ("年度", "integer", "财政年度"),
    ("文件类型", "string", "决算（部门决算）或 预算（部门预算）"),
    ("状态", "string", "已发布：只收录现行的已发布版本"),
    ("修订版本", "integer", "1 为首次发布，每次更正加 1"),
    ("发布时间", "datetime", "ISO 8601，北京时间（+08:00），精确到秒；历史文件未知时为空"),
    ("网址", "string", "该决算或预算在本平台的网页地址（相对于本站）"),
]
AGENCY_FIELDS = [
    ("单位标识", "string", "单位的网址标识，唯一"),
    ("名称", "string", "单位名称，唯一"),
    ("所属地区", "string", "例如 江苏省溧阳市"),
    ("单位级别", "string", "例如 一级局、二级单位"),
    ("单位性质", "string", "行政机关、参照公务员法管理事业单位、事业单位或其他"),
    ("上级单位标识", "string", "上级单位的 单位标识，没有时为空"),
]


def _field(name: str, type_: str, description: str, unit: str = "") -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if unit:
        field["unit"] = unit  # custom property; the unit is in the description too
    return field


def figure_fields(header: list[str]) -> list[dict[str, Any]]:
    """The figures CSV's fields, in the order of its header, typed from exports.columns."""
    fields = []
    for name in header:
        column = BY_NAME[name]
        description = column.description
        if column.unit:
            description = f"{description}（单位：{column.unit}）"
        fields.append(_field(name, column.type, description, column.unit))
    fields.append(
        _field(
            ROW_NUMBER,
            "integer",
            "数据包专有：该数字在其决算或预算中的序号，与 单位、年度、文件类型 一起唯一",
        )
    )
    return fields


def _resource(name: str, title: str, fields: list, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",  # with a BOM, as the public CSV (Excel on Chinese Windows)
        "schema": {"fields": fields, "missingValues": [""], **schema},
    }


def descriptor(
    *, name: str, title: str, created: str, year: int | None, header: list[str]
) -> dict[str, Any]:
    figures = _resource(
        FIGURES,
        "数字：每个公开数字一行（与网站 CSV 相同的列，另加 行号）",
        figure_fields(header),
        primaryKey=[*DISCLOSURE_KEY, ROW_NUMBER],
        foreignKeys=[
            {
                "fields": list(DISCLOSURE_KEY),
                "reference": {"resource": DISCLOSURES, "fields": list(DISCLOSURE_KEY)},
            }
        ],
    )
    disclosures = _resource(
        DISCLOSURES,
        "公开文件：每个单位每年度每种文件（决算、预算）的现行已发布版本一行",
        [_field(*f) for f in DISCLOSURE_FIELDS],
        primaryKey=list(DISCLOSURE_KEY),
        foreignKeys=[
            {
                "fields": ["单位标识", "单位"],
                "reference": {"resource": AGENCIES, "fields": ["单位标识", "名称"]},
            }
        ],
    )
    agencies = _resource(
        AGENCIES,
        "单位：数据包中各决算的单位及其上级单位",
        [_field(*f) for f in AGENCY_FIELDS],
        primaryKey=["单位标识"],
        # A self-reference: "resource" empty means this same table.
        foreignKeys=[
            {"fields": ["上级单位标识"], "reference": {"resource": "", "fields": ["单位标识"]}}
        ],
    )
    package: dict[str, Any] = {
        "name": name,
        "title": title,
        "description": (
            "部门决算、部门预算与“三公”经费公开数据：数字、公开文件及单位三张表，"
            "金额同时以万元和元给出。"
        ),
        "version": PACKAGE_VERSION,
        "created": created,
        "licenses": [LICENSE],
        "sources": SOURCES,
        "keywords": ["部门决算", "部门预算", "三公经费", "财政预决算公开", "fiscal data"],
        "countryCode": "CN",
        "resources": [figures, disclosures, agencies],
        "model": fiscal_model(),
    }
    if year is not None:
        package["fiscalPeriod"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    return package


def fiscal_model() -> dict[str, Any]:
    """The Fiscal Data Package (OpenSpending) model of the figures: two measures, one amount in
    two units, and the dimensions that place it (README, "Data packages")."""

    def attributes(*names: str) -> dict[str, Any]:
        return {n: {"source": n, "resource": FIGURES} for n in names}

    return {
        "measures": {
            "amount_yuan": {
                "source": "金额（元）",
                "resource": FIGURES,
                "currency": "CNY",
                "factor": 1,
            },
            "amount_wan": {
                "source": "金额（万元）",
                "resource": FIGURES,
                "currency": "CNY",
                "factor": 10000,
                "decimalChar": ".",
            },
        },
        "dimensions": {
            "agency": {
                "dimensionType": "entity",
                "primaryKey": ["单位"],
                "attributes": attributes("单位"),
            },
            "date": {
                "dimensionType": "datetime",
                "primaryKey": ["年度"],
                "attributes": attributes("年度"),
            },
            "classification": {
                "dimensionType": "classification",
                "primaryKey": ["科目编码", "项目", "上级项目"],
                "attributes": attributes("科目编码", "项目", "上级项目"),
            },
            "table": {
                "dimensionType": "other",
                "primaryKey": ["报表"],
                "attributes": attributes("报表"),
            },
            "column": {
                "dimensionType": "other",
                "primaryKey": ["栏目"],
                "attributes": attributes("栏目"),
            },
        },
    }
