"""The publication workflow as data: statuses, who holds the content, and the legal moves.

draft → submitted → published, submitted → returned (with the reviewer's comment) → submitted,
and published → superseded when a correction (a new revision) is published. The services make
the moves; the model guards and the PostgreSQL triggers refuse everything else on frozen rows.
"""

from django.db import models


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已更正（被新修订版取代）"


# The clerks hold the content: only in these statuses may figures and text change.
EDITABLE_STATUSES = (DisclosureStatus.DRAFT, DisclosureStatus.RETURNED)
# Not yet published: at most one such revision per agency and year (see the constraints).
OPEN_STATUSES = (DisclosureStatus.DRAFT, DisclosureStatus.SUBMITTED, DisclosureStatus.RETURNED)
# Citizens have read these: frozen for good, in Python and by a database trigger.
FROZEN_STATUSES = (DisclosureStatus.PUBLISHED, DisclosureStatus.SUPERSEDED)

# The only status changes of a disclosure whose content is locked, and the fields each may touch.
LOCKED_TRANSITIONS = {
    DisclosureStatus.SUBMITTED: {DisclosureStatus.RETURNED, DisclosureStatus.PUBLISHED},
    DisclosureStatus.PUBLISHED: {DisclosureStatus.SUPERSEDED},
}
REVIEW_FIELDS = frozenset(
    {"status", "version", "updated_at", "published_at", "return_comment", "publication_note"}
)
# Superseding changes nothing a citizen read: the trigger allows exactly these columns to change.
SUPERSEDE_FIELDS = frozenset({"status", "version", "updated_at"})

LOCKED_MESSAGE = (
    "已提交审核或已发布的决算公开不能修改或删除。"
    "已发布的数字如需更正，请由审核人员发起更正，生成新的修订版。"
)
STALE_VERSION_MESSAGE = (
    "该决算已被他人修改（版本已变化），为避免覆盖他人的修改，本次保存未执行。请刷新页面后重新编辑。"
)


def fields_allowed_to_change(stored_status: str, new_status: str) -> frozenset[str]:
    """Which fields a save may write to a locked disclosure; empty when nothing may change."""
    if new_status not in LOCKED_TRANSITIONS.get(stored_status, ()):
        return frozenset()
    if stored_status in FROZEN_STATUSES:
        return SUPERSEDE_FIELDS
    return REVIEW_FIELDS
