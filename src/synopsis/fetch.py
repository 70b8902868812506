"""The one way Synopsis fetches a URL on a user's behalf.

- One parser (`parse_url`) decides what a URL is, at create time and at fetch time alike: http
  or https, a host, a valid port, a bounded length. A client's string is never a path.
- The address check happens where the connection is made: the network backend under httpx
  resolves the host, refuses it when any address is loopback, private, link-local, reserved or
  multicast (IPv4 embedded in IPv6 included: mapped, compatible, NAT64, 6to4) unless the
  allow-list (`SYNOPSIS_FETCH_ALLOWLIST`: hostnames or CIDR ranges) permits it, and connects to
  the address it checked. DNS cannot swap in another address, redirects are checked on every hop,
  and TLS still verifies the original host name.
- Limits bind the whole exchange, not one read: a deadline from the first connect to the last
  byte, and for media a minimum average rate, so a server trickling a byte every few seconds
  cannot hold a worker. Environment proxies are not used (they would bypass the check).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import httpcore
import httpx

from .config import Settings, get_settings
from .errors import FetchError
from .files import private_file
from .limits import MAX_HOST_LENGTH, MAX_URL_LENGTH

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
_METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


# --- what a URL is ------------------------------------------------------------------------------


def looks_like_url(source: str) -> bool:
    """True when `source` names an http(s) URL (valid or not) rather than a local path."""
    return source.split(":", 1)[0].lower() in SCHEMES and ":" in source


def parse_url(url: object, field_name: str = "url") -> SplitResult:
    """The one rule for a URL from a client: http(s), a host, a valid port, bounded length."""
    if not isinstance(url, str) or not url:
        raise FetchError(f"{field_name} must be a non-empty http or https URL")
    if len(url) > MAX_URL_LENGTH:
        raise FetchError(f"{field_name} is longer than the limit of {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise FetchError(f"{field_name} contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        host = parts.hostname or ""
    except ValueError as exc:
        raise FetchError(f"{field_name} is not a valid URL: {exc}") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise FetchError(
            f"{field_name} must be an http or https URL, not {parts.scheme or 'no scheme'!r}"
        )
    if not parts.netloc or not host:
        raise FetchError(f"{field_name} has no host: {url[:100]!r}")
    if len(host) > MAX_HOST_LENGTH:
        raise FetchError(f"{field_name} has a host longer than {MAX_HOST_LENGTH} characters")
    try:
        host.encode("idna")
    except UnicodeError as exc:
        raise FetchError(f"{field_name} has an invalid host name: {exc}") from exc
    return parts


# --- which addresses may be reached -------------------------------------------------------------


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: mapped, compatible, NAT64 or 6to4."""
    if address.version == 4:
        return None
    assert isinstance(address, ipaddress.IPv6Address)
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class FetchPolicy:
    """Where a fetch may go and how much it may take.

    `timeout` bounds connecting and each read or write; `deadline` bounds the whole exchange,
    redirects included; `min_rate` (bytes per second, averaged) applies after the first
    `timeout` seconds; `max_bytes` bounds the body.
    """

    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    max_bytes: int = 50 * 1024 * 1024
    timeout: float = 30.0
    deadline: float = 60.0
    min_rate: float = 0.0

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> FetchPolicy:
        """Documents (text URLs)."""
        settings = settings or get_settings()
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (e.strip() for e in settings.fetch_allowlist.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(
            frozenset(hosts),
            tuple(networks),
            max_bytes=settings.fetch_max_bytes,
            timeout=settings.fetch_timeout,
            deadline=settings.fetch_deadline_seconds,
        )

    @classmethod
    def for_media(cls, settings: Settings | None = None) -> FetchPolicy:
        """Recordings: larger and longer, but never slower than the minimum rate."""
        settings = settings or get_settings()
        return replace(
            cls.from_settings(settings),
            max_bytes=settings.media_max_bytes,
            deadline=settings.media_fetch_deadline_seconds,
            min_rate=settings.media_fetch_min_bytes_per_second,
        )

    @classmethod
    def for_webhooks(cls, settings: Settings | None = None) -> FetchPolicy:
        """A webhook counts only when the whole answer arrives within the webhook timeout."""
        settings = settings or get_settings()
        return replace(
            cls.from_settings(settings),
            timeout=settings.webhook_timeout,
            deadline=settings.webhook_timeout,
            max_bytes=64 * 1024,
        )

    def permits(self, host: str, address: IPAddress) -> bool:
        embedded = embedded_ipv4(address)
        if host in self.allowed_hosts:
            return True
        if any((embedded or address) in network for network in self.allowed_networks):
            return True
        return all(a.is_global and not a.is_multicast for a in (address, embedded) if a)


def checked_addresses(host: str, port: int, policy: FetchPolicy) -> list[IPAddress]:
    """Resolve `host`; every address must be permitted, or the fetch is refused."""
    host = host.lower().rstrip(".")
    if host in _METADATA_HOSTS and host not in policy.allowed_hosts:
        raise FetchError(f"refusing to fetch from {host}: it is a cloud metadata address")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"could not resolve {host}: {exc.strerror or exc}") from exc
    except UnicodeError as exc:
        raise FetchError(f"could not resolve {host}: invalid host name") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not policy.permits(host, address):
            raise FetchError(
                f"refusing to fetch from {host}: it resolves to {address}, a loopback, private, "
                f"link-local or reserved address (allow it with SYNOPSIS_FETCH_ALLOWLIST)"
            )
    return addresses


# --- one exchange under its limits --------------------------------------------------------------


@dataclass
class _Exchange:
    """The clock and byte count of one fetch, shared by every socket it opens."""

    url: str
    policy: FetchPolicy
    started: float = field(default_factory=time.monotonic)
    received: int = 0

    def timeout(self, requested: float | None) -> float:
        """The socket timeout for the next operation: never past the deadline."""
        remaining = self.started + self.policy.deadline - time.monotonic()
        if remaining <= 0:
            raise self.too_long()
        return remaining if requested is None else min(requested, remaining)

    def too_long(self) -> FetchError:
        return FetchError(
            f"fetching {self.url} took longer than the limit of {self.policy.deadline:g} s"
        )

    def count(self, size: int) -> None:
        self.received += size
        elapsed = time.monotonic() - self.started
        rate = self.policy.min_rate
        if rate and elapsed > self.policy.timeout and self.received < rate * elapsed:
            raise FetchError(
                f"{self.url} is too slow: {self.received} bytes in {elapsed:.0f} s, under the "
                f"minimum of {rate:g} bytes per second"
            )

    def past_deadline(self) -> bool:
        return time.monotonic() >= self.started + self.policy.deadline


class _LimitedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, exchange: _Exchange) -> None:
        self.inner = inner
        self.exchange = exchange

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            data = self.inner.read(max_bytes, self.exchange.timeout(timeout))
        except httpcore.TimeoutException:
            if self.exchange.past_deadline():
                raise self.exchange.too_long() from None
            raise
        self.exchange.count(len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            self.inner.write(buffer, self.exchange.timeout(timeout))
        except httpcore.TimeoutException:
            if self.exchange.past_deadline():
                raise self.exchange.too_long() from None
            raise

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        upgraded = self.inner.start_tls(
            ssl_context, server_hostname, self.exchange.timeout(timeout)
        )
        return _LimitedStream(upgraded, self.exchange)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses the policy permits, and only within the exchange's limits."""

    def __init__(self, exchange: _Exchange) -> None:
        self.exchange = exchange
        self.plain = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in checked_addresses(host, port, self.exchange.policy):
            try:
                stream = self.plain.connect_tcp(
                    str(address), port, self.exchange.timeout(timeout), local_address,
                    socket_options,
                )  # fmt: skip
                return _LimitedStream(stream, self.exchange)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise FetchError("unix sockets cannot be fetched")


@contextmanager
def _mapped_errors(url: str, policy: FetchPolicy) -> Iterator[None]:
    try:
        yield
    except FetchError:
        raise
    except httpcore.TimeoutException as exc:
        raise FetchError(f"timed out fetching {url} after {policy.timeout:g} s") from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("httpcore", "httpx", "h11", "ssl")) or isinstance(
            exc, OSError
        ):
            raise FetchError(f"could not reach {url}: {exc or type(exc).__name__}") from exc
        raise


class _Body(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes], url: str, policy: FetchPolicy) -> None:
        self.inner, self.url, self.policy = inner, url, policy

    def __iter__(self) -> Iterator[bytes]:
        with _mapped_errors(self.url, self.policy):
            yield from self.inner

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


class _GuardedTransport(httpx.BaseTransport):
    """httpx over httpcore with the guarded backend (public APIs of both)."""

    def __init__(self, exchange: _Exchange) -> None:
        self.exchange = exchange
        self.pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=_GuardedBackend(exchange),
            max_connections=1,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,  # type: ignore[arg-type]
            extensions=request.extensions,
        )
        with _mapped_errors(url, self.exchange.policy):
            response = self.pool.handle_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream, url, self.exchange.policy),  # type: ignore[arg-type]
            extensions=response.extensions,
        )

    def close(self) -> None:
        self.pool.close()


# --- the entry points ---------------------------------------------------------------------------


@dataclass
class Fetched:
    url: str
    content: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        charset = "utf-8"
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset)
        except (LookupError, UnicodeDecodeError) as exc:
            raise FetchError(f"{self.url} is not text in {charset}: {exc}") from exc


@contextmanager
def open_url(
    url: str,
    policy: FetchPolicy | None = None,
    method: str = "GET",
    **kwargs: Any,
) -> Iterator[tuple[str, httpx.Response]]:
    """Open `url` through the guard; yields the final URL and a streaming response (2xx only)."""
    policy = policy or FetchPolicy.from_settings()
    parse_url(url)
    exchange = _Exchange(url, policy)
    transport = _GuardedTransport(exchange)
    with httpx.Client(
        transport=transport, timeout=policy.timeout, follow_redirects=False, trust_env=False
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            with _mapped_errors(url, policy):
                request = client.build_request(method, url, **kwargs)
                response = client.send(request, stream=True)
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    parse_url(url, "redirect location")
                    method, kwargs = "GET", {}
                    continue
                if response.status_code >= 400:
                    raise FetchError(
                        f"{url} answered HTTP {response.status_code}", response.status_code
                    )
                yield url, response
                return
            finally:
                response.close()
        raise FetchError(f"too many redirects fetching {url}")


def iter_body(url: str, response: httpx.Response, max_bytes: int) -> Iterator[bytes]:
    """Stream a body, failing as soon as it passes `max_bytes`."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url} is {int(declared)} bytes, over the limit of {max_bytes}")
    received = 0
    for block in response.iter_bytes():
        received += len(block)
        if received > max_bytes:
            raise FetchError(f"{url} is larger than the limit of {max_bytes} bytes")
        yield block


def fetch(url: str, policy: FetchPolicy | None = None) -> Fetched:
    """GET a URL into memory, within the policy's limits."""
    policy = policy or FetchPolicy.from_settings()
    with open_url(url, policy) as (final_url, response):
        content = b"".join(iter_body(final_url, response, policy.max_bytes))
        return Fetched(
            final_url, content, response.headers.get("content-type", ""), dict(response.headers)
        )


def download(url: str, target: Path, policy: FetchPolicy | None = None) -> str:
    """Stream a URL to `target` (created private) within the policy's limits; returns the
    content type."""
    policy = policy or FetchPolicy.for_media()
    with open_url(url, policy) as (final_url, response), private_file(target) as out:
        for block in iter_body(final_url, response, policy.max_bytes):
            out.write(block)
        return response.headers.get("content-type", "")
