"""Server-side verifier for SDK-HMAC-SHA256 request signatures.

Written from the shared API notes (iam.md), independently of any client-side
signer in this repository, so that a signing bug on either side shows up as a
401 instead of two identical mistakes agreeing with each other.
"""

import calendar
import hashlib
import hmac
import re
import time
from urllib.parse import parse_qsl, quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW_SECONDS = 15 * 60
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

_AUTH_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<access>[^,\s]+)\s*,\s*SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


class SignatureError(Exception):
    pass


def _encode(text):
    return quote(text, safe="~")


def canonical_uri(raw_path):
    segments = [_encode(segment) for segment in unquote(raw_path).split("/")]
    path = "/".join(segments)
    if not path.endswith("/"):
        path += "/"
    return path


def canonical_query(raw_query):
    pairs = parse_qsl(raw_query or "", keep_blank_values=True)
    return "&".join("%s=%s" % (_encode(key), _encode(value)) for key, value in sorted(pairs))


def _header_text(value):
    # http.server decodes header bytes as latin-1; signers hash the UTF-8 text.
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def canonical_request(method, raw_path, raw_query, headers, signed_headers, body):
    """``headers`` maps lower-case names to values."""
    lines = []
    for name in signed_headers:
        lines.append("%s:%s" % (name, _header_text(headers[name]).strip()))
    payload_hash = EMPTY_SHA256
    if body:
        payload_hash = headers.get("x-sdk-content-sha256") or hashlib.sha256(body).hexdigest()
    return "\n".join([
        method.upper(),
        canonical_uri(raw_path),
        canonical_query(raw_query),
        "\n".join(lines) + "\n",
        ";".join(signed_headers),
        payload_hash,
    ])


def string_to_sign(sdk_date, canonical):
    return "%s\n%s\n%s" % (ALGORITHM, sdk_date, hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def parse_authorization(value):
    match = _AUTH_RE.match(value or "")
    if not match:
        raise SignatureError("malformed Authorization header (expected SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...)")
    return match.group("access"), match.group("signed").split(";"), match.group("signature").lower()


def verify(method, raw_path, raw_query, headers, body, lookup_secret, now=None):
    """Check a signed request; return the credential record or raise SignatureError.

    ``headers`` maps lower-case names to values; ``lookup_secret(ak)`` returns
    the credential dict (with ``secret_key`` and ``security_token``) or None.
    """
    access_key, signed_headers, signature = parse_authorization(headers.get("authorization"))
    credential = lookup_secret(access_key)
    if credential is None:
        raise SignatureError("unknown access key %s" % access_key)
    if "host" not in signed_headers or "x-sdk-date" not in signed_headers:
        raise SignatureError("SignedHeaders must include host and x-sdk-date")
    for name in signed_headers:
        if name != name.lower():
            raise SignatureError("SignedHeaders must be lower-case")
        if name not in headers:
            raise SignatureError("signed header %s is not in the request" % name)
    sdk_date = headers.get("x-sdk-date", "")
    try:
        signed_at = calendar.timegm(time.strptime(sdk_date, DATE_FORMAT))
    except ValueError as exc:
        raise SignatureError("X-Sdk-Date %r is not YYYYMMDDTHHMMSSZ" % sdk_date) from exc
    if now is None:
        now = time.time()
    if abs(now - signed_at) > MAX_SKEW_SECONDS:
        raise SignatureError("X-Sdk-Date is more than 15 minutes off the server clock")
    canonical = canonical_request(method, raw_path, raw_query, headers, signed_headers, body)
    expected = hmac.new(credential["secret_key"].encode("utf-8"), string_to_sign(sdk_date, canonical).encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise SignatureError("signature mismatch")
    wanted_token = credential.get("security_token")
    if wanted_token:
        presented = headers.get("x-security-token")
        if presented is None:
            raise SignatureError("X-Security-Token is required for this temporary access key")
        if not hmac.compare_digest(presented, wanted_token):
            raise SignatureError("X-Security-Token does not match the access key")
    return credential
