"""What answers a chat request. Every flavor's `agent.py` builds one of these; the wire format around them
(ids, chunks, usage, [DONE]) lives here once, so flavors only say where the words come from."""
import asyncio
import logging
from typing import Any, AsyncIterator, Dict

from .config import Settings
from .upstream import Upstream, UpstreamError
from .wire import SSE_DONE, ChatRequest, chunk_body, completion_body, count_tokens, error_body, new_completion_id, now, sse_event

log = logging.getLogger("app.agent")


class Agent:
    """Produces the assistant's text as deltas; `complete` and `stream` wrap them in the OpenAI shapes."""

    name = "agent"

    async def deltas(self, request: ChatRequest) -> AsyncIterator[str]:
        raise NotImplementedError
        yield ""  # pragma: no cover - makes this an async generator

    async def complete(self, request: ChatRequest) -> Dict[str, Any]:
        content = "".join([d async for d in self.deltas(request)])
        prompt_tokens = sum(count_tokens(m["content"]) for m in request.messages)
        return completion_body(new_completion_id(), now(), request.model, content, prompt_tokens)

    async def stream(self, request: ChatRequest) -> AsyncIterator[bytes]:
        completion_id, created = new_completion_id(), now()
        yield sse_event(chunk_body(completion_id, created, request.model, {"role": "assistant", "content": ""}))
        try:
            async for delta in self.deltas(request):
                yield sse_event(chunk_body(completion_id, created, request.model, {"content": delta}))
        except UpstreamError as exc:
            # Headers are already sent: report the failure in-band, as OpenAI does, then end the stream.
            yield sse_event(error_body(exc.message, exc.type))
            yield SSE_DONE
            return
        yield sse_event(chunk_body(completion_id, created, request.model, {}, "stop"))
        yield SSE_DONE

    async def aclose(self) -> None:
        pass


class EchoAgent(Agent):
    """A deterministic local model, so the container answers (and can be tested) with no upstream at all."""

    name = "echo"
    # Paced like a real model so clients see a stream and concurrent requests visibly overlap.
    DELAY_S = 0.05

    async def deltas(self, request: ChatRequest) -> AsyncIterator[str]:
        words = f"echo: {request.last_user_text()}".split(" ")
        for i, word in enumerate(words):
            await asyncio.sleep(self.DELAY_S)
            yield word if i == 0 else " " + word


class ProxyAgent(Agent):
    """Forwards requests unchanged to the OpenAI-compatible platform at JANUS_PLATFORM_URL."""

    name = "proxy"

    def __init__(self, settings: Settings):
        self.upstream = Upstream(settings)

    async def deltas(self, request: ChatRequest) -> AsyncIterator[str]:
        answer = await self.upstream.complete(request.payload)
        yield answer["choices"][0]["message"].get("content") or ""

    async def complete(self, request: ChatRequest) -> Dict[str, Any]:
        return await self.upstream.complete(request.payload)

    async def stream(self, request: ChatRequest) -> AsyncIterator[bytes]:
        try:
            async for event in self.upstream.stream(request.payload):
                yield event
        except UpstreamError as exc:
            yield sse_event(error_body(exc.message, exc.type))
            yield SSE_DONE

    async def aclose(self) -> None:
        await self.upstream.aclose()


def default_agent(settings: Settings) -> Agent:
    return ProxyAgent(settings) if settings.platform_url else EchoAgent()
