from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Social sharing"

    def ready(self):
        # A malformed SHARING_ACCOUNTS stops start-up here, naming the account and the field.
        from . import accounts

        accounts.configured_accounts()
