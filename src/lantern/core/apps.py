from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lantern.core"
    label = "core"
    verbose_name = "Lantern core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta
        from pathlib import Path

        from django.conf import settings

        from lantern.core import filemodes, periodic

        if settings.LANTERN_MODE != "test":  # tests check it on their own directories (tests/core/test_filemodes.py)
            filemodes.secure_home(Path(settings.LANTERN_HOME), filemodes.sqlite_path(settings.DATABASES))

        periodic.register(
            "core.outbox_sweep",
            every=timedelta(seconds=min(60, settings.LANTERN_OUTBOX_SWEEP_AFTER_SECONDS)),
            function="lantern.core.outbox.sweep",
        )
