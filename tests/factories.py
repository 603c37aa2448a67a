import importlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from bureaus.models import Agency
from disclosure.models import (
    Disclosure,
    Duty,
    ExpenditureLine,
    FiscalYear,
    StaffingEntry,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试市第{n}局")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    unit_kind = "行政机关"
    level = "一级局"
    region = "测试市"


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ("year",)

    year = 2014
    disclosure_format = "2014"


class DisclosureFactory(factory.django.DjangoModelFactory):
    """A draft: add its rows, then `publish(disclosure)` (published rows are frozen)."""

    class Meta:
        model = Disclosure

    agency = factory.SubFactory(AgencyFactory)
    fiscal_year = factory.SubFactory(FiscalYearFactory)
    status = "draft"
    head_name = "张三"
    head_posts = "局长"


class StaffingEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffingEntry

    disclosure = factory.SubFactory(DisclosureFactory)
    kind = "quota"
    category = factory.Sequence(lambda n: f"类别{n}")
    headcount = 1


class DutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Duty

    disclosure = factory.SubFactory(DisclosureFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"职能{n}")


class WorkTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkTask

    disclosure = factory.SubFactory(DisclosureFactory)
    order = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"任务{n}")


class WorkTaskItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkTaskItem

    task = factory.SubFactory(WorkTaskFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"子项{n}")


class ExpenditureLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenditureLine

    disclosure = factory.SubFactory(DisclosureFactory)
    statement = "functional"
    code = ""
    name = factory.Sequence(lambda n: f"项目{n}")
    order = factory.Sequence(lambda n: n)
    amount_yuan = Decimal("10000.00")


class ThreePublicExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThreePublicExpense

    disclosure = factory.SubFactory(DisclosureFactory)
    item = "reception"
    amount_yuan = Decimal("0.00")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")
    is_staff = True

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        """permissions=["disclosure.add_disclosure", ...]"""
        for label in extracted or ():
            app_label, codename = label.split(".")
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        if create:
            self.save()


def publish(disclosure: Disclosure) -> Disclosure:
    """Publish a draft built by the factories, skipping the workflow (tested in test_workflow)."""
    Disclosure.objects.filter(pk=disclosure.pk).update(
        status="published", published_at=timezone.now()
    )
    disclosure.refresh_from_db()
    return disclosure


CLERK, REVIEWER, AUDITOR = "财务录入员", "审核人员", "审计人员"


def user_in_role(role: str, *, agencies=(), **kwargs):
    """A staff user in one of the groups created by the roles migration, bound to `agencies`."""
    user = UserFactory(**kwargs)
    if not Group.objects.filter(name=role).exists():
        # A transactional test (live_server) flushed the groups the migration created.
        from django.apps import apps

        importlib.import_module("disclosure.migrations.0008_roles").create_roles(apps, None)
    user.groups.add(Group.objects.get(name=role))
    for agency in agencies:
        agency.clerks.add(user)
    return user


def reopened(disclosure: Disclosure) -> Disclosure:
    """A correction draft of a published disclosure (every row copied), opened by a reviewer:
    the way to change the figures of a published document in a test."""
    from disclosure.workflow import corrections

    reviewer = user_in_role(REVIEWER)
    return corrections.disclosure_open_correction(disclosure=disclosure, by=reviewer, reason="测试")
