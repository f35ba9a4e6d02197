"""Loaded by pytest (``-p culture_of_care.pytest_env``) before Django: test settings on."""

import os

os.environ.setdefault("TESTING", "1")
