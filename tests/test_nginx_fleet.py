"""nginx as a fleet instance runs it: GIFs in S3 (moto), the load balancer's X-Forwarded-For
believed from the trusted range only, so the per-client limit counts clients, not the proxy."""

from __future__ import annotations

from collections.abc import Iterator

import aiohttp
import pytest

from service.ops.nginx_conf import render_site
from service.settings import Settings

from .conftest import form, png_bytes
from .s3server import MotoServer, objects
from .stack import RunningStack, nginx_or_skip, start_stack

RATE_PER_MINUTE = 2
ALLOWED_AT_ONCE = RATE_PER_MINUTE + 1  # the burst, plus the one the rate allows right now


@pytest.fixture(scope="module")
def bucket(moto_server: MotoServer) -> str:
    return moto_server.new_bucket()


@pytest.fixture(scope="module")
def fleet(
    tmp_path_factory: pytest.TempPathFactory, moto_server: MotoServer, bucket: str
) -> Iterator[RunningStack]:
    nginx_or_skip()
    running = start_stack(
        tmp_path_factory.mktemp("fleet") / "data",
        GIFSVC_STORAGE=f"s3://{bucket}/gifs",
        GIFSVC_S3_ENDPOINT=moto_server.url,
        GIFSVC_TRUSTED_PROXIES="127.0.0.1/32",  # the test plays the load balancer
        GIFSVC_RATE_PER_MINUTE=str(RATE_PER_MINUTE),
    )
    yield running
    assert running.stop() == 0, running.log.read_text()


async def post(stack: RunningStack, forwarded_for: str, data: object) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{stack.url}/api/gifs", data=data, headers=headers) as resp,
    ):
        return resp.status


async def test_a_gif_goes_to_s3_and_downloads_through_nginx(
    fleet: RunningStack, moto_server: MotoServer, bucket: str
):
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{fleet.url}/api/gifs",
            data=form(("a.png", png_bytes())),
            headers={"X-Forwarded-For": "198.51.100.1"},
        ) as resp,
    ):
        assert resp.status == 201, await resp.text()
        made = await resp.json()
    assert made["url"] == f"/download/{made['id']}.gif"
    stored = objects(moto_server.client(), bucket)[f"gifs/{made['id']}.gif"]
    assert not list((fleet.data_dir / "downloads").iterdir())
    async with aiohttp.ClientSession() as session, session.get(fleet.url + made["url"]) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "image/gif"
        assert resp.headers["Content-Disposition"] == f'attachment; filename="{made["id"]}.gif"'
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert await resp.read() == stored


async def test_the_limit_counts_the_forwarded_client_not_the_proxy(fleet: RunningStack):
    """Uploads are counted per client (empty forms: refused by the service, but counted)."""
    client_a = [await post(fleet, "203.0.113.1", form()) for _ in range(ALLOWED_AT_ONCE + 1)]
    assert client_a == [400] * ALLOWED_AT_ONCE + [503]
    # Another client behind the same proxy is not held back by the first one's limit...
    assert await post(fleet, "203.0.113.2", form()) == 400
    # ...and a client cannot become someone else by prepending addresses: the proxy's own
    # appended address (the last) is the one believed.
    assert await post(fleet, "192.0.2.99, 203.0.113.1", form()) == 503


def test_the_header_is_believed_only_in_fleet_mode():
    assert "real_ip" not in render_site(Settings())
    assert "X-Forwarded-For;" not in render_site(Settings())
    site = render_site(Settings(trusted_proxies="10.42.0.0/16"))
    assert "set_real_ip_from 10.42.0.0/16;" in site and "real_ip_recursive on;" in site
    assert "set_real_ip_from 0.0.0.0/0" not in site


def test_s3_mode_proxies_downloads_to_the_service():
    local = render_site(Settings())
    assert local.count('location ~ "^/download/') == 1
    s3 = render_site(Settings(storage="s3://my-gifs/gifs"))
    first_download = s3.index('location ~ "^/download/')
    assert "proxy_pass" in s3[first_download : s3.index("\n    }", first_download)]
