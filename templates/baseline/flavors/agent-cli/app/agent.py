"""Agent-CLI flavor: each request runs a CLI agent (JANUS_AGENT_COMMAND, e.g. "codex exec") with the last
user message as its final argument, and streams its stdout. Without a command it behaves like plain."""
import asyncio
import logging
import os
import shlex
from typing import AsyncIterator

from .agents import Agent, default_agent
from .config import Settings
from .upstream import UpstreamError
from .wire import ChatRequest

log = logging.getLogger("app.agent")


class CliAgent(Agent):
    name = "agent-cli"

    def __init__(self, settings: Settings):
        self.argv = shlex.split(settings.agent_command or "")
        self.timeout = settings.timeout
        # The CLI gets the platform and key through its environment, never on its command line.
        self.env = dict(os.environ)
        if settings.platform_url:
            self.env["OPENAI_BASE_URL"] = settings.platform_url
        if settings.llm_api_key:
            self.env["OPENAI_API_KEY"] = settings.llm_api_key

    async def deltas(self, request: ChatRequest) -> AsyncIterator[str]:
        process = await asyncio.create_subprocess_exec(
            *self.argv, request.last_user_text(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=self.env
        )
        try:
            while True:
                line = await asyncio.wait_for(process.stdout.readline(), timeout=self.timeout)
                if not line:
                    break
                yield line.decode("utf-8", "replace")
            code = await asyncio.wait_for(process.wait(), timeout=self.timeout)
        except asyncio.TimeoutError:
            process.kill()
            raise UpstreamError("the agent CLI did not finish in time (JANUS_TIMEOUT)", 504, "upstream_timeout") from None
        if code != 0:
            stderr = (await process.stderr.read()).decode("utf-8", "replace").strip()
            raise UpstreamError(f"the agent CLI exited with {code}: {stderr[-300:]}")


def build_agent(settings: Settings) -> Agent:
    if settings.agent_command:
        return CliAgent(settings)
    log.info("JANUS_AGENT_COMMAND is not set: answering without an agent CLI")
    return default_agent(settings)
