"""<time datetime> values the HTML checker accepts: whole seconds and the offset."""

from datetime import UTC, datetime
from pathlib import Path

from disclosure.templatetags.dates import iso_seconds

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def test_microseconds_are_dropped_and_the_time_is_beijing_time():
    moment = datetime(2024, 9, 30, 2, 0, 0, 123456, tzinfo=UTC)
    assert iso_seconds(moment) == "2024-09-30T10:00:00+08:00"


def test_an_unknown_time_is_empty():
    assert iso_seconds(None) == ""


def test_no_template_prints_a_time_with_django_c_format():
    """`date:'c'` prints microseconds ("…T10:00:00.123456+08:00"), which vnu rejects."""
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "date:'c'" in path.read_text() or 'date:"c"' in path.read_text()
    ]
    assert offenders == []


def test_a_long_date_is_written_as_the_page_language_writes_it():
    from django.utils import translation

    from disclosure.templatetags.dates import long_date, long_datetime

    moment = datetime(2024, 12, 30, 16, 30, 5, tzinfo=UTC)  # 31 December, 00:30 in Beijing
    assert long_date(moment) == "2024年12月31日"
    assert long_datetime(moment) == "2024年12月31日 00:30:05"
    with translation.override("en"):
        assert long_date(moment) == "31 December 2024"
        assert long_datetime(moment) == "31 December 2024, 00:30:05"
    assert long_date(None) == ""
