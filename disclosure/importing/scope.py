"""Which agencies a user may import figures for: a clerk their own agencies, an administrator
all. The import form, the service and the command line all ask this one function; the service
also checks the revision itself (permissions.can_import_into)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from bureaus.models import Agency
from disclosure.access import bound_agency_ids


def importable_agencies(user: AbstractBaseUser) -> QuerySet[Agency]:
    if not user.is_active:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    if not user.has_perm("disclosure.import_disclosure"):
        return Agency.objects.none()
    return Agency.objects.filter(pk__in=bound_agency_ids(user))
