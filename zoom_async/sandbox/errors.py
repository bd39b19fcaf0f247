"""Zoom-shaped API errors raised by sandbox handlers and turned into responses by app.py."""

from __future__ import annotations

from typing import Any

from .ratelimit import Throttle

__all__ = ["ApiError", "Throttled", "meeting_not_found", "user_not_found", "validation_failed"]

# Zoom reports validation problems with code 300 inside an HTTP 400.
VALIDATION_CODE = 300


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = [{"field": f, "message": m} for f, m in self.errors]
        return body


class Throttled(Exception):
    """A 429 to serve; carries the headers' content."""

    def __init__(self, throttle: Throttle) -> None:
        super().__init__(throttle.message)
        self.throttle = throttle


def meeting_not_found(ref: object) -> ApiError:
    return ApiError(404, 3001, f"Meeting does not exist: {ref}.")


def webinar_not_found(ref: object) -> ApiError:
    return ApiError(404, 3001, f"Webinar does not exist: {ref}.")


def user_not_found(ref: object) -> ApiError:
    return ApiError(404, 1001, f"User does not exist: {ref}.")


def validation_failed(errors: list[tuple[str, str]]) -> ApiError:
    return ApiError(400, VALIDATION_CODE, "Validation Failed.", errors)
