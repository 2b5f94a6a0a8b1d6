from django.db import migrations


def load(apps, schema_editor):
    from refuge.documentation.gazetteer import load_gazetteer

    load_gazetteer(apps.get_model("documentation", "Place"))


class Migration(migrations.Migration):
    dependencies = [("documentation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
