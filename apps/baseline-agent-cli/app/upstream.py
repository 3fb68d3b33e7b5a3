"""The OpenAI-compatible platform this agent forwards to (JANUS_PLATFORM_URL)."""
import json
from typing import Any, AsyncIterator, Dict

import httpx

from .config import Settings


class UpstreamError(Exception):
    def __init__(self, message: str, status: int = 502, type: str = "upstream_error"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type


class Upstream:
    def __init__(self, settings: Settings):
        headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
        self.url = f"{settings.platform_url}/chat/completions"
        self.client = httpx.AsyncClient(headers=headers, timeout=settings.timeout)

    async def complete(self, payload: Dict[str, Any]) -> Dict[str, Any]:
        try:
            response = await self.client.post(self.url, json={**payload, "stream": False})
        except httpx.TimeoutException:
            raise UpstreamError("the platform did not answer in time (JANUS_TIMEOUT)", 504, "upstream_timeout") from None
        except httpx.HTTPError as exc:
            raise UpstreamError(f"the platform is unreachable: {exc.__class__.__name__}") from None
        if response.status_code >= 400:
            raise UpstreamError(f"the platform answered {response.status_code}: {response.text[:300]}")
        try:
            return response.json()
        except ValueError:
            raise UpstreamError("the platform answered with something that is not JSON") from None

    async def stream(self, payload: Dict[str, Any]) -> AsyncIterator[Dict[str, Any]]:
        """The platform's chunks, parsed; [DONE] ends them (the caller sends its own)."""
        try:
            async with self.client.stream("POST", self.url, json={**payload, "stream": True}) as response:
                if response.status_code >= 400:
                    body = (await response.aread()).decode("utf-8", "replace")
                    raise UpstreamError(f"the platform answered {response.status_code}: {body[:300]}")
                async for line in response.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[len("data:"):].strip()
                    if data == "[DONE]":
                        break
                    chunk = json.loads(data)
                    if not isinstance(chunk, dict):
                        raise ValueError(data)
                    yield chunk
        except httpx.TimeoutException:
            raise UpstreamError("the platform did not answer in time (JANUS_TIMEOUT)", 504, "upstream_timeout") from None
        except httpx.HTTPError as exc:
            raise UpstreamError(f"the platform is unreachable: {exc.__class__.__name__}") from None
        except ValueError:
            raise UpstreamError("the platform sent a malformed event") from None

    async def aclose(self) -> None:
        await self.client.aclose()
