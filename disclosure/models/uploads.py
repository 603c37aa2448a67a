"""A file uploaded to the admin's import, kept between its preview and its confirmation."""

from django.conf import settings
from django.db import models


class ImportUpload(models.Model):
    """The confirm step names its upload by `token` (random, never a path) and only its
    uploader's; it is consumed by the confirmation and expires after IMPORT_UPLOAD_MINUTES
    (importing/uploads.py). Kept in the database, so any app server can confirm it."""

    token = models.CharField("标识", max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传者", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("字节数")
    data = models.BinaryField("内容")
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "待确认的导入文件"
        verbose_name_plural = "待确认的导入文件"

    def __str__(self) -> str:
        return self.name
