"""The errors a request can end in: one class per code of the contract's table.

They know nothing of HTTP frameworks; `status` is the number the contract gives each code, and
the web layer renders every one of them in one shape. They are plain picklable exceptions, so a
worker process can raise them and the parent re-raises the same class.
"""

from __future__ import annotations

from typing import ClassVar


class GifError(Exception):
    """A request refused or failed for a reason we can explain to the person."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "compose_failed"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, field)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NoImages(GifError):
    status, code = 400, "no_images"


class BadField(GifError):
    status, code = 400, "bad_field"


class BadMultipart(GifError):
    status, code = 400, "bad_multipart"


class FileTooLarge(GifError):
    status, code = 413, "file_too_large"


class RequestTooLarge(GifError):
    status, code = 413, "request_too_large"


class TooManyFrames(GifError):
    status, code = 413, "too_many_frames"


class ImageTooLarge(GifError):
    status, code = 413, "image_too_large"


class UnsupportedImage(GifError):
    status, code = 415, "unsupported_image"


class CorruptImage(GifError):
    status, code = 422, "corrupt_image"


class ComposeFailed(GifError):
    status, code = 500, "compose_failed"


class Busy(GifError):
    """The queue is full or the composition ran out of time: try again shortly."""

    status, code = 503, "busy"
    retry_after_s: ClassVar[int] = 5


class StorageFull(GifError):
    status, code = 507, "storage_full"


ALL_ERRORS: tuple[type[GifError], ...] = (
    NoImages,
    BadField,
    BadMultipart,
    FileTooLarge,
    RequestTooLarge,
    TooManyFrames,
    ImageTooLarge,
    UnsupportedImage,
    CorruptImage,
    ComposeFailed,
    Busy,
    StorageFull,
)
