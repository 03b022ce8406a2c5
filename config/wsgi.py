import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the URLconf (and with it every view module) now rather than on the first request, then take
# everything loaded so far out of the cycle collector's reach (gc.freeze): these objects live as
# long as the process, and every full collection walked all ~150,000 of them again. A page that
# builds thousands of model instances (a ministry's Min side at national size) triggers such
# collections. The collector still runs for what requests allocate.
import_module(settings.ROOT_URLCONF)
gc.collect()
gc.freeze()
