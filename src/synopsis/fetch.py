"""The one way Synopsis fetches a URL on a user's behalf.

Only http and https; the host is resolved first and every address must be public unless the
allow-list (`SYNOPSIS_FETCH_ALLOWLIST`: hostnames or CIDR ranges, comma-separated) permits it.
The connection then goes to the checked address (with the original Host header and TLS name), so
DNS cannot swap in a private address between check and use. Redirects are followed by hand and
checked the same way; size and time are bounded.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from .config import Settings, get_settings
from .errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_REDIRECTS = 5
_METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}


@dataclass(frozen=True)
class FetchPolicy:
    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    max_bytes: int = 50 * 1024 * 1024
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> FetchPolicy:
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
            frozenset(hosts), tuple(networks), settings.fetch_max_bytes, settings.fetch_timeout
        )

    def permits(self, host: str, address: IPAddress) -> bool:
        if host in self.allowed_hosts or any(address in n for n in self.allowed_networks):
            return True
        return address.is_global and not address.is_multicast


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


def _public_address(url: str, policy: FetchPolicy) -> tuple[str, IPAddress]:
    """Check scheme and host; return the hostname and the address to connect to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(
            f"only http and https URLs can be fetched, not {parts.scheme or 'no scheme'!r}"
        )
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise FetchError(f"the URL {url!r} has no host")
    if host in _METADATA_HOSTS and host not in policy.allowed_hosts:
        raise FetchError(f"refusing to fetch {url}: {host} is a cloud metadata address")
    try:
        infos = socket.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except socket.gaierror as exc:
        raise FetchError(f"could not resolve {host}: {exc.strerror or exc}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        mapped = getattr(address, "ipv4_mapped", None)
        if not policy.permits(host, mapped or address):
            raise FetchError(
                f"refusing to fetch {url}: {host} resolves to {address}, a private, loopback or "
                f"link-local address (allow it with SYNOPSIS_FETCH_ALLOWLIST)"
            )
    return host, addresses[0]


def _pinned_request(
    client: httpx.Client, method: str, url: str, host: str, address: IPAddress, **kwargs: object
) -> httpx.Request:
    parts = urlsplit(url)
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal + (f":{parts.port}" if parts.port else "")
    pinned = parts._replace(netloc=netloc).geturl()
    headers = dict(kwargs.pop("headers", None) or {})  # type: ignore[arg-type]
    headers["host"] = parts.netloc.rpartition("@")[2]
    request = client.build_request(method, pinned, headers=headers, **kwargs)  # type: ignore[arg-type]
    if parts.scheme == "https":
        request.extensions["sni_hostname"] = host
    return request


@contextmanager
def open_url(
    url: str,
    policy: FetchPolicy | None = None,
    method: str = "GET",
    **kwargs: object,
) -> Iterator[tuple[str, httpx.Response]]:
    """Open `url` through the guard; yields the final URL and a streaming response (2xx only)."""
    policy = policy or FetchPolicy.from_settings()
    with httpx.Client(timeout=policy.timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            host, address = _public_address(url, policy)
            request = _pinned_request(client, method, url, host, address, **kwargs)
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out fetching {url} after {policy.timeout:g} s") from exc
            except httpx.TransportError as exc:
                raise FetchError(f"could not reach {url}: {exc}") from exc
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
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
    try:
        for block in response.iter_bytes():
            received += len(block)
            if received > max_bytes:
                raise FetchError(f"{url} is larger than the limit of {max_bytes} bytes")
            yield block
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out reading {url}") from exc
    except httpx.TransportError as exc:
        raise FetchError(f"connection lost reading {url}: {exc}") from exc


def fetch(url: str, policy: FetchPolicy | None = None) -> Fetched:
    """GET a URL into memory, within the policy's size and time limits."""
    policy = policy or FetchPolicy.from_settings()
    with open_url(url, policy) as (final_url, response):
        content = b"".join(iter_body(final_url, response, policy.max_bytes))
        return Fetched(
            final_url, content, response.headers.get("content-type", ""), dict(response.headers)
        )


def download(url: str, target: Path, policy: FetchPolicy | None = None) -> str:
    """Stream a URL to `target` within the policy's limits; returns the content type."""
    policy = policy or FetchPolicy.from_settings()
    with open_url(url, policy) as (final_url, response), target.open("wb") as out:
        for block in iter_body(final_url, response, policy.max_bytes):
            out.write(block)
        return response.headers.get("content-type", "")
