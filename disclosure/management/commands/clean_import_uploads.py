"""Delete the admin import's uploads that were previewed and never confirmed.

    python manage.py clean_import_uploads

Each new upload also deletes the expired ones; run this from cron (e.g. hourly) so that a
quiet site does not keep them either. Expiry: IMPORT_UPLOAD_MINUTES (default 30).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from disclosure.importing.uploads import import_uploads_clean


class Command(BaseCommand):
    help = "删除网页导入中预览后未确认、已过期的上传文件。"

    def handle(self, *args, **options):
        deleted = import_uploads_clean()
        minutes = settings.IMPORT_UPLOAD_MINUTES
        self.stdout.write(f"已删除 {deleted} 个超过 {minutes} 分钟未确认的上传文件。")
