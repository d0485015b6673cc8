import os

from django.core.wsgi import get_wsgi_application

from lantern.core.filemodes import private_umask

private_umask()  # files this process writes (the SQLite -wal, notifications) are the owner's only

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
application = get_wsgi_application()
