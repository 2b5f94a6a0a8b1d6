"""Production settings with the bare intake as the only URLs. BENCHMARK ONLY."""

from refuge.config.settings.prod import *  # noqa: F403
from refuge.config.settings.prod import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare"]
ROOT_URLCONF = "bench.bare.urls"
