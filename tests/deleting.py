"""What an admin delete confirmation posts back: `post` and the version of each disclosure it
touches, read as the confirmation page would show them (disclosure/admin/deleting.py)."""

from disclosure.models import Disclosure


def confirmed(*disclosure_ids: int) -> dict:
    rows = Disclosure.objects.filter(pk__in=disclosure_ids).values_list("pk", "version")
    return {"post": "yes", "disclosure_version": [f"{pk}:{version}" for pk, version in rows]}
