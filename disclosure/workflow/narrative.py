"""Saving a section of 情况说明 pasted as printed (the admin's “粘贴情况说明” page).

The matcher (formats.paste) turns the printed text into cited paragraphs and proposes the new
narrative figures; the clerk decides; this writes it all at once or nothing: the section
(picked or new), its paragraphs replaced, the confirmed figures added, each with its audit row,
then the disclosure's version moves on and it is reconciled again (disclosure_figures_changed).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from disclosure.access import can_edit
from disclosure.formats.citations import check_references
from disclosure.formats.paste import Applied
from disclosure.models import Disclosure, ExplanationParagraph, ExplanationSection, NarrativeFigure

from .services import disclosure_check_version, disclosure_figures_changed

REASON = "粘贴情况说明"
NOT_EDITABLE = "只能编辑本单位草稿或已退回的决算公开；已提交或已发布的决算不能粘贴情况说明。"


def _audited(obj, by):
    obj._history_user = by
    obj._change_reason = REASON
    obj.full_clean()
    obj.save()
    return obj


def _section(disclosure, *, by, section_id, number, title, parent_id) -> ExplanationSection:
    sections = ExplanationSection.objects.filter(disclosure=disclosure)
    if section_id:
        section = sections.filter(pk=section_id).first()
        if section is None:
            raise ValidationError("所选的情况说明部分不属于本决算。")
        return section
    if not (number or "").strip() or not (title or "").strip():
        raise ValidationError("新建情况说明部分须填写序号和标题。")
    parent = None
    if parent_id:
        parent = sections.filter(pk=parent_id, parent__isnull=True).first()
        if parent is None:
            raise ValidationError("所选的上级部分不属于本决算。")
    order = (sections.aggregate(last=Max("order"))["last"] or 0) + 1
    return _audited(
        ExplanationSection(
            disclosure=disclosure,
            parent=parent,
            order=order,
            number=number.strip(),
            title=title.strip(),
        ),
        by,
    )


@transaction.atomic
def section_paste_save(
    *,
    disclosure: Disclosure,
    by: AbstractBaseUser,
    version: int | None,
    applied: Applied,
    section_id: int | None = None,
    number: str = "",
    title: str = "",
    parent_id: int | None = None,
) -> ExplanationSection:
    """Write a pasted section: its paragraphs replace the section's, its figures are added."""
    if not (can_edit(by, disclosure) and by.has_perm("disclosure.change_explanationsection")):
        raise PermissionDenied(NOT_EDITABLE)
    disclosure_check_version(disclosure_id=disclosure.pk, version=version)
    if not applied.paragraphs:
        raise ValidationError("粘贴的文字为空，没有可保存的段落。")
    section = _section(
        disclosure,
        by=by,
        section_id=section_id,
        number=number,
        title=title,
        parent_id=parent_id,
    )
    last = NarrativeFigure.objects.filter(disclosure=disclosure).aggregate(last=Max("order"))
    for order, figure in enumerate(applied.figures, (last["last"] or 0) + 1):
        _audited(NarrativeFigure(disclosure=disclosure, order=order, **figure), by)
    for old in section.paragraphs.all():
        old._history_user, old._change_reason = by, REASON
        old.delete()
    for order, text in enumerate(applied.paragraphs, 1):
        paragraph = ExplanationParagraph(section=section, order=order, text=text)
        check_references(paragraph)
        _audited(paragraph, by)
    disclosure_figures_changed(disclosure_id=disclosure.pk, by=by)
    return section
