"""Settings for the benchmark's gunicorn: the production settings plus one trivial page.

The trivial page (``/bench/ceiling/``) goes through the same middleware stack with a signed-in
session, so every key page's throughput can be reported as a share of what the framework itself
does on this machine.
"""

from culture_of_care.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
