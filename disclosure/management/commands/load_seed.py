"""Load the demo documents for `make demo`, each once.

Reloading a fixture over a document that has since been corrected in the demo would try to put
the superseded revision back as published: the freeze refuses that (and it would be wrong).
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from disclosure.models import Disclosure

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DOCUMENTS = [
    # fixture, agency slug, year
    ("seed-liyang-xinfang-2014.json", "liyang-xinfang", 2014),
    ("putuo-planning-resources-2024.json", "putuo-ghzy", 2024),
]


class Command(BaseCommand):
    help = (
        "加载演示决算（溧阳市信访局 2014 年度、上海市普陀区规划和自然资源局 2024 年度），"
        "已加载过则跳过。"
    )

    def handle(self, *args, **options):
        for fixture, slug, year in DOCUMENTS:
            if (
                Disclosure.objects.finals()
                .filter(agency__slug=slug, fiscal_year__year=year)
                .exists()
            ):
                self.stdout.write(f"{slug} {year} 已存在，保留现有数据。")
                continue
            call_command("loaddata", str(FIXTURES / fixture), verbosity=options["verbosity"])
