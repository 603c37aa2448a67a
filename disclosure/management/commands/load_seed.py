"""Load the seed document for `make demo`, once.

Reloading the fixture over a seed that has since been corrected in the demo would try to put
the superseded revision back as published: the freeze refuses that (and it would be wrong).
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from disclosure.models import Disclosure

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed-liyang-xinfang-2014.json"


class Command(BaseCommand):
    help = "加载示例决算（溧阳市信访局 2014 年度），已加载过则跳过。"

    def handle(self, *args, **options):
        seed = Disclosure.objects.filter(agency__slug="liyang-xinfang", fiscal_year__year=2014)
        if seed.exists():
            self.stdout.write("示例决算已存在，保留现有数据。")
            return
        call_command("loaddata", str(SEED), verbosity=options["verbosity"])
