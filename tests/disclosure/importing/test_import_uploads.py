"""The admin import's confirmation takes the uploader's own stored upload, once (issue 15, item 6),
and is refused when the disclosure changed since the preview (item 4)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from disclosure.exports import rows as exports
from disclosure.models import Disclosure, ImportUpload
from tests.disclosure.admin.test_lost_updates import STALE as STALE_PAGE
from tests.disclosure.admin.test_lost_updates import opened
from tests.disclosure.importing.import_files import long_csv
from tests.disclosure.importing.test_import_admin import LINES, confirm, preview
from tests.disclosure.importing.test_import_service import emptied, figures, seed_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_draft_for_module")]

GONE = "找不到这次预览的文件"
STALE = "预览之后该决算已被他人修改"


@pytest.fixture
def clerks(seed, clerk_of):
    clients = []
    for name in ("upload-clerk-a", "upload-clerk-b"):
        client = Client()
        client.force_login(clerk_of(seed.agency, username=name))
        clients.append(client)
    return clients


def seed_csv() -> bytes:
    return long_csv(seed_rows(), header=exports.HEADER)


def confirm_data(response) -> dict:
    form = response.context["confirm_form"]
    return {name: form.initial.get(name, "") for name in form.fields}


def refused(client, data: dict) -> str:
    """The confirmation's Chinese refusal, on the import page it redirects to."""
    response = client.post(LINES + "process_import/", data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == LINES + "import/"
    return " ".join(str(m) for m in response.context["messages"])


def test_another_users_upload_cannot_be_confirmed(seed, clerks):
    mine, theirs = clerks
    before = figures(emptied(seed))
    data = confirm_data(preview(mine, seed, "seed.csv", seed_csv()))
    assert GONE in refused(theirs, data)
    assert figures(seed) == before
    assert ImportUpload.objects.count() == 1  # still the uploader's, who confirms it
    assert mine.post(LINES + "process_import/", data).status_code == 302
    assert figures(seed) != before and not ImportUpload.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("import_file_name", "../../../../etc/passwd"),
        ("import_file_name", "/tmp/tmpabcdef"),
        ("import_file_name", "0" * 31 + "g"),
        ("import_file_name", ""),
        ("format", "9"),
        ("format", "abc"),
        ("format", "-1"),
        ("resource", "7"),
        ("agency", "999999"),
        ("disclosure_version", "x"),
    ],
)
def test_a_forged_confirmation_is_a_chinese_error_and_writes_nothing(seed, clerks, field, value):
    client, _ = clerks
    before = figures(emptied(seed))
    data = confirm_data(preview(client, seed, "seed.csv", seed_csv()))
    text = refused(client, data | {field: value})
    assert "导入未执行，未写入任何数据" in text and "Traceback" not in text
    assert figures(seed) == before


def test_a_confirmation_consumes_its_upload(seed, clerks):
    client, _ = clerks
    emptied(seed)
    data = confirm_data(preview(client, seed, "seed.csv", seed_csv()))
    assert client.post(LINES + "process_import/", data).status_code == 302
    imported = figures(seed)
    assert GONE in refused(client, data)
    assert figures(seed) == imported


def test_an_expired_upload_is_refused_and_cleaned_away(seed, clerks, settings):
    client, _ = clerks
    before = figures(emptied(seed))
    data = confirm_data(preview(client, seed, "seed.csv", seed_csv()))
    long_ago = timezone.now() - timedelta(minutes=settings.IMPORT_UPLOAD_MINUTES + 1)
    ImportUpload.objects.update(created_at=long_ago)
    assert GONE in refused(client, data)
    assert figures(seed) == before
    # Left by a clerk who never came back: the command deletes it, so does the next upload.
    preview(client, seed, "seed.csv", seed_csv())
    ImportUpload.objects.update(created_at=long_ago)
    out = io.StringIO()
    call_command("clean_import_uploads", stdout=out)
    assert "已删除 1 个" in out.getvalue() and not ImportUpload.objects.exists()
    preview(client, seed, "seed.csv", seed_csv())
    ImportUpload.objects.update(created_at=long_ago)
    preview(client, seed, "seed.csv", seed_csv())
    assert ImportUpload.objects.count() == 1


def test_a_preview_with_errors_keeps_no_upload(seed, clerks):
    client, _ = clerks
    row = [seed.agency.name, "2014", "收入决算", "", "x", "", "决算数", "", "abc", *[""] * 9]
    bad = long_csv([row], header=exports.HEADER)
    response = preview(client, seed, "bad.csv", bad)
    assert response.status_code == 200 and not response.context.get("confirm_form")
    assert not ImportUpload.objects.exists()


def test_a_confirmation_after_someone_elses_save_is_refused(seed, clerks):
    """Item 4: the preview showed what the import would change; another clerk's save since
    makes it stale, and confirming it would silently overwrite that save."""
    first, second = clerks
    before = figures(emptied(seed))
    data = confirm_data(preview(first, seed, "seed.csv", seed_csv()))
    assert data["disclosure_version"] == Disclosure.objects.get(pk=seed.pk).version
    line_url = f"/admin/disclosure/threepublicexpense/{seed.three_public.first().pk}/change/"
    page = opened(second, line_url)
    assert second.post(line_url, page | {"amount_wan": "1"}).status_code == 302
    saved = figures(seed)
    assert saved != before
    assert STALE in refused(first, data)
    assert figures(seed) == saved


def test_a_page_opened_before_an_import_is_refused(seed, clerks):
    """Item 4: an import moves the version on, so a row page opened before it is stale."""
    first, second = clerks
    emptied(seed)
    record = seed.three_public.first()
    url = f"/admin/disclosure/threepublicexpense/{record.pk}/change/"
    page = opened(second, url)
    assert confirm(first, preview(first, seed, "seed.csv", seed_csv())).status_code == 302
    imported = figures(seed)
    response = second.post(url, page | {"amount_wan": "1"})
    assert STALE_PAGE in response.content.decode()
    assert figures(seed) == imported
