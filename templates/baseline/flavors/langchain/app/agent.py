"""LangChain flavor: with langchain-openai installed (`pip install .[langchain]`) and JANUS_PLATFORM_URL set,
requests go through a LangChain chat model; otherwise it behaves like plain. Memory and search services are
handed to the chain through JANUS_MEMORY_URL and JANUS_SEARCH_URL."""
import logging
from typing import AsyncIterator

from .agents import Agent, default_agent
from .config import Settings
from .wire import ChatRequest

log = logging.getLogger("app.agent")

LANGCHAIN_ROLES = {"system": "system", "developer": "system", "user": "human", "assistant": "ai"}


class LangChainAgent(Agent):
    name = "langchain"

    def __init__(self, settings: Settings, chat_model_class):
        self.settings = settings
        self.chat_model_class = chat_model_class

    def _model(self, request: ChatRequest):
        return self.chat_model_class(
            base_url=self.settings.platform_url,
            api_key=self.settings.llm_api_key or "unset",
            model=request.model,
            timeout=self.settings.timeout,
        )

    async def deltas(self, request: ChatRequest) -> AsyncIterator[str]:
        messages = [(LANGCHAIN_ROLES.get(m["role"], "human"), m["content"]) for m in request.messages]
        async for chunk in self._model(request).astream(messages):
            if chunk.content:
                yield chunk.content


def build_agent(settings: Settings) -> Agent:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        log.info("langchain-openai is not installed: answering without LangChain")
        return default_agent(settings)
    if not settings.platform_url:
        log.info("JANUS_PLATFORM_URL is not set: answering with the local echo model")
        return default_agent(settings)
    return LangChainAgent(settings, ChatOpenAI)
