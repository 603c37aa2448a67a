
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0024_known_choices"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="reportrow",
            index=models.Index(fields=["disclosure", "name"], name="report_row_name"),
        ),
    ]
