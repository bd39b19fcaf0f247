"""zoom_async: the asyncio client for the Zoom REST API v2.

>>> from zoom_async import AsyncZoom, ServerToServerOAuth
"""

__version__ = "0.1.0"

from zoom_async.auth import BearerToken, OAuthTokens, ServerToServerOAuth, UserOAuth
from zoom_async.client import AsyncZoom
from zoom_async.pagination import PaginationError, Paginator
from zoom_async.response import APIResponse, RateLimitInfo
from zoom_async.retry import RetryPolicy
from zoom_async.transport import EventLoopMismatchError

__all__ = [
    "APIResponse",
    "AsyncZoom",
    "BearerToken",
    "EventLoopMismatchError",
    "OAuthTokens",
    "PaginationError",
    "Paginator",
    "RateLimitInfo",
    "RetryPolicy",
    "ServerToServerOAuth",
    "UserOAuth",
    "__version__",
]
