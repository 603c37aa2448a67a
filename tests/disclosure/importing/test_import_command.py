"""import_disclosures: a folder or zip of many agencies' files, each all-or-nothing."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from disclosure.exports import rows as exports
from disclosure.models import ReportRow
from tests.disclosure.importing.import_files import long_csv, putuo_workbook
from tests.disclosure.importing.test_import_service import (
    emptied,
    figures,
    seed_rows,
    standard_snapshot,
)

pytestmark = pytest.mark.django_db


def files(putuo_source, putuo) -> dict[str, bytes]:
    bad = seed_rows()
    bad[2][7], bad[2][8] = "-140.82", ""
    return {
        "溧阳/信访局.csv": long_csv(seed_rows(), header=exports.HEADER, encoding="gb18030"),
        "普陀/规划资源局.xlsx": putuo_workbook(putuo_source, agency=putuo.agency.name),
        "溧阳/错误.csv": long_csv(bad, header=exports.HEADER),
    }


def run(path, **kwargs) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_disclosures", str(path), stdout=out, stderr=err, **kwargs)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
def test_bulk_load_imports_good_files_and_refuses_bad_ones(
    tmp_path, seed, putuo, putuo_source, packed
):
    expected_seed, expected_putuo = figures(seed), standard_snapshot(putuo)
    emptied(seed)
    ReportRow.objects.filter(disclosure=putuo).delete()
    contents = files(putuo_source, putuo)
    if packed:
        path = tmp_path / "2014-2024.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in contents.items():
                archive.writestr(name, data)
    else:
        path = tmp_path / "upload"
        for name, data in contents.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
    out, err, failure = run(path)
    assert failure is not None and "1 个文件导入失败" in str(failure)
    assert "溧阳/错误.csv：第 4 行“金额（万元）”列：金额不能为负数。" in err
    lines = out.splitlines()
    assert lines[0].split() == ["文件", "单位", "年度", "行数", "错误", "秒", "结果"]
    assert any(line.startswith("溧阳/信访局.csv") and line.endswith("已导入") for line in lines)
    assert any(line.startswith("溧阳/错误.csv") and line.endswith("失败") for line in lines)
    assert lines[-1].startswith("合计 3 个文件")
    # The good files are in; the bad file (the same disclosure as the good CSV, read after it)
    # wrote nothing over it.
    assert figures(seed) == expected_seed
    assert standard_snapshot(putuo) == expected_putuo


def test_dry_run_writes_nothing_and_succeeds(tmp_path, seed):
    before = figures(emptied(seed))
    path = tmp_path / "one.csv"
    path.write_bytes(long_csv(seed_rows(), header=exports.HEADER))
    out, _err, failure = run(path, dry_run=True)
    assert failure is None and "通过检查" in out
    assert figures(seed) == before


def test_a_file_for_an_unknown_agency_fails_alone(tmp_path, seed):
    rows = [["不存在的单位", *r[1:]] for r in seed_rows()]
    path = tmp_path / "x.csv"
    path.write_bytes(long_csv(rows, header=exports.HEADER))
    _out, err, failure = run(path)
    assert failure is not None
    assert "单位“不存在的单位”不存在" in err
