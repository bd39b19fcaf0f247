"""Request and response models (generated from the spec), re-exported for users.

>>> from zoom_async.models import MeetingDetails
"""

from zoom_async._generated.models import *  # noqa: F403
from zoom_async._generated.models import __all__ as __all__
