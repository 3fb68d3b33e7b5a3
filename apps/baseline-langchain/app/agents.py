"""What answers a chat request. Every flavor's `agent.py` builds one of these; the wire format around them
(ids, chunks, usage, [DONE]) lives here once, so flavors only say where the words come from."""
import asyncio
import logging
from typing import Any, AsyncIterator, Dict

from .config import Settings
from .upstream import Upstream, UpstreamError
from .wire import (
    SSE_DONE,
    ChatRequest,
    chunk_body,
    completion_body,
    error_body,
    new_completion_id,
    now,
    sse_event,
    streamed_text,
    usage_body,
    usage_chunk_body,
)

log = logging.getLogger("app.agent")


class Agent:
    """Produces the assistant's text as deltas; `complete` and `stream` wrap them in the OpenAI shapes.
    An agent that gets whole chunks from elsewhere (the proxy) overrides `chunks` instead."""

    name = "agent"

    async def deltas(self, request: ChatRequest) -> AsyncIterator[str]:
        raise NotImplementedError
        yield ""  # pragma: no cover - makes this an async generator

    async def complete(self, request: ChatRequest) -> Dict[str, Any]:
        content = "".join([d async for d in self.deltas(request)])
        return completion_body(new_completion_id(), now(), request.model, content, request.prompt_tokens())

    async def chunks(self, request: ChatRequest) -> AsyncIterator[Dict[str, Any]]:
        """The stream's chunks, up to and including the one with the finish_reason."""
        completion_id, created = new_completion_id(), now()
        yield chunk_body(completion_id, created, request.model, {"role": "assistant", "content": ""})
        async for delta in self.deltas(request):
            yield chunk_body(completion_id, created, request.model, {"content": delta})
        yield chunk_body(completion_id, created, request.model, {}, "stop")

    async def stream(self, request: ChatRequest) -> AsyncIterator[bytes]:
        last: Dict[str, Any] = {}
        content, usage_sent = [], False
        try:
            async for chunk in self.chunks(request):
                content.append(streamed_text(chunk))
                usage_sent = usage_sent or bool(chunk.get("usage"))
                last = chunk
                yield sse_event(chunk)
        except UpstreamError as exc:
            # Headers are already sent: report the failure in-band, as OpenAI does, then end the stream.
            yield sse_event(error_body(exc.message, exc.type))
            yield SSE_DONE
            return
        if request.include_usage and not usage_sent:
            # Token-counting clients read this one extra chunk, after the finish chunk and before [DONE].
            usage = usage_body(request.prompt_tokens(), "".join(content))
            completion_id, created = last.get("id") or new_completion_id(), last.get("created") or now()
            yield sse_event(usage_chunk_body(completion_id, created, last.get("model") or request.model, usage))
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

    async def complete(self, request: ChatRequest) -> Dict[str, Any]:
        return await self.upstream.complete(request.payload)

    async def chunks(self, request: ChatRequest) -> AsyncIterator[Dict[str, Any]]:
        # The payload goes up untouched, stream_options included: a platform that honours include_usage sends
        # its own usage chunk, passed through like the rest; for one that does not, `stream` counts instead.
        async for chunk in self.upstream.stream(request.payload):
            yield chunk

    async def aclose(self) -> None:
        await self.upstream.aclose()


def default_agent(settings: Settings) -> Agent:
    return ProxyAgent(settings) if settings.platform_url else EchoAgent()
