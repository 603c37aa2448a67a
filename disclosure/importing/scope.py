"""Which agencies a user may import figures for.

Until the roles issue lands every user with the import permission may import for every agency;
the roles change narrows this one function (a clerk: their own agencies), and the import form,
the service and the command line all ask it.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from bureaus.models import Agency


def importable_agencies(user: AbstractBaseUser) -> QuerySet[Agency]:
    if not user.is_active:
        return Agency.objects.none()
    return Agency.objects.all()
