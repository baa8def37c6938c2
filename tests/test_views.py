"""The request path through the real app and its real process pool."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from PIL import Image

from service.compose.gifinfo import read_gif_info
from service.compose.gifsicle import encoder_passes
from service.settings import Settings

from .conftest import files_on_disk_after, files_under, form, png_bytes, published_gifs

Client = TestClient[Any, Any]
# The core's path publishes through the storage backend: once into the directory, once to S3.
pytestmark = pytest.mark.both_storages


async def test_api_composes_frames_into_a_gif_and_publishes_it(
    client: Client, settings: Settings, tmp_path: Path
):
    red, blue = png_bytes((255, 0, 0)), png_bytes((0, 0, 255))
    resp = await client.post(
        "/api/gifs", data=form(("a.png", red), ("b.png", blue), duration="120", loop="2")
    )
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    assert re.fullmatch(r"[0-9a-f]{32}", body["id"])
    assert body["url"] == f"/download/{body['id']}.gif"
    assert resp.headers["Location"] == body["url"]
    assert (body["frames"], body["width"], body["height"]) == (2, 64, 48)
    assert body["durations_ms"] == [120, 120]
    assert body["loop"] == 2
    expires = datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(expires.timestamp() - datetime.now(UTC).timestamp() - settings.ttl) < 60
    # Exactly one GIF more, and on disk nothing else: the GIF itself (local) or nothing (S3).
    gifs = published_gifs(settings)
    assert list(gifs) == [f"{body['id']}.gif"]
    assert files_under(settings.data_dir) == files_on_disk_after(settings, body["id"])
    published = tmp_path / "published.gif"
    published.write_bytes(gifs[f"{body['id']}.gif"])
    assert published.stat().st_size == body["bytes"]
    info = read_gif_info(str(published))
    assert info.durations_ms == [120, 120] and info.loop_extension == 1
    with Image.open(published) as gif:
        assert gif.convert("RGB").getpixel((10, 10)) == (255, 0, 0)
        gif.seek(1)
        assert gif.convert("RGB").getpixel((10, 10)) == (0, 0, 255)


async def test_form_post_answers_with_the_result_page(client: Client, settings: Settings):
    resp = await client.post("/gif", data=form(("shot.png", png_bytes())))
    assert resp.status == 200
    assert resp.content_type == "text/html"
    page = await resp.text()
    [gif_id] = re.findall(r'href="/download/([0-9a-f]{32})\.gif" download', page)
    assert f'src="/download/{gif_id}.gif?inline=1"' in page
    assert list(published_gifs(settings)) == [f"{gif_id}.gif"]


async def test_form_post_answers_json_when_asked(client: Client):
    resp = await client.post(
        "/gif", data=form(("shot.png", png_bytes())), headers={"Accept": "application/json"}
    )
    assert resp.status == 201
    assert (await resp.json())["frames"] == 1


async def test_form_post_error_is_an_html_page_naming_the_file(client: Client):
    resp = await client.post("/gif", data=form(("notes.txt", b"just some text, not an image")))
    assert resp.status == 415
    assert resp.content_type == "text/html"
    assert "notes.txt" in await resp.text()


async def test_unknown_fields_are_ignored(client: Client):
    resp = await client.post("/api/gifs", data=form(("a.png", png_bytes()), colour="mauve"))
    assert resp.status == 201


async def test_per_frame_durations_and_rounding_are_reported(client: Client):
    frames = [(f"{i}.png", png_bytes((i * 80, 0, 0))) for i in range(3)]
    resp = await client.post("/api/gifs", data=form(*frames, duration="33"))
    assert (await resp.json())["durations_ms"] == [30, 30, 40]
    resp = await client.post("/api/gifs", data=form(*frames, durations="100, 200,300"))
    assert (await resp.json())["durations_ms"] == [100, 200, 300]


async def test_identical_consecutive_frames_are_reported_as_written(client: Client):
    same = png_bytes((9, 9, 9))
    resp = await client.post(
        "/api/gifs", data=form(("a.png", same), ("b.png", same), ("c.png", png_bytes()))
    )
    body = await resp.json()
    assert body["frames"] == 2
    assert body["durations_ms"] == [1000, 500]


async def test_output_size_follows_width_and_the_maximum_side(client: Client):
    big = png_bytes(size=(1200, 600))
    body = await (await client.post("/api/gifs", data=form(("big.png", big)))).json()
    assert (body["width"], body["height"]) == (640, 320)
    body = await (await client.post("/api/gifs", data=form(("big.png", big), width="100"))).json()
    assert (body["width"], body["height"]) == (100, 50)


async def test_healthz_reports_pool_and_disk(client: Client):
    resp = await client.get("/healthz")
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "ok"
    assert body["pool"]["alive"] is True and body["pool"]["workers"] == 1
    assert body["downloads_writable"] is True and body["free_bytes"] > 0
    assert body["encoder_passes"] == encoder_passes()


async def test_index_page_is_a_form_posting_photos_to_gif(client: Client):
    resp = await client.get("/")
    assert resp.status == 200
    page = await resp.text()
    assert re.search(r'<form[^>]*action="/gif"[^>]*method="post"[^>]*multipart/form-data', page)
    [file_input] = re.findall(r'<input[^>]*type="file"[^>]*>', page)
    assert 'name="photo"' in file_input and " multiple" in file_input
    assert "http://" not in page and "https://" not in page  # every asset is ours
    css = await client.get("/static/style.css")
    assert css.status == 200


async def test_page_and_config_carry_the_servers_limits(make_client):
    client = await make_client(max_side=800, max_files=7)
    config = await (await client.get("/api/config")).json()
    assert config["limits"]["max_side"] == 800 and config["limits"]["max_files"] == 7
    assert config["limits"]["min_duration_ms"] == 20 and config["defaults"]["duration_ms"] == 500
    page = await (await client.get("/")).text()
    assert 'max="800"' in page and "up to 7 images" in page
    assert '<option value="1024">' not in page and '<option value="800">' in page


async def test_unknown_route_is_a_json_404(client: Client):
    resp = await client.get("/nothing/here")
    assert resp.status == 404
    assert (await resp.json())["error"]["code"] == "not_found"


async def test_response_says_quality_colors_and_timing_warnings(client: Client):
    frames = [(f"{i}.png", png_bytes((i * 80, 0, 0))) for i in range(2)]
    resp = await client.post(
        "/api/gifs", data=form(*frames, duration="33", loop="3", quality="best", colors="64")
    )
    body = await resp.json()
    assert (body["quality"], body["colors"]) == ("best", 64)
    assert any("33 ms" in w for w in body["warnings"])
    assert any("loop counts" in w for w in body["warnings"])
    plain = await (await client.post("/api/gifs", data=form(*frames))).json()
    assert plain["warnings"] == [] and "max_bytes" not in plain


async def test_max_bytes_finds_fewer_pixels_to_land_under_the_size(client: Client):
    noisy = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((300, 200), 90) for _ in range(3)]).save(noisy, "PNG")
    frames = [("noise.png", noisy.getvalue())]
    free = await (await client.post("/api/gifs", data=form(*frames))).json()
    target = free["bytes"] // 3
    body = await (await client.post("/api/gifs", data=form(*frames, max_bytes=str(target)))).json()
    assert body["within_max_bytes"] is True and body["bytes"] <= target
    assert body["width"] < free["width"] and body["max_bytes"] == target


async def test_estimate_predicts_size_and_time_from_a_sample(client: Client, settings: Settings):
    frames = [(f"{i}.png", png_bytes((i * 50, 90, 0), size=(200, 120))) for i in range(3)]
    resp = await client.post("/api/estimate", data=form(*frames, frames="5", duration="100"))
    assert resp.status == 200, await resp.text()
    guess = await resp.json()
    assert (guess["frames"], guess["sample_frames"], guess["width"]) == (5, 3, 200)
    assert guess["seconds"] > 0
    made = await (
        await client.post("/api/gifs", data=form(*frames, *frames[:2], duration="100"))
    ).json()
    assert abs(guess["bytes"] - made["bytes"]) <= made["bytes"] * 0.25
    assert list(published_gifs(settings)) == [f"{made['id']}.gif"]  # the estimate published none


async def test_estimate_takes_a_sample_spread_over_the_frames(client: Client):
    """Frames 0, 2 and 4 of five, each with its place; places out of order are refused."""
    frames = [(f"{i}.png", png_bytes((i * 50, 90, 0), size=(200, 120))) for i in range(3)]
    data = form(*frames, frames="5", positions="0,2,4", durations="100,100,100,100,20")
    resp = await client.post("/api/estimate", data=data)
    assert resp.status == 200, await resp.text()
    guess = await resp.json()
    assert (guess["frames"], guess["sample_frames"]) == (5, 3)
    data = form(*frames, frames="5", positions="0,4,2")
    resp = await client.post("/api/estimate", data=data)
    assert resp.status == 400
    assert (await resp.json())["error"]["field"] == "positions"


async def test_estimate_refuses_what_the_real_request_would(client: Client):
    resp = await client.post("/api/estimate", data=form(("a.png", png_bytes()), frames="999"))
    assert resp.status == 413 and (await resp.json())["error"]["code"] == "too_many_frames"


def gif_bytes(colours: list[tuple[int, int, int]], durations: list[int]) -> bytes:
    frames = [Image.new("RGB", (64, 48), c) for c in colours]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=durations)
    return buffer.getvalue()


async def test_crop_caption_and_expand_reach_the_gif(client: Client, settings: Settings):
    animated = gif_bytes([(255, 0, 0), (0, 0, 255), (0, 255, 0)], [100, 200, 300])
    data = form(("a.gif", animated), ("b.png", png_bytes((9, 9, 9))), expand="1", crop="8,8,32,24")
    for text in ("One", "", "", "Four"):
        data.add_field("caption", text)
    resp = await client.post("/api/gifs", data=data)
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    assert (body["frames"], body["width"], body["height"]) == (4, 32, 24)
    assert body["durations_ms"] == [100, 200, 300, 500]


@pytest.mark.parametrize(
    ("fields", "captions", "field"),
    [
        ({"crop": "1,2,3"}, [], "crop"),
        ({"crop": "a,b,c,d"}, [], "crop"),
        ({"crop": "0,0,0,10"}, [], "crop"),
        ({"crop": "-1,0,10,10"}, [], "crop"),
        ({"crop": "0,0,65,10"}, [], "crop"),  # wider than the 64 px first image
        ({"crop": "60,40,5,9"}, [], "crop"),
        ({"expand": "2"}, [], "expand"),
        ({"expand": "yes"}, [], "expand"),
        ({}, ["a", "b", "c"], "caption"),  # more captions than the 2 frames
        ({}, ["x" * 201], "caption"),
        ({}, ["bell\x07"], "caption"),
        ({"expand": "1"}, ["a", "b", "c"], "caption"),
        ({"expand": "1", "durations": "100,100,100"}, [], "durations"),
    ],
)
async def test_bad_crop_caption_or_expand_is_a_400_naming_it(
    client: Client, fields: dict[str, str], captions: list[str], field: str
):
    data = form(("a.png", png_bytes()), ("b.png", png_bytes((1, 2, 3))), **fields)
    for text in captions:
        data.add_field("caption", text)
    resp = await client.post("/api/gifs", data=data)
    assert resp.status == 400, await resp.text()
    error = (await resp.json())["error"]
    assert (error["code"], error["field"]) == ("bad_field", field)


async def test_captions_past_the_frame_limit_are_refused_as_they_arrive(client: Client):
    data = form(("a.png", png_bytes()))
    for index in range(6):  # the fixture allows 5 frames
        data.add_field("caption", f"caption {index}")
    resp = await client.post("/api/gifs", data=data)
    assert resp.status == 400
    assert (await resp.json())["error"]["field"] == "caption"


async def test_expanded_frames_past_the_limit_are_413(client: Client):
    animated = gif_bytes([(255, 0, 0), (0, 0, 255), (0, 255, 0)], [100, 100, 100])
    data = form(("a.gif", animated), ("b.gif", animated), expand="1")  # 6 frames, 5 allowed
    resp = await client.post("/api/gifs", data=data)
    assert resp.status == 413
    assert (await resp.json())["error"]["code"] == "too_many_frames"


async def test_form_result_page_says_what_the_service_did(client: Client):
    data = form(("a.png", png_bytes()), ("b.png", png_bytes((1, 2, 3))), duration="33", loop="3")
    data.add_field("max_bytes", "1000000")
    resp = await client.post("/gif", data=data)
    page = await resp.text()
    assert "What the service did" in page
    assert "It fits the size limit of" in page
    assert "whole centiseconds" in page and "Viewers disagree on loop counts" in page


async def test_estimate_counts_frames_by_the_frames_field_even_with_expand(client: Client):
    animated = gif_bytes([(255, 0, 0), (0, 0, 255), (0, 255, 0)], [100, 100, 100])
    data = form(("a.gif", animated), expand="1", frames="4", durations="100,100,100,500")
    data.add_field("caption", "One")
    resp = await client.post("/api/estimate", data=data)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["frames"] == 4
