"""Streaming a multipart upload into a spool directory, counting every byte as it arrives.

Nothing is buffered whole: file parts go to disk chunk by chunk under server-made names, text
fields are capped, and every limit is checked as soon as it can be passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from ..compose.fields import FIELDS, parse_field, parse_fields
from ..compose.formats import SNIFF_BYTES, sniff_format
from ..compose.gif import Source
from ..errors import (
    BadField,
    BadMultipart,
    FileTooLarge,
    NoImages,
    RequestTooLarge,
    StorageFull,
    TooManyFrames,
    UnsupportedImage,
)
from ..settings import Settings
from ..storage.files import free_bytes, no_room_is_storage_full
from ..units import size_words
from .multipart import next_part, open_multipart, part_names, reading_body

FILE_FIELD = "photo"
CAPTION_FIELD = "caption"  # repeated, one per frame: collected as a tuple, blank ones kept
CHUNK_BYTES = 256 * 1024
# A text field is a number, a colour or a list of delays: 64 KiB is far more than enough.
MAX_FIELD_BYTES = 64 * 1024
# Parts we read besides the files (text fields, known or not, and empty file pickers); more is
# an abusive body: each part costs the event loop far more than its few bytes.
MAX_TEXT_PARTS = 64


@dataclass
class Upload:
    files: list[Source] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # parsed: parse_fields' values
    received_bytes: int = 0


async def receive_upload(request: web.Request, spool: Path, settings: Settings) -> Upload:
    """Every part of the request's multipart body: files into spool, fields as text."""
    _check_declared_size(request, spool, settings)
    reader = await open_multipart(request)
    upload = Upload()
    text_parts = 0
    while (part := await next_part(reader)) is not None:
        name, filename = part_names(part)
        # A photo counts as a file; an empty picker part (no name, no bytes) as a text part,
        # so thousands of them are capped like any other text.
        if name == FILE_FIELD and await _receive_file(part, filename, upload, spool, settings):
            continue
        if name == CAPTION_FIELD:  # one per frame, so capped by the frame limit, not as text
            await _receive_caption(part, upload, settings)
            continue
        text_parts += 1
        if text_parts > MAX_TEXT_PARTS:
            raise BadMultipart(f"The form has more than {MAX_TEXT_PARTS} parts besides the files.")
        if name != FILE_FIELD:
            await _receive_field(part, name, upload, settings)
    if not upload.files:
        raise NoImages("No images were uploaded: pick at least one file.", FILE_FIELD)
    return upload


def display_name(filename: str | None, index: int) -> str:
    """The client's file name, fit for a message: printable, bounded, never a path we use."""
    if not filename:
        return f"frame {index}"
    printable = "".join(ch if ch.isprintable() else "?" for ch in filename)
    return printable if len(printable) <= 200 else printable[:199] + "…"


def _check_declared_size(request: web.Request, spool: Path, settings: Settings) -> None:
    declared = request.content_length
    if declared is None:
        return
    if declared > settings.max_request_bytes:
        raise RequestTooLarge.over(settings.max_request_bytes)
    if declared > free_bytes(spool):
        raise StorageFull("There is no room left to store the upload; try again later.")


async def _read_chunk(part: BodyPartReader, upload: Upload, settings: Settings) -> bytes:
    """The next chunk of the part (empty at its end), counted against the request limit."""
    with reading_body():
        chunk = await part.read_chunk(CHUNK_BYTES)
    if not chunk and not part.at_eof():
        raise BadMultipart("The upload ended before it was complete.")
    upload.received_bytes += len(chunk)
    if upload.received_bytes > settings.max_request_bytes:
        raise RequestTooLarge.over(settings.max_request_bytes)
    return chunk


async def _receive_file(
    part: BodyPartReader, filename: str | None, upload: Upload, spool: Path, settings: Settings
) -> bool:
    """Spool one file part; False for an empty picker's part (no file, nothing kept)."""
    index = len(upload.files) + 1
    name = display_name(filename, index)
    path = spool / f"{index:05d}.img"
    size, head = 0, b""
    with no_room_is_storage_full("store the upload"), path.open("wb") as out:
        while chunk := await _read_chunk(part, upload, settings):
            if size == 0 and index > settings.max_files:
                raise TooManyFrames(
                    f"At most {settings.max_files} images can be uploaded at once.", FILE_FIELD
                )
            size += len(chunk)
            if size > settings.max_file_bytes:
                raise FileTooLarge(
                    f"{name} is larger than {size_words(settings.max_file_bytes)}.", name
                )
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
                _refuse_unless_image(head, name, done=False)
            # Small sequential writes land in the page cache: cheaper than a thread hop.
            out.write(chunk)
    if size == 0 and not filename:
        path.unlink()  # what a browser sends when no file was picked
        return False
    _refuse_unless_image(head, name, done=True)
    upload.files.append(Source(str(path), name))
    return True


def _refuse_unless_image(head: bytes, name: str, done: bool) -> None:
    """Refuse a file as soon as its first bytes show it is not an allowed image."""
    if not done and len(head) < SNIFF_BYTES:
        return
    if not head:
        raise UnsupportedImage(f"{name} is empty.", name)
    if sniff_format(head) is None:
        raise UnsupportedImage(f"{name} is not a PNG, JPEG, GIF, WebP or BMP image.", name)


async def _receive_field(
    part: BodyPartReader, name: str, upload: Upload, settings: Settings
) -> None:
    text = await _read_text(part, name, upload, settings, keep=name in FIELDS)
    if text is None:
        return  # unknown fields are ignored (but were counted)
    # Parsed now, so a bad value is refused before the rest is read; a blank one unsets it.
    upload.fields.pop(name, None)
    upload.fields.update(parse_fields({name: text}, settings.max_side))


async def _receive_caption(part: BodyPartReader, upload: Upload, settings: Settings) -> None:
    captions = upload.fields.get(CAPTION_FIELD, ())
    if len(captions) >= settings.max_files:
        raise BadField(
            f"There are more captions than the {settings.max_files} frames allowed.",
            CAPTION_FIELD,
        )
    text = await _read_text(part, CAPTION_FIELD, upload, settings, keep=True)
    assert text is not None
    upload.fields[CAPTION_FIELD] = (*captions, parse_field(CAPTION_FIELD, text, settings.max_side))


async def _read_text(
    part: BodyPartReader, name: str, upload: Upload, settings: Settings, keep: bool
) -> str | None:
    """The part's text (None when not kept: every byte is still read and counted)."""
    value = bytearray()
    while chunk := await _read_chunk(part, upload, settings):
        if keep:
            value += chunk
            if len(value) > MAX_FIELD_BYTES:
                raise BadField(f"{name} is too long.", name)
    if not keep:
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise BadField(f"{name} is not valid text.", name) from None
