"""Per-file caps (importing/caps.py): a file over IMPORT_MAX_FILE_ROWS rows or taking more than
IMPORT_MAX_FILE_SECONDS is refused whole, with a Chinese message naming the file and the cap,
on both paths: the admin's preview and confirmation, and the command line's bulk load (where the
other files are imported)."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command

from disclosure.exports import rows as exports
from disclosure.importing import caps
from tests.disclosure.importing.import_files import long_csv, long_xlsx
from tests.disclosure.importing.test_import_admin import confirm, preview
from tests.disclosure.importing.test_import_service import emptied, figures, seed_rows

pytestmark = pytest.mark.django_db
ROWS_REFUSED = "超过每个文件 11 行的上限，未导入任何数据"
TIME_REFUSED = "的导入超过每个文件 30 秒的时限，已停止，未导入任何数据"


@pytest.fixture
def slow_clock(monkeypatch):
    """Each look at the clock is 4 seconds on: a 12-row file outlives a 30-second cap, a
    3-row one does not."""
    ticks = itertools.count(0, 4)
    monkeypatch.setattr(caps, "monotonic", lambda: next(ticks))


@pytest.fixture
def clerk(client, seed, clerk_of):
    user = clerk_of(seed.agency, username="capped-clerk")
    client.force_login(user)
    return user


def seed_csv() -> bytes:
    return long_csv(seed_rows(), header=exports.HEADER)


def admin_errors(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("name", ["信访局.csv", "信访局.xlsx"])
def test_the_admin_refuses_a_file_over_the_row_cap_naming_it(client, clerk, seed, settings, name):
    settings.IMPORT_MAX_FILE_ROWS = 11  # the seed's file has 12
    before = figures(emptied(seed))
    data = seed_csv() if name.endswith(".csv") else long_xlsx(seed_rows(), header=exports.HEADER)
    response = preview(client, seed, name, data)
    assert response.status_code == 200 and "confirm_form" not in response.context
    assert f"文件“{name}”{ROWS_REFUSED}" in admin_errors(response)
    assert figures(seed) == before
    settings.IMPORT_MAX_FILE_ROWS = 12
    response = preview(client, seed, name, data)
    assert "confirm_form" in response.context


def test_the_admin_refuses_a_file_over_the_time_cap_naming_it(
    client, clerk, seed, settings, slow_clock
):
    settings.IMPORT_MAX_FILE_SECONDS = 30
    before = figures(emptied(seed))
    response = preview(client, seed, "信访局.csv", seed_csv())
    assert "confirm_form" not in response.context
    assert f"文件“信访局.csv”{TIME_REFUSED}" in admin_errors(response)
    assert figures(seed) == before


def test_the_admin_confirmation_meets_the_caps_again(client, clerk, seed, settings):
    """Caps lowered between the preview and the confirmation: the confirmation refuses."""
    before = figures(emptied(seed))
    response = preview(client, seed, "信访局.csv", seed_csv())
    assert "confirm_form" in response.context
    settings.IMPORT_MAX_FILE_ROWS = 11
    response = confirm(client, response)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"文件“信访局.csv”{ROWS_REFUSED}" in page
    assert figures(seed) == before


def bulk(tmp_path, seed, **options) -> tuple[str, str, CommandError | None]:
    folder = tmp_path / "load"
    folder.mkdir()
    (folder / "大文件.csv").write_bytes(seed_csv())
    (folder / "小文件.csv").write_bytes(long_csv(seed_rows()[:3], header=exports.HEADER))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_disclosures", str(folder), stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_the_command_line_refuses_a_file_over_the_row_cap_and_imports_the_rest(
    tmp_path, seed, settings
):
    settings.IMPORT_MAX_FILE_ROWS = 11
    emptied(seed)
    out, err, failure = bulk(tmp_path, seed)
    assert failure is not None and "1 个文件导入失败" in str(failure)
    assert f"大文件.csv：文件“大文件.csv”{ROWS_REFUSED}" in err
    # The small file (three lines of the seed) is in; nothing of the big one.
    assert len(figures(seed)["lines"]) == 3
    assert any(
        line.startswith("小文件.csv") and line.endswith("已导入") for line in out.split("\n")
    )


def test_the_command_line_refuses_a_file_over_the_time_cap(tmp_path, seed, settings, slow_clock):
    settings.IMPORT_MAX_FILE_SECONDS = 30
    emptied(seed)
    _out, err, failure = bulk(tmp_path, seed)
    assert failure is not None and "1 个文件导入失败" in str(failure)
    assert f"大文件.csv：文件“大文件.csv”{TIME_REFUSED}" in err
    assert len(figures(seed)["lines"]) == 3


def test_a_run_may_set_its_own_caps(tmp_path, seed, settings):
    settings.IMPORT_MAX_FILE_ROWS = 11
    emptied(seed)
    out, err, failure = bulk(tmp_path, seed, max_rows=12)
    assert failure is None, err
    assert sum(line.endswith("已导入") for line in out.split("\n")) == 2
    with pytest.raises(CommandError, match="须为正数"):
        call_command("import_disclosures", str(tmp_path), max_seconds=0)
