"""Wire protocol, HTTP client, sync engine. Plain asyncio + httpx; no Qt."""
