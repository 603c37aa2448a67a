from pathlib import Path

import pytest
from django.core.management import call_command

from disclosure.models import reference_data as reference

ROOT = Path(__file__).resolve().parent.parent
SEED_FIXTURE = ROOT / "fixtures" / "seed-liyang-xinfang-2014.json"
SEED_SOURCE = ROOT / "fixtures" / "source" / "liyang-xinfang-2014.txt"


@pytest.fixture
def seed(db):
    """The real 2014 disclosure of 溧阳市信访局, loaded exactly as `make demo` loads it."""
    reference.ensure_loaded()  # a transactional test (live_server) flushes migration data
    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    from disclosure.models import Disclosure

    return Disclosure.objects.select_related("agency", "fiscal_year").get(
        agency__slug="liyang-xinfang", fiscal_year__year=2014
    )


@pytest.fixture
def seed_text() -> str:
    return SEED_SOURCE.read_text(encoding="utf-8")


PUTUO_FIXTURE = ROOT / "fixtures" / "putuo-planning-resources-2024.json"
PUTUO_SOURCE = ROOT / "fixtures" / "source" / "putuo-2024"


@pytest.fixture
def putuo(db):
    """The real 2024 disclosure of 上海市普陀区规划和自然资源局 (standard format)."""
    reference.ensure_loaded()
    call_command("loaddata", str(PUTUO_FIXTURE), verbosity=0)
    from disclosure.models import Disclosure

    return Disclosure.objects.select_related("agency", "fiscal_year").get(
        agency__slug="putuo-ghzy", fiscal_year__year=2024
    )


@pytest.fixture
def putuo_source() -> dict:
    import json

    return json.loads((PUTUO_SOURCE / "disclosure.json").read_text(encoding="utf-8"))
