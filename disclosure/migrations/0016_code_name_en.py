"""An English name for each 政府收支分类科目 code, filled from fixtures/classification/."""

from django.db import migrations, models

from disclosure.models import reference_data


def fill(apps, schema_editor):
    reference_data.load_english_names(
        CodeVersion=apps.get_model("disclosure", "CodeVersion"),
        ClassificationCode=apps.get_model("disclosure", "ClassificationCode"),
    )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0015_search_trigram")]

    operations = [
        migrations.AddField(
            model_name="classificationcode",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="财政部公布的英文名称；无则留空。",
                max_length=200,
                verbose_name="英文名称",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
