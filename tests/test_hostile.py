"""Hostile input, end to end: the contract's status and code, never a 500, nothing left behind.

A catalogue of bodies built byte for byte (tests/hostile.py) goes to the real app with its real
process pool: bombs that stay tiny in bytes, polyglots, formats by the wrong name, odd colour
modes, file names that try to be paths or to carry control bytes, broken boundaries and headers,
thousands of parts, compressed bodies. Then Hypothesis throws generated fields at the option
parsing and generated bodies at POST /api/gifs. A client's file name is only ever shown (printable
and bounded), never used: no file appears outside the data directory, and a success adds exactly
the server-named `<32 hex>.gif`.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import importlib.util
import re
import string
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from service.compose.fields import FIELDS, build_options, parse_field, parse_fields
from service.compose.options import FITS, MAX_COLORS, MIN_COLORS, QUALITIES, ComposeOptions
from service.compose.timing import MAX_DURATION_MS, MIN_DURATION_MS
from service.errors import BadField
from service.settings import Settings

from . import hostile as h
from .conftest import KIB, ClientFactory, eventually, files_under
from .test_errors import CONTRACT

Client = TestClient[Any, Any]
GIF_NAME = re.compile(r"[0-9a-f]{32}\.gif")
MULTIPART = "multipart/form-data; boundary=B"
PNG = h.tiny_png()
MAX_SHOWN_CHARS = 200  # a client's file name, as echoed in an error
ABOUT_A_FILE = {"file_too_large", "image_too_large", "unsupported_image", "corrupt_image"}


@dataclass(frozen=True)
class Case:
    """A body and what the contract answers: 201, or an error's status, code and field."""

    body: bytes
    status: int
    code: str | None = None
    field: str | None = None
    content_type: str = MULTIPART
    encoding: str | None = None  # the body's Content-Encoding

    @property
    def headers(self) -> dict[str, str]:
        encoding = {"Content-Encoding": self.encoding} if self.encoding else {}
        return {"Content-Type": self.content_type, **encoding}


def photo_case(name: str, content: bytes, status: int = 201, code: str | None = None) -> Case:
    """One `photo` file named `name`; an error about it names it as sent."""
    return Case(
        h.body(h.photo(name.encode(), content)), status, code, None if code is None else name
    )


def refused(*parts: bytes, code: str = "bad_multipart", status: int = 400, **kw: Any) -> Case:
    return Case(h.body(*parts), status, code, **kw)


IMAGES: dict[str, Case] = {
    # bombs and lies about the size: refused before a pixel is decoded
    "png_ihdr_claims_100000x100000": photo_case(
        "huge.png", h.png_claiming(100_000, 100_000), 413, "image_too_large"
    ),
    "gif_screen_claims_65535x65535": photo_case(
        "huge.gif", h.gif_screen(65535, 65535), 413, "image_too_large"
    ),
    "bmp_claims_100000x100000": photo_case(
        "huge.bmp", h.bmp_claiming(100_000, 100_000), 413, "image_too_large"
    ),
    "webp_canvas_claims_16384x16384": photo_case(
        "huge.webp", h.webp_claiming(16384, 16384), 413, "image_too_large"
    ),
    "png_bomb_8000x8000_in_a_few_kb": photo_case(
        "bomb.png", h.png_bomb(8000), 413, "image_too_large"
    ),
    "png_zero_width": photo_case("flat.png", h.png_claiming(0, 10), 422, "corrupt_image"),
    "png_ihdr_bad_crc": photo_case("crc.png", h.png_bad_ihdr_crc(), 422, "corrupt_image"),
    # polyglots: the image composes, the rest never reaches the output
    "png_zip_polyglot": photo_case("poly.png", h.png_zip_polyglot()),
    "jpeg_with_html_after_eoi": photo_case("poly.jpg", h.jpeg_with_trailer()),
    "gif_js_polyglot": photo_case("poly.gif", h.gif_js_polyglot()),
    # not an allowed image, whatever the name says
    "text_named_png": photo_case("notes.png", h.TEXT, 415, "unsupported_image"),
    "svg_with_script": photo_case("drawing.svg", h.SVG, 415, "unsupported_image"),
    "eps_named_jpg": photo_case("print.jpg", h.EPS, 415, "unsupported_image"),
    "psd": photo_case("layers.psd", h.PSD, 415, "unsupported_image"),
    "zero_bytes_with_a_path_name": photo_case("../empty.png", b"", 415, "unsupported_image"),
    # odd but valid
    "png_16bit_rgb": photo_case("deep.png", h.png_16bit(colour_type=2)),
    "png_16bit_grey": photo_case("deep-grey.png", h.png_16bit(colour_type=0)),
    "jpeg_cmyk": photo_case("print.jpg", h.cmyk_jpeg()),
    "png_1x1": photo_case("dot.png", h.tiny_png((1, 1))),
    "png_10000x1": photo_case("line.png", h.tiny_png((10000, 1))),
}

# Content-Disposition values of a `photo` part, and the name an error shows for them: a
# printable string of at most 200 characters, whatever came in.
NAMES: dict[str, tuple[bytes, str]] = {
    "filename_star_utf8": (b"filename*=UTF-8''%E2%9C%93.png", "\u2713.png"),
    "filename_star_latin1": (b"filename*=ISO-8859-1''%FF.png", "\u00ff.png"),
    "filename_star_crlf": (b"filename*=UTF-8''a%0D%0Ab.png", "a??b.png"),
    "filename_star_nul": (b"filename*=UTF-8''a%00b.png", "a?b.png"),
    "filename_rfc2047_quoted_printable": (
        b'filename="=?utf-8?Q?a=0D=0Ab.png?="',
        "=?utf-8?Q?a=0D=0Ab.png?=",
    ),
    "filename_percent_escaped_crlf": (b'filename="a%0D%0Ab.png"', "a%0D%0Ab.png"),
    "filename_latin1_byte_0xff": (b'filename="a\xffb.png"', "a?b.png"),
    "filename_right_to_left_override": (
        'filename="evil\u202egnp.exe"'.encode(),
        "evil?gnp.exe",
    ),
    "filename_5000_chars": (b'filename="' + b"x" * 5000 + b'.png"', "x" * 199 + "\u2026"),
    "filename_dot_dot_passwd": (b'filename="../../etc/passwd"', "../../etc/passwd"),
    "filename_dot_dot_png": (b'filename="../../x.png"', "../../x.png"),
    "filename_absolute": (b'filename="/tmp/x.png"', "tmp/x.png"),  # aiohttp drops the "/"
    "filename_html": (
        b'filename="<img src=x onerror=alert(1)>.png"',
        "<img src=x onerror=alert(1)>.png",
    ),
    "no_filename": (b"", "frame 1"),
    "empty_filename": (b'filename=""', "frame 1"),
}


def named(disposition_tail: bytes, content: bytes) -> bytes:
    disposition = b'form-data; name="photo"' + (
        b"; " + disposition_tail if disposition_tail else b""
    )
    return h.body(h.part(disposition, content))


FILE_NAMES: dict[str, Case] = {
    **{f"{key}_composes": Case(named(tail, PNG), 201) for key, (tail, _) in NAMES.items()},
    **{
        f"{key}_is_shown_printable": Case(named(tail, h.TEXT), 415, "unsupported_image", shown)
        for key, (tail, shown) in NAMES.items()
    },
}

THOUSANDS = 3000
MALFORMED: dict[str, Case] = {
    # header values HTTP forbids, or past aiohttp's 8 KiB line limit
    "filename_raw_nul": refused(h.photo(b"a\x00b.png", PNG)),
    "filename_raw_bare_cr": refused(h.photo(b"a\rb.png", PNG)),
    "filename_5000_utf8_chars_header_over_8_kib": refused(h.photo("\u2713".encode() * 5000, PNG)),
    "filename_star_invalid_utf8": refused(
        h.part(b"form-data; name=photo; filename*=UTF-8''%FF", PNG)
    ),
    "filename_star_not_rfc5987": refused(h.part(b"form-data; name=photo; filename*=bogus", PNG)),
    "disposition_unparseable": refused(h.part(b'form-data; name=photo"; filename="a.png', PNG)),
    "disposition_trailing_semicolon": refused(h.part(b'form-data; name="photo";', PNG)),
    # a part the form cannot place: refused, never silently dropped
    "part_without_a_name": refused(h.part(b'form-data; filename="a.png"', PNG)),
    "part_without_a_disposition": refused(h.part(None, PNG)),
    "part_with_an_empty_name": refused(h.part(b'form-data; name=""; filename="a.png"', PNG)),
    "nameless_part_beside_a_photo": refused(
        h.photo(b"a.png", PNG), h.part(b'form-data; filename="b.png"', PNG)
    ),
    # aiohttp reads a first `_charset_` part itself, and cannot go on after it
    "charset_part": refused(h.field("_charset_", b"latin-1"), h.photo(b"a.png", PNG)),
    "charset_part_too_long": refused(h.field("_charset_", b"x" * 40), h.photo(b"a.png", PNG)),
    "part_with_200_headers": refused(
        h.part(b'form-data; name="photo"; filename="a.png"', PNG, b"X-A: 1\r\n" * 200)
    ),
    "part_header_without_colon": refused(
        h.part(b'form-data; name="photo"; filename="a.png"', PNG, b"no colon here\r\n")
    ),
    "part_header_folded": refused(h.part(b'form-data; name="photo";\r\n filename="a.png"', PNG)),
    "nested_multipart_mixed": refused(
        h.part(
            b'form-data; name="photo"',
            h.body(h.photo(b"a.png", PNG), boundary=b"C"),
            b"Content-Type: multipart/mixed; boundary=C\r\n",
        )
    ),
    "part_multipart_without_boundary": refused(
        h.part(b'form-data; name="photo"', PNG, b"Content-Type: multipart/mixed\r\n")
    ),
    # boundaries
    "boundary_missing": Case(
        h.body(h.photo(b"a.png", PNG)),
        400,
        "bad_multipart",
        content_type="multipart/form-data; charset=utf-8",
    ),
    "boundary_empty": Case(
        h.body(h.photo(b"a.png", PNG)),
        400,
        "bad_multipart",
        content_type="multipart/form-data; boundary=",
    ),
    "boundary_mismatch": Case(
        h.body(h.photo(b"a.png", PNG), boundary=b"A"),
        400,
        "bad_multipart",
        content_type="multipart/form-data; boundary=C",
    ),
    "boundary_over_70_chars": Case(
        h.body(h.photo(b"a.png", PNG), boundary=b"x" * 71),
        400,
        "bad_multipart",
        content_type="multipart/form-data; boundary=" + "x" * 71,
    ),
    "last_part_never_closed": Case(
        h.body(h.photo(b"a.png", PNG), close=False), 400, "bad_multipart"
    ),
    "empty_body": Case(b"", 400, "bad_multipart"),
    # thousands of parts
    f"{THOUSANDS}_unknown_text_fields": refused(
        *[h.field(f"f{i}", b"x") for i in range(THOUSANDS)]
    ),
    f"{THOUSANDS}_photo_parts": refused(
        *[h.photo(b"a.png", PNG)] * THOUSANDS, code="too_many_frames", status=413, field="photo"
    ),
    # empty pickers' parts are capped like text fields: each costs the server a file to open
    f"{THOUSANDS}_empty_picker_parts": refused(*[h.photo(b"", b"")] * THOUSANDS),
    f"{THOUSANDS}_empty_picker_parts_then_a_photo": refused(
        *[h.photo(b"", b"")] * THOUSANDS, h.photo(b"a.png", PNG)
    ),
    "only_the_closing_boundary": Case(b"--B--\r\n", 400, "no_images", "photo"),
    # part encodings are not decoded: what arrives is not an image
    "base64_transfer_encoded_png": refused(
        h.part(
            b'form-data; name="photo"; filename="a.png"',
            base64.b64encode(PNG),
            b"Content-Transfer-Encoding: base64\r\n",
        ),
        code="unsupported_image",
        status=415,
        field="a.png",
    ),
    "gzip_encoded_part": refused(
        h.part(
            b'form-data; name="photo"; filename="a.png"',
            gzip.compress(PNG),
            b"Content-Encoding: gzip\r\n",
        ),
        code="unsupported_image",
        status=415,
        field="a.png",
    ),
    # hostile values of known fields
    "duration_not_utf8": refused(
        h.field("duration", b"\xff100"), h.photo(b"a.png", PNG), code="bad_field", field="duration"
    ),
    "width_fullwidth_digits": refused(
        h.field("width", "\uff11\uff12".encode()),
        h.photo(b"a.png", PNG),
        code="bad_field",
        field="width",
    ),
    "durations_over_64_kib": refused(
        h.field("durations", b"20," * 30_000),
        h.photo(b"a.png", PNG),
        code="bad_field",
        field="durations",
    ),
}

CATALOGUE = {**IMAGES, **FILE_NAMES, **MALFORMED}


def printable(text: str) -> bool:
    return all(ch.isprintable() for ch in text)


def outside_files(tmp_path: Path, settings: Settings, client_names: list[str]) -> dict[Path, float]:
    """Every file near the test (its tmp tree, outside the data dir) and every path a client's
    name would reach if it were joined to one of ours, with its mtime: none may change."""
    near = [p for p in files_under(tmp_path.parent) if settings.data_dir not in p.parents]
    bases = [settings.spool_dir / "request", settings.downloads_dir, settings.data_dir, Path.cwd()]
    reached = [(base / name).resolve() for base in bases for name in client_names]
    return {p: p.stat().st_mtime for p in [*near, *reached] if p.is_file()}


async def check_answer(resp: ClientResponse, settings: Settings, case: Case) -> dict[str, Any]:
    """The contract's answer to this case, in its shape, and what it left under the data dir."""
    assert resp.status == case.status, await resp.text()
    assert resp.content_type == "application/json"
    answer: dict[str, Any] = await resp.json()
    left = files_under(settings.data_dir)
    if case.status == 201:
        gif_id = answer["id"]
        assert GIF_NAME.fullmatch(f"{gif_id}.gif") and answer["url"] == f"/download/{gif_id}.gif"
        assert left == [settings.downloads_dir / f"{gif_id}.gif"]
        gif = left[0].read_bytes()
        assert gif.startswith(b"GIF89a") and gif.endswith(b";")
        for smuggled in (h.PAYLOAD, b"<script", b"PK\x03\x04", b"passwd"):
            assert smuggled not in gif
        return answer
    assert set(answer) == {"error"}
    error = answer["error"]
    assert set(error) <= {"code", "message", "field"}
    assert (error["code"], CONTRACT[error["code"]]) == (case.code, case.status)
    assert error.get("field") == case.field
    assert isinstance(error["message"], str) and printable(error["message"])
    if case.code in ABOUT_A_FILE:  # the message names the file, as shown
        shown = error["field"]
        assert printable(shown) and len(shown) <= MAX_SHOWN_CHARS and shown in error["message"]
    assert left == [], "a refused request left files behind"
    return answer


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(CATALOGUE.values()), ids=list(CATALOGUE))
async def test_hostile_body_is_answered_per_the_contract(
    make_client: ClientFactory, settings: Settings, tmp_path: Path, case: Case
):
    client = await make_client()
    client_names = ["../../etc/passwd", "../../x.png", "../x.png", "x.png", "passwd"]
    before = outside_files(tmp_path, settings, client_names)
    resp = await client.post("/api/gifs", data=case.body, headers=case.headers)
    await check_answer(resp, settings, case)
    assert outside_files(tmp_path, settings, client_names) == before


def test_the_bombs_are_tiny_in_bytes():
    for bomb in (h.png_claiming(100_000, 100_000), h.gif_screen(65535, 65535), h.png_bomb(8000)):
        assert len(bomb) < 16 * KIB


async def test_hostile_file_name_is_escaped_in_the_html_error_page(client: Client):
    name = b"<script>alert(1)</script>.png"
    resp = await client.post(
        "/gif", data=h.body(h.photo(name, h.TEXT)), headers={"Content-Type": MULTIPART}
    )
    assert resp.status == 415 and resp.content_type == "text/html"
    page = await resp.text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.png" in page


# --- compressed request bodies ----------------------------------------------------------------

FOUR_FILES = h.body(*[h.photo(f"{i}.png".encode(), PNG + b"\0" * 200 * KIB) for i in range(4)])
BIG_FIELD = h.body(h.field("notes", b"\0" * 20 * 1024 * KIB), h.photo(b"a.png", PNG))
GOOD_GZIP = gzip.compress(h.body(h.photo(b"a.png", PNG)))
ENCODED: dict[str, Case] = {
    # each file is under the file limit; together, inflated, they pass the request limit
    "gzip_files_inflating_past_the_request_limit": Case(
        gzip.compress(FOUR_FILES), 413, "request_too_large", encoding="gzip"
    ),
    "deflate_files_inflating_past_the_request_limit": Case(
        zlib.compress(FOUR_FILES), 413, "request_too_large", encoding="deflate"
    ),
    "gzip_bomb_in_an_unknown_field": Case(
        gzip.compress(BIG_FIELD), 413, "request_too_large", encoding="gzip"
    ),
    "gzip_of_a_good_body": Case(GOOD_GZIP, 201, encoding="gzip"),
    "gzip_stream_corrupt": Case(
        GOOD_GZIP[:40] + b"not deflate at all" * 8, 400, "bad_multipart", encoding="gzip"
    ),
    "gzip_stream_cut_short": Case(GOOD_GZIP[:-12], 400, "bad_multipart", encoding="gzip"),
    # an encoding aiohttp does not know is passed through as it is: here, a good body
    "unknown_encoding": Case(h.body(h.photo(b"a.png", PNG)), 201, encoding="x-bogus"),
}


@pytest.mark.parametrize("case", list(ENCODED.values()), ids=list(ENCODED))
async def test_encoded_body_is_counted_inflated_and_answered_per_the_contract(
    client: Client, settings: Settings, case: Case
):
    assert len(case.body) < settings.max_request_bytes
    resp = await client.post("/api/gifs", data=case.body, headers=case.headers)
    await check_answer(resp, settings, case)


UNDECODABLE = {"br": ("brotli", "brotlicffi"), "zstd": ("backports.zstd", "zstandard")}


def _decoder_installed(encoding: str) -> bool:
    for module in UNDECODABLE[encoding]:
        try:
            if importlib.util.find_spec(module) is not None:
                return True
        except ModuleNotFoundError:  # a dotted name whose parent package is missing
            continue
    return False


async def _post_undecodable(client: Client, encoding: str) -> ClientResponse:
    if _decoder_installed(encoding):
        pytest.skip(f"aiohttp can decode {encoding} here; such a body is then just a body")
    headers = {"Content-Type": MULTIPART, "Content-Encoding": encoding}
    return await client.post("/api/gifs", data=h.body(h.photo(b"a.png", PNG)), headers=headers)


@pytest.mark.parametrize("encoding", sorted(UNDECODABLE))
async def test_undecodable_encoding_is_refused_and_leaves_nothing(
    client: Client, settings: Settings, encoding: str
):
    resp = await _post_undecodable(client, encoding)
    assert resp.status == 400
    assert files_under(settings.data_dir) == []


@pytest.mark.parametrize("encoding", sorted(UNDECODABLE))
async def test_undecodable_encoding_is_refused_in_the_contract_shape(client: Client, encoding: str):
    """aiohttp's HTTP parser refuses such a body before any handler runs: the contract's
    bad_request, in its JSON shape, with the security headers."""
    resp = await _post_undecodable(client, encoding)
    assert resp.status == 400
    assert resp.content_type == "application/json"
    assert (await resp.json())["error"]["code"] == "bad_request"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


# --- requests that are wrong before the body ---------------------------------------------------


async def test_get_with_a_multipart_body_is_405_in_json(client: Client, settings: Settings):
    resp = await client.get(
        "/api/gifs", data=h.body(h.photo(b"a.png", PNG)), headers={"Content-Type": MULTIPART}
    )
    assert resp.status == 405 and resp.content_type == "application/json"
    assert (await resp.json())["error"]["code"] == "method_not_allowed"
    assert files_under(settings.data_dir) == []


def _request_head(extra: str) -> bytes:
    return (
        f"POST /api/gifs HTTP/1.1\r\nHost: x\r\nContent-Type: {MULTIPART}\r\n{extra}\r\n"
    ).encode()


async def _raw_exchange(client: Client, request: bytes) -> tuple[int, bytes]:
    """Send bytes on a socket of our own; the status and body of the answer."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    try:
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        length = re.search(rb"(?i)content-length: *(\d+)", head)
        assert length is not None, head
        body = await asyncio.wait_for(reader.readexactly(int(length.group(1))), 10)
        return int(head.split()[1]), body
    finally:
        writer.close()


async def test_headers_only_then_gone_leaves_nothing(client: Client, settings: Settings):
    # A declared length under the limit, no body at all, then the client leaves.
    _, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(_request_head("Content-Length: 400000\r\n"))
    await writer.drain()
    await eventually(lambda: bool(files_under(settings.spool_dir)), "the request reached the spool")
    writer.close()
    await eventually(lambda: not files_under(settings.data_dir), "the spool was removed")


async def test_huge_declared_length_without_a_body_is_refused_at_once(
    client: Client, settings: Settings
):
    request = _request_head(f"Content-Length: {10**12}\r\n")
    status, answer = await _raw_exchange(client, request)
    assert status == 413 and b'"request_too_large"' in answer
    assert files_under(settings.data_dir) == []


async def test_broken_chunked_framing_is_refused_and_leaves_nothing(
    client: Client, settings: Settings
):
    chunk = h.body(h.photo(b"a.png", PNG))[:40]
    request = _request_head("Transfer-Encoding: chunked\r\n") + b"%x\r\n" % len(chunk) + chunk
    status, _ = await _raw_exchange(client, request + b"zz\r\nnot a chunk")
    assert status == 400
    await eventually(lambda: not files_under(settings.data_dir), "the spool was removed")


# --- properties: option parsing ---------------------------------------------------------------

OPTION_EXAMPLES = hypothesis.settings(max_examples=300, deadline=None, database=None)
FIELD_VALUES = st.one_of(
    st.text(max_size=24),
    st.integers(-(10**10), 10**10).map(str),
    st.integers(0, 70_000).map(lambda n: f" +{n:05d} "),
    st.lists(st.integers(0, 70_000).map(str), max_size=12).map(",".join),
    st.sampled_from([*FITS, *QUALITIES, "transparent", "TRANSPARENT", "#00ff7F", "#fff", ""]),
    st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True),
)
FIELD_NAMES = st.one_of(st.sampled_from(sorted(FIELDS)), st.text(max_size=10))


@OPTION_EXAMPLES
@given(
    raw=st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=10),
    frames=st.integers(1, 200),
    max_side=st.integers(1, 4096),
)
def test_build_options_gives_options_or_names_a_given_field(
    raw: dict[str, str], frames: int, max_side: int
):
    try:
        options = build_options(parse_fields(raw, max_side), frames, max_side)
    except BadField as exc:
        assert exc.field in raw and exc.field in FIELDS
        assert exc.message.endswith(".")
        return
    assert isinstance(options, ComposeOptions)
    # With expand, the frames (and so the delays) are counted when the images are decoded.
    assert len(options.durations_ms) == frames or (options.expand and not options.durations_ms)
    assert all(MIN_DURATION_MS <= ms <= MAX_DURATION_MS for ms in options.durations_ms)
    assert all(side is None or 1 <= side <= max_side for side in (options.width, options.height))
    assert options.fit in FITS and options.quality in QUALITIES
    assert MIN_COLORS <= options.colors <= MAX_COLORS and options.loop >= 0


@OPTION_EXAMPLES
@given(name=st.sampled_from(sorted(FIELDS)), raw=FIELD_VALUES, max_side=st.integers(1, 4096))
def test_parse_field_gives_a_value_or_names_its_field(name: str, raw: str, max_side: int):
    try:
        parse_field(name, raw, max_side)
    except BadField as exc:
        assert exc.field == name and exc.message.endswith(".")


# --- properties: the multipart path, through the real app -------------------------------------

# pytest-asyncio runs each Hypothesis example of an async test as a coroutine on the test's
# own event loop, so one real app (the `client` fixture, with its process pool) serves every
# example: a fresh server per example would start a pool per example, which is most of the time.
# Each example checks its own leftovers, since they share one data directory.
APP_EXAMPLES = hypothesis.settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The generators lean towards well-formed forms (sampled lists repeat their usual entries), so
# the examples reach the fields, the files and the pool, not only the parser's first refusal.
BOUNDARY = st.text(string.ascii_letters + string.digits + "'()+_,-./:=?", min_size=1, max_size=72)
CONTENT_TYPES = [
    *['multipart/form-data; boundary="{b}"'] * 12,
    "multipart/form-data; boundary={b}",
    'multipart/mixed; boundary="{b}"',
    "multipart/form-data",
    "text/plain",
]
PART_NAMES = st.one_of(
    st.sampled_from([*sorted(FIELDS | {"photo"}) * 3, "_charset_", "", "notes"]),
    st.text(max_size=8),
)
PLAIN_FILE_NAMES = st.from_regex(r"[\w .-]{0,12}", fullmatch=True)
FILE_NAMES_SENT = st.one_of(PLAIN_FILE_NAMES, st.text(max_size=12))
DISPOSITIONS = [
    *['form-data; name="{name}"'] * 3,
    *['form-data; name="{name}"; filename="{filename}"'] * 3,
    "form-data; name={name}; filename*=UTF-8''{filename}",
    'form-data; filename="{filename}"',
    "attachment; name={name}",
]
PART_HEADERS = st.sampled_from(
    [
        *[b""] * 6,
        b"Content-Type: image/png\r\n",
        b"Content-Type: multipart/mixed; boundary=Z\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Content-Encoding: gzip\r\n",
        b"Content-Length: 3\r\n",
        b"X-Junk\r\n",
    ]
)
CONTENTS = st.one_of(
    st.just(PNG),
    st.binary(max_size=64),
    st.integers(1, len(PNG) - 1).map(lambda n: PNG[:n]),
    FIELD_VALUES.map(str.encode),
)


@st.composite
def multipart_parts(draw: st.DrawFn) -> bytes:
    """Mostly a well-formed field or photo (with generated values); one time in four, anything."""
    if draw(st.integers(0, 3)) > 0:
        name = draw(st.sampled_from(sorted(FIELDS | {"photo"})))
        if name == "photo":
            return h.photo(draw(PLAIN_FILE_NAMES).encode(), draw(CONTENTS))
        return h.field(name, draw(FIELD_VALUES).encode())
    template = draw(st.sampled_from(DISPOSITIONS))
    disposition = template.format(name=draw(PART_NAMES), filename=draw(FILE_NAMES_SENT))
    return h.part(disposition.encode(), draw(CONTENTS), draw(PART_HEADERS))


@st.composite
def multipart_requests(draw: st.DrawFn) -> tuple[str, bytes]:
    """A Content-Type and a body: a form of generated parts, now and then cut or with junk."""
    boundary = draw(BOUNDARY)
    content_type = draw(st.sampled_from(CONTENT_TYPES)).format(b=boundary)
    parts = draw(st.lists(multipart_parts(), max_size=6))
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), h.photo(b"a.png", PNG))
    body = h.body(*parts, boundary=boundary.encode(), close=draw(st.integers(0, 7)) > 0)
    damage = draw(st.sampled_from(["none"] * 6 + ["cut", "junk"]))
    where = draw(st.integers(0, len(body)))
    if damage == "cut":
        return content_type, body[:where]
    if damage == "junk":
        return content_type, body[:where] + draw(st.binary(min_size=1, max_size=32)) + body[where:]
    return content_type, body


async def _post_generated(client: Client, settings: Settings, content_type: str, data: bytes):
    before = {p.name for p in files_under(settings.downloads_dir)}
    resp = await client.post("/api/gifs", data=data, headers={"Content-Type": content_type})
    assert resp.status < 500, await resp.text()
    assert resp.content_type == "application/json"
    answer = await resp.json()
    hypothesis.event(f"{resp.status} {answer['error']['code'] if resp.status != 201 else ''}")
    assert files_under(settings.spool_dir) == [], "a request left spooled files behind"
    after = {p.name for p in files_under(settings.downloads_dir)}
    if resp.status == 201:
        assert after - before == {f"{answer['id']}.gif"} and before <= after
    else:
        code = answer["error"]["code"]
        assert CONTRACT[code] == resp.status and printable(answer["error"]["message"])
        assert after == before
    assert all(GIF_NAME.fullmatch(name) for name in after)


@APP_EXAMPLES
@given(form=multipart_requests())
async def test_any_generated_form_gets_201_or_a_contract_error(
    client: Client, settings: Settings, form: tuple[str, bytes]
):
    await _post_generated(client, settings, *form)


RANDOM_AFTER = [
    b"",
    b"--B\r\n",
    b'--B\r\nContent-Disposition: form-data; name="photo"; filename="r.png"\r\n\r\n',
    b'--B\r\nContent-Disposition: form-data; name="photo"; filename="r.png"\r\n\r\n' + PNG[:33],
    b'--B\r\nContent-Disposition: form-data; name="duration"\r\n\r\n',
]


@APP_EXAMPLES
@given(
    head=st.sampled_from(RANDOM_AFTER),
    data=st.binary(max_size=2048),
    tail=st.sampled_from([b"", b"\r\n--B--\r\n"]),
)
async def test_any_bytes_get_a_contract_error(
    client: Client, settings: Settings, head: bytes, data: bytes, tail: bytes
):
    await _post_generated(client, settings, MULTIPART, head + data + tail)
