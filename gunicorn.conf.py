"""gunicorn settings read automatically from the working directory (see README)."""


def post_worker_init(worker):
    """Tune the garbage collector once the worker has loaded the application."""
    from competition.gctune import tune_gc
    tune_gc()
