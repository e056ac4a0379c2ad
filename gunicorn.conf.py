"""gunicorn settings: read from the project directory by `gunicorn wsgi:app` itself (and by bench/run.py)."""
import gc


def post_worker_init(worker):
    """Tune the garbage collector once the app is loaded.

    The app's modules, models and templates live as long as the worker: frozen, full collections skip them.
    A province-wide report or dashboard builds tens of thousands of short-lived objects, and at the default
    threshold (a collection every 700 allocations) collecting them cost a third of such a request.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
