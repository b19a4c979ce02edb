"""The TLS context of the server (ssl stdlib): TLS 1.2 or newer, the configured certificate."""

from __future__ import annotations

import ssl


def server_context(cert_path: str, key_path: str) -> ssl.SSLContext:
    """Raises OSError/ssl.SSLError when the files cannot be read or do not match."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context
