"""How the site is served: `gunicorn -c python:tthc.gunicorn_conf` (docs/operations.md).

One process per core, two threads each. Measured on 2 cores at 1M dossiers (bench/README.md):
more threads per process only queue on the interpreter's lock (4 threads: −25 % req/s on the
staff API, p95 of the staff page 83 ms against 57 ms with 2), and a single thread leaves a
process idle while it waits for PostgreSQL. Every value can be changed from the environment
of the service.
"""

import os

wsgi_app = "tthc.wsgi:application"
bind = os.environ.get("TTHC_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
threads = int(os.environ.get("TTHC_WEB_THREADS") or 2)
# Behind the province's reverse proxy, which keeps its own connections open to us.
keepalive = 5
# A request that runs longer than this is killed and its worker replaced (the report exports
# and PDF forms take well under a second at province scale).
timeout = int(os.environ.get("TTHC_WEB_TIMEOUT") or 60)
graceful_timeout = 30
errorlog = "-"
