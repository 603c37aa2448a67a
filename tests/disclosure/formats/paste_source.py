"""The shipped Putuo 2024 document's 情况说明 as printed (fixtures/source/putuo-2024), section by
section, and an independent count of the figures in it."""

import re

from disclosure.formats.paste.figures import normalise

# Every number of the printed text but years (2024 年), parts of dates (12 月 31 日) and an item's
# ordinal (1、): a count kept apart from the matcher's own reading, so that a figure the matcher
# skips shows as a difference.
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
NOT_FIGURES = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*日|^\d+、", re.MULTILINE)


def printed_sections(source: dict) -> list[tuple[str, str, str, list[str]]]:
    """(parent number, number, title, paragraphs) of every section that prints paragraphs."""
    out = []
    for section in source["explanations"]:
        if section["paragraphs"]:
            out.append(("", section["number"], section["title"], section["paragraphs"]))
        for sub in section["subsections"]:
            out.append((section["number"], sub["number"], sub["title"], sub["paragraphs"]))
    return out


def count_figures(text: str) -> int:
    text = NOT_FIGURES.sub("", normalise(text))
    return len(NUMBER.findall(text))
