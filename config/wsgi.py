import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.oppvarming import varm_opp  # noqa: E402 - needs the settings configured above

# Do now, before the first request, what Django otherwise does lazily on it (import every view,
# build the URL reverse tables, compile the templates, fill the models' field caches), then take
# everything loaded so far out of the cycle collector's reach (gc.freeze): these objects live as
# long as the process, and every full collection walked all ~150,000 of them again. A page that
# builds thousands of model instances (a ministry's Min side at national size) triggers such
# collections. The collector still runs for what requests allocate.
varm_opp()
gc.collect()
gc.freeze()
