"""The sandbox checks request bodies with the client's own schema checker (zoom_async.schema)."""

from zoom_async.schema import FieldError, integral, resolve, validate, validate_query

__all__ = ["FieldError", "integral", "resolve", "validate", "validate_query"]
