"""The intake service's client (see docs of intake_api: POST /api/v1/intakes, /followups/...).

Settings from the environment: VAGUT_INTAKE_URL (default http://127.0.0.1:8001) and
VAGUT_INTAKE_TOKEN (the service token, sent as a Bearer token). Nothing here logs a message
text, a phone number or a receipt code: only the outcome and the HTTP status.
"""

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = float(os.environ.get("VAGUT_INTAKE_TIMEOUT", "10"))


def base_url() -> str:
    return os.environ.get("VAGUT_INTAKE_URL", "http://127.0.0.1:8001").rstrip("/")


def _headers() -> Dict[str, str]:
    headers = {"Accept": "application/json"}
    token = os.environ.get("VAGUT_INTAKE_TOKEN") or os.environ.get("INTAKE_SERVICE_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


@dataclass
class Outcome:
    """ok: the service answered 2xx with `data`. Otherwise `unreachable` (down, timeout, 5xx)
    or refused (4xx, with the service's error `code`)."""

    ok: bool
    status: int = 0
    data: Optional[Dict[str, Any]] = None
    code: str = ""

    @property
    def unreachable(self) -> bool:
        return not self.ok and (self.status == 0 or self.status >= 500)


async def _post(path: str, body: Dict[str, Any]) -> Outcome:
    url = f"{base_url()}/api/v1{path}"
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(url, json=body, headers=_headers()) as response:
                try:
                    data = await response.json(content_type=None)
                except (aiohttp.ContentTypeError, ValueError):
                    data = None
                if 200 <= response.status < 300 and isinstance(data, dict):
                    logger.info("intake %s: %s", path, response.status)
                    return Outcome(ok=True, status=response.status, data=data)
                code = data.get("code", "") if isinstance(data, dict) else ""
                logger.warning("intake %s refused: %s %s", path, response.status, code)
                return Outcome(ok=False, status=response.status, code=str(code))
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
        logger.warning("intake %s unreachable: %s", path, type(error).__name__)
        return Outcome(ok=False, status=0, code="unreachable")


async def submit(intake: Dict[str, Any]) -> Outcome:
    return await _post("/intakes", intake)


async def read_followups(receipt_code: str) -> Outcome:
    return await _post("/followups/read", {"receipt_code": receipt_code})
