"""draft → submitted → published, returned with a comment, and corrections as new revisions."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disclosure.models import (
    Disclosure,
    Duty,
    ExpenditureLine,
    StaffingEntry,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)
from disclosure.workflow import corrections, services
from tests.factories import (
    CLERK,
    REVIEWER,
    AgencyFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(seed):
    return user_in_role(CLERK, agencies=[seed.agency])


@pytest.fixture
def reviewer(db):
    return user_in_role(REVIEWER)


@pytest.fixture
def draft(seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year__year=2015)
    ExpenditureLineFactory(disclosure=draft, statement="income", name="财政拨款收入")
    return draft


def test_submit_return_resubmit_publish(draft, clerk, reviewer):
    submitted = services.disclosure_submit(disclosure=draft, by=clerk)
    assert (submitted.status, submitted.version) == ("submitted", 2)
    returned = services.disclosure_return(disclosure=draft, by=reviewer, comment="请补充职能")
    assert (returned.status, returned.return_comment) == ("returned", "请补充职能")
    Duty.objects.create(disclosure=draft, order=1, text="补充的职能")  # editable again
    services.disclosure_submit(disclosure=draft, by=clerk)
    # 2015's income is far below 2014's: a warning the reviewer must explain to publish.
    with pytest.raises(ValidationError, match="请在发布说明中逐条解释"):
        services.disclosure_publish(disclosure=draft, by=reviewer)
    published = services.disclosure_publish(
        disclosure=draft, by=reviewer, note="2015年仅填报收入一项（测试数据）"
    )
    assert published.status == "published" and published.published_at is not None
    assert published.version == 5


def test_publishing_is_refused_while_figures_contradict_each_other(draft, clerk, reviewer):
    # Income 1.00 万元 against an expenditure of 2.00 万元: an error, so no publication.
    ExpenditureLineFactory(
        disclosure=draft, statement="expenditure", name="财政拨款支出", amount_yuan=20000
    )
    services.disclosure_submit(disclosure=draft, by=clerk)
    with pytest.raises(ValidationError, match="核对发现错误，不能发布") as refused:
        services.disclosure_publish(disclosure=draft, by=reviewer, note="已核对")
    assert any("财政拨款支出 2.00 万元" in m for m in refused.value.messages)
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.published_at is None


def test_each_step_checks_role_state_and_input(draft, clerk, reviewer, seed):
    with pytest.raises(PermissionDenied):
        services.disclosure_publish(disclosure=draft, by=clerk)
    with pytest.raises(ValidationError, match="只有已提交审核的决算公开可以发布"):
        services.disclosure_publish(disclosure=draft, by=reviewer)
    with pytest.raises(PermissionDenied):
        services.disclosure_submit(disclosure=draft, by=reviewer)
    other_clerk = user_in_role(CLERK, agencies=[AgencyFactory()])
    with pytest.raises(PermissionDenied):
        services.disclosure_submit(disclosure=draft, by=other_clerk)
    services.disclosure_submit(disclosure=draft, by=clerk)
    with pytest.raises(ValidationError, match="退回时请填写退回意见"):
        services.disclosure_return(disclosure=draft, by=reviewer, comment="  ")
    with pytest.raises(ValidationError, match="只能更正已发布的现行版本"):
        corrections.disclosure_open_correction(disclosure=draft, by=reviewer, reason="x")
    with pytest.raises(ValidationError, match="请填写更正原因"):
        corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="")
    assert Disclosure.objects.get(pk=draft.pk).status == "submitted"


def test_reconciliation_errors_block_and_warnings_need_an_explanation(
    draft, clerk, reviewer, monkeypatch
):
    services.disclosure_submit(disclosure=draft, by=clerk)
    monkeypatch.setattr(services, "reconciliation_errors", lambda d: ["三公合计不等于各项之和"])
    with pytest.raises(ValidationError, match="三公合计不等于各项之和"):
        services.disclosure_publish(disclosure=draft, by=reviewer)
    monkeypatch.setattr(services, "reconciliation_errors", lambda d: [])
    monkeypatch.setattr(services, "reconciliation_warnings", lambda d: ["其中项未列全"])
    with pytest.raises(ValidationError, match="请在发布说明中逐条解释"):
        services.disclosure_publish(disclosure=draft, by=reviewer)
    assert Disclosure.objects.get(pk=draft.pk).status == "submitted"
    published = services.disclosure_publish(disclosure=draft, by=reviewer, note="原文如此")
    assert (published.status, published.publication_note) == ("published", "原文如此")


def test_a_correction_copies_every_row_into_a_new_draft_revision(seed, reviewer):
    draft = corrections.disclosure_open_correction(
        disclosure=seed, by=reviewer, reason="更正接待费"
    )
    assert (draft.status, draft.revision, draft.corrects_id) == ("draft", 2, seed.pk)
    assert draft.correction_reason == "更正接待费"
    for model in [StaffingEntry, Duty, WorkTask, ExpenditureLine, ThreePublicExpense]:
        old = model.objects.filter(disclosure=seed).count()
        assert old and model.objects.filter(disclosure=draft).count() == old, model
    assert WorkTaskItem.objects.filter(task__disclosure=draft).count() == 10
    # "其中" lines point at the new revision's own parents.
    for line in ExpenditureLine.objects.filter(disclosure=draft, parent__isnull=False):
        assert line.parent.disclosure_id == draft.pk
    # The published revision is untouched and still what citizens read.
    seed.refresh_from_db()
    assert seed.status == "published"
    with pytest.raises(ValidationError, match="已有一份正在编辑或审核中的更正"):
        corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="又一次")


def test_correction_flow_over_http_ends_on_the_public_page(client, seed, clerk, reviewer):
    """The acceptance path of `make demo`: correct a published figure, see it and its history."""
    client.force_login(reviewer)
    response = client.post(
        f"/admin/disclosure/disclosure/{seed.pk}/workflow/correct/", {"text": "接待费录入有误"}
    )
    draft = Disclosure.objects.get(corrects=seed)
    assert response.url == f"/admin/disclosure/disclosure/{draft.pk}/change/"
    assert client.get(seed.get_absolute_url()).status_code == 200

    client.force_login(clerk)
    reception = draft.three_public.get(item="reception")
    data = {
        "disclosure": draft.pk,
        "item": "reception",
        "amount_wan": "3.64",
        "reception_batches": "58",
        "reception_persons": "466",
        "yoy_remark": reception.yoy_remark,
        "explanation": reception.explanation,
        "disclosure_version": Disclosure.objects.get(pk=draft.pk).version,  # as the page has it
    }
    url = f"/admin/disclosure/threepublicexpense/{reception.pk}/change/"
    assert client.post(url, data).status_code == 302
    client.post(f"/admin/disclosure/disclosure/{draft.pk}/workflow/submit/")
    client.force_login(reviewer)
    client.post(f"/admin/disclosure/disclosure/{draft.pk}/workflow/publish/")
    seed.refresh_from_db()
    draft.refresh_from_db()
    assert (seed.status, draft.status) == ("superseded", "published")

    client.logout()
    html = client.get("/agencies/liyang-xinfang/2014/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "已更正" in text and "更正记录" in text
    assert "公务接待费3.64万元" in text  # the page reads the corrected revision
    assert "更正原因：接待费录入有误" in text
    assert "“三公”经费：公务接待费 3.54万元 3.64万元" in text
    assert "“三公”经费：公务接待费（接待批次） 57 58" in text
    csv = b"".join(client.get("/agencies/liyang-xinfang/2014.csv").streaming_content)
    assert b",3.64," in csv and b",3.54," not in csv
    # Listed once (the current revision), not once per revision; the agency page's 三公 chart
    # links the year from its table as well.
    for url, links in [("/", 1), ("/agencies/liyang-xinfang/", 2), ("/years/2014/", 1)]:
        body = client.get(url).content.decode()
        assert body.count('href="/agencies/liyang-xinfang/2014/"') == links, url


def test_a_correction_in_progress_is_invisible_to_citizens(client, seed, reviewer):
    draft = corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="核对")
    ExpenditureLine.objects.filter(disclosure=draft, name="一般公共服务支出").update(
        amount_yuan=Decimal("1.00")
    )
    html = client.get(seed.get_absolute_url()).content.decode()
    assert "184.82" in html and "已更正" not in html
    client.force_login(reviewer)  # staff preview the correction, with its pending changes
    html = client.get(seed.get_absolute_url()).content.decode()
    assert "草稿预览" in html and "审核中，尚未发布" in html
