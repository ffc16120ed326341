# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""signer.py: SDK-HMAC-SHA256 byte for byte.

The expected signatures are computed here from a canonical request written out
by hand, and, when ``huaweicloudsdkcore`` is installed, compared with the
official SDK signer on the same request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import hmac
from urllib.parse import quote

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils.signer import canonical_query, canonical_uri, sign

NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
STAMP = '20240102T030405Z'
AK = 'HPUAEXAMPLEACCESSKEY'
SK = 'example-secret-key'
HOST = 'cdm.ap-southeast-1.myhuaweicloud.com'
BODY = b'{"stop":{"delayTime":-1,"stopMode":"GRACEFULLY"}}'
EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def expected_signature(canonical_request, secret=SK):
    string_to_sign = 'SDK-HMAC-SHA256\n%s\n%s' % (STAMP, hashlib.sha256(canonical_request.encode('utf-8')).hexdigest())
    return hmac.new(secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


@pytest.mark.parametrize('path, expected', [
    ('/v1.1/p/clusters/c/action', '/v1.1/p/clusters/c/action/'),
    ('/v1.1/p/clusters/', '/v1.1/p/clusters/'),
    ('', '/'),
    ('/', '/'),
    ('/a b/c', '/a%20b/c/'),
    ('/a%20b/c', '/a%20b/c/'),
    ('/stacks/x~y-z_.w', '/stacks/x~y-z_.w/'),
    ('/stacks/a+b=c&d', '/stacks/a%2Bb%3Dc%26d/'),
    ('/stacks/\u00e9t\u00e9', '/stacks/%C3%A9t%C3%A9/'),
    ('/stacks/%C3%A9', '/stacks/%C3%A9/'),
])
def test_canonical_uri(path, expected):
    assert canonical_uri(path) == expected


@pytest.mark.parametrize('query, expected', [
    ('', ''),
    (None, ''),
    ('limit=5', 'limit=5'),
    ('b=2&a=1', 'a=1&b=2'),
    ('a=2&a=1&a=10', 'a=1&a=10&a=2'),
    ('empty=&k=v', 'empty=&k=v'),
    ('name=cdm%20demo', 'name=cdm%20demo'),
    ('path=%2Fa%2Fb', 'path=%2Fa%2Fb'),
    ('t=a~b', 't=a~b'),
    ('x=%C3%A9', 'x=%C3%A9'),
    # Sorted on the decoded names, as the SDK does: 'Z' (0x5A) before '[' (0x5B).
    ('%5B=2&Z=1', 'Z=1&%5B=2'),
])
def test_canonical_query(query, expected):
    assert canonical_query(query) == expected


def test_known_vector_for_a_post_with_a_query():
    url = 'https://%s/v1.1/p0/clusters/c0/action?b=2&a=1' % HOST
    headers = {'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': 'p0'}

    added = sign('POST', url, headers, BODY, AK, SK, now=NOW)

    canonical_request = '\n'.join([
        'POST',
        '/v1.1/p0/clusters/c0/action/',
        'a=1&b=2',
        'content-type:application/json;charset=UTF-8\n'
        'host:%s\n'
        'x-project-id:p0\n'
        'x-sdk-date:%s\n' % (HOST, STAMP),
        'content-type;host;x-project-id;x-sdk-date',
        hashlib.sha256(BODY).hexdigest(),
    ])
    assert added == {
        'Host': HOST,
        'X-Sdk-Date': STAMP,
        'Authorization': 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=%s'
                         % (AK, expected_signature(canonical_request)),
    }


def test_known_vector_for_a_get_without_a_body():
    added = sign('get', 'http://127.0.0.1:8443/v1.1/p0/clusters', {}, None, AK, SK, now=NOW)

    canonical_request = 'GET\n/v1.1/p0/clusters/\n\nhost:127.0.0.1:8443\nx-sdk-date:%s\n\nhost;x-sdk-date\n%s' % (STAMP, EMPTY_SHA256)
    assert added['Authorization'] == 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=host;x-sdk-date, Signature=%s' % (
        AK, expected_signature(canonical_request))
    assert added['Host'] == '127.0.0.1:8443'


def test_header_values_are_trimmed_and_names_lowercased():
    first = sign('GET', 'https://%s/x' % HOST, {'X-Project-Id': '  p0 '}, None, AK, SK, now=NOW)
    second = sign('GET', 'https://%s/x' % HOST, {'x-project-id': 'p0'}, None, AK, SK, now=NOW)

    assert first == second


def test_a_given_host_header_is_signed_as_given():
    added = sign('GET', 'https://%s/x' % HOST, {'Host': 'other.example.com'}, None, AK, SK, now=NOW)

    assert added['Host'] == 'other.example.com'


def test_signature_changes_with_every_input():
    base = sign('POST', 'https://%s/a' % HOST, {}, BODY, AK, SK, now=NOW)['Authorization']

    assert sign('POST', 'https://%s/b' % HOST, {}, BODY, AK, SK, now=NOW)['Authorization'] != base
    assert sign('PUT', 'https://%s/a' % HOST, {}, BODY, AK, SK, now=NOW)['Authorization'] != base
    assert sign('POST', 'https://%s/a' % HOST, {}, BODY + b' ', AK, SK, now=NOW)['Authorization'] != base
    assert sign('POST', 'https://%s/a' % HOST, {}, BODY, AK, SK + 'x', now=NOW)['Authorization'] != base
    assert sign('POST', 'https://%s/a?q=1' % HOST, {}, BODY, AK, SK, now=NOW)['Authorization'] != base
    later = NOW + datetime.timedelta(seconds=1)
    assert sign('POST', 'https://%s/a' % HOST, {}, BODY, AK, SK, now=later)['Authorization'] != base


def test_str_body_is_signed_as_its_utf8_bytes():
    assert sign('POST', 'https://%s/a' % HOST, {}, BODY.decode('utf-8'), AK, SK, now=NOW) == \
        sign('POST', 'https://%s/a' % HOST, {}, BODY, AK, SK, now=NOW)


@pytest.mark.parametrize('method, path, query, headers, body', [
    ('POST', '/v1.1/p0/clusters/c0/action', [], {'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': 'p0'}, BODY),
    ('GET', '/v1.1/p0/clusters', [('b', '2'), ('a', '1')], {'X-Project-Id': 'p0'}, b''),
    ('GET', '/v2/stacks', [('name', 'web app'), ('Z', '1'), ('[', '2')], {'X-Project-Id': 'p0'}, b''),
    ('PUT', '/v2/stacks/st ack/actions', [], {'Content-Type': 'application/json', 'X-Security-Token': 'tok'}, b'{"lifecycle":"create"}'),
])
def test_same_signature_as_the_official_sdk(method, path, query, headers, body):
    signer_module = pytest.importorskip('huaweicloudsdkcore.signer.signer')
    request_module = pytest.importorskip('huaweicloudsdkcore.sdk_request')
    credentials_module = pytest.importorskip('huaweicloudsdkcore.auth.credentials')
    sdk_headers = dict(headers)
    sdk_headers['X-Sdk-Date'] = STAMP
    request = request_module.SdkRequest(method=method, schema='https', host=HOST, resource_path=path,
                                        query_params=list(query), header_params=sdk_headers, body=body)
    signer_module.Signer(credentials_module.BasicCredentials(AK, SK)).sign(request)

    url = 'https://%s%s' % (HOST, quote(path))
    if query:
        url += '?' + '&'.join('%s=%s' % (quote(k, safe=''), quote(v, safe='')) for k, v in query)
    ours = sign(method, url, headers, body, AK, SK, now=NOW)

    assert ours['Authorization'] == request.header_params['Authorization']
