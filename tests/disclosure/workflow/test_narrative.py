"""Saving a pasted section (workflow.narrative): the shipped 情况说明 pasted as printed into a
draft with no narrative yet, saved, and printed back by the page exactly as the document."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disclosure.formats.citations import count_values
from disclosure.formats.paste import REPORTED, Decision, apply_choices, catalogue_for, match_section
from disclosure.formats.standard_page import standard_page
from disclosure.models import (
    Disclosure,
    ExplanationParagraph,
    ExplanationSection,
    NarrativeFigure,
    Reconciliation,
    ReconciliationFinding,
)
from disclosure.workflow.narrative import section_paste_save
from tests.conftest import draft
from tests.disclosure.formats.paste_source import count_figures, printed_sections
from tests.factories import CLERK, user_in_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_draft_for_module")]
NUMBER = re.compile(r"\d[\d,]*\.\d+")


@pytest.fixture
def putuo_draft(request, putuo):
    return draft(request, "putuo_draft_for_module", putuo)


@pytest.fixture
def clerk(putuo):
    return user_in_role(CLERK, agencies=[putuo.agency])


def plain(text: str) -> str:
    """Whitespace aside, and a number's trailing zeros (a stored 92.00 % prints as 92.00 where
    the document printed 92: a figure keeps its value, not the digits it was printed with)."""
    text = re.sub(r"\s+", "", text)
    return NUMBER.sub(lambda m: f"{Decimal(m.group())}".rstrip("0").rstrip("."), text)


def version(disclosure) -> int:
    return Disclosure.objects.get(pk=disclosure.pk).version


def paste(disclosure, clerk, heading: str, paragraphs: list[str], **target):
    catalogue = catalogue_for(disclosure)
    result = match_section("\n".join(paragraphs), catalogue=catalogue, title=heading)
    # Reported figures kept as printed (the clerk's "确认原文如此"); all else as proposed.
    decisions = {
        n: Decision(choice="confirm") for n, o in enumerate(result.outcomes) if o.status == REPORTED
    }
    applied = apply_choices(result, catalogue, decisions)
    section_paste_save(
        disclosure=disclosure, by=clerk, version=version(disclosure), applied=applied, **target
    )
    return result, applied


def rendered(disclosure) -> dict[str, list[str]]:
    records = list(disclosure.three_public.all())
    page = standard_page(disclosure=disclosure, previous=None, counts=count_values(records))
    out = {}
    for section in page.sections:
        out[section.title] = section.rendered
        for sub in section.children:
            out[sub.title] = sub.rendered
    return out


def test_the_shipped_narrative_pasted_as_printed_is_printed_back_as_printed(
    putuo_draft, clerk, putuo_source
):
    ExplanationParagraph.objects.filter(section__disclosure=putuo_draft).delete()
    NarrativeFigure.objects.filter(disclosure=putuo_draft).delete()
    sections = printed_sections(putuo_source)
    figures = statuses = 0
    tally: dict[str, int] = {}
    for _parent, _number, title, paragraphs in sections:
        target = ExplanationSection.objects.get(disclosure=putuo_draft, title=title)
        result, applied = paste(putuo_draft, clerk, title, paragraphs, section_id=target.pk)
        figures += count_figures("\n".join(paragraphs))
        for o in result.outcomes:
            tally[o.status] = tally.get(o.status, 0) + 1
            statuses += 1
    assert statuses == figures == 146  # none dropped
    # Later sections cite the figures earlier ones created (项目支出增加 1133.95 in 一, 四, 五).
    assert tally == {"cited": 70, "proposed": 74, "reported": 1, "literal": 1}
    # One figure per proposal and per figure kept as printed (74 + 1).
    assert NarrativeFigure.objects.filter(disclosure=putuo_draft).count() == 75
    page = rendered(putuo_draft)
    for _parent, _number, title, paragraphs in sections:
        assert [plain(p) for p in page[title]] == [plain(p) for p in paragraphs], title
    literal = ExplanationParagraph.objects.get(
        section__title="国有资产占有使用情况说明", section__disclosure=putuo_draft
    )
    assert "单价 [[l:100 万元]]（含）以上" in literal.text
    # The narrative's own sums were checked on saving: the procurement gap is a rounding notice,
    # 人员经费 kept as printed is a warning beside 公开06表.
    rules = set(
        ReconciliationFinding.objects.filter(disclosure=putuo_draft).values_list("rule", flat=True)
    )
    assert {"narrative_procurement", "narrative_cell"} <= rules


def test_saving_writes_audit_rows_moves_the_version_and_reconciles(putuo_draft, clerk):
    before = version(putuo_draft)
    title = "机关运行经费支出情况"
    target = ExplanationSection.objects.get(disclosure=putuo_draft, title=title)
    text = ["机关运行经费支出 142.80 万元，比 2023 年度减少13.52 万元，下降 18.65%。"]
    NarrativeFigure.objects.filter(disclosure=putuo_draft, section="operating").delete()
    paste(putuo_draft, clerk, title, text, section_id=target.pk)
    assert version(putuo_draft) == before + 1
    (paragraph,) = target.paragraphs.all()
    assert paragraph.text == (
        "机关运行经费支出 [[f:机关运行经费]] 万元，比 2023 年度减少[[f:机关运行经费减少额]] 万元，"
        "下降 [[f:机关运行经费下降率]]%。"
    )
    history = paragraph.history.first()
    assert (history.history_user, history.history_change_reason) == (clerk, "粘贴情况说明")
    figure = NarrativeFigure.objects.get(disclosure=putuo_draft, key="机关运行经费下降率")
    assert figure.history.first().history_user == clerk
    assert Reconciliation.objects.filter(disclosure=putuo_draft).exists()
    warned = ReconciliationFinding.objects.get(disclosure=putuo_draft, rule="operating_change")
    assert "写作变动 18.65%" in warned.message


def test_a_new_section_is_added_under_its_parent(putuo_draft, clerk):
    parent = ExplanationSection.objects.get(disclosure=putuo_draft, number="十一")
    target = {"number": "（四）", "title": "其他说明", "parent_id": parent.pk}
    paste(putuo_draft, clerk, "其他说明", ["本年度无其他需要说明的事项。"], **target)
    section = ExplanationSection.objects.get(disclosure=putuo_draft, title="其他说明")
    assert section.parent == parent and section.number == "（四）"
    assert [p.text for p in section.paragraphs.all()] == ["本年度无其他需要说明的事项。"]


def snapshot(disclosure) -> tuple:
    return (
        version(disclosure),
        list(
            ExplanationParagraph.objects.filter(section__disclosure=disclosure).values_list(
                "text", flat=True
            )
        ),
        NarrativeFigure.objects.filter(disclosure=disclosure).count(),
        ExplanationSection.objects.filter(disclosure=disclosure).count(),
    )


def test_a_save_from_a_page_opened_before_another_save_is_refused_whole(putuo_draft, clerk):
    title = "机关运行经费支出情况"
    target = ExplanationSection.objects.get(disclosure=putuo_draft, title=title)
    catalogue = catalogue_for(putuo_draft)
    result = match_section("机关运行经费 1.00 万元。", catalogue=catalogue, title=title)
    applied = apply_choices(result, catalogue, {})
    before = snapshot(putuo_draft)
    with pytest.raises(ValidationError, match="已被他人修改"):
        section_paste_save(
            disclosure=putuo_draft,
            by=clerk,
            version=before[0] - 1,
            applied=applied,
            section_id=target.pk,
        )
    assert snapshot(putuo_draft) == before


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"section_id": 10**9}, "不属于本决算"),
        ({"number": "", "title": "新部分"}, "须填写序号和标题"),
        ({"number": "（九）", "title": "新部分", "parent_id": 10**9}, "上级部分不属于本决算"),
    ],
)
def test_bad_targets_are_refused_in_chinese_and_nothing_is_written(
    putuo_draft, clerk, target, message
):
    catalogue = catalogue_for(putuo_draft)
    applied = apply_choices(match_section("无。", catalogue=catalogue), catalogue, {})
    before = snapshot(putuo_draft)
    with pytest.raises(ValidationError, match=message):
        section_paste_save(
            disclosure=putuo_draft, by=clerk, version=before[0], applied=applied, **target
        )
    assert snapshot(putuo_draft) == before


def test_published_disclosures_and_other_agencies_are_refused(putuo, putuo_draft, clerk):
    catalogue = catalogue_for(putuo)
    applied = apply_choices(match_section("无。", catalogue=catalogue), catalogue, {})
    section = ExplanationSection.objects.filter(disclosure=putuo).first()
    before = snapshot(putuo)
    with pytest.raises(PermissionDenied, match="已提交或已发布的决算不能粘贴"):
        section_paste_save(
            disclosure=putuo, by=clerk, version=before[0], applied=applied, section_id=section.pk
        )
    assert snapshot(putuo) == before
    stranger = user_in_role(CLERK)
    with pytest.raises(PermissionDenied):
        section_paste_save(
            disclosure=putuo_draft,
            by=stranger,
            version=version(putuo_draft),
            applied=applied,
            section_id=section.pk,
        )
