"""Errors a citizen or clerk can meet are pages in Chinese, not Django's English defaults."""

import pytest
from django.test import Client

from disclosure.models import Disclosure
from tests.factories import CLERK, DisclosureFactory, ExpenditureLineFactory, user_in_role

pytestmark = pytest.mark.django_db


def workflow_url(disclosure: Disclosure, step: str) -> str:
    return f"/admin/disclosure/disclosure/{disclosure.pk}/workflow/{step}/"


def test_a_get_to_a_post_only_step_is_a_chinese_405_page(client):
    disclosure = DisclosureFactory()
    client.force_login(user_in_role(CLERK, agencies=[disclosure.agency]))
    response = client.get(workflow_url(disclosure, "submit"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    text = response.content.decode()
    assert "不支持该请求方式" in text and "POST" in text
    assert Disclosure.objects.get(pk=disclosure.pk).status == "draft"  # nothing happened


def test_a_refused_step_is_a_chinese_403_page_with_the_reason(client):
    disclosure = DisclosureFactory()
    ExpenditureLineFactory(disclosure=disclosure)
    client.force_login(user_in_role(CLERK, agencies=[disclosure.agency]))
    response = client.post(workflow_url(disclosure, "publish"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "无权访问" in text and "只有审核人员可以发布决算公开。" in text
    assert Disclosure.objects.get(pk=disclosure.pk).status == "draft"


def test_a_refused_csrf_check_is_a_chinese_page_and_logs_nobody_in():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "表单已失效" in text and "CSRF" not in text
    assert "_auth_user_id" not in client.session


def test_staff_only_answers_are_private_and_published_pages_are_not(client, seed):
    from disclosure.workflow import corrections
    from tests.factories import AUDITOR, REVIEWER

    published = client.get("/agencies/liyang-xinfang/2014/")
    assert "private" not in published.get("Cache-Control", "")
    corrections.disclosure_open_correction(disclosure=seed, by=user_in_role(REVIEWER), reason="x")
    client.force_login(user_in_role(CLERK, agencies=[seed.agency]))
    preview = client.get("/agencies/liyang-xinfang/2014/")  # the clerk sees the draft revision
    assert preview.context["page"].disclosure.revision == 2
    assert "private" in preview["Cache-Control"] and "no-store" in preview["Cache-Control"]
    client.force_login(user_in_role(AUDITOR))
    for url in ["/reconciliation/", "/reconciliation.csv"]:
        answer = client.get(url)
        assert answer.status_code == 200
        assert "private" in answer["Cache-Control"], url


def test_an_unreachable_database_is_a_chinese_503_with_retry_after(rf):
    from django.db.utils import OperationalError

    from disclosure.config.errors import server_error

    for path, expected in (
        ("/years/2014/", "服务暂时不可用"),
        ("/api/v1/years", "数据库暂时不可用"),
    ):
        try:
            raise OperationalError("connection refused")
        except OperationalError:
            response = server_error(rf.get(path))
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert expected in response.content.decode()


def test_any_other_error_stays_the_chinese_500_page(rf):
    from disclosure.config.errors import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()
