"""The publication workflow as data: statuses, who holds the content, and the legal moves.

draft → submitted → published, submitted → returned (with the reviewer's comment) → submitted,
and published → superseded when a correction (a new revision) is published. TRANSITIONS is the
one table of the moves: the services check a move against it, the admin offers its buttons from
it, and the model guard derives from it which status changes a locked disclosure may make (the
PostgreSQL triggers refuse everything else on frozen rows).
"""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Transition:
    """One legal move, with everything a user is told about it (user-facing text in Chinese)."""

    step: str  # the name in URLs and the admin: /workflow/<step>/
    sources: tuple[str, ...]  # the statuses the move starts from
    target: str  # the status it leads to (of the new revision, for a correction)
    permission: str  # the model permission it needs; "" for a move made inside another one
    refused: str = ""  # PermissionDenied without the permission
    wrong_status: str = ""  # ValidationError from any status not in `sources`
    already: str = ""  # ValidationError, more precise, when the status is `target` already
    not_yours: str = ""  # PermissionDenied outside the user's agencies ("" : access's message)
    own_editable: bool = False  # a clerk's move: only on a disclosure the user may edit
    new_revision: bool = False  # the move makes a new revision; this one keeps its status
    button: str = ""  # the change page's button; "" : no button
    primary: bool = False  # the button the page leads with
    success: str = ""  # the message after the move
    text_label: str = ""  # the label of the text sent with the move; "" : no text
    text_required: bool = False
    text_missing: str = ""  # ValidationError when a required text is blank


SUBMIT = Transition(
    step="submit",
    sources=EDITABLE_STATUSES,
    target=DisclosureStatus.SUBMITTED,
    permission="disclosure.submit_disclosure",
    refused="只有财务录入员可以提交决算公开审核。",
    wrong_status="只有草稿或已退回的决算公开可以提交审核。",
    not_yours="只能提交本单位的决算公开。",
    own_editable=True,
    button="提交审核",
    success="已提交审核。",
)
RETURN = Transition(
    step="return",
    sources=(DisclosureStatus.SUBMITTED,),
    target=DisclosureStatus.RETURNED,
    permission="disclosure.return_disclosure",
    refused="只有审核人员可以退回决算公开。",
    wrong_status="只有已提交审核的决算公开可以退回。",
    button="退回修改",
    success="已退回录入员修改。",
    text_label="退回意见（必填）：",
    text_required=True,
    text_missing="退回时请填写退回意见，说明需要修改的地方。",
)
PUBLISH = Transition(
    step="publish",
    sources=(DisclosureStatus.SUBMITTED,),
    target=DisclosureStatus.PUBLISHED,
    permission="disclosure.publish_disclosure",
    refused="只有审核人员可以发布决算公开。",
    wrong_status="只有已提交审核的决算公开可以发布。",
    already="该决算公开已经发布。",
    button="发布",
    primary=True,
    success="已发布。",
    text_label="发布说明（核对有警告时必填，逐条解释）：",
)
CORRECT = Transition(
    step="correct",
    sources=(DisclosureStatus.PUBLISHED,),
    target=DisclosureStatus.DRAFT,
    permission="disclosure.correct_disclosure",
    refused="只有审核人员可以发起更正。",
    wrong_status="只能更正已发布的现行版本。",
    new_revision=True,
    button="发起更正",
    success="已生成更正草稿（新的修订版），请录入员修改后提交审核。",
    text_label="更正原因（必填，将向公众公开）：",
    text_required=True,
    text_missing="请填写更正原因。",
)
# Made by publishing a correction, never on its own: no permission, no button.
SUPERSEDE = Transition(
    step="supersede",
    sources=(DisclosureStatus.PUBLISHED,),
    target=DisclosureStatus.SUPERSEDED,
    permission="",
    wrong_status="所更正的版本已不是现行版本，不能发布本更正。",
)

TRANSITIONS: dict[str, Transition] = {
    t.step: t for t in (SUBMIT, RETURN, PUBLISH, CORRECT, SUPERSEDE)
}
# The moves a user starts from the change page, in the order of its buttons.
STEPS: tuple[Transition, ...] = tuple(t for t in TRANSITIONS.values() if t.button)

# The only status changes of a disclosure whose content is locked (derived from the table).
LOCKED_TRANSITIONS: dict[str, set[str]] = {
    status: targets
    for status in DisclosureStatus.values
    if status not in EDITABLE_STATUSES
    and (
        targets := {
            t.target for t in TRANSITIONS.values() if status in t.sources and not t.new_revision
        }
    )
}
# And the fields each may touch.
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
