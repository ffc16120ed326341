# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""errors.py: every error shape of shared/api/errors.md folded into one message layout."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import (
    BODY_EXCERPT_CHARS,
    HwCloudError,
    InvalidOptionError,
    OutcomeUnknownError,
    WaitTimeoutError,
    authentication_hint,
    error_from_response,
    parse_error_body,
    with_hint,
)

CDM_404 = '{"errCode": "Cdm.0001", "externalMessage": "The cluster does not exist."}'
AOS_400 = '{"code": "AOS.0100", "message": "lifecycle must be one of create, delete", "extend": null, "showdetail": false}'
APIGW_401 = ('{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: unknown token", '
             '"request_id": "9f3c0e1d2b4a4c5e8f7a6b5c4d3e2f1a"}')
IAM_401 = '{"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}'
HTML_502 = '<html>\n  <body>\n    <h1>502   Bad Gateway</h1>\n  </body>\n</html>\n'


def make_response(status, text='', headers=None, method='GET', url='https://cdm.example.com/v1.1/p/clusters/c'):
    """A real ``requests.Response`` as the client would receive it."""
    response = requests.Response()
    response.status_code = status
    response._content = text.encode('utf-8')  # pylint: disable=protected-access
    response.encoding = 'utf-8'
    response.headers = CaseInsensitiveDict(headers or {})
    response.url = url
    response.request = requests.Request(method, url).prepare()
    return response


# ------------------------------------------------------------------ parse_error_body

@pytest.mark.parametrize('text, expected', [
    (CDM_404, ('Cdm.0001', 'The cluster does not exist.', None)),
    ('{"errCode": "Cdm.0000", "errMsg": "A system error occurred."}', ('Cdm.0000', 'A system error occurred.', None)),
    ('{"errCode": "Cdm.0000"}', ('Cdm.0000', None, None)),
    (AOS_400, ('AOS.0100', 'lifecycle must be one of create, delete', None)),
    (APIGW_401, ('APIGW.0301', 'Incorrect IAM authentication information: unknown token', '9f3c0e1d2b4a4c5e8f7a6b5c4d3e2f1a')),
    (IAM_401, ('Unauthorized', 'The username or password is wrong.', None)),
    ('{"error": {"code": 403, "message": "You have no right."}}', ('403', 'You have no right.', None)),
    ('{"code": 1234, "message": "numeric code"}', ('1234', 'numeric code', None)),
    ('{"error_msg": "message without a code"}', (None, 'message without a code', None)),
])
def test_parse_error_body_known_shapes(text, expected):
    assert parse_error_body(text) == expected


@pytest.mark.parametrize('text, expected', [
    (HTML_502, (None, '<html> <body> <h1>502 Bad Gateway</h1> </body> </html>', None)),
    ('', (None, None, None)),
    (None, (None, None, None)),
    ('   \n ', (None, None, None)),
    ('[1, 2]', (None, '[1, 2]', None)),
    ('"just a string"', (None, '"just a string"', None)),
    ('{"foo": "bar"}', (None, '{"foo": "bar"}', None)),
    ('{"error": "a string, not an object"}', (None, '{"error": "a string, not an object"}', None)),
    ('Service Unavailable', (None, 'Service Unavailable', None)),
])
def test_parse_error_body_unknown_shapes_give_an_excerpt(text, expected):
    assert parse_error_body(text) == expected


def test_parse_error_body_excerpt_is_bounded():
    text = '<html>' + 'x' * 1000 + '</html>'

    code, message, request_id = parse_error_body(text)

    assert code is None and request_id is None
    assert len(message) == BODY_EXCERPT_CHARS == 300
    assert message == ('<html>' + 'x' * 1000)[:300]


# ------------------------------------------------------------------ error_from_response

def test_cdm_error_message_layout_with_request_id_header():
    response = make_response(404, CDM_404, {'X-Request-Id': 'abc123'})

    error = error_from_response(response, 'Reading CDM cluster c')

    assert str(error) == 'Reading CDM cluster c: HTTP 404 Cdm.0001: The cluster does not exist. (request id abc123)'
    assert error.message == str(error)
    assert error.status == 404
    assert error.code == 'Cdm.0001'
    assert error.service_message == 'The cluster does not exist.'
    assert error.request_id == 'abc123'
    assert error.method == 'GET'
    assert error.url == 'https://cdm.example.com/v1.1/p/clusters/c'
    assert error.body == json.loads(CDM_404)
    assert isinstance(error, HwCloudError)
    assert not isinstance(error, OutcomeUnknownError)


def test_apigw_request_id_from_the_body_when_no_header():
    error = error_from_response(make_response(401, APIGW_401), 'Reading CDM cluster c')

    assert error.message == ('Reading CDM cluster c: HTTP 401 APIGW.0301: Incorrect IAM authentication information: '
                             'unknown token (request id 9f3c0e1d2b4a4c5e8f7a6b5c4d3e2f1a)')
    assert error.request_id == '9f3c0e1d2b4a4c5e8f7a6b5c4d3e2f1a'


def test_request_id_header_wins_over_the_body():
    error = error_from_response(make_response(401, APIGW_401, {'x-request-id': 'from-header'}), 'Act')

    assert error.request_id == 'from-header'
    assert error.message.endswith('(request id from-header)')


def test_aos_error_message_layout():
    response = make_response(400, AOS_400, {'X-Request-Id': 'r1'}, method='PUT', url='https://aos.example.com/v2/stacks/s/actions')

    error = error_from_response(response, 'Running create on stack s')

    assert error.message == 'Running create on stack s: HTTP 400 AOS.0100: lifecycle must be one of create, delete (request id r1)'
    assert error.method == 'PUT'


def test_iam_error_message_layout():
    error = error_from_response(make_response(401, IAM_401, method='POST'), 'Requesting an IAM token')

    assert error.message == 'Requesting an IAM token: HTTP 401 Unauthorized: The username or password is wrong.'
    assert error.request_id is None
    assert error.body == json.loads(IAM_401)


def test_html_answer_shows_an_excerpt():
    error = error_from_response(make_response(502, HTML_502, {'Content-Type': 'text/html'}), 'Reading CDM cluster c')

    assert error.message == 'Reading CDM cluster c: HTTP 502: <html> <body> <h1>502 Bad Gateway</h1> </body> </html>'
    assert error.code is None
    assert error.body == HTML_502


def test_long_html_body_is_cut():
    text = '<p>' + 'y' * 2000 + '</p>'

    error = error_from_response(make_response(500, text), 'Act')

    assert error.message == 'Act: HTTP 500: ' + text[:300]
    assert error.body == text[:300]


def test_empty_body_gives_the_status_alone():
    error = error_from_response(make_response(503, '', {'X-Request-Id': 'r9'}), 'Reading CDM cluster c')

    assert error.message == 'Reading CDM cluster c: HTTP 503 (request id r9)'
    assert error.code is None
    assert error.service_message is None


def test_error_from_a_real_simulator_answer(sim):
    answer = requests.get(sim.cluster_url('no-such-cluster'), headers={'X-Auth-Token': sim.token}, timeout=5)

    error = error_from_response(answer, 'Reading CDM cluster no-such-cluster')

    request_id = sim.requests()[0]['request_id']
    assert error.message == ('Reading CDM cluster no-such-cluster: HTTP 404 Cdm.0001: The cluster does not exist. '
                             '(request id %s)' % request_id)
    assert error.url == sim.cluster_url('no-such-cluster')


# ------------------------------------------------------------------ the exception types

def test_to_result_carries_the_error_keys_and_the_details():
    error = error_from_response(make_response(404, CDM_404, {'X-Request-Id': 'abc'}), 'Act')
    error.details = {'job_ids': []}

    assert error.to_result() == {
        'job_ids': [],
        'error': {'status': 404, 'code': 'Cdm.0001', 'message': 'The cluster does not exist.', 'request_id': 'abc',
                  'method': 'GET', 'url': 'https://cdm.example.com/v1.1/p/clusters/c',
                  'body': {'errCode': 'Cdm.0001', 'externalMessage': 'The cluster does not exist.'}},
    }


def test_to_result_without_an_http_answer_has_no_error_key():
    error = HwCloudError('something local', details={'cluster': {'id': 'c'}})

    assert error.to_result() == {'cluster': {'id': 'c'}}
    assert HwCloudError('bare').to_result() == {}


def test_subclasses_are_hwcloud_errors():
    assert issubclass(OutcomeUnknownError, HwCloudError)
    assert issubclass(WaitTimeoutError, HwCloudError)
    assert issubclass(InvalidOptionError, HwCloudError)


@pytest.mark.parametrize('value, shown', [
    ('abc', "'abc'"),
    (0, '0'),
    (-2, '-2'),
    (1.5, '1.5'),
    (None, 'null'),
    (True, 'true'),
    ([1, 'a'], '[1, "a"]'),
    ({'k': 'v'}, '{"k": "v"}'),
])
def test_invalid_option_message_names_option_value_and_rule(value, shown):
    error = InvalidOptionError('delay_time', value, 'it must be -1 or greater than 0')

    assert error.message == "Invalid value for option 'delay_time': %s; it must be -1 or greater than 0." % shown
    assert error.details == {'invalid_option': 'delay_time'}
    assert error.to_result() == {'invalid_option': 'delay_time'}


def test_invalid_option_long_value_is_cut():
    error = InvalidOptionError('cluster_id', 'z' * 200, 'it must be 1 to 64 characters long')

    assert error.message == "Invalid value for option 'cluster_id': '%s...; it must be 1 to 64 characters long." % ('z' * 79)


# ------------------------------------------------------------------ what to check when credentials are refused


@pytest.mark.parametrize('status, code, said, starts', [
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: verify aksk signature fail', 'the signature does not match'),
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: signature mismatch', 'the signature does not match'),
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: ak AKXYZ not exist', 'the service does not know this access key'),
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: unknown access key AKXYZ', 'the service does not know'),
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: X-Sdk-Date is more than 15 minutes off the server clock',
     "check this machine's clock"),
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: decrypt token fail', 'the service does not accept this token'),
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: token expired', 'the credentials have expired'),
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: the temporary access key AK has expired', 'the credentials have expired'),
    (401, 'APIGW.0301', 'Incorrect IAM authentication information: X-Security-Token is required for this temporary access key',
     'check the security token'),
    (403, 'APIGW.0302', 'The IAM user is not authorized to access the API: project mismatch', 'the credentials are not valid for project p1'),
])
def test_authentication_hint_from_the_services_words(status, code, said, starts):
    error = HwCloudError('x', status=status, code=code, service_message=said)
    assert authentication_hint(error, None, project='p1').startswith(starts)


def test_a_signature_hint_names_where_the_keys_came_from():
    error = HwCloudError('x', status=401, code='APIGW.0301', service_message='signature mismatch')
    hint = authentication_hint(error, None, key='HUAWEICLOUD_SDK_AK', secret='HUAWEICLOUD_SDK_SK')
    assert 'check HUAWEICLOUD_SDK_SK, which must be the secret key of HUAWEICLOUD_SDK_AK' in hint


def test_the_password_step_and_the_agency_step_have_their_own_hints():
    wrong_password = HwCloudError('x', status=401, code='Unauthorized', service_message='The username or password is wrong.')
    assert authentication_hint(wrong_password, 'password').startswith('check user_name, password and domain_name')
    missing_agency = HwCloudError('x', status=404, code='Not Found', service_message='Could not find agency a in domain d.')
    assert authentication_hint(missing_agency, 'agency').startswith('check agency_name and agency_domain_name')
    assert authentication_hint(missing_agency, None) == ''


@pytest.mark.parametrize('status', [400, 404, 429, 500, None])
def test_no_hint_for_other_failures(status):
    error = HwCloudError('x', status=status, code='APIGW.0301', service_message='signature token project expired')
    assert authentication_hint(error, None) == ''


def test_with_hint_adds_to_the_message_and_nothing_without_one():
    error = with_hint(HwCloudError('Reading: HTTP 401'), 'check the clock')
    assert error.message == str(error) == 'Reading: HTTP 401. To fix: check the clock.'
    assert with_hint(HwCloudError('same'), '').message == 'same'
