"""Build the data packages (README, "Data packages"): one per fiscal year and one of everything,
stored under PACKAGES_ROOT and listed on /downloads/."""

from django.core.management.base import BaseCommand, CommandError

from disclosure.exports import packages
from disclosure.models import FiscalYear


class Command(BaseCommand):
    help = "生成数据包（每年度一个、全部年度一个），保存在 PACKAGES_ROOT，供 /downloads/ 下载。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="只生成该年度的数据包（可重复）"
        )
        parser.add_argument("--all", action="store_true", help="生成全部年度合一的数据包")

    def handle(self, *args, **options):
        years = options["year"] or []
        unknown = sorted(set(years) - set(FiscalYear.objects.values_list("year", flat=True)))
        if unknown:
            raise CommandError(f"没有该年度：{'、'.join(map(str, unknown))}。")
        # Without options: every year that has a published disclosure, then everything.
        if not years and not options["all"]:
            years, options["all"] = packages.years_published(), True
        targets = [*sorted(years), *([None] if options["all"] else [])]
        for year in targets:
            self._build(year)

    def _build(self, year: int | None) -> None:
        name = packages.package_name(year)

        def progress(done: int, total: int) -> None:
            # One line, rewritten in place: \r when the output is a terminal, lines in a log.
            if self.stdout.isatty():
                self.stdout.write(f"\r{name}：{done}/{total} 份决算", ending="")
            else:
                self.stdout.write(f"{name}：{done}/{total} 份决算")

        manifest = packages.build_package(year, progress=progress)
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{manifest.filename}：{manifest.disclosures} 份决算，{manifest.figures} 行数字，"
                f"{manifest.size} 字节，{manifest.seconds:.2f} 秒，sha256 {manifest.sha256}"
            )
        )
