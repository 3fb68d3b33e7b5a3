"""Agent-CLI flavor: each request runs a CLI agent with the last user message as its final argument, and streams
its stdout. The CLI is JANUS_AGENT_COMMAND (e.g. "codex exec") when set, else the first runtime CLI on PATH (codex,
claude, gemini) in its unattended mode; with neither it behaves like plain (the platform proxy, or the echo model)."""
import asyncio
import logging
import os
import shlex
import shutil
import signal
from typing import AsyncIterator, List, Mapping, Optional

from .agents import Agent, default_agent
from .config import Settings
from .runtime_clis import RUNTIME_CLIS
from .upstream import UpstreamError
from .wire import ChatRequest

log = logging.getLogger("app.agent")


class CliAgent(Agent):
    name = "agent-cli"

    def __init__(self, settings: Settings, argv: List[str]):
        self.argv = argv
        self.timeout = settings.timeout
        # The CLI gets the platform and key through its environment, never on its command line.
        self.env = dict(os.environ)
        if settings.platform_url:
            self.env["OPENAI_BASE_URL"] = settings.platform_url
        if settings.llm_api_key:
            self.env["OPENAI_API_KEY"] = settings.llm_api_key

    async def deltas(self, request: ChatRequest) -> AsyncIterator[str]:
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                request.last_user_text(),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self.env,
                # Its own process group, so everything it starts can be stopped with it.
                start_new_session=True,
            )
        except OSError as exc:
            # A JANUS_AGENT_COMMAND naming a program the image lacks: say which, instead of a bare 500.
            raise UpstreamError(f"the agent CLI {self.argv[0]!r} cannot be started: {exc.strerror}") from None
        # Drained alongside stdout: a CLI that logs a lot to stderr (codex does) would otherwise fill the pipe and stall.
        stderr = asyncio.ensure_future(process.stderr.read())
        try:
            while True:
                line = await asyncio.wait_for(process.stdout.readline(), timeout=self.timeout)
                if not line:
                    break
                yield line.decode("utf-8", "replace")
            code = await asyncio.wait_for(process.wait(), timeout=self.timeout)
        except asyncio.TimeoutError:
            raise UpstreamError("the agent CLI did not finish in time (JANUS_TIMEOUT)", 504, "upstream_timeout") from None
        finally:
            # Also reached when the client goes away mid-stream: neither the CLI nor anything it started may outlive
            # its request, and a child left holding the pipes would keep them open for ever.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            await process.wait()
            stderr_text = (await stderr).decode("utf-8", "replace").strip()
        if code != 0:
            raise UpstreamError(f"the agent CLI exited with {code}: {stderr_text[-300:]}")


def runtime_cli(path: Optional[str] = None) -> Optional[List[str]]:
    """The first runtime CLI found on PATH (or `path`), as it runs unattended; None when there is none."""
    for argv in RUNTIME_CLIS:
        found = shutil.which(argv[0], path=path)
        if found:
            return [found, *argv[1:]]
    return None


def agent_argv(settings: Settings, env: Mapping[str, str] = os.environ) -> Optional[List[str]]:
    if settings.agent_command:
        return shlex.split(settings.agent_command)
    return runtime_cli(env.get("PATH"))


def build_agent(settings: Settings) -> Agent:
    argv = agent_argv(settings)
    if argv:
        log.info("agent CLI: %s (%s)", shlex.join(argv), "JANUS_AGENT_COMMAND" if settings.agent_command else "found on PATH")
        return CliAgent(settings, argv)
    log.info("JANUS_AGENT_COMMAND is not set and no runtime CLI (%s) is on PATH: answering without an agent CLI", ", ".join(a[0] for a in RUNTIME_CLIS))
    return default_agent(settings)
