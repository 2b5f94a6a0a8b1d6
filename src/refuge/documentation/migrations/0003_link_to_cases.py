"""Documentation links to the case file: a victim may be a person of a case, a source may come
from a case and be given by one of its people. The plain case numbers typed so far become
links where such a case exists."""

from django.db import migrations, models
import django.db.models.deletion


def link_case_numbers(apps, schema_editor):  # type: ignore[no-untyped-def]
    Source = apps.get_model("documentation", "Source")
    Case = apps.get_model("cases", "Case")
    existing = set(Case.objects.values_list("pk", flat=True))
    for source in Source.objects.exclude(case_ref=None).only("pk", "case_ref"):
        if source.case_ref in existing:
            Source.objects.filter(pk=source.pk).update(case_id=source.case_ref)


def unlink_case_numbers(apps, schema_editor):  # type: ignore[no-untyped-def]
    Source = apps.get_model("documentation", "Source")
    for source in Source.objects.exclude(case=None).only("pk", "case_id"):
        Source.objects.filter(pk=source.pk).update(case_ref=source.case_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_seed_stages"),
        ("documentation", "0002_load_gazetteer"),
    ]

    operations = [
        migrations.AddField(
            model_name="victim", name="case_person",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="victim_records", to="cases.caseperson"),
        ),
        migrations.AddField(
            model_name="source", name="case",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="documentation_sources", to="cases.case"),
        ),
        migrations.AddField(
            model_name="source", name="given_by",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="testimonies", to="cases.caseperson"),
        ),
        migrations.RunPython(link_case_numbers, unlink_case_numbers),
    ]
