"""A statement or a 三公 item outside its choices never reaches the table, whatever writes it:
the exports name them by these values (in SQL on PostgreSQL), and a row they could not name
would be left out of a CSV."""

import pytest
from django.db import IntegrityError, transaction

from disclosure.models import ExpenditureLine, ThreePublicExpense
from tests.factories import DisclosureFactory, ExpenditureLineFactory, ThreePublicExpenseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "model", "field"),
    [
        (ExpenditureLineFactory, ExpenditureLine, "statement"),
        (ThreePublicExpenseFactory, ThreePublicExpense, "item"),
    ],
)
def test_a_value_outside_the_choices_is_refused_by_the_database(factory, model, field):
    row = factory(disclosure=DisclosureFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "other"})
    row.refresh_from_db()
    assert getattr(row, field) != "other"
