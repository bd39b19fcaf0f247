"""Uploads (multipart/form-data) against the sandbox: the client's encoding is read by aiohttp's
own form parser, an upload without its file part is refused, and Zoom's `{}` answer decodes."""

from __future__ import annotations

import aiohttp

from zoom_async import models
from zoom_async.sandbox import ZoomSandbox
from zoom_async.wire import Upload

from .conftest import Api

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


async def test_upload_user_picture_through_the_client() -> None:
    async with ZoomSandbox(users=1) as sandbox, sandbox.client() as zoom:
        picture = Upload(PNG, filename="me.png", content_type="image/png")
        assert await zoom.upload_user_picture("me", {"pic_file": picture}) is None
        model = models.UploadUserPictureRequest(pic_file=picture)
        assert await zoom.upload_user_picture("me", model) is None


async def test_upload_without_its_file_part_is_400(api: Api) -> None:
    form = aiohttp.FormData(default_to_multipart=True)
    form.add_field("default", "true")
    status, _, body = await api.call(
        "POST", f"/webinars/{next(iter(api.sandbox.state.webinars))}/branding/wallpaper", data=form
    )
    assert status == 400
    assert "file" in str(body), body


async def test_upload_with_aiohttp_form_data_is_201_with_an_empty_object(api: Api) -> None:
    form = aiohttp.FormData()
    form.add_field("pic_file", PNG, filename="me.png", content_type="image/png")
    status, _, body = await api.call("POST", "/users/me/picture", data=form)
    assert (status, body) == (201, {})
