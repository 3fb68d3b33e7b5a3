"""LangChain flavor: with JANUS_PLATFORM_URL set, each request runs a LangChain-style chain, a prompt (the agent's
system prompt ahead of the conversation) piped into an OpenAI-compatible chat model on the platform, keyed with
JANUS_LLM_API_KEY. The chat model is langchain-openai's ChatOpenAI when installed (`pip install .[langchain]`),
else a small client of the same shape speaking the OpenAI wire format over httpx, so the chain runs where PyPI
cannot be reached. Without a platform URL the local echo model answers. Memory and search services are handed to
the chain through JANUS_MEMORY_URL and JANUS_SEARCH_URL."""
import logging
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

from .agents import Agent, default_agent
from .config import Settings
from .upstream import Upstream, UpstreamError
from .wire import ChatRequest, completion_body, new_completion_id, now

log = logging.getLogger("app.agent")

SYSTEM_PROMPT = (
    "You are a Janus baseline agent. Answer the user's request directly and accurately; say so when you do not know."
)
# LangChain's message types, keyed by OpenAI role; the httpx model maps them back.
LANGCHAIN_ROLES = {"system": "system", "developer": "system", "user": "human", "assistant": "ai", "tool": "tool"}
OPENAI_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}

Message = Tuple[str, str]


def prompt(request: ChatRequest) -> List[Message]:
    """The chain's prompt step: the system prompt, then the conversation as LangChain (type, content) pairs."""
    return [("system", SYSTEM_PROMPT)] + [(LANGCHAIN_ROLES.get(m["role"], "human"), m["content"]) for m in request.messages]


class Chunk:
    def __init__(self, content: str):
        self.content = content


class WireChatModel:
    """ChatOpenAI's `ainvoke`/`astream` over the OpenAI wire format, for images without langchain-openai."""

    def __init__(self, upstream: Upstream, model: str):
        self.upstream = upstream
        self.model = model

    def _payload(self, messages: List[Message]) -> Dict[str, Any]:
        return {"model": self.model, "messages": [{"role": OPENAI_ROLES.get(kind, "user"), "content": text} for kind, text in messages]}

    async def ainvoke(self, messages: List[Message]) -> Chunk:
        body = await self.upstream.complete(self._payload(messages))
        try:
            return Chunk(body["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError):
            raise UpstreamError("the platform answered without choices[0].message.content") from None

    async def astream(self, messages: List[Message]) -> AsyncIterator[Chunk]:
        async for chunk in self.upstream.stream(self._payload(messages)):
            for choice in chunk.get("choices") or []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    yield Chunk(text)


class LangChainAgent(Agent):
    name = "langchain"

    def __init__(self, settings: Settings, chat_model_class=None):
        self.settings = settings
        self.chat_model_class = chat_model_class
        # One connection pool for every request, as ChatOpenAI keeps its own.
        self.upstream = None if chat_model_class else Upstream(settings)
        self.name = "langchain" if chat_model_class else "langchain (httpx chat model)"

    def _model(self, request: ChatRequest):
        if self.upstream is not None:
            return WireChatModel(self.upstream, request.model)
        return self.chat_model_class(
            base_url=self.settings.platform_url,
            api_key=self.settings.llm_api_key or "unset",
            model=request.model,
            timeout=self.settings.timeout,
        )

    async def complete(self, request: ChatRequest) -> Dict[str, Any]:
        message = await self._model(request).ainvoke(prompt(request))
        content = message.content if isinstance(message.content, str) else str(message.content)
        return completion_body(new_completion_id(), now(), request.model, content, request.prompt_tokens())

    async def deltas(self, request: ChatRequest) -> AsyncIterator[str]:
        async for chunk in self._model(request).astream(prompt(request)):
            if chunk.content:
                yield chunk.content

    async def aclose(self) -> None:
        if self.upstream is not None:
            await self.upstream.aclose()


def chat_model_class() -> Optional[type]:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        return None
    return ChatOpenAI


def build_agent(settings: Settings) -> Agent:
    if not settings.platform_url:
        log.info("JANUS_PLATFORM_URL is not set: answering with the local echo model")
        return default_agent(settings)
    model_class = chat_model_class()
    if model_class is None:
        log.info("langchain-openai is not installed: the chain's chat model speaks the OpenAI wire format over httpx")
    return LangChainAgent(settings, model_class)
