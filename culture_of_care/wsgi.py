"""WSGI entry point (gunicorn culture_of_care.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "culture_of_care.settings")
application = get_wsgi_application()
