"""Kept public responses: a hit costs no query, publication and correction move every page on,
304s, and nothing of a signed-in preview is kept."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.caching import published
from disclosure.models import Disclosure, ThreePublicExpense
from disclosure.workflow import corrections, services
from tests.factories import (
    CLERK,
    REVIEWER,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db

PAGE = "/agencies/liyang-xinfang/2014/"
CSV = "/agencies/liyang-xinfang/2014.csv"
API = "/api/v1/disclosures/liyang-xinfang/2014"
PUBLIC = [
    "/",
    "/years/2014/",
    "/agencies/liyang-xinfang/",
    PAGE,
    CSV,
    "/agencies/liyang-xinfang/2014.xlsx",
    "/index.csv",
    "/all.csv",
    API,
    "/api/v1/disclosures?limit=1",
    "/agencies/liyang-xinfang/2014.json",
]


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def queries_of(client, url, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
        content = body(response)
    return len(captured), (response, content)


@pytest.mark.parametrize("url", PUBLIC)
def test_a_kept_response_costs_no_query_and_is_the_same(
    client, seed, url, django_assert_num_queries
):
    first = client.get(url)
    first_body = body(first)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200 and again.content == first_body
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert again.has_header("ETag")
    if first.has_header("Content-Disposition"):
        assert again["Content-Disposition"] == first["Content-Disposition"]


@pytest.mark.parametrize("url", [PAGE, CSV, API, "/years/2014/"])
def test_revalidation_answers_304_without_a_query(client, seed, url, django_assert_num_queries):
    body(client.get(url))
    kept = client.get(url)
    with django_assert_num_queries(0):
        etag = client.get(url, headers={"If-None-Match": kept["ETag"]})
        since = client.get(url, headers={"If-Modified-Since": kept["Last-Modified"]})
    assert (etag.status_code, since.status_code) == (304, 304)
    assert etag.content == b"" and etag["ETag"] == kept["ETag"]
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


# --- moved on exactly by publication and correction -------------------------------------------


@pytest.fixture
def submitted(seed):
    """A 2015 disclosure of the seed's agency, submitted and ready to publish."""
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    ExpenditureLineFactory(disclosure=draft, statement="income", name="财政拨款收入")
    services.disclosure_submit(disclosure=draft, by=user_in_role(CLERK, agencies=[seed.agency]))
    return draft


LINK = b"/agencies/liyang-xinfang/2015/"
# Each list and what it shows of the 2015 publication.
LISTS = {"/": LINK, "/agencies/liyang-xinfang/": LINK, "/years/2015/": LINK}
LISTS["/index.csv"] = "2015、2014".encode()  # the agency's years


def test_publication_moves_the_lists_on_once_committed(
    client, submitted, django_capture_on_commit_callbacks
):
    assert not any(shown in body(client.get(url)) for url, shown in LISTS.items())
    listed = client.get("/api/v1/disclosures").json()["items"]
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        services.disclosure_publish(disclosure=submitted, by=user_in_role(REVIEWER), note="无误")
    # Before the commit the kept lists still answer (proof that they are kept, not rebuilt).
    assert LINK not in client.get("/").content
    for callback in after_commit:
        callback()
    for url, shown in LISTS.items():
        assert shown in body(client.get(url)), url
    assert len(client.get("/api/v1/disclosures").json()["items"]) == len(listed) + 1


def correct_reception(seed) -> Disclosure:
    reviewer = user_in_role(REVIEWER)
    draft = corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="接待费")
    ThreePublicExpense.objects.filter(disclosure=draft, item="reception").update(
        amount_yuan=Decimal("36400.00")
    )
    Disclosure.objects.filter(pk=draft.pk).update(status="submitted")
    return services.disclosure_publish(disclosure=draft, by=reviewer, note="更正接待费")


def test_a_correction_moves_its_page_csv_and_api_on(
    client, seed, django_capture_on_commit_callbacks
):
    before = {url: body(client.get(url)) for url in [PAGE, CSV, API]}
    assert "已更正".encode() not in before[PAGE] and b",3.54," in before[CSV]
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        correct_reception(seed)
    assert body(client.get(CSV)) == before[CSV]  # kept until the correction has committed
    for callback in after_commit:
        callback()
    page, csv = body(client.get(PAGE)).decode(), body(client.get(CSV))
    assert "已更正" in page and "更正原因：接待费" in page
    assert b",3.64," in csv and b",3.54," not in csv
    assert client.get(API).json()["revision"] == 2


def test_opening_a_correction_changes_nothing_public(client, seed):
    before = client.get(PAGE)
    corrections.disclosure_open_correction(
        disclosure=seed, by=user_in_role(REVIEWER), reason="核对"
    )
    again = client.get(PAGE, headers={"If-None-Match": before["ETag"]})
    assert again.status_code == 304


# --- never kept: signed-in previews, drafts, what is switched off or too big --------------------


def test_a_staff_preview_is_neither_kept_nor_served_from_what_is_kept(client, seed):
    reviewer = user_in_role(REVIEWER)
    corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="核对")
    public = client.get(PAGE)  # kept for citizens
    client.force_login(reviewer)
    preview = client.get(PAGE)
    assert "草稿预览".encode() in preview.content and "草稿预览".encode() not in public.content
    assert "private" in preview["Cache-Control"]
    assert not preview.has_header("ETag") and not preview.has_header("Last-Modified")
    client.logout()
    assert client.get(PAGE).content == public.content  # the preview was not kept


def test_a_preview_first_leaves_nothing_for_citizens(client, seed):
    reviewer = user_in_role(REVIEWER)
    corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="核对")
    client.force_login(reviewer)
    assert "草稿预览".encode() in client.get(PAGE).content
    client.logout()
    assert "草稿预览".encode() not in client.get(PAGE).content


def test_a_draft_only_year_is_a_404_and_not_kept(client, seed):
    DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2016))
    url = "/agencies/liyang-xinfang/2016/"
    assert client.get(url).status_code == 404
    count, (response, _) = queries_of(client, url)
    assert response.status_code == 404 and count > 0


def test_cache_seconds_zero_keeps_nothing_but_still_revalidates(client, seed, settings):
    settings.CACHE_SECONDS = 0
    first = client.get(PAGE)
    count, (again, _) = queries_of(client, PAGE)
    # Rendered afresh, so only the print footer's "生成于" second may differ.
    assert count > 0 and without_render_time(again.content) == without_render_time(first.content)
    # Two renders name the same thing, whatever second their print footers say: one ETag.
    assert again["ETag"] == first["ETag"] and again["ETag"].startswith('W/"')
    since = {"If-Modified-Since": first["Last-Modified"]}
    assert client.get(PAGE, headers=since).status_code == 304
    # And a client's If-None-Match is answered before anything is rendered or read.
    count, (revalidated, _) = queries_of(client, PAGE, **{"If-None-Match": first["ETag"]})
    assert (revalidated.status_code, count) == (304, 0)
    assert revalidated["ETag"] == first["ETag"]


def without_render_time(body):
    return re.sub(rb'<p class="print-footer.*?</p>', b"", body, flags=re.S)


def test_a_body_over_the_limit_is_served_whole_but_not_kept(client, seed, monkeypatch):
    monkeypatch.setattr(published, "MAX_BYTES", 100)
    _, (_, first) = queries_of(client, CSV)
    assert len(first) > 100
    count, (_, again) = queries_of(client, CSV)
    assert count > 0 and again == first


def test_a_deploy_starts_new_keys(client, seed, monkeypatch):
    client.get(PAGE)
    published.release.cache_clear()
    monkeypatch.setattr(published, "release", lambda: "next-release")
    count, _ = queries_of(client, PAGE)
    assert count > 0


def test_nothing_is_kept_from_a_replica_behind_the_publication(client, seed, monkeypatch):
    published.published_changed()  # the primary's moment
    # A second database (a replica) that has not replayed the newest change yet.
    monkeypatch.setattr(published, "reads_may_lag", lambda: True)
    monkeypatch.setattr(published, "last_change", lambda: None)
    body(client.get(PAGE))
    count, (response, _) = queries_of(client, PAGE)
    assert response.status_code == 200 and count > 0


# --- each process's own copy of what it served --------------------------------------------------


class CountingCache:
    """The shared cache, counting the entries read from it."""

    def __init__(self, cache):
        self.cache, self.reads = cache, []

    def get(self, key, *args, **kwargs):
        self.reads.append(key)
        return self.cache.get(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.cache, name)


@pytest.fixture
def shared(monkeypatch):
    counting = CountingCache(published._cache())
    monkeypatch.setattr(published, "_cache", lambda: counting)
    return counting


def test_a_hit_on_what_this_process_served_skips_the_shared_cache(client, seed, shared):
    first = client.get(PAGE)
    shared.reads.clear()
    again = client.get(PAGE)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert not [k for k in shared.reads if k != published.MOMENT_KEY]


def test_another_process_s_entry_is_read_once_then_copied(client, seed, shared):
    first = client.get(PAGE)
    published.forget()  # as another process would be: the entry only in the shared cache
    shared.reads.clear()
    assert client.get(PAGE).content == first.content
    assert client.get(PAGE).content == first.content
    assert len([k for k in shared.reads if k != published.MOMENT_KEY]) == 1


def test_the_copies_are_bounded_oldest_dropped_first(client, seed, shared, monkeypatch):
    page = client.get(PAGE)
    monkeypatch.setattr(published, "RECENT_BYTES", len(page.content) + 1)
    client.get(API)  # pushes the page's copy out
    shared.reads.clear()
    assert client.get(PAGE).content == page.content  # from the shared cache again
    assert len([k for k in shared.reads if k != published.MOMENT_KEY]) == 1
    assert published._recent_size <= published.RECENT_BYTES


def test_a_publication_is_never_answered_from_an_older_copy(client, submitted):
    client.get("/")
    services.disclosure_publish(disclosure=submitted, by=user_in_role(REVIEWER), note="无误")
    published.published_changed()
    assert LINK in client.get("/").content


def test_a_streamed_csv_is_named_and_revalidates_too(client, seed, settings):
    """Streamed bodies cannot be hashed before they are sent; their ETag names what they are."""
    settings.CACHE_SECONDS = 0
    first = client.get(CSV)
    assert first.streaming and first["ETag"].startswith('W/"')
    count, (again, content) = queries_of(client, CSV, **{"If-None-Match": first["ETag"]})
    assert (again.status_code, count, content) == (304, 0, b"")


def test_another_host_or_language_is_another_etag(client, seed, settings):
    settings.ALLOWED_HOSTS = ["testserver", "example.org"]
    first = client.get(PAGE)["ETag"]
    assert client.get(PAGE, headers={"Host": "example.org"})["ETag"] != first
    assert client.get(f"/en{PAGE}")["ETag"] != first
