"""HTTP routes: health, models and chat completions in the OpenAI wire format."""
import logging
import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .agent import build_agent
from .config import Settings
from .upstream import UpstreamError
from .wire import RequestError, check_content_type, error_body, now, parse_chat_request

log = logging.getLogger("app")

ERROR_TYPES = {404: "not_found_error", 405: "invalid_request_error", 401: "authentication_error"}


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="Baseline Agent Cli", version=__version__, docs_url=None, redoc_url=None)
    agent = build_agent(settings)
    started = now()
    log.info("agent: %s, model %s%s", agent.name, settings.model_id, f", platform {settings.platform_url}" if settings.platform_url else "")

    @app.on_event("shutdown")
    async def close_agent() -> None:
        await agent.aclose()

    @app.middleware("http")
    async def log_requests(request: Request, call_next):
        t0 = time.perf_counter()
        response = await call_next(request)
        # One line per request; headers (and so the Authorization of proxied calls) are never logged.
        log.info("%s %s %s %.0fms", request.method, request.url.path, response.status_code, (time.perf_counter() - t0) * 1000)
        return response

    @app.exception_handler(RequestError)
    async def request_error(_request: Request, exc: RequestError):
        return JSONResponse(error_body(exc.message, exc.type, exc.param, exc.code), status_code=exc.status)

    @app.exception_handler(UpstreamError)
    async def upstream_error(_request: Request, exc: UpstreamError):
        return JSONResponse(error_body(exc.message, exc.type), status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException):
        return JSONResponse(error_body(str(exc.detail), ERROR_TYPES.get(exc.status_code, "invalid_request_error")), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError):
        return JSONResponse(error_body(str(exc), "invalid_request_error"), status_code=400)

    @app.exception_handler(Exception)
    async def server_error(_request: Request, exc: Exception):
        log.exception("unhandled error")
        message = f"{exc.__class__.__name__}: {exc}" if settings.debug else "internal server error"
        return JSONResponse(error_body(message, "server_error"), status_code=500)

    @app.get("/health")
    async def health():
        return {"status": "ok"}

    @app.get("/v1/models")
    async def models():
        return {"object": "list", "data": [{"id": settings.model_id, "object": "model", "created": started, "owned_by": "janus"}]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        check_content_type(request.headers.get("content-type"))
        chat = parse_chat_request(await request.body(), settings.model_id)
        if chat.stream:
            return StreamingResponse(
                agent.stream(chat),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        return JSONResponse(await agent.complete(chat))

    return app
