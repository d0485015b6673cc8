"""Lantern's versions of the framework commands whose apps come before lantern.core in INSTALLED_APPS
(django.contrib.auth, staticfiles, axes, django_tasks_db): an app's command wins over those of the apps after it, so
this app, with commands and nothing else, is listed first (lantern.core.management.framework, docs/operations.md)."""
