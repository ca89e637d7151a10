"""Files a served app offers its browser: textual-serve's download relay, made patient and honest.

The browser asks the server for the file; the server asks the session's app for one chunk at a
time. textual-serve's stock relay waits 4 s for each chunk, and when that runs out it calls
``task_done`` on an empty queue (Textualize/textual-serve#29): the ValueError cuts the response
and the browser reports the download as cancelled. A chunk can take that long on a busy
machine. Here a chunk may take ``CHUNK_SECONDS``; a file that still does not arrive, or whose
session closes part way, fails as a failed download, never as a short file that looks complete.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator

from aiohttp import web
from aiohttp.helpers import content_disposition_header
from textual_serve.download_manager import DOWNLOAD_CHUNK_SIZE, Download, DownloadManager

log = logging.getLogger("textual-serve")

#: How long the app may take to send one chunk of a file before the download fails.
CHUNK_SECONDS = 30.0


class DownloadStalled(Exception):
    """The app stopped sending a file before its end."""


class PatientDownloads(DownloadManager):
    async def download(self, delivery_key: str) -> AsyncGenerator[bytes, None]:
        """The file's chunks in order; DownloadStalled if it stops before its end."""
        download = self._active_downloads[delivery_key]
        try:
            while True:
                asked = await download.app_service.send_meta(
                    {
                        "type": "deliver_chunk_request",
                        "key": delivery_key,
                        "size": DOWNLOAD_CHUNK_SIZE,
                        "name": download.name,
                    }
                )
                if not asked:
                    raise DownloadStalled("the session closed before the file was sent")
                try:
                    chunk = await asyncio.wait_for(download.incoming_chunks.get(), CHUNK_SECONDS)
                except TimeoutError:
                    raise DownloadStalled(f"no data from the app for {CHUNK_SECONDS:g} s") from None
                if chunk is None:  # cancel_app_downloads: the session went away
                    raise DownloadStalled("the session closed before the file was sent")
                if not chunk:  # the app's empty chunk marks the end of the file
                    return
                yield chunk
        finally:
            self._active_downloads.pop(delivery_key, None)


async def serve_download(
    request: web.Request, downloads: DownloadManager, key: str
) -> web.StreamResponse:
    """Stream one offered file to the browser as an attachment named as the app named it."""
    try:
        meta: Download = await downloads.get_download_metadata(key)
    except KeyError:
        raise web.HTTPNotFound(text="optiscope: this download is over or never existed") from None
    content_type = meta.mime_type or "application/octet-stream"
    if meta.encoding:
        content_type += f"; charset={meta.encoding}"
    disposition = "inline" if meta.open_method == "browser" else "attachment"
    response = web.StreamResponse(
        headers={
            "Content-Type": content_type,
            "Content-Disposition": content_disposition_header(disposition, filename=meta.file_name),
        }
    )
    await response.prepare(request)
    try:
        async for chunk in downloads.download(key):
            await response.write(chunk)
    except DownloadStalled as stalled:
        log.warning("the download of %s failed: %s", meta.file_name, stalled)
        # No closing chunk: the browser sees a cut transfer and marks the download failed.
        if request.transport is not None:
            request.transport.abort()
        return response
    await response.write_eof()
    return response
