"""A minimal Streamlit client that speaks the browser's websocket protocol, so hundreds of participants fit
on one small machine where hundreds of Chromium pages would not.

It does what the browser's frontend does for a page: open `/_stcore/stream`, send a `rerun_script` with the
page name and query string, read the `delta`s of that run (so it knows every widget's id, label and options
and every text shown), then send the next `rerun_script` with the widget values and a button's trigger. The
server cannot tell it from a browser, so the app code under test runs exactly as for a phone.

Only loopback servers are accepted: this is a measuring tool, not a way to load someone else's server.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: `script_finished` statuses after which no further run follows on its own.
_FINAL_STATUSES: Final = frozenset(
    {
        ForwardMsg.FINISHED_SUCCESSFULLY,
        ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    }
)


class NotLoopback(ValueError):
    pass


def require_loopback(url: str) -> str:
    """The URL unchanged when its host resolves only to loopback addresses; refuses anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotLoopback(f"not an http(s) URL: {url!r}")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise NotLoopback(f"cannot resolve {parts.hostname!r}: {exc}") from exc
    addresses = {str(info[4][0]) for info in infos}  # an IPv4/IPv6 socket address starts with its host text
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise NotLoopback(f"{parts.hostname!r} is not a loopback address ({', '.join(sorted(addresses))})")
    return url.rstrip("/")


@dataclass(frozen=True)
class Widget:
    """One widget as the server described it in a delta."""

    kind: str  # the Element oneof name: "radio", "button", "select_slider", "segmented_control", …
    id: str
    label: str
    form_id: str
    options: tuple[str, ...]
    proto: Any
    fragment_id: str = ""  # set when the widget lives in an st.fragment: pressing it reruns only that


@dataclass
class Run:
    """What one script run drew: elements in delta order, and how it ended."""

    elements: list[tuple[tuple[int, ...], Element, str]] = field(
        default_factory=list
    )  # (path, element, fragment)
    status: int | None = None
    fragment_ids: tuple[str, ...] = ()

    def texts(self) -> list[str]:
        """Every readable text: markdown, headings, alerts, captions, exceptions."""
        out: list[str] = []
        for _, el, _ in self.elements:
            kind = el.WhichOneof("type")
            if not kind:
                continue
            sub = getattr(el, kind)
            if kind == "exception":
                out.append(f"EXCEPTION {sub.type}: {sub.message}")
            elif hasattr(sub, "body") and isinstance(sub.body, str):
                out.append(sub.body)
        return out

    def alerts(self, format_name: str) -> list[str]:
        """Bodies of st.success/st.error/st.warning/st.info alerts (format_name "SUCCESS", "ERROR", …)."""
        wanted = getattr(Element().alert.__class__, format_name)
        return [
            el.alert.body
            for _, el, _ in self.elements
            if el.WhichOneof("type") == "alert" and el.alert.format == wanted
        ]

    def exceptions(self) -> list[str]:
        return [
            f"{el.exception.type}: {el.exception.message}"
            for _, el, _ in self.elements
            if el.WhichOneof("type") == "exception"
        ]

    def widgets(self) -> list[Widget]:
        out: list[Widget] = []
        for _, el, fragment_id in self.elements:
            kind = el.WhichOneof("type")
            if not kind:
                continue
            sub = getattr(el, kind)
            names = sub.DESCRIPTOR.fields_by_name
            if "id" not in names or not getattr(sub, "id", ""):
                continue
            options = tuple(str(o) for o in sub.options) if "options" in names else ()
            form_id = sub.form_id if "form_id" in names else ""
            label = sub.label if "label" in names else ""
            out.append(Widget(kind, sub.id, label, form_id, options, sub, fragment_id))
        return out

    def find(self, kind: str, label_contains: str = "") -> Widget:
        for w in self.widgets():
            if w.kind == kind and label_contains.lower() in w.label.lower():
                return w
        raise LookupError(
            f"no {kind} widget with label containing {label_contains!r}; "
            f"widgets: {[(w.kind, w.label) for w in self.widgets()]}"
        )


def string_state(widget_id: str, value: str) -> WidgetState:
    """radio, selectbox, text_input, text_area: the formatted option or the text (other widgets carry their
    value in other fields of WidgetState: see `value_type` in streamlit/elements/widgets)."""
    state = WidgetState(id=widget_id)
    state.string_value = value
    return state


def trigger_state(widget_id: str) -> WidgetState:
    """A button or form submit button that was just pressed."""
    return WidgetState(id=widget_id, trigger_value=True)


class StreamlitClient:
    """One browser tab's websocket session with a Streamlit server."""

    def __init__(self, base_url: str, page_name: str = "", query_string: str = "") -> None:
        self.base_url = require_loopback(base_url)
        self.page_name = page_name
        self.query_string = query_string
        self.auto_rerun: tuple[float, str] | None = None  # (interval, fragment id) of a run_every fragment
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._runs: asyncio.Queue[Run] = asyncio.Queue()
        self._current = Run()
        self._closed = asyncio.Event()
        self.close_reason: str | None = None

    async def __aenter__(self) -> StreamlitClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self, timeout: float = 15.0) -> None:
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self._ws = await asyncio.wait_for(
            websockets.connect(
                f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
                subprotocols=["streamlit"],  # type: ignore[list-item]  # websockets types it as Subprotocol (a NewType of str)
                origin=f"{parts.scheme}://{parts.netloc}",  # type: ignore[arg-type]  # likewise Origin, a NewType of str
                max_size=None,
                open_timeout=timeout,
                ping_interval=None,
            ),
            timeout,
        )
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except websockets.ConnectionClosed as exc:
            self.close_reason = f"connection closed ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
        finally:
            self.close_reason = self.close_reason or "connection closed"
            self._closed.set()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._current = Run()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            path = tuple(msg.metadata.delta_path)
            el = Element()
            el.CopyFrom(msg.delta.new_element)
            self._current.elements.append((path, el, msg.delta.fragment_id))
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            # A page may have several timed fragments; keep the fastest, which is the one that shows news.
            if self.auto_rerun is None or msg.auto_rerun.interval <= self.auto_rerun[0]:
                self.auto_rerun = (msg.auto_rerun.interval, msg.auto_rerun.fragment_id)
        elif kind == "script_finished":
            self._current.status = msg.script_finished
            if msg.script_finished in _FINAL_STATUSES:
                self._current.fragment_ids = (
                    tuple(msg.metadata.run.fragment_ids) if msg.HasField("metadata") else ()
                )
                self._runs.put_nowait(self._current)
                self._current = Run()

    async def rerun(
        self,
        widgets: Iterable[WidgetState] = (),
        *,
        page_name: str | None = None,
        fragment_id: str = "",
        auto: bool = False,
        timeout: float = 30.0,
    ) -> Run:
        """Send one rerun request (what a widget change or a page load sends) and return the finished run.

        `fragment_id` reruns only that fragment, as a widget inside an st.fragment does (`auto`: as the
        browser's run_every timer does)."""
        if page_name is not None:
            self.page_name = page_name
        while not self._runs.empty():
            self._runs.get_nowait()
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_name = self.page_name
        state.widget_states.widgets.extend(widgets)
        state.context_info.url = f"{self.base_url}/{self.page_name}" + (
            f"?{self.query_string}" if self.query_string else ""
        )
        state.context_info.timezone = "Europe/Amsterdam"
        state.context_info.locale = "nl-NL"
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = auto
        await self._ws.send(msg.SerializeToString())
        return await self.next_run(timeout)

    async def next_run(self, timeout: float = 30.0) -> Run:
        getter = asyncio.ensure_future(self._runs.get())
        closed = asyncio.ensure_future(self._closed.wait())
        done, _ = await asyncio.wait({getter, closed}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            closed.cancel()
            return getter.result()
        getter.cancel()
        closed.cancel()
        if closed in done:
            raise ConnectionError(self.close_reason or "connection closed")
        raise TimeoutError(f"no finished script run within {timeout:.0f} s")


async def load_page(
    base_url: str, page_name: str, query_string: str = "", timeout: float = 30.0
) -> tuple[StreamlitClient, Run, float]:
    """Open a page as a browser tab would; returns the connected client, its first run and the seconds it took."""
    client = StreamlitClient(base_url, page_name, query_string)
    t0 = time.monotonic()
    await client.connect(timeout)
    run = await client.rerun(timeout=timeout)
    return client, run, time.monotonic() - t0
