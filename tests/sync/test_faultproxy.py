"""The fault proxy itself (tests/faultproxy.py) in front of the real platform: healed it is
transparent; each fault does what it says; a wrong fault name or probability is refused."""
from __future__ import annotations

import asyncio

import pytest

from commandcenter.sync.client import PlatformClient, PlatformError, PlatformUnavailable
from tests.faultproxy import FaultProxy

pytestmark = pytest.mark.platform


def test_the_proxy_is_transparent_healed_and_faults_on_request(platform_proc):
    async def health(url):
        async with PlatformClient(url) as client:
            return await client.health()

    with FaultProxy(platform_proc.url) as proxy:
        assert asyncio.run(health(proxy.url))["ok"] is True
        proxy.set_faults(error=1.0)
        with pytest.raises(PlatformError) as err:
            asyncio.run(health(proxy.url))
        assert err.value.status_code == 503
        proxy.set_faults(drop=1.0)
        with pytest.raises(PlatformUnavailable):
            asyncio.run(health(proxy.url))
        proxy.set_faults(truncate=1.0)
        with pytest.raises((PlatformUnavailable, PlatformError)):
            asyncio.run(health(proxy.url))
        proxy.set_faults(error=1.0, paths=["/v1/sync/"])  # only sync paths are faulted
        assert asyncio.run(health(proxy.url))["ok"] is True
        proxy.heal()
        assert asyncio.run(health(proxy.url))["ok"] is True
        assert proxy.stats["error"] == 1 and proxy.stats["drop"] == 1 and proxy.stats["truncate"] == 1


def test_a_wrong_fault_is_refused(platform_proc):
    proxy = FaultProxy(platform_proc.url)
    with pytest.raises(TypeError, match="unknown fault\\(s\\): lose"):
        proxy.set_faults(lose=0.5)
    with pytest.raises(ValueError, match="drop: a probability"):
        proxy.set_faults(drop=1.5)
