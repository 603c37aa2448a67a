"""Admin forms: clerks type amounts in 万元, the unit of the documents; we store exact 元."""

from decimal import Decimal

from django import forms
from django.contrib import admin

from disclosure.core.money import WAN_PLACES, wan_for_input, wan_to_yuan
from disclosure.importing.parsing import NUMBER, normalise
from disclosure.models import Disclosure
from disclosure.models.frozen import owning_disclosure_id
from disclosure.workflow.services import disclosure_check_version

AMOUNT_ERRORS = {
    "required": "请填写金额（万元）。",
    "invalid": "请输入数字金额（单位：万元），例如 195.82。",
    "min_value": "金额不能为负数。",
    "max_digits": "金额过大：整数部分最多 9 位（万元）。",
    "max_decimal_places": "金额最多保留 6 位小数（万元），即精确到分。",
    "max_whole_digits": "金额过大：整数部分最多 9 位（万元）。",
}


class TextareaField(forms.CharField):
    """Browsers post a textarea's line ends as CRLF; the stored text (imports, fixtures) has LF.

    Without this, a multi-line text nobody touched differs from its initial value, so every save
    of the disclosure page re-saved and audited the row."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class WanAmountField(forms.DecimalField):
    """An amount in 万元 written as the import reads it: `1,234.56`, full-width digits
    (`１２３４．５６`, what a Chinese input method types), a trailing 万元. The same
    normalisation as the import (importing.parsing), then the admin's own Chinese errors."""

    def to_python(self, value):
        if isinstance(value, str):
            text = normalise(value).replace("，", ",").removesuffix("万元")
            # Thousands separators only where they belong: "1,234.56", never "1,2".
            if "," in text and NUMBER.match(text.lstrip("+-")):
                text = text.replace(",", "")
            value = text
        return super().to_python(value)


class WanAmountForm(forms.ModelForm):
    amount_wan = WanAmountField(
        label="金额（万元）",
        max_digits=15,
        decimal_places=WAN_PLACES,
        min_value=Decimal(0),
        error_messages=AMOUNT_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
        help_text="单位：万元，最多六位小数（精确到分）。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.amount_yuan is not None:
            # A Decimal, not the text: Field.has_changed compares the posted Decimal with the
            # initial as is, and "195.82" != Decimal("195.82") made every untouched amount a
            # change, so each save of the disclosure page re-saved (and audited) every line.
            # Decimal("195.82") keeps its exponent, so it renders exactly as wan_for_input.
            wan = Decimal(wan_for_input(self.instance.amount_yuan))
            self.initial.setdefault("amount_wan", wan)

    def clean(self):
        cleaned = super().clean()
        wan = cleaned.get("amount_wan")
        # An empty optional amount clears it (three-public records of the standard format).
        self.instance.amount_yuan = None if wan is None else wan_to_yuan(wan)
        return cleaned


class WanDisplay:
    """Admin mixin: a read-only page (published, or a reviewer's view) shows 万元 too."""

    @admin.display(description="金额（万元）")
    def amount_wan(self, obj):
        return wan_for_input(obj.amount_yuan) if obj.amount_yuan is not None else ""


class VersionedPartForm(forms.ModelForm):
    """A row of a disclosure edited on its own page carries its disclosure's version.

    Every save of any part of a disclosure moves that version on (workflow.services.
    disclosure_figures_changed), so a page opened before someone else's save, of this row or
    any other part, is refused whole instead of silently overwriting it.
    """

    disclosure_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._disclosure_id = owning_disclosure_id(self.instance) if self.instance.pk else None
        if self._disclosure_id is not None:
            self.fields["disclosure_version"].initial = (
                Disclosure._base_manager.filter(pk=self._disclosure_id)
                .values_list("version", flat=True)
                .first()
            )

    def clean(self):
        cleaned = super().clean()
        if self._disclosure_id is not None:
            disclosure_check_version(
                disclosure_id=self._disclosure_id, version=cleaned.get("disclosure_version")
            )
        return cleaned
