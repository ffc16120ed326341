# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""SDK-HMAC-SHA256 request signing (Huawei Cloud AK/SK).

Kept free of ``requests`` so that it can be tested byte for byte against the
official SDK signer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import hmac

from urllib.parse import quote, unquote, urlsplit, parse_qsl

ALGORITHM = 'SDK-HMAC-SHA256'
DATE_FORMAT = '%Y%m%dT%H%M%SZ'


def _encode(text):
    return quote(text, safe='~')


def canonical_uri(path):
    # Huawei's gateway signs the decoded path re-encoded per segment, always with a trailing slash.
    segments = unquote(path or '/').split('/')
    uri = '/'.join(_encode(segment) for segment in segments)
    return uri if uri.endswith('/') else uri + '/'


def canonical_query(query):
    # Sorted on the decoded pairs, then encoded, as the official SDK and API Gateway do:
    # sorting the encoded text would order 'Z' after '[' ('%5B') and differ from them.
    pairs = sorted(parse_qsl(query or '', keep_blank_values=True))
    return '&'.join('%s=%s' % (_encode(key), _encode(value)) for key, value in pairs)


def sign(method, url, headers, body, access_key, secret_key, now=None):
    """Return the headers to add (``X-Sdk-Date``, ``Authorization``) for one request.

    ``headers`` must already hold every header that should be signed except
    the date; ``host`` is taken from the URL when absent.
    """
    parts = urlsplit(url)
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime(DATE_FORMAT)
    # Like the official SDK, a header whose name holds '_' is sent but not signed (proxies drop such names).
    signed = dict((name.lower(), str(value).strip()) for name, value in headers.items() if '_' not in name)
    signed.setdefault('host', parts.netloc)
    signed['x-sdk-date'] = stamp
    names = sorted(signed)
    payload = body if isinstance(body, bytes) else (body or '').encode('utf-8')
    # An X-Sdk-Content-Sha256 header (e.g. UNSIGNED-PAYLOAD) stands for the body hash, as in the SDK.
    payload_hash = (signed.get('x-sdk-content-sha256') if payload else None) or hashlib.sha256(payload).hexdigest()
    canonical_request = '\n'.join([
        method.upper(),
        canonical_uri(parts.path),
        canonical_query(parts.query),
        ''.join('%s:%s\n' % (name, signed[name]) for name in names),
        ';'.join(names),
        payload_hash,
    ])
    string_to_sign = '\n'.join([ALGORITHM, stamp, hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()])
    signature = hmac.new(secret_key.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    # The Host header must be the one signed, even where a client would drop a default port.
    return {
        'Host': signed['host'],
        'X-Sdk-Date': stamp,
        'Authorization': '%s Access=%s, SignedHeaders=%s, Signature=%s' % (ALGORITHM, access_key, ';'.join(names), signature),
    }
