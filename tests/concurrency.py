"""Concurrency tests' harness: the same work in several threads released together."""

import threading


def race(workers: int, work) -> tuple[list, list]:
    """Run `work()` in `workers` threads released at once; (results, errors as repr)."""
    results, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            result = work()
            with lock:
                results.append(result)
        except Exception as exc:  # reported by the test
            with lock:
                errors.append(repr(exc))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
