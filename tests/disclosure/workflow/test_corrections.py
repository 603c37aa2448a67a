"""The correction history a citizen reads: every changed figure, old → new, and why."""

from decimal import Decimal

import pytest

from disclosure.models import Disclosure, ExpenditureLine, StaffingEntry, ThreePublicExpense
from disclosure.public import selectors
from disclosure.workflow import corrections, services
from tests.factories import REVIEWER, user_in_role

pytestmark = pytest.mark.django_db


def correct(disclosure: Disclosure, reviewer, reason: str, edit) -> Disclosure:
    """Open a correction, apply `edit(draft)`, then submit and publish it."""
    draft = corrections.disclosure_open_correction(
        disclosure=disclosure, by=reviewer, reason=reason
    )
    edit(draft)
    Disclosure.objects.filter(pk=draft.pk).update(status="submitted")
    return services.disclosure_publish(disclosure=draft, by=reviewer)


@pytest.fixture
def reviewer(db):
    return user_in_role(REVIEWER)


def test_history_lists_changed_added_and_removed_figures(seed, reviewer):
    def edit(draft):
        # The figures still add up (publication checks it): +1.00 and +0.50 offset by -1.50.
        draft.lines.filter(name="住房保障支出").update(amount_yuan=Decimal("120000.00"))
        draft.lines.filter(name="一般公共服务支出").update(amount_yuan=Decimal("1833200.00"))
        draft.lines.filter(name="工资福利支出").delete()
        ExpenditureLine.objects.create(
            disclosure=draft,
            statement="functional",
            code="208",
            name="社会保障和就业支出",
            amount_yuan=Decimal("5000.00"),
        )
        ThreePublicExpense.objects.filter(disclosure=draft, item="reception").update(
            reception_persons=470
        )
        StaffingEntry.objects.filter(disclosure=draft, category="退休人员").update(headcount=7)

    current = correct(seed, reviewer, "决算批复后调整", edit)
    page = selectors.disclosure_page(slug="liyang-xinfang", year=2014)
    assert page.disclosure == current
    [correction] = page.corrections
    assert (correction.revision, correction.reason) == (2, "决算批复后调整")
    assert correction.published_at == current.published_at
    changes = {c.label: (c.old, c.new) for c in correction.changes}
    assert changes == {
        "支出按功能分类：221 住房保障支出": ("11.00万元", "12.00万元"),
        "支出按功能分类：201 一般公共服务支出": ("184.82万元", "183.32万元"),
        "支出按功能分类：208 社会保障和就业支出": ("—", "0.50万元"),
        "支出按性质分（经济分类）：301 工资福利支出": ("79.82万元", "—"),
        "“三公”经费：公务接待费（接待人次）": ("466", "470"),
        "实有人员：退休人员": ("6人", "7人"),
    }


def test_each_correction_is_listed_newest_first(seed, reviewer):
    def set_reception(amount):
        records = ThreePublicExpense.objects
        return lambda d: records.filter(disclosure=d, item="reception").update(
            amount_yuan=Decimal(amount)
        )

    second = correct(seed, reviewer, "第一次更正", set_reception("36400.00"))
    correct(second, reviewer, "第二次更正", set_reception("37400.00"))
    page = selectors.disclosure_page(slug="liyang-xinfang", year=2014)
    assert [(c.revision, c.reason) for c in page.corrections] == [
        (3, "第二次更正"),
        (2, "第一次更正"),
    ]
    assert [(c.changes[0].old, c.changes[0].new) for c in page.corrections] == [
        ("3.64万元", "3.74万元"),
        ("3.54万元", "3.64万元"),
    ]


def test_an_uncorrected_page_spends_no_query_on_history(seed, django_assert_num_queries):
    with django_assert_num_queries(8):  # the 2014 page's reads and its stored findings
        page = selectors.disclosure_page(slug="liyang-xinfang", year=2014)
    assert page.corrections == []


def test_history_queries_do_not_grow_with_revisions(
    client, seed, reviewer, django_assert_max_num_queries
):
    current = seed
    for i in range(5):
        current = correct(current, reviewer, f"第{i + 1}次", lambda d: d.duties.update(text="改"))
    with django_assert_max_num_queries(9 + 4 + 2):  # 2: Last-Modified (disclosure.caching)
        html = client.get(seed.get_absolute_url()).content.decode()
    assert html.count('<article class="correction">') == 5
