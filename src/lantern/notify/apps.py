from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "lantern.notify"
    label = "notify"
    verbose_name = "Notify"
    default_auto_field = "django.db.models.BigAutoField"
