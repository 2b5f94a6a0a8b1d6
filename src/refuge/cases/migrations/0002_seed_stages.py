from django.db import migrations

DEFAULT_STAGES = ["new", "verification", "in_danger", "in_hiding", "relocating", "leaving",
                  "in_safety", "closed"]


def seed_stages(apps, schema_editor):
    Stage = apps.get_model("cases", "Stage")
    for order, code in enumerate(DEFAULT_STAGES, start=1):
        # The name stays empty: the display name is the translated label of the code.
        Stage.objects.get_or_create(code=code, defaults={"order": order * 10})


def remove_stages(apps, schema_editor):
    Stage = apps.get_model("cases", "Stage")
    Stage.objects.filter(code__in=DEFAULT_STAGES, cases__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed_stages, remove_stages)]
