"""政府收支分类科目: code versions and codes (codes are facts, names change by year)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from disclosure.core.audit import AuditTrail

from .reference_frozen import CODE_USED, VERSION_USED, FrozenOnceUsed, used_trigger

CODE_FORMAT = RegexValidator(
    r"^(\d{3}|\d{5}|\d{7})$", "科目编码应为 3 位（类）、5 位（款）或 7 位（项）数字。"
)


LEVELS = {3: "类", 5: "款", 7: "项"}


class CodeScheme(models.TextChoices):
    FUNCTIONAL = "functional", "支出功能分类"
    ECONOMIC = "economic", "部门预算支出经济分类"
    ECONOMIC_GOV = "economic_gov", "政府预算支出经济分类"


class KeyManager(models.Manager):
    """Natural keys, so fixtures refer to reference data by its key, not its database id."""

    def get_by_natural_key(self, key):
        return self.get(key=key)


class CodeVersion(FrozenOnceUsed):
    """A version of 政府收支分类科目: codes are stable, names change (2014 set, 2018+ set)."""

    key = models.SlugField("版本标识", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    first_year = models.PositiveSmallIntegerField("起始年度")

    objects = KeyManager()

    used_lookup = ("fiscal_year__code_version", "pk")
    history = AuditTrail()

    class Meta:
        triggers = [used_trigger(VERSION_USED, what="科目版本")]
        verbose_name = "科目版本"
        verbose_name_plural = "科目版本"
        ordering = ["first_year"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.key,)


class CodeManager(models.Manager):
    def get_by_natural_key(self, version, scheme, code):
        return self.get(version__key=version, scheme=scheme, code=code)


class ClassificationCode(FrozenOnceUsed):
    version = models.ForeignKey(
        CodeVersion, verbose_name="科目版本", on_delete=models.PROTECT, related_name="codes"
    )
    scheme = models.CharField("分类", max_length=15, choices=CodeScheme.choices)
    code = models.CharField("科目编码", max_length=7, validators=[CODE_FORMAT])
    name = models.CharField("科目名称", max_length=100)
    # The English pages print it instead of the Chinese name; blank where no official English
    # name is known (the page then prints the Chinese name beside the code).
    name_en = models.CharField(
        "英文名称", max_length=200, blank=True, help_text="财政部公布的英文名称；无则留空。"
    )

    objects = CodeManager()

    used_lookup = ("fiscal_year__code_version", "version_id")
    history = AuditTrail()

    class Meta:
        triggers = [used_trigger(CODE_USED, what="科目")]
        verbose_name = "政府收支分类科目"
        verbose_name_plural = "政府收支分类科目"
        ordering = ["version", "scheme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "scheme", "code"],
                name="code_once_per_version",
                violation_error_message="同一版本同一分类中科目编码不能重复。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.version.key, self.scheme, self.code)

    natural_key.dependencies = ["disclosure.codeversion"]

    @property
    def level(self) -> str:
        return LEVELS.get(len(self.code), "")

    @property
    def parent_code(self) -> str:
        """2010301 → 20103 → 201: the parent is the code's prefix."""
        return {7: self.code[:5], 5: self.code[:3]}.get(len(self.code), "")


def check_classification(line) -> None:
    """A line's code (ExpenditureLine or ReportRow) must match its classification, which must
    belong to the code version of the disclosure's year."""
    if not line.classification_id:
        return
    if line.classification.code != line.code:
        raise ValidationError({"classification": "科目与科目编码不一致。"})
    fiscal_year = line.disclosure.fiscal_year if line.disclosure_id else None
    version = fiscal_year.code_version_id if fiscal_year else None
    if version and line.classification.version_id != version:
        raise ValidationError({"classification": "该科目不属于本年度使用的科目版本。"})
