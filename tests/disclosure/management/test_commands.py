import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosure.models import (
    Duty,
    ExpenditureLine,
    StaffingEntry,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)

pytestmark = pytest.mark.django_db


def test_seed_fixture_loads_whole_and_valid(seed):
    assert seed.status == "published"
    assert StaffingEntry.objects.count() == 6
    assert Duty.objects.count() == 10
    assert WorkTask.objects.count() == 3
    assert WorkTaskItem.objects.count() == 10
    assert ExpenditureLine.objects.count() == 8
    assert ThreePublicExpense.objects.count() == 4
    for model in [StaffingEntry, Duty, WorkTask, WorkTaskItem, ExpenditureLine, ThreePublicExpense]:
        for obj in model.objects.all():
            obj.full_clean()


def test_loading_twice_changes_nothing(seed):
    before = ExpenditureLine.objects.count()
    call_command("loaddata", "fixtures/seed-liyang-xinfang-2014.json", verbosity=0)
    assert ExpenditureLine.objects.count() == before


def test_migrations_are_complete(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_demo_accounts_can_be_created_twice(db, capsys, settings):
    settings.DEBUG = True  # the demo runs with DEBUG on (make demo)
    call_command("demo_accounts")
    call_command("demo_accounts")
    out = capsys.readouterr().out
    assert "clerk" in out and "reviewer" in out and "auditor" in out


def test_demo_accounts_are_refused_unless_debug_and_nothing_is_written(db, settings):
    """A real site (DEBUG off) must not get logins whose passwords the README prints."""
    settings.DEBUG = False
    admin = get_user_model().objects.create_superuser("admin", password="a-real-secret-1234")
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo_accounts")
    admin.refresh_from_db()
    assert admin.check_password("a-real-secret-1234")
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["admin"]
