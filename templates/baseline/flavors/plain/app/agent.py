"""Plain flavor: the platform proxy when JANUS_PLATFORM_URL is set, else the local echo model."""
from .agents import Agent, default_agent
from .config import Settings


def build_agent(settings: Settings) -> Agent:
    return default_agent(settings)
