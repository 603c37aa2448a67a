"""Writes with rules. Keyword-only, atomic; admin actions and commands call these."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Disclosure, DisclosureStatus


@transaction.atomic
def disclosure_publish(*, disclosure: Disclosure, by: AbstractBaseUser) -> Disclosure:
    if not by.has_perm("disclosure.publish_disclosure"):
        raise PermissionDenied("只有审核人员可以发布决算公开。")
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.status == DisclosureStatus.PUBLISHED:
        raise ValidationError("该决算公开已经发布。")
    if not disclosure.lines.exists():
        raise ValidationError("该决算公开还没有任何收支数字，不能发布。")
    disclosure.status = DisclosureStatus.PUBLISHED
    disclosure.published_at = timezone.now()
    disclosure.full_clean()
    disclosure.save(update_fields=["status", "published_at", "updated_at"])
    return disclosure
