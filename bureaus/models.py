from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from disclosure.core.audit import AuditTrail


class UnitKind(models.TextChoices):
    ADMINISTRATIVE = "行政机关", "行政机关"
    CIVIL_SERVICE_MANAGED = "参公事业单位", "参照公务员法管理事业单位"
    PUBLIC_INSTITUTION = "事业单位", "事业单位"
    OTHER = "其他", "其他"


class Agency(models.Model):
    """A department or unit that spends fiscal appropriations and publishes its final accounts."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    slug = models.SlugField(
        "网址标识",
        max_length=60,
        unique=True,
        help_text="用于网址的简短英文或拼音标识，例如 liyang-xinfang。",
    )
    unit_kind = models.CharField(
        "单位性质",
        max_length=20,
        choices=UnitKind.choices,
        blank=True,
        help_text="文件未写明时留空，不要推测。",
    )
    level = models.CharField(
        "单位级别", max_length=20, blank=True, help_text="例如：一级局、二级单位。"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.CharField(
        "所属地区", max_length=50, blank=True, help_text="例如：江苏省溧阳市。"
    )
    # Agencies are renamed (机构改革) while their old documents keep the old name: a citizen
    # searching the name printed on a 2014 document must still find the agency.
    former_names = models.TextField(
        "曾用名", blank=True, help_text="机构改革等更名前的名称，每行一个。"
    )
    # Row-level scoping: a clerk sees and edits only the disclosures of the agencies bound here.
    clerks = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="财务录入员",
        blank=True,
        related_name="clerk_agencies",
        help_text="可以录入、编辑和提交本单位决算公开的用户。",
    )

    # Binding a clerk to an agency grants access to its figures, so the binding is audited too.
    history = AuditTrail(m2m_fields=["clerks"])

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agency_detail", kwargs={"slug": self.slug})

    @property
    def profile(self) -> list[str]:
        """Region, kind and level, those given: how lists describe the agency in a line."""
        return [x for x in (self.region, self.get_unit_kind_display(), self.level) if x]

    @property
    def former_name_list(self) -> list[str]:
        return [n.strip() for n in self.former_names.splitlines() if n.strip()]

    def clean(self) -> None:
        # A cycle in the hierarchy would make every "上级单位" walk loop forever.
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})
            ancestor = ancestor.parent
