"""Request and response models (generated from the spec), re-exported for users.

Each class is imported on first access, so ``import zoom_async.models`` is cheap.

>>> from zoom_async.models import MeetingDetails
"""

from typing import TYPE_CHECKING

from zoom_async._generated.models import __all__ as __all__
from zoom_async._generated.models import __dir__ as __dir__
from zoom_async._generated.models import __getattr__ as __getattr__

if TYPE_CHECKING:
    from zoom_async._generated.models import *  # noqa: F403
