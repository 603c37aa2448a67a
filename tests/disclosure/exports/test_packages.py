"""Data packages: Frictionless-valid zips of the published figures, built by a command, listed and
served on /downloads/, rebuilt after each publication."""

import csv
import hashlib
import io
import json
import logging
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import frictionless
import pytest
from django.core.management import CommandError, call_command

from disclosure.exports import columns, datapackage, packages
from disclosure.exports.rows import HEADER
from disclosure.models import Disclosure
from disclosure.workflow import services
from tests.factories import (
    CLERK,
    REVIEWER,
    AgencyFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    publish,
    submitted_in,
    user_in_role,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("seed_for_module", "putuo_for_module"),
]
ENTRIES = {"figures.csv", "disclosures.csv", "agencies.csv", "datapackage.json"}


@pytest.fixture(autouse=True)
def root(settings, tmp_path) -> Path:
    settings.PACKAGES_ROOT = tmp_path / "packages"
    return settings.PACKAGES_ROOT


def unpacked(root: Path, name: str, into: Path) -> Path:
    """The package's zip extracted; the path of its datapackage.json."""
    with zipfile.ZipFile(root / f"{name}.zip") as zf:
        assert set(zf.namelist()) == ENTRIES
        zf.extractall(into)
    return into / "datapackage.json"


def records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def problems(report) -> list:
    return report.flatten(["type", "note"])


# --- building -------------------------------------------------------------------------------------


def test_the_demo_builds_valid_packages_per_year_and_of_everything(root, tmp_path):
    call_command("build_packages", stdout=io.StringIO())
    names = [m.name for m in packages.built_packages()]
    assert names == ["juesuan-all", "juesuan-2024", "juesuan-2014"]
    for name in names:
        report = frictionless.validate(str(unpacked(root, name, tmp_path / name)))
        assert report.valid, problems(report)


def test_the_frictionless_command_line_validates_the_package(root, tmp_path):
    packages.build_package(None)
    path = unpacked(root, "juesuan-all", tmp_path / "all")
    cli = Path(sys.executable).with_name("frictionless")
    done = subprocess.run(
        [str(cli), "validate", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VALID" in done.stdout and "INVALID" not in done.stdout


def test_figures_are_the_public_csv_plus_a_row_number(client, root, tmp_path):
    packages.build_package(2024)
    packages.build_package(None)
    for name, url in [("juesuan-2024", "/years/2024.csv"), ("juesuan-all", "/all.csv")]:
        with zipfile.ZipFile(root / f"{name}.zip") as zf:
            packaged = zf.read("figures.csv")
        public = body(client.get(url))
        assert packaged.startswith("\ufeff".encode()) and b"\r\n" in packaged
        assert [r[:-1] for r in records(packaged)] == records(public)
        assert records(packaged)[0][-1] == datapackage.ROW_NUMBER
    # 行号 counts within each disclosure, so a figure keeps its number in every package.
    rows = records(packaged)[1:]
    starts = [r for r in rows if r[-1] == "1"]
    assert [(r[0], r[1]) for r in starts] == [
        ("溧阳市信访局", "2014"),
        ("上海市普陀区规划和自然资源局", "2024"),
    ]


def test_disclosures_and_agencies_tables(root, seed):
    parent = AgencyFactory(slug="liyang", name="溧阳市人民政府")  # no disclosure of its own
    type(seed.agency).objects.filter(pk=seed.agency_id).update(parent=parent)
    packages.build_package(2014)
    with zipfile.ZipFile(root / "juesuan-2014.zip") as zf:
        disclosures = records(zf.read("disclosures.csv"))
        agencies = records(zf.read("agencies.csv"))
    assert disclosures == [
        [f[0] for f in datapackage.DISCLOSURE_FIELDS],
        [
            "liyang-xinfang",
            "溧阳市信访局",
            "2014",
            "决算",
            "已发布",
            "1",
            "",
            seed.get_absolute_url(),
        ],
    ]
    assert agencies[1:] == [
        ["liyang", "溧阳市人民政府", "测试市", "一级局", "行政机关", ""],
        ["liyang-xinfang", "溧阳市信访局", "江苏省溧阳市", "一级局", "行政机关", "liyang"],
    ]


def test_publication_time_is_beijing_time_to_the_second():
    moment = datetime(2024, 9, 30, 2, 0, 0, 123456, tzinfo=UTC)
    assert packages.iso_time(moment) == "2024-09-30T10:00:00+08:00"
    assert packages.iso_time(None) == ""


def test_the_table_schema_names_types_units_keys_and_licence(root):
    packages.build_package(2024)
    with zipfile.ZipFile(root / "juesuan-2024.zip") as zf:
        package = json.loads(zf.read("datapackage.json"))
    assert package["name"] == "juesuan-2024" and package["title"] == "2024年度部门决算公开数据"
    assert package["licenses"] == [datapackage.LICENSE]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["created"].endswith("+08:00") and package["sources"] and package["version"]
    figures, disclosures, agencies = package["resources"]
    fields = {f["name"]: f for f in figures["schema"]["fields"]}
    assert list(fields) == [*HEADER, "行号"]
    assert fields["金额（元）"]["type"] == "number" and fields["金额（元）"]["unit"] == "元"
    assert (
        fields["金额（万元）"]["unit"] == "万元" and "万元" in fields["金额（万元）"]["description"]
    )
    assert fields["年度"]["type"] == fields["接待批次"]["type"] == "integer"
    # An agency publishes a 决算 and a 预算 of a year: 文件类型 is part of every key.
    assert figures["schema"]["primaryKey"] == ["单位", "年度", "文件类型", "行号"]
    assert disclosures["schema"]["primaryKey"] == ["单位", "年度", "文件类型"]
    assert figures["schema"]["foreignKeys"][0]["fields"] == ["单位", "年度", "文件类型"]
    assert figures["schema"]["foreignKeys"][0]["reference"]["resource"] == "disclosures"
    assert disclosures["schema"]["foreignKeys"][0]["reference"]["resource"] == "agencies"
    assert agencies["schema"]["primaryKey"] == ["单位标识"]
    model = package["model"]  # Fiscal Data Package: one amount in two units
    assert model["measures"]["amount_wan"]["factor"] == 10000
    assert {m["currency"] for m in model["measures"].values()} == {"CNY"}
    assert package["fiscalPeriod"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_every_csv_column_is_described():
    assert set(HEADER) <= set(columns.BY_NAME)
    assert {c.type for c in columns.COLUMNS} <= {"string", "integer", "number", "datetime"}


def test_drafts_never_reach_a_package(root, seed):
    draft = DisclosureFactory(agency=AgencyFactory(), fiscal_year=seed.fiscal_year)
    ExpenditureLineFactory(disclosure=draft, name="草稿数字")
    manifest = packages.build_package(2014)
    assert manifest.disclosures == 1
    with zipfile.ZipFile(packages.packages_root() / "juesuan-2014.zip") as zf:
        assert "草稿数字" not in zf.read("figures.csv").decode("utf-8-sig")
        assert draft.agency.slug not in zf.read("agencies.csv").decode("utf-8-sig")


# --- the checks are real --------------------------------------------------------------------------


def _rewrite(path: Path, old: str, new: str) -> None:
    with path.open(encoding="utf-8-sig", newline="") as f:
        text = f.read()
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig", newline="")


def test_a_duplicate_key_or_a_dangling_reference_makes_the_package_invalid(root, tmp_path):
    packages.build_package(None)
    good = unpacked(root, "juesuan-all", tmp_path / "good")
    cases = {
        "primary-key": ("figures.csv", ",,2\r\n", ",,1\r\n"),
        "foreign-key": ("disclosures.csv", "溧阳市信访局,2014", "溧阳市某局,2014"),
    }
    for error, (filename, old, new) in cases.items():
        folder = tmp_path / error
        shutil.copytree(good.parent, folder)
        _rewrite(folder / filename, old, new)
        report = frictionless.validate(str(folder / "datapackage.json"))
        assert not report.valid
        assert error in {p[0] for p in problems(report)}


# --- storage --------------------------------------------------------------------------------------


def test_the_manifest_states_the_zips_size_and_checksum(root):
    manifest = packages.build_package(2014)
    data = (root / "juesuan-2014.zip").read_bytes()
    assert manifest.size == len(data)
    assert manifest.sha256 == hashlib.sha256(data).hexdigest()
    stored = json.loads((root / "juesuan-2014.json").read_text(encoding="utf-8"))
    assert stored["sha256"] == manifest.sha256 and stored["disclosures"] == 1
    assert stored["figures"] == 12 and stored["built_at"].endswith("+08:00")
    assert sorted(p.name for p in root.iterdir() if not p.name.endswith(".lock")) == [
        "juesuan-2014.json",
        "juesuan-2014.zip",
    ]  # no temporary file left behind


def test_a_failed_build_leaves_the_stored_package_as_it_was(root, monkeypatch):
    before = packages.build_package(2014)
    data = (root / "juesuan-2014.zip").read_bytes()

    def broken(disclosures):
        yield ["溧阳市信访局", "2014", *[""] * (len(HEADER) - 2)]  # one whole row, then the fault
        raise RuntimeError("数据库断开")

    monkeypatch.setattr(packages, "figure_rows", broken)
    with pytest.raises(RuntimeError):
        packages.build_package(2014)
    assert (root / "juesuan-2014.zip").read_bytes() == data
    assert packages.built_packages() == [before]
    assert not [p for p in root.iterdir() if p.name.endswith((".tmp", ".zip")) and p.name[0] == "."]


def test_the_command_prints_progress_and_refuses_an_unknown_year(root):
    out = io.StringIO()
    call_command("build_packages", "--year", "2024", stdout=out)
    assert "juesuan-2024：1/1 份决算" in out.getvalue()
    assert "juesuan-2024.zip：1 份决算" in out.getvalue()
    assert [m.name for m in packages.built_packages()] == ["juesuan-2024"]
    call_command("build_packages", "--all", stdout=out)
    assert [m.name for m in packages.built_packages()] == ["juesuan-all", "juesuan-2024"]
    with pytest.raises(CommandError, match="没有该年度：1999"):
        call_command("build_packages", "--year", "1999", stdout=out)


# --- /downloads/ ----------------------------------------------------------------------------------


def test_the_downloads_page_lists_each_package(client, root):
    assert "暂无已生成的数据包" in client.get("/downloads/").content.decode()
    call_command("build_packages", stdout=io.StringIO())
    page = client.get("/downloads/").content.decode()
    for manifest in packages.built_packages():
        assert f'href="/downloads/{manifest.name}.zip"' in page
        assert manifest.sha256 in page and f"{manifest.size} 字节" in page
        assert manifest.built_at_text in page and manifest.title in page


def test_a_package_is_served_with_its_length_and_checksum(client, root):
    manifest = packages.build_package(2014)
    response = client.get("/downloads/juesuan-2014.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Length"] == str(manifest.size)
    assert response["ETag"] == f'"{manifest.sha256}"'
    assert 'filename="juesuan-2014.zip"' in response["Content-Disposition"]
    assert body(response) == (root / "juesuan-2014.zip").read_bytes()
    again = client.get("/downloads/juesuan-2014.zip", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/downloads/juesuan-2024.zip",  # not built
        "/downloads/juesuan-1999.zip",
        "/downloads/secret.zip",  # a file in the folder without a manifest
        "/downloads/.juesuan-2014.lock.zip",
        "/downloads/juesuan-2014.json.zip",
    ],
)
def test_unknown_names_are_a_chinese_404(client, root, url):
    packages.build_package(2014)
    (root / "secret.zip").write_bytes(b"not listed")
    response = client.get(url)
    assert response.status_code == 404
    assert packages_404_message() in response.content.decode()


def test_a_path_in_the_url_never_reaches_the_folder(client, root):
    packages.build_package(2014)
    for url in ["/downloads/..%2Fjuesuan-2014.zip", "/downloads/x/../../juesuan-2014.zip"]:
        assert client.get(url).status_code == 404


def packages_404_message() -> str:
    from disclosure.exports.views import NO_PACKAGE

    return NO_PACKAGE


# --- rebuilt after publication --------------------------------------------------------------------


@pytest.fixture
def submitted(seed):
    """A 2015 disclosure of the seed's agency, submitted and ready to publish."""
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    ExpenditureLineFactory(disclosure=draft, statement="income", name="财政拨款收入")
    services.disclosure_submit(disclosure=draft, by=user_in_role(CLERK, agencies=[seed.agency]))
    return draft


def test_publishing_rebuilds_the_years_package_and_everything(
    root, submitted, django_capture_on_commit_callbacks
):
    assert packages.build_package(None).disclosures == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.disclosure_publish(
            disclosure=submitted, by=user_in_role(REVIEWER), note="核对无误"
        )
    built = {m.name: m for m in packages.built_packages()}
    assert built["juesuan-2015"].disclosures == 1
    assert built["juesuan-all"].disclosures == 3


def test_nothing_is_rebuilt_before_the_commit(root, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.disclosure_publish(
            disclosure=submitted, by=user_in_role(REVIEWER), note="核对无误"
        )
    assert packages.built_packages() == []  # still inside the publishing transaction
    assert len(callbacks) == 1


def test_a_failing_rebuild_does_not_block_the_publication(
    root, submitted, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(year, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(packages, "build_package", broken)
    calls = []
    monkeypatch.setattr(services, "on_published", [*services.on_published, calls.append])
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        published = services.disclosure_publish(
            disclosure=submitted, by=user_in_role(REVIEWER), note="核对无误"
        )
    assert Disclosure.objects.get(pk=published.pk).status == "published"
    assert "磁盘已满" in caplog.text and "rebuild_after_publish" in caplog.text
    assert [d.pk for d in calls] == [published.pk]  # the next callback still ran


def test_the_exports_hook_is_registered_once():
    assert services.on_published.count(packages.rebuild_after_publish) == 1


def test_a_correction_published_is_rebuilt_too(root, seed, django_capture_on_commit_callbacks):
    """A corrected figure reaches the package: the correction is published by the same service."""
    from tests.factories import reopened

    correction = reopened(seed)
    correction.three_public.filter(item="reception").update(reception_batches=58)
    services.disclosure_submit(
        disclosure=correction, by=user_in_role(CLERK, agencies=[seed.agency])
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.disclosure_publish(disclosure=correction, by=user_in_role(REVIEWER), note="更正")
    manifest = packages.built_packages()[0]
    assert manifest.name == "juesuan-2014" and manifest.disclosures == 1
    with zipfile.ZipFile(root / "juesuan-2014.zip") as zf:
        assert "已发布,2," in zf.read("disclosures.csv").decode("utf-8-sig")
        figures = zf.read("figures.csv").decode("utf-8-sig")
    assert ",58,466," in figures and ",57,466," not in figures


def test_a_batch_of_publications_builds_each_years_package_once(
    root, monkeypatch, django_capture_on_commit_callbacks
):
    """Three publications of 2015 and one of 2016 in one batch: 2015's package built once, 2016's
    once, everything once, after the last publication, holding all four."""
    packages.build_package(None)
    drafts = submitted_in(2015, 3) + submitted_in(2016, 1)
    built = []
    real = packages.build_package
    monkeypatch.setattr(
        packages, "build_package", lambda year, **kw: built.append(year) or real(year, **kw)
    )
    reviewer = user_in_role(REVIEWER)
    with packages.rebuilt_once():
        for draft in drafts:
            with django_capture_on_commit_callbacks(execute=True):
                services.disclosure_publish(disclosure=draft, by=reviewer, note="核对无误")
        assert built == []  # nothing yet: the batch has not ended
    assert built == [2015, 2016, None]
    manifests = {m.name: m for m in packages.built_packages()}
    assert manifests["juesuan-2015"].disclosures == 3
    assert manifests["juesuan-2016"].disclosures == 1
    assert manifests["juesuan-all"].disclosures == 6  # the seed's two and the four


def test_a_batch_that_fails_half_way_still_builds_what_was_published(
    root, django_capture_on_commit_callbacks
):
    first, second = submitted_in(2015, 2)
    with pytest.raises(RuntimeError), packages.rebuilt_once():
        with django_capture_on_commit_callbacks(execute=True):
            services.disclosure_publish(disclosure=first, by=user_in_role(REVIEWER), note="好")
        raise RuntimeError("中途失败")
    assert [(m.name, m.disclosures) for m in packages.built_packages()] == [("juesuan-2015", 1)]
    assert Disclosure.objects.get(pk=second.pk).status == "submitted"


def test_publish_helper_in_factories_skips_the_workflow_and_the_hook(root, seed):
    publish(DisclosureFactory(fiscal_year=seed.fiscal_year, agency=AgencyFactory()))
    assert packages.built_packages() == []
