from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "refuge.channels"
    label = "channels"
