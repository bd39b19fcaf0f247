"""The ``zoom-async`` command line: bulk jobs (recordings, attendance, users) and ``call``.

``main()`` is the console script; ``python -m zoom_async`` runs the same.
"""

from zoom_async.cli.main import EXIT_CODES, main

__all__ = ["EXIT_CODES", "main"]
