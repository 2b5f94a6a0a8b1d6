from django.db import migrations, models


class Migration(migrations.Migration):
    """Blind index keys record how their indexes are made.

    Keys that exist already made HMAC-SHA256 indexes, so they are marked so and keep working
    until `refuge reindex` replaces them with an Argon2id key (docs/vault.md, "Blind indexes").
    """

    dependencies = [
        ('vault', '0003_approval_purpose'),
    ]

    operations = [
        migrations.AddField(
            model_name='blindindexkey',
            name='scheme',
            field=models.CharField(choices=[('hmac-sha256', 'Hmac Sha256'), ('argon2id', 'Argon2Id')], default='hmac-sha256', max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='blindindexkey',
            name='memory_kib',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='blindindexkey',
            name='iterations',
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
