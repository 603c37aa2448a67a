"""The English catalogue (disclosure/locale/en): complete, and its committed .mo is the .po's.

A fresh machine may lack gettext, so the compiled .mo is committed; these tests prove it says
what the .po says, that nothing is left untranslated or fuzzy, and (where xgettext exists) that
the .po holds exactly the messages the code and templates use today.
"""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "disclosure" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
IGNORED = shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
ENTRY = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def read_po(path: Path) -> list[dict]:
    """Each entry of a .po: its flags, msgctxt, msgid, msgid_plural and msgstr(s). Enough of
    the format for the files makemessages writes (no polib on a fresh machine)."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": "", "msgstr": {}}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif match := ENTRY.match(line):
                key = match.group(1)
                entry.setdefault("parts", {})[key] = [ast.literal_eval(match.group(2))]
            elif line.startswith('"'):
                entry["parts"][key].append(ast.literal_eval(line))
        for key, parts in entry.pop("parts", {}).items():
            text = "".join(parts)
            if key.startswith("msgstr"):
                entry["msgstr"][int(key[7:-1]) if "[" in key else None] = text
            else:
                entry[key] = text
        entries.append(entry)
    return [e for e in entries if e.get("msgid")]  # the header has an empty msgid


def catalogue_key(entry: dict) -> str:
    """How gettext's .mo keys a message: "context\\x04msgid"."""
    return f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = read_po(PO)
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    assert untranslated == []
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []


def test_the_committed_mo_is_the_po_compiled():
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    expected = {}
    for entry in read_po(PO):
        key = catalogue_key(entry)
        if entry.get("msgid_plural") is None:
            expected[key] = entry["msgstr"][None]
        else:
            for n, text in entry["msgstr"].items():
                expected[(key, n)] = text
    compiled = {k: v for k, v in compiled.items() if k != ""}  # the header
    assert compiled == expected, "run: cd disclosure && ../manage.py compilemessages -l en"


def test_placeholders_survive_translation():
    for entry in read_po(PO):
        names = sorted(re.findall(r"%\(\w+\)[sd]|\{\}", entry["msgid"]))
        for text in entry["msgstr"].values():
            found = sorted(re.findall(r"%\(\w+\)[sd]|\{\}", text))
            assert found == names or "%(counter)s" in entry["msgid"], entry["msgid"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_po_holds_exactly_the_messages_in_use(tmp_path, monkeypatch):
    """makemessages over a copy of the sources: a message added to a template or the code
    without its translation, or one no longer used, fails here. A copy, because makemessages
    writes into any `locale` folder it finds beside the sources (the real catalogue)."""
    for folder in ("disclosure", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / "src" / folder, ignore=IGNORED)
    monkeypatch.chdir(tmp_path / "src")
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    fresh = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    in_use = {catalogue_key(e) for e in read_po(fresh)}
    translated = {catalogue_key(e) for e in read_po(PO)}
    assert sorted(in_use - translated) == [], "new messages: run makemessages and translate"
    assert sorted(translated - in_use) == [], "unused messages: run makemessages"
