"""The shipped gunicorn configuration (src/tthc/gunicorn_conf.py): gunicorn reads it, loads the
site with it, and the service's environment changes what it says."""

import os
import subprocess
import sys


def _gunicorn(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "python:tthc.gunicorn_conf", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _printed(**env: str) -> dict[str, str]:
    done = _gunicorn("--print-config", **env)
    assert done.returncode == 0, done.stderr
    pairs = (line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def test_gunicorn_loads_the_site_with_the_shipped_configuration():
    done = _gunicorn("--check-config")
    assert done.returncode == 0, done.stderr


def test_a_process_per_core_with_two_threads_unless_the_environment_says_otherwise():
    default = _printed()
    assert default["worker_class"] == "gthread"
    assert default["workers"] == str(len(os.sched_getaffinity(0)))
    assert default["threads"] == "2"
    assert default["wsgi_app"] == "tthc.wsgi:application"
    changed = _printed(WEB_CONCURRENCY="5", TTHC_WEB_THREADS="3", TTHC_BIND="0.0.0.0:9000")
    assert (changed["workers"], changed["threads"]) == ("5", "3")
    assert changed["bind"] == "['0.0.0.0:9000']"
