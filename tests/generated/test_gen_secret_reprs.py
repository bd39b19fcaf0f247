"""Every credential-bearing field of every generated model is hidden in repr/str.

Two checks, both over all models the spec generates: each field whose name says it carries a
credential (passwords, passcodes, tokens, ZAK-bearing start URLs, SIP secrets) is marked secret
by the curated spec, and a marked field's value never shows in ``repr``/``str`` while the
attribute still returns it.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import pytest

from zoom_async._generated import models

# Names of text fields that carry a credential. `next_page_token` is a cursor, and a
# `require_password_*` setting is a policy value ("all", "none"), not a secret.
CREDENTIAL = re.compile(r"password|passcode|(?<!page_)token$|^start_url$|zak|secret|sip_pass")
NOT_CREDENTIAL = re.compile(r"^next_page_token$|^require_")
SENTINEL = "S3NTINEL-credential-value"


def model_classes() -> list[type]:
    classes = (getattr(models, name) for name in models.__all__)
    return [cls for cls in classes if attrs.has(cls)]


def text_fields(cls: type) -> list[attrs.Attribute[Any]]:
    return [
        a
        for a in attrs.fields(cls)
        if not a.metadata.get("extra") and "str" in str(a.type) and "list" not in str(a.type)
    ]


def bare(cls: type) -> Any:
    """An instance with every field None, built without __init__'s required arguments."""
    thing = cls.__new__(cls)
    for a in attrs.fields(cls):
        object.__setattr__(thing, a.name, {} if a.metadata.get("extra") else None)
    return thing


MODELS = model_classes()
SECRETS = [(cls, a.name) for cls in MODELS for a in attrs.fields(cls) if a.metadata.get("secret")]


def test_the_spec_marks_secrets() -> None:
    assert len(MODELS) > 50
    assert len(SECRETS) >= 10  # start_url, password, h323_password, ... across meeting models


def test_every_credential_field_is_marked_secret() -> None:
    unmarked = [
        f"{cls.__name__}.{a.name}"
        for cls in MODELS
        for a in text_fields(cls)
        if CREDENTIAL.search(a.name)
        and not NOT_CREDENTIAL.search(a.name)
        and not a.metadata.get("secret")
    ]
    assert not unmarked, f"credential fields without x-zoom-secret in the spec: {unmarked}"


@pytest.mark.parametrize(("cls", "name"), SECRETS, ids=[f"{c.__name__}.{n}" for c, n in SECRETS])
def test_secret_value_is_redacted(cls: type, name: str) -> None:
    thing = bare(cls)
    object.__setattr__(thing, name, SENTINEL)
    assert SENTINEL not in repr(thing)
    assert SENTINEL not in str(thing)
    assert f"{name}='<redacted>'" in repr(thing)
    assert getattr(thing, name) == SENTINEL  # still readable as the attribute
