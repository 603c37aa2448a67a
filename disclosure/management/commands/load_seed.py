"""Load the demo documents for `make demo`, each once.

Reloading a fixture over a document that has since been corrected in the demo would try to put
the superseded revision back as published: the freeze refuses that (and it would be wrong).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from disclosure.models import Disclosure, DocumentKind

from .demo_accounts import ROLES

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DOCUMENTS = [
    # fixture, agency slug, year, kind: one document each (an agency-year has a 决算 and a 预算)
    ("seed-liyang-xinfang-2014.json", "liyang-xinfang", 2014, DocumentKind.FINAL),
    ("putuo-planning-resources-2024.json", "putuo-ghzy", 2024, DocumentKind.FINAL),
    ("demo-wenlv-2025.json", "putuo-wenlv", 2025, DocumentKind.FINAL),
    ("demo-wenlvju-budget-2026.json", "putuo-wenlv", 2026, DocumentKind.BUDGET),
]
# The 2025 决算 was published through the workflow: its reviewer acknowledged each printed
# contradiction as 原文如此 (fixtures/build/build_demo_wenlv.py), and the acknowledgements name
# the demo's reviewer by username. demo_accounts (run after this) gives the account its
# password and role; until then it exists without a usable password, so nobody can log in as it.
ACKNOWLEDGED_BY = ROLES["审核人员"][0]


class Command(BaseCommand):
    help = (
        "加载演示公开文件（溧阳市信访局 2014 年度决算、上海市普陀区规划和自然资源局 2024 年度决算、"
        "上海市普陀区文化和旅游局 2025 年度决算和 2026 年部门预算），已加载过的跳过。"
    )

    def handle(self, *args, **options):
        for fixture, slug, year, kind in DOCUMENTS:
            if Disclosure.objects.filter(
                agency__slug=slug, fiscal_year__year=year, kind=kind
            ).exists():
                label = DocumentKind(kind).label
                self.stdout.write(f"{slug} {year} {label} 已存在，保留现有数据。")
                continue
            _ensure_reviewer()
            call_command("loaddata", str(FIXTURES / fixture), verbosity=options["verbosity"])


def _ensure_reviewer() -> None:
    User = get_user_model()
    if not User.objects.filter(username=ACKNOWLEDGED_BY).exists():
        User.objects.create_user(username=ACKNOWLEDGED_BY, password=None)
