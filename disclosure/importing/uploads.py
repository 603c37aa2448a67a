"""The admin import's uploads between preview and confirmation.

django-import-export keeps the previewed file in a temporary folder and lets the confirm step
name it (`import_file_name`): the probe imported, and deleted, a file another user had left
there, and unconfirmed previews piled up. Here an upload is a row (models.ImportUpload) named
by a random token that the confirm step may claim only for its uploader, once, within
IMPORT_UPLOAD_MINUTES; expired uploads are deleted at every new upload and by
`manage.py clean_import_uploads`, and an upload whose preview found errors at once.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from disclosure.models import ImportUpload

from .records import ImportFileError

TOKEN = re.compile(r"[0-9a-f]{32}")
BAD_TOKEN = "确认导入的请求无效（文件标识格式不对）：请重新上传文件并预览。"
GONE = (
    "找不到这次预览的文件：它已经导入过、已过期（{minutes} 分钟内未确认），或不是您上传的。"
    "请重新上传文件并预览。"
)


def _cutoff(now=None):
    return (now or timezone.now()) - timedelta(minutes=settings.IMPORT_UPLOAD_MINUTES)


@transaction.atomic
def import_upload_store(*, by: AbstractBaseUser, name: str, chunks) -> ImportUpload:
    """Keep an uploaded file for its confirmation; expired uploads are deleted first."""
    import_uploads_clean()
    data = b"".join(chunks)  # the import form refused files over IMPORT_MAX_UPLOAD_BYTES
    upload = ImportUpload(
        token=secrets.token_hex(16), user=by, name=(name or "")[:255], size=len(data), data=data
    )
    upload.full_clean(exclude=["data"])
    upload.save()
    return upload


def import_upload_take(*, by: AbstractBaseUser, token) -> bytes:
    """The user's own unexpired upload, consumed: a second confirmation finds nothing."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise ImportFileError(BAD_TOKEN)
    with transaction.atomic():
        upload = (
            ImportUpload.objects.select_for_update()
            .filter(token=token, user=by, created_at__gte=_cutoff())
            .first()
        )
        if upload is None:
            raise ImportFileError(GONE.format(minutes=settings.IMPORT_UPLOAD_MINUTES))
        upload.delete()
    return bytes(upload.data)


def import_upload_discard(*, by: AbstractBaseUser, token: str) -> None:
    """A preview that cannot be confirmed (errors in the file) leaves nothing behind."""
    ImportUpload.objects.filter(token=token, user=by).delete()


def import_uploads_clean(*, now=None) -> int:
    """Delete every upload not confirmed within IMPORT_UPLOAD_MINUTES; returns how many."""
    deleted, _ = ImportUpload.objects.filter(created_at__lt=_cutoff(now)).delete()
    return deleted
