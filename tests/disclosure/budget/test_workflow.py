"""A 部门预算 goes through the 决算's workflow: submitted by its clerk, published by a reviewer
beside the year's published 决算, refused while its own identities break."""

import pytest
from django.core.exceptions import ValidationError

from disclosure.models import Cell, Disclosure, DocumentKind
from disclosure.workflow import services
from tests.disclosure.budget.corpus import document, entered
from tests.factories import CLERK, REVIEWER, StandardDisclosureFactory, publish, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    return entered(document())


def test_a_budget_is_submitted_and_published_beside_the_published_final(budget):
    publish(StandardDisclosureFactory(agency=budget.agency, fiscal_year=budget.fiscal_year))
    clerk = user_in_role(CLERK, agencies=[budget.agency], username="clerk")
    reviewer = user_in_role(REVIEWER, username="reviewer")
    submitted = services.disclosure_submit(disclosure=budget, by=clerk)
    published = services.disclosure_publish(disclosure=submitted, by=reviewer, note="")
    assert published.status == "published"
    current = Disclosure.objects.current().filter(agency=budget.agency)
    assert sorted(current.values_list("kind", flat=True)) == ["budget", "final"]


def test_a_budget_whose_identities_break_is_not_published(budget):
    cell = Cell.objects.get(
        row__disclosure=budget, row__table__number="09", row__name="合计", column__label="预算数"
    )
    cell.amount_yuan += 10000  # 12.49 for 0 + 9.38 + 2.11
    cell.save()
    clerk = user_in_role(CLERK, agencies=[budget.agency], username="clerk")
    reviewer = user_in_role(REVIEWER, username="reviewer")
    submitted = services.disclosure_submit(disclosure=budget, by=clerk)
    with pytest.raises(ValidationError):
        services.disclosure_publish(disclosure=submitted, by=reviewer, note="")
    assert Disclosure.objects.get(pk=budget.pk).status == "submitted"
    assert Disclosure.objects.get(pk=budget.pk).kind == DocumentKind.BUDGET
