"""Drop the plain case numbers, now links (0003). A migration of its own: PostgreSQL refuses to
alter a table with deferred foreign-key checks pending from 0003's updates."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("documentation", "0003_link_to_cases")]

    operations = [migrations.RemoveField(model_name="source", name="case_ref")]
