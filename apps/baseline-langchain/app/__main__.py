"""Entry point: `python -m app`. Reads the environment, then serves with uvicorn (which handles SIGTERM
by finishing in-flight requests and exiting 0)."""
import logging
import sys

import uvicorn

from .config import ConfigError, load_settings
from .main import create_app


def main() -> None:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stdout)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
        # Our logging config (one format, LOG_LEVEL) instead of uvicorn's own handlers, which would print twice.
        log_config=None,
    )


if __name__ == "__main__":
    main()
