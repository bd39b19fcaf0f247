"""``python -m zoom_async``: the ``zoom-async`` command line."""

import sys

from zoom_async.cli import main

sys.exit(main())
