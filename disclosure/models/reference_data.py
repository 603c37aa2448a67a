"""Reference data present in every database: classification code versions and table formats.

Called from a data migration with the migration's historical models, and usable from code with
the real ones, so the two never diverge.
"""

import csv
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CODE_VERSIONS = [
    # key, name, first year, files by scheme
    (
        "2014",
        "2014年政府收支分类科目",
        2014,
        {"functional": "functional-2014.csv", "economic": "economic-2014.csv"},
    ),
    (
        "2018",
        "2018年起政府收支分类科目",
        2018,
        {
            "functional": "functional-2018.csv",
            "economic": "economic-2018.csv",
            "economic_gov": "economic-gov-2018.csv",
        },
    ),
]
FORMATS = ["shanghai-2024.json", "shanghai-budget-2026.json"]


def load_codes(*, CodeVersion, ClassificationCode) -> None:
    for key, name, first_year, files in CODE_VERSIONS:
        version, _ = CodeVersion.objects.update_or_create(
            key=key, defaults={"name": name, "first_year": first_year}
        )
        for scheme, filename in files.items():
            with open(FIXTURES / "classification" / filename, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    ClassificationCode.objects.update_or_create(
                        version=version,
                        scheme=scheme,
                        code=row["code"],
                        defaults={"name": row["name"]},
                    )


def load_english_names(*, CodeVersion, ClassificationCode) -> None:
    """Set each code's English name from the fixtures' `name_en` column (and nothing else):
    separate from load_codes, which migration 0003 runs before the field exists."""
    for key, _name, _first_year, files in CODE_VERSIONS:
        for scheme, filename in files.items():
            with open(FIXTURES / "classification" / filename, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    ClassificationCode.objects.filter(
                        version__key=key, scheme=scheme, code=row["code"]
                    ).update(name_en=row.get("name_en", ""))


def load_formats(*, ReportFormat, TableSpec, ColumnSpec, RowSpec, filenames=None) -> None:
    for filename in FORMATS if filenames is None else filenames:
        data = json.loads((FIXTURES / "formats" / filename).read_text(encoding="utf-8"))
        report_format, _ = ReportFormat.objects.update_or_create(
            key=data["key"], defaults={"name": data["name"]}
        )
        for table in data["tables"]:
            spec, _ = TableSpec.objects.update_or_create(
                report_format=report_format,
                number=table["number"],
                defaults={
                    k: table[k] for k in ("title", "unit", "row_source", "two_sided", "note")
                },
            )
            for order, column in enumerate(table["columns"], 1):
                ColumnSpec.objects.update_or_create(
                    table=spec,
                    side=column["side"],
                    label=column["label"],
                    defaults={
                        "order": order,
                        "group": column["group"],
                        "measure": column["measure"],
                        "printed": column["printed"],
                    },
                )
            spec.row_specs.all().delete()
            RowSpec.objects.bulk_create(
                RowSpec(table=spec, order=order, **row)
                for order, row in enumerate(table["rows"], 1)
            )


def ensure_loaded() -> None:
    """Load the reference data if a flush removed it (transactional tests, `manage.py flush`)."""
    from disclosure import models

    if not models.CodeVersion.objects.exists():
        load_codes(CodeVersion=models.CodeVersion, ClassificationCode=models.ClassificationCode)
        load_english_names(
            CodeVersion=models.CodeVersion, ClassificationCode=models.ClassificationCode
        )
    if not models.ReportFormat.objects.exists():
        load_formats(
            ReportFormat=models.ReportFormat,
            TableSpec=models.TableSpec,
            ColumnSpec=models.ColumnSpec,
            RowSpec=models.RowSpec,
        )
