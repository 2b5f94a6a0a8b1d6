from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "refuge.channels"
    label = "channels"

    def ready(self) -> None:
        from refuge.accounts.home import register_home_panel
        from refuge.channels import receivers  # noqa: F401  (replies go back the way they came)
        from refuge.channels.email.sender import send_email
        from refuge.channels.panels import contact_panel
        from refuge.channels.services.addresses import channel_identifiers
        from refuge.channels.services.outbound import register_sender
        from refuge.channels.telegram.sender import send_telegram
        from refuge.channels.views import channels_panel
        from refuge.hotline.models import Channel
        from refuge.hotline.panels import register_contact_panel
        from refuge.hotline.services.flags import register_reporter_identifiers

        register_reporter_identifiers(channel_identifiers)
        register_sender(Channel.EMAIL, send_email)
        register_sender(Channel.TELEGRAM, send_telegram)
        register_contact_panel("channels/_contact_panel.html", contact_panel)
        register_home_panel("channels/_home_panel.html", channels_panel)
