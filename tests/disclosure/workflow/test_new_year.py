"""Opening years and starting a new year's disclosure from last year's structure (issue 11,
item 5): the services, with their permissions, Chinese errors and history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from disclosure.models import Cell, ExplanationParagraph, FiscalYear
from disclosure.workflow import services
from tests.factories import AUDITOR, CLERK, REVIEWER, UserFactory, user_in_role

pytestmark = pytest.mark.django_db


def test_a_reviewer_opens_a_year_laid_out_as_the_previous_one(putuo):
    reviewer = user_in_role(REVIEWER)
    opened = services.fiscal_year_open(year=2025, by=reviewer)
    previous = putuo.fiscal_year
    assert (opened.disclosure_format, opened.code_version_id, opened.report_format_id) == (
        previous.disclosure_format,
        previous.code_version_id,
        previous.report_format_id,
    )
    record = opened.history.get()
    assert (record.history_user, record.history_change_reason) == (reviewer, "开设年度")


def test_defaults_come_from_the_year_before_not_the_latest(seed, putuo):
    opened = services.fiscal_year_open(year=2015, by=user_in_role(REVIEWER))
    assert opened.disclosure_format == "2014" and opened.code_version.key == "2014"


def test_a_choice_overrides_the_default(seed):
    opened = services.fiscal_year_open(
        year=2015, by=user_in_role(REVIEWER), code_version=seed.fiscal_year.code_version
    )
    assert opened.code_version == seed.fiscal_year.code_version


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (2014, "2014年度已存在，不能重复开设。"),
        (1999, "年度应在 2000–"),
        (timezone.localdate().year + 2, "不在此范围"),
    ],
)
def test_a_year_that_exists_or_is_out_of_range_is_refused(seed, year, message):
    with pytest.raises(ValidationError) as exc:
        services.fiscal_year_open(year=year, by=user_in_role(REVIEWER))
    assert message in exc.value.messages[0]
    assert FiscalYear.objects.filter(year=year).count() == (1 if year == 2014 else 0)


@pytest.mark.parametrize("role", [CLERK, AUDITOR])
def test_only_reviewers_and_superusers_open_years(seed, role):
    with pytest.raises(PermissionDenied, match="只有审核人员可以开设年度"):
        services.fiscal_year_open(year=2015, by=user_in_role(role))
    superuser = UserFactory(is_superuser=True)
    assert services.fiscal_year_open(year=2015, by=superuser).year == 2015


def test_a_clerk_starts_the_standard_format_from_last_years_structure(putuo):
    fy2025 = services.fiscal_year_open(year=2025, by=user_in_role(REVIEWER))
    clerk = user_in_role(CLERK, agencies=[putuo.agency])
    draft = services.disclosure_start_from_last_year(
        agency=putuo.agency, fiscal_year=fy2025, by=clerk
    )
    assert draft.status == "draft" and draft.head_name == putuo.head_name
    old_rows = list(putuo.report_rows.values_list("table__number", "code", "name", "parent__name"))
    new_rows = list(draft.report_rows.values_list("table__number", "code", "name", "parent__name"))
    assert sorted(new_rows, key=str) == sorted(old_rows, key=str) and new_rows
    assert not Cell.objects.filter(row__disclosure=draft).exists()  # no figures
    assert not draft.report_rows.exclude(explanation="").exists()
    classified = draft.report_rows.exclude(classification=None)
    assert classified.exists()
    assert not classified.exclude(classification__version=fy2025.code_version).exists()
    titles = list(draft.explanation_sections.values_list("number", "title"))
    assert titles == list(putuo.explanation_sections.values_list("number", "title"))
    assert not ExplanationParagraph.objects.filter(section__disclosure=draft).exists()
    assert draft.duties.count() == putuo.duties.count()
    assert not draft.figures.exists() and not draft.three_public.exists()
    assert draft.report_rows.first().history.get().history_change_reason == "按2024年度结构新建"


def test_a_clerk_starts_the_2014_format_with_duties_and_tasks(seed):
    fy2015 = services.fiscal_year_open(year=2015, by=user_in_role(REVIEWER))
    clerk = user_in_role(CLERK, agencies=[seed.agency])
    draft = services.disclosure_start_from_last_year(
        agency=seed.agency, fiscal_year=fy2015, by=clerk
    )
    assert list(draft.duties.values_list("text", flat=True)) == list(
        seed.duties.values_list("text", flat=True)
    )
    assert [t.items.count() for t in draft.tasks.all()] == [
        t.items.count() for t in seed.tasks.all()
    ]
    # Lines and staffing are counts and amounts: laid out on the page, never written as 0.
    assert not draft.lines.exists() and not draft.staffing.exists()


def test_a_clerk_of_another_agency_cannot_start_it(seed):
    fy2015 = services.fiscal_year_open(year=2015, by=user_in_role(REVIEWER))
    with pytest.raises(PermissionDenied):
        services.disclosure_start_from_last_year(
            agency=seed.agency, fiscal_year=fy2015, by=user_in_role(CLERK)
        )


def test_starting_a_year_twice_is_refused(seed):
    fy2015 = services.fiscal_year_open(year=2015, by=user_in_role(REVIEWER))
    clerk = user_in_role(CLERK, agencies=[seed.agency])
    services.disclosure_start_from_last_year(agency=seed.agency, fiscal_year=fy2015, by=clerk)
    with pytest.raises(ValidationError, match="已存在"):
        services.disclosure_start_from_last_year(agency=seed.agency, fiscal_year=fy2015, by=clerk)
