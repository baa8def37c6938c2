"""The errors a request can end in: one class per code of the contract's table.

They know nothing of HTTP frameworks; `status` is the number the contract gives each code, and
the web layer renders every one of them in one shape. They are plain picklable exceptions, so a
worker process can raise them and the parent re-raises the same class.
"""

from __future__ import annotations

from typing import ClassVar

from .units import size_words


class GifError(Exception):
    """A request refused or failed for a reason we can explain to the person."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "compose_failed"
    # What a person reads when the raiser has nothing more specific to say.
    default_message: ClassVar[str] = "Composing this GIF failed; please try again."

    def __init__(self, message: str | None = None, field: str | None = None) -> None:
        message = message or self.default_message
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

    @classmethod
    def over(cls, max_request_bytes: int) -> RequestTooLarge:
        """The refusal of a body past the limit (aiohttp's and nginx's say the same)."""
        return cls(f"The upload is larger than {size_words(max_request_bytes)} in all.")


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


class TooMuchWork(GifError):
    """The composition ran past its time limit: a retry would fail the same way."""

    status, code = 413, "too_much_work"


class Busy(GifError):
    """The queue is full, a per-client limit is reached, or the service restarts: retry soon."""

    status, code = 503, "busy"
    default_message = "The server is busy composing other GIFs; try again in a few seconds."
    retry_after_s: ClassVar[int] = 5


class StorageFull(GifError):
    status, code = 507, "storage_full"


class NotFound(GifError):
    """No such path, or no such GIF (never made, or expired)."""

    status, code = 404, "not_found"
    default_message = "There is no such page or GIF; a GIF may have expired."


class MethodNotAllowed(GifError):
    status, code = 405, "method_not_allowed"
    default_message = "This address does not take that method."


class BadRequest(GifError):
    """A request refused before it reached a handler: bad framing or headers."""

    status, code = 400, "bad_request"
    default_message = "The request is malformed."


class InternalError(GifError):
    """Anything unexpected: logged with its traceback, answered without details."""

    status, code = 500, "internal_error"
    default_message = "Something went wrong on our side; please try again."


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
    TooMuchWork,
    Busy,
    StorageFull,
    NotFound,
    MethodNotAllowed,
    BadRequest,
    InternalError,
)


def error_for_status(status: int) -> type[GifError]:
    """The class for an HTTP status a framework answered on its own (by status, never text)."""
    # 403: aiohttp's refusal to list a static directory; to a client, nothing is there.
    known = {403: NotFound, 404: NotFound, 405: MethodNotAllowed}
    if status in known:
        return known[status]
    return InternalError if status >= 500 else BadRequest
