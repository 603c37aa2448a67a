"""A published disclosure and its rows refuse every write path: model, bulk, admin, import, SQL."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from simple_history.utils import bulk_update_with_history

from disclosure.exports import rows as exports
from disclosure.importing import disclosure_import
from disclosure.models import (
    Disclosure,
    Duty,
    ExpenditureLine,
    StaffingEntry,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)
from disclosure.models.frozen import PublishedDisclosureError
from disclosure.workflow import corrections, services
from tests.deleting import confirmed
from tests.disclosure.importing.import_files import long_csv
from tests.factories import (
    REVIEWER,
    DisclosureFactory,
    ExpenditureLineFactory,
    UserFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db

PARTS = [StaffingEntry, Duty, WorkTask, WorkTaskItem, ExpenditureLine, ThreePublicExpense]


def of(model, disclosure):
    lookup = "task__disclosure" if model is WorkTaskItem else "disclosure"
    return model.objects.filter(**{lookup: disclosure})


def test_model_save_and_delete_are_refused(seed):
    seed.head_name = "改名"
    with pytest.raises(PublishedDisclosureError):
        seed.save()
    with pytest.raises(PublishedDisclosureError):
        seed.delete()
    for model in PARTS:
        row = of(model, seed).first()
        with pytest.raises(PublishedDisclosureError):
            row.save()
        with pytest.raises(PublishedDisclosureError):
            row.delete()
    with pytest.raises(PublishedDisclosureError):
        ExpenditureLine.objects.create(disclosure=seed, statement="income", name="x", amount_yuan=1)
    # The status-only escape hatch is for the workflow's own moves, nothing else.
    seed.refresh_from_db()
    seed.status = "draft"
    with pytest.raises(PublishedDisclosureError):
        seed.save(update_fields=["status"])


def test_bulk_paths_are_refused(seed):
    with pytest.raises(PublishedDisclosureError):
        Disclosure.objects.filter(pk=seed.pk).update(head_name="改名")
    with pytest.raises(PublishedDisclosureError):
        Disclosure.objects.filter(pk=seed.pk).delete()
    for model in PARTS:
        with pytest.raises(PublishedDisclosureError):
            of(model, seed).update(order=99)
        with pytest.raises(PublishedDisclosureError):
            of(model, seed).delete()
    lines = list(seed.lines.all())
    for line in lines:
        line.amount_yuan = Decimal("1.00")
    with pytest.raises(PublishedDisclosureError):
        ExpenditureLine.objects.bulk_update(lines, ["amount_yuan"])
    with pytest.raises(PublishedDisclosureError), transaction.atomic():
        bulk_update_with_history(lines, ExpenditureLine, ["amount_yuan"])
    new = ExpenditureLine(disclosure=seed, statement="income", name="x", amount_yuan=1)
    with pytest.raises(PublishedDisclosureError):
        ExpenditureLine.objects.bulk_create([new])
    # Moving a draft's row into the published disclosure changes it too.
    draft_line = ExpenditureLineFactory(disclosure=DisclosureFactory())
    with pytest.raises(PublishedDisclosureError):
        ExpenditureLine.objects.filter(pk=draft_line.pk).update(disclosure=seed)
    with pytest.raises(PublishedDisclosureError), transaction.atomic():
        seed.lines.add(draft_line)  # Django's own bulk path, through the base manager
    assert seed.lines.count() == 8
    assert set(seed.lines.values_list("amount_yuan", flat=True)) != {Decimal("1.00")}


def test_a_submitted_disclosure_is_locked_too(seed):
    submitted = DisclosureFactory(agency=seed.agency, fiscal_year__year=2015)
    line = ExpenditureLineFactory(disclosure=submitted)
    Disclosure.objects.filter(pk=submitted.pk).update(status="submitted")
    with pytest.raises(PublishedDisclosureError):
        line.save()
    with pytest.raises(PublishedDisclosureError):
        Disclosure.objects.filter(pk=submitted.pk).update(head_name="x")


def test_drafts_stay_writable_by_every_path(db):
    draft = DisclosureFactory()
    line = ExpenditureLineFactory(disclosure=draft)
    line.amount_yuan = Decimal("2.00")
    line.save()
    ExpenditureLine.objects.filter(pk=line.pk).update(order=F("order") + 1)
    bulk_update_with_history([line], ExpenditureLine, ["amount_yuan"])
    draft.head_name = "新名"
    draft.save()
    draft.delete()
    assert not Disclosure.objects.exists()


def test_the_admin_shows_published_read_only_and_refuses_posts(client, seed):
    client.force_login(UserFactory(is_superuser=True))
    url = f"/admin/disclosure/disclosure/{seed.pk}/"
    assert client.post(f"{url}change/", {"head_name": "改名"}).status_code == 403
    assert client.post(f"{url}delete/", confirmed(seed.pk)).status_code == 403
    line = seed.lines.first()
    line_url = f"/admin/disclosure/expenditureline/{line.pk}/"
    assert client.post(f"{line_url}change/", {"amount_wan": "1"}).status_code == 403
    assert client.post(f"{line_url}delete/", confirmed(seed.pk)).status_code == 403
    seed.refresh_from_db()
    assert seed.head_name == "王颖" and seed.lines.count() == 8


def test_an_import_into_a_published_disclosure_is_refused(seed):
    admin = UserFactory(is_superuser=True)
    row = [seed.agency.name, "2014", "收入决算", "", "导入", "", "决算数", "", "1.00", *[""] * 9]
    report = disclosure_import(
        agency=seed.agency,
        fiscal_year=seed.fiscal_year,
        file=long_csv([row], header=exports.HEADER),
        by=admin,
    )
    assert not report.ok and not report.written
    assert "已发布，不能直接导入" in str(report.errors[0])
    assert seed.lines.count() == 8


def test_superseding_changes_only_the_status(seed):
    reviewer = user_in_role(REVIEWER)
    draft = corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="核对")
    Disclosure.objects.filter(pk=draft.pk).update(status="submitted")
    services.disclosure_publish(disclosure=draft, by=reviewer)
    seed.refresh_from_db()
    assert seed.status == "superseded"
    seed.status = "published"
    with pytest.raises(PublishedDisclosureError):
        seed.save(update_fields=["status"])


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the freeze against raw SQL is a PostgreSQL trigger; SQLite has no equivalent here",
)


def refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert "已发布的决算公开及其数字不能修改或删除" in str(exc)
        return True
    return False


@postgres_only
def test_raw_sql_cannot_change_a_published_disclosure(seed):
    d = seed.pk
    assert refused("UPDATE disclosure_disclosure SET head_name = 'x' WHERE id = %s", [d])
    assert refused("UPDATE disclosure_disclosure SET status = 'draft' WHERE id = %s", [d])
    assert refused("DELETE FROM disclosure_disclosure WHERE id = %s", [d])
    changes = {
        "staffingentry": "headcount = headcount + 1",
        "duty": "text = 'x'",
        "worktask": "heading = 'x'",
        "expenditureline": "amount_yuan = 0",
        "threepublicexpense": "amount_yuan = 0",
    }
    for table, change in changes.items():
        sql = f"UPDATE disclosure_{table} SET {change} WHERE disclosure_id = %s"
        assert refused(sql, [d]), table
        assert refused(f"DELETE FROM disclosure_{table} WHERE disclosure_id = %s", [d]), table
    items = "SELECT id FROM disclosure_worktask WHERE disclosure_id = %s"
    assert refused(f"UPDATE disclosure_worktaskitem SET text = 'x' WHERE task_id IN ({items})", [d])
    assert refused(f"DELETE FROM disclosure_worktaskitem WHERE task_id IN ({items})", [d])
    # Moving a draft's line into the published disclosure is a change of it.
    draft_line = ExpenditureLineFactory(disclosure=DisclosureFactory())
    sql = "UPDATE disclosure_expenditureline SET disclosure_id = %s WHERE id = %s"
    assert refused(sql, [d, draft_line.pk])
    seed.refresh_from_db()
    assert (seed.status, seed.head_name, seed.lines.count()) == ("published", "王颖", 8)


@postgres_only
def test_raw_sql_may_touch_drafts_but_not_supersede(seed):
    draft = DisclosureFactory()
    line = ExpenditureLineFactory(disclosure=draft)
    assert not refused("UPDATE disclosure_expenditureline SET name = 'y' WHERE id = %s", [line.pk])
    assert not refused("UPDATE disclosure_duty SET text = text WHERE disclosure_id = %s", [seed.pk])
    assert refused(
        "UPDATE disclosure_disclosure SET status = 'superseded', head_name = 'x' WHERE id = %s",
        [seed.pk],
    )
    assert refused("UPDATE disclosure_disclosure SET status = 'draft' WHERE id = %s", [seed.pk])
    # Superseding only inside a correction's publication: tests/disclosure/models/
    # test_freeze_doors.py.
