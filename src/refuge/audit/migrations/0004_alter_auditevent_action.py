# Written after merging the branches' audit codes (the union of 0002 and 0003)

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_lockout_lock_lift_and_reindex_actions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('login', 'Logged in'), ('login_failed', 'Failed login'), ('login_locked', 'Login refused: locked'), ('logout', 'Logged out'), ('logout_everywhere', 'Logged out everywhere'), ('totp_enrolled', 'Second factor enrolled'), ('password_changed', 'Password changed'), ('operator_created', 'Operator created'), ('operator_changed', 'Operator changed'), ('password_reset', 'Password reset by coordinator'), ('duress_login', 'Duress password used'), ('emergency_lock', 'Emergency lock'), ('record_read', 'Record read'), ('record_created', 'Record created'), ('record_changed', 'Record changed'), ('record_deleted', 'Record deleted'), ('identifier_revealed', 'Identifier revealed'), ('grant_added', 'Access granted'), ('grant_revoked', 'Access revoked'), ('decryption_failed', 'Decryption failed'), ('recovery_used', 'Recovery key used'), ('export', 'Export'), ('report_received', 'Anonymous report received'), ('settings_changed', 'Settings changed'), ('login_delayed', 'Login delayed after failed attempts'), ('login_delay_lifted', 'Login delay lifted by a coordinator'), ('lock_lift_approved', 'Coordinator approved lifting a lock'), ('console_reopened', 'Console reopened after an emergency lock'), ('intake_rate_limited', 'Intake limit reached'), ('blind_index_rekeyed', 'Blind indexes remade under a new key'), ('approval_requested', 'Two-person act requested'), ('approval_confirmed', 'Two-person act confirmed'), ('approval_refused', 'Two-person act refused or withdrawn'), ('approval_expired', 'Two-person act expired'), ('access_denied', 'Access refused'), ('rate_limited', 'Rate limit reached')], db_index=True, max_length=32),
        ),
    ]
