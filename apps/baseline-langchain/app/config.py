"""Settings, from the environment only, read once at startup.

A bad value stops the server at once with the variable, the value and what is allowed, instead of
surfacing later as a confusing runtime error.
"""
import os
from dataclasses import dataclass, field
from typing import Mapping, Optional

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    host: str = "0.0.0.0"
    port: int = 8080
    log_level: str = "INFO"
    debug: bool = False
    platform_url: Optional[str] = None
    # repr=False: settings get logged and printed; the key must never be.
    llm_api_key: Optional[str] = field(default=None, repr=False)
    memory_url: Optional[str] = None
    search_url: Optional[str] = None
    timeout: float = 60.0
    agent_command: Optional[str] = None
    model_id: str = "janus-baseline-langchain"


def _optional(env: Mapping[str, str], key: str) -> Optional[str]:
    value = env.get(key, "").strip()
    return value or None


def _url(env: Mapping[str, str], key: str) -> Optional[str]:
    value = _optional(env, key)
    if value is not None and not value.startswith(("http://", "https://")):
        raise ConfigError(f"{key}={value!r}: must be an http:// or https:// URL")
    return value.rstrip("/") if value else None


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    raw_port = env.get("PORT", "8080").strip()
    try:
        port = int(raw_port)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ConfigError(f"PORT={raw_port!r}: must be an integer from 1 to 65535")

    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={log_level!r}: must be one of {', '.join(LOG_LEVELS)}")

    raw_debug = env.get("DEBUG", "false").strip().lower()
    if raw_debug not in TRUE_WORDS + FALSE_WORDS:
        raise ConfigError(f"DEBUG={raw_debug!r}: must be true or false")

    raw_timeout = env.get("JANUS_TIMEOUT", "60").strip()
    try:
        timeout = float(raw_timeout)
    except ValueError:
        timeout = 0.0
    if not timeout > 0:
        raise ConfigError(f"JANUS_TIMEOUT={raw_timeout!r}: must be a positive number of seconds")

    return Settings(
        host=env.get("HOST", "0.0.0.0").strip() or "0.0.0.0",
        port=port,
        log_level=log_level,
        debug=raw_debug in TRUE_WORDS,
        platform_url=_url(env, "JANUS_PLATFORM_URL"),
        llm_api_key=_optional(env, "JANUS_LLM_API_KEY"),
        memory_url=_url(env, "JANUS_MEMORY_URL"),
        search_url=_url(env, "JANUS_SEARCH_URL"),
        timeout=timeout,
        agent_command=_optional(env, "JANUS_AGENT_COMMAND"),
    )
