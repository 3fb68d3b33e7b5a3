"""The OpenAI chat-completions wire format: request validation and response shapes.

Requests are checked by hand rather than with pydantic models so the same code runs on pydantic 1
(Debian's) and 2 (PyPI's) alike.
"""
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
JSON_MEDIA_TYPE = "application/json"


class RequestError(Exception):
    """A client error, answered as an OpenAI-shaped error body."""

    def __init__(self, message: str, param: Optional[str] = None, status: int = 400, type: str = "invalid_request_error", code: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.param = param
        self.status = status
        self.type = type
        self.code = code


@dataclass
class ChatRequest:
    model: str
    messages: List[Dict[str, str]]
    stream: bool
    # The request as received, forwarded untouched to an upstream.
    payload: Dict[str, Any] = field(repr=False)
    include_usage: bool = False

    def prompt_tokens(self) -> int:
        return sum(count_tokens(m["content"]) for m in self.messages)

    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message["role"] == "user":
                return message["content"]
        return self.messages[-1]["content"]


def _content_text(content: Any, index: int) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if not isinstance(part, dict):
                raise RequestError(f"messages[{index}].content parts must be objects", f"messages[{index}].content")
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "".join(parts)
    raise RequestError(f"messages[{index}].content must be a string or a list of content parts", f"messages[{index}].content")


def check_content_type(content_type: Optional[str]) -> None:
    # A body declared as anything but JSON is refused rather than parsed anyway: the client has a bug worth
    # hearing about, and browsers send text/plain cross-origin without asking first.
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        given = f"Content-Type {content_type!r}" if content_type else "a request without Content-Type"
        raise RequestError(
            f"{given} is not supported: send the body as JSON with 'Content-Type: {JSON_MEDIA_TYPE}' (parameters such as charset are allowed)",
            status=415,
            code="unsupported_media_type",
        )


def _include_usage(body: Dict[str, Any], stream: bool) -> bool:
    options = body.get("stream_options")
    if options is None:
        return False
    if not isinstance(options, dict):
        raise RequestError("'stream_options' must be an object", "stream_options")
    if not stream:
        # As OpenAI answers: the options only shape a stream.
        raise RequestError("'stream_options' is only allowed when 'stream' is true", "stream_options")
    include_usage = options.get("include_usage")
    if include_usage is not None and not isinstance(include_usage, bool):
        raise RequestError("'stream_options.include_usage' must be a boolean", "stream_options.include_usage")
    return bool(include_usage)


def parse_chat_request(raw: bytes, default_model: str) -> ChatRequest:
    try:
        body = json.loads(raw or b"null")
    except ValueError as exc:
        raise RequestError(f"request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise RequestError("request body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise RequestError("'messages' must be a non-empty array of message objects", "messages")
    parsed = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise RequestError(f"messages[{i}] must be an object", f"messages[{i}]")
        role = message.get("role")
        if role not in ROLES:
            raise RequestError(f"messages[{i}].role must be one of {', '.join(ROLES)}", f"messages[{i}].role")
        parsed.append({"role": role, "content": _content_text(message.get("content"), i)})
    model = body.get("model", default_model)
    if not isinstance(model, str) or not model:
        raise RequestError("'model' must be a non-empty string", "model")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise RequestError("'stream' must be a boolean", "stream")
    return ChatRequest(model=model, messages=parsed, stream=stream, payload=body, include_usage=_include_usage(body, stream))


def new_completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def now() -> int:
    return int(time.time())


def count_tokens(text: str) -> int:
    # A whitespace word count: deterministic, dependency-free, and good enough for usage figures.
    return len(text.split())


def usage_body(prompt_tokens: int, content: str) -> Dict[str, int]:
    completion_tokens = count_tokens(content)
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens}


def completion_body(completion_id: str, created: int, model: str, content: str, prompt_tokens: int) -> Dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": usage_body(prompt_tokens, content),
    }


def chunk_body(completion_id: str, created: int, model: str, delta: Dict[str, Any], finish_reason: Optional[str] = None) -> Dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def usage_chunk_body(completion_id: str, created: int, model: str, usage: Dict[str, int]) -> Dict[str, Any]:
    # What OpenAI sends for stream_options.include_usage: no choices, the figures for the whole completion.
    return {**chunk_body(completion_id, created, model, {}), "choices": [], "usage": usage}


def streamed_text(chunk: Dict[str, Any]) -> str:
    """The content a chunk adds, whoever wrote it (the platform's chunks are passed through as they came)."""
    choices = chunk.get("choices")
    if not isinstance(choices, list):
        return ""
    deltas = [c.get("delta") for c in choices if isinstance(c, dict)]
    return "".join(d["content"] for d in deltas if isinstance(d, dict) and isinstance(d.get("content"), str))


def error_body(message: str, type: str, param: Optional[str] = None, code: Optional[str] = None) -> Dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def sse_event(data: Any) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return f"data: {payload}\n\n".encode("utf-8")


SSE_DONE = b"data: [DONE]\n\n"
