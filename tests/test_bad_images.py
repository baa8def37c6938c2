"""Pillow's own malformed and edge-case images, each answered as the contract says.

The corpus lives in ../shared/testdata/pillow-bad-images (not part of this project); its
MANIFEST.txt says what each file exercises. Never a 500, never a hang.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from service.units import MIB

from .conftest import ClientFactory, form

CORPUS = Path(
    os.environ.get(
        "GIFSVC_BAD_IMAGES",
        Path(__file__).resolve().parents[2] / "shared" / "testdata" / "pillow-bad-images",
    )
)
OK, TOO_BIG, NOT_ALLOWED, CORRUPT = 201, 413, 415, 422
EXPECTED = {
    # bombs: more pixels than allowed, or formats off the allow-list
    "decompression_bomb.gif": TOO_BIG,
    "decompression_bomb_extents.gif": OK,  # only frame 1 is a bomb; we use frame 0
    "decompression_bomb.ico": NOT_ALLOWED,
    "png_decompression_dos.png": CORRUPT,
    "reallybig.bmp": TOO_BIG,
    "zero_width.gif": CORRUPT,
    # formats never decoded (no Ghostscript, no PSD/SGI/TIFF/... decoders reached)
    "negative_size.ppm": NOT_ALLOWED,
    "timeout-060745d3f534ad6e4128c51d336ea5489182c69d.blp": NOT_ALLOWED,
    "oom-225817ca0f8c663be7ab4b9e717b02c661e66834.tif": NOT_ALLOWED,
    "zero_bb.eps": NOT_ALLOWED,
    "psd-oob-write.psd": NOT_ALLOWED,
    "sgi_overrun_expandrow.bin": NOT_ALLOWED,
    "timeout-c60a3d7314213624607bfb3e38d551a8b24a7435.dds": NOT_ALLOWED,
    "fli_overflow.fli": NOT_ALLOWED,
    # allowed formats that do not decode
    "truncated_jpeg.jpg": CORRUPT,
    "truncated_image.png": CORRUPT,
    "truncated_end_chunk.png": CORRUPT,
    "broken_data_stream.png": CORRUPT,
    "broken.png": CORRUPT,  # a PNG signature, then garbage
    "unknown_compression_method.png": CORRUPT,
    "chunk_no_fctl.png": CORRUPT,
    "syntax_num_frames_zero.png": CORRUPT,
    "ultrahdr.jpg": CORRUPT,
    # odd but valid: composed
    "pil_sample_cmyk.jpg": OK,
    "i_trns.png": OK,
    "uncompressed_la.png": OK,
    "p_trns_single.png": OK,
    "rgb_trns.png": OK,
    "tRNS_null_1x1.png": OK,
    "icc_profile_big.jpg": OK,
    "hopper_orientation_6.jpg": OK,
    "hopper_orientation_6.webp": OK,
    "orientation_rectangle.jpg": OK,
    "exif_imagemagick_orientation.png": OK,
    "hopper_bad_exif.jpg": OK,
    "invalid-exif.jpg": OK,
    "iss634.gif": OK,
    "iss634.webp": OK,
    "iss634.apng": OK,
    "sugarshack.mpo": OK,
    "sugarshack_bad_mpo_header.jpg": OK,
    "multiple_comments.gif": OK,
}
CODES = {TOO_BIG: "image_too_large", NOT_ALLOWED: "unsupported_image", CORRUPT: "corrupt_image"}

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"Pillow's bad-image corpus is not at {CORPUS} (../shared)"
)


@needs_corpus
def test_every_corpus_file_has_an_expected_answer():
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "MANIFEST.txt"}
    assert on_disk == set(EXPECTED)


@needs_corpus
@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_corpus_file_is_answered_per_the_contract(make_client: ClientFactory, name: str):
    client = await make_client(
        max_pixels=50_000_000, max_file_bytes=25 * MIB, max_request_bytes=50 * MIB
    )
    resp = await client.post("/api/gifs", data=form((name, (CORPUS / name).read_bytes())))
    body: dict[str, Any] = await resp.json()
    assert resp.status == EXPECTED[name], body
    if resp.status == OK:
        assert body["frames"] == 1  # animated inputs give their first frame only
    else:
        assert body["error"]["code"] == CODES[resp.status]
        assert body["error"]["field"] == name and name in body["error"]["message"]
