from django.db import migrations

from disclosure.core.indexes import AddPostgresIndex, trigram_index


class Migration(migrations.Migration):
    """The search finds budget lines by name (`icontains`) or code (`startswith`) in both
    formats' rows; on PostgreSQL one GIN trigram index per table serves both (the extension
    comes with bureaus 0004). Nothing on SQLite."""

    dependencies = [
        ("bureaus", "0004_search_former_names"),
        ("disclosure", "0014_finding_acknowledgements"),
    ]

    operations = [
        AddPostgresIndex(
            "disclosure",
            "expenditureline",
            trigram_index("line_search_trgm", "name", exact=("code",)),
        ),
        AddPostgresIndex(
            "disclosure",
            "reportrow",
            trigram_index("report_row_search_trgm", "name", exact=("code",)),
        ),
    ]
