"""Files users share with the bot in a direct message: fetched from Slack with the bot token, size-capped.

A ``message.im`` event with subtype ``file_share`` carries the file objects; ``url_private_download``
needs ``Authorization: Bearer <bot token>`` (scope ``files:read``). The token is only ever sent to the
Web API's own host or one of its subdomains (``files.slack.com`` for ``slack.com``), over the same scheme.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.core.types import FileAttachment

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30.0


class Refusal(StrEnum):
    TOO_LARGE = "slack.file_too_large"
    UNREADABLE = "slack.file_unreadable"


@dataclass(frozen=True)
class SharedFile:
    """What the event says about a file (first one only: one upload per message)."""

    name: str
    mime: str
    size: int
    url: str


def shared_file(event: Mapping[str, Any]) -> SharedFile | None:
    files = event.get("files") or []
    if not files or not isinstance(files[0], Mapping):
        return None
    info = files[0]
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    size = info.get("size")
    return SharedFile(
        name=str(info.get("name") or info.get("title") or "upload"),
        mime=str(info.get("mimetype") or "application/octet-stream"),
        size=int(size) if isinstance(size, int | str) and str(size).isascii() and str(size).isdigit() else 0,
        url=url,
    )


def trusted_url(url: str, api_url: str) -> bool:
    """Whether ``url`` is on the Web API's host (or a subdomain of its domain), over the same scheme."""
    file, api = urlsplit(url), urlsplit(api_url)
    if not file.hostname or not api.hostname or file.scheme != api.scheme:
        return False
    host, api_host = file.hostname.lower(), api.hostname.lower()
    domain = api_host.split(".", 1)[1] if api_host.count(".") >= 2 and not api_host[0].isdigit() else api_host
    return host in (api_host, domain) or host.endswith("." + domain)


async def download(
    file: SharedFile,
    *,
    token: str,
    api_url: str,
    session: aiohttp.ClientSession,
    limit: int = MAX_UPLOAD_BYTES,
) -> FileAttachment | Refusal:
    """The file's bytes, or why not: over ``limit`` (announced or actual), or not fetchable."""
    if file.size > limit:
        return Refusal.TOO_LARGE
    if not file.url or not trusted_url(file.url, api_url):
        return Refusal.UNREADABLE
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT)
    try:
        async with session.get(file.url, headers=headers, timeout=timeout, allow_redirects=False) as response:
            if response.status != 200:
                return Refusal.UNREADABLE
            data = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                data += chunk
                if len(data) > limit:  # the announced size was wrong: stop reading
                    return Refusal.TOO_LARGE
    except (aiohttp.ClientError, TimeoutError):
        return Refusal.UNREADABLE
    return FileAttachment(file.name, bytes(data), file.mime)
