"""gunicorn settings for production: ``gunicorn -c python:govopen.gunicorn_conf govopen.wsgi``.

Each value can be set from the environment (GUNICORN_*); the defaults suit a 2–4 core machine.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, a few threads each: page rendering is CPU, downloads and the database are I/O.
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(multiprocessing.cpu_count() * 2 + 1, 9))))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A request that takes longer is killed: pages must not (large work runs elsewhere).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle each worker after about this many requests (with jitter, so they do not restart together):
# any slow leak is bounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Load the application before forking: workers share its memory, and a broken deploy fails at start.
preload_app = True
# Behind the proxy on the same machine only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
limit_request_line = 8190
limit_request_fields = 100


def pre_fork(server, worker):
    """Move the preloaded application's objects out of the garbage collector's reach.

    A big page allocates enough to start a full collection every few requests, and a full collection
    walks every object the process holds, Django's and the app's included: tens of milliseconds
    added to one request in five (the statistics pages' p95). Frozen objects are not walked, and
    the workers' copy-on-write memory stays shared (the ``gc.freeze`` documentation's advice).
    """
    gc.collect()
    gc.freeze()
