import pytest

from synopsis.errors import FetchError
from synopsis.fetch import FetchPolicy, fetch

LOOPBACK_ALLOWED = FetchPolicy(
    allowed_networks=(__import__("ipaddress").ip_network("127.0.0.0/8"),)
)


@pytest.mark.parametrize(
    "url, reason",
    [
        ("file:///etc/passwd", "http or https"),
        ("ftp://example.com/x", "http or https"),
        ("http://127.0.0.1:1/x", "loopback"),
        ("http://localhost/x", "loopback"),
        ("http://10.1.2.3/x", "private"),
        ("http://192.168.0.1/x", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[::1]/x", "loopback"),
        ("http://metadata.google.internal/", "metadata"),
    ],
)
def test_private_and_odd_urls_are_refused(url, reason):
    with pytest.raises(FetchError, match=reason):
        fetch(url, FetchPolicy())


def test_allowlisted_loopback_is_fetched(loopback):
    loopback.serve("/doc.txt", "héllo".encode(), "text/plain; charset=utf-8")
    fetched = fetch(loopback.url("/doc.txt"), LOOPBACK_ALLOWED)
    assert fetched.text() == "héllo"
    # the pinned connection still sends the original Host header
    headers = {k.lower(): v for k, v in loopback.requests[-1][2].items()}
    assert headers["host"] == f"127.0.0.1:{loopback.port}"


def test_allowlist_by_hostname(loopback):
    loopback.serve("/a", b"ok")
    policy = FetchPolicy(allowed_hosts=frozenset({"localhost"}))
    assert fetch(f"http://localhost:{loopback.port}/a", policy).content == b"ok"


def test_redirect_to_private_address_is_refused(loopback):
    loopback.redirect("/hop", "http://10.0.0.1/secret")
    with pytest.raises(FetchError, match="private"):
        fetch(loopback.url("/hop"), LOOPBACK_ALLOWED)


def test_redirects_are_followed(loopback):
    loopback.redirect("/old", "/new")
    loopback.serve("/new", b"moved here")
    assert fetch(loopback.url("/old"), LOOPBACK_ALLOWED).content == b"moved here"


def test_size_limit(loopback):
    loopback.serve("/big", b"x" * 5000)
    policy = FetchPolicy(allowed_networks=LOOPBACK_ALLOWED.allowed_networks, max_bytes=1000)
    with pytest.raises(FetchError, match="over the limit"):
        fetch(loopback.url("/big"), policy)


def test_http_error_status(loopback):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(loopback.url("/missing"), LOOPBACK_ALLOWED)


def test_unreachable_and_unresolvable():
    with pytest.raises(FetchError, match="could not reach"):
        fetch("http://127.0.0.1:9/x", LOOPBACK_ALLOWED)
    with pytest.raises(FetchError, match="could not resolve"):
        fetch("http://no-such-host.invalid/x", FetchPolicy())
