"""gunicorn settings of the production profile (``make serve-production``).

GUNICORN_BIND (default 127.0.0.1:8000, behind the TLS proxy), GUNICORN_WORKERS (default
2 x cores + 1, at most 9), GUNICORN_TIMEOUT (seconds, default 60).
"""

import multiprocessing
import os

MAX_DEFAULT_WORKERS = 9


def default_workers(cores: int) -> int:
    return min(2 * cores + 1, MAX_DEFAULT_WORKERS)


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or default_workers(multiprocessing.cpu_count()))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Workers restart now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The path without its query string: searches by phone or name stay out of the access log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
