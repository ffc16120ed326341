# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""credentials.py: every source, their precedence, the SDK's credentials file, the agency rules and call.

The metadata service is exercised end to end in tests/pytest/test_auth_sources.py; here it is only
ever a closed local port, never the real address.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import expiry as expiry_module
from ansible_collections.hwcloud.cloud.plugins.module_utils.client import AkSkAuth, PasswordAuth, TokenAuth
from ansible_collections.hwcloud.cloud.plugins.module_utils.credentials import (
    CredentialRenewal,
    assume_agency,
    check_agency_options,
    read_credentials_file,
    resolve_credentials,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import hwcloud_argument_spec


def params(**given):
    """The shared options as AnsibleModule hands them over: every key present, defaults applied."""
    result = dict((name, spec.get('default')) for name, spec in hwcloud_argument_spec().items())
    result.update(given)
    return result


def closed_port_url():
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    return 'http://127.0.0.1:%d' % port


@pytest.fixture(name='nowhere')
def nowhere_fixture(tmp_path):
    """An environment with no credential source at all: no SDK variables, no file, a closed metadata port."""
    return {'HUAWEICLOUD_SDK_CREDENTIALS_FILE': str(tmp_path / 'absent'), 'HW_METADATA_ENDPOINT': closed_port_url()}


def write(tmp_path, text, name='credentials'):
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return str(path)


# ------------------------------------------------------------------ the three option-based sources

def test_token_comes_first(nowhere):
    found = resolve_credentials(params(auth_token='t', access_key='ak', secret_key='sk', user_name='u', password='p', domain_name='d'),
                                dict(nowhere, HUAWEICLOUD_SDK_AK='x', HUAWEICLOUD_SDK_SK='y'))

    assert isinstance(found.auth, TokenAuth) and found.auth.token == 't'
    assert found.source == 'auth_token'


def test_access_keys_come_before_the_password(nowhere):
    found = resolve_credentials(params(access_key='ak', secret_key='sk', security_token='st', project_id='p0', user_name='u', password='p'),
                                nowhere)

    assert isinstance(found.auth, AkSkAuth)
    assert (found.auth.access_key, found.auth.secret_key, found.auth.security_token, found.auth.project_id) == ('ak', 'sk', 'st', 'p0')
    assert found.source == 'access_key'


def test_password_auth_scoped_to_the_project(nowhere):
    found = resolve_credentials(params(user_name='u', password='p', domain_name='d', project_id='p0',
                                       identity_endpoint='https://iam.x/v3'), nowhere)

    assert isinstance(found.auth, PasswordAuth) and found.source == 'password'
    assert found.auth.tokens_url == 'https://iam.x/v3/auth/tokens'
    assert found.auth.request_body()['auth']['scope'] == {'project': {'id': 'p0'}}


def test_password_auth_with_a_region_only(nowhere):
    found = resolve_credentials(params(user_name='u', password='p', domain_name='d', region='ap-southeast-1'), nowhere)

    assert found.auth.tokens_url == 'https://iam.ap-southeast-1.myhuaweicloud.com/v3/auth/tokens'
    assert found.auth.request_body()['auth']['scope'] == {'project': {'name': 'ap-southeast-1'}}


@pytest.mark.parametrize('given, message', [
    ({'access_key': 'ak'}, 'AK/SK authentication needs both access_key and secret_key; secret_key (HW_SECRET_KEY) is not set.'),
    ({'secret_key': 'sk'}, 'AK/SK authentication needs both access_key and secret_key; access_key (HW_ACCESS_KEY) is not set.'),
    ({'user_name': 'u', 'password': 'p', 'project_id': 'p0', 'identity_endpoint': 'https://iam.x'},
     'IAM password authentication needs domain_name (HW_DOMAIN_NAME).'),
    ({'password': 'p', 'region': 'r'}, 'IAM password authentication needs user_name (HW_USER_NAME), domain_name (HW_DOMAIN_NAME).'),
    ({'user_name': 'u', 'password': 'p', 'domain_name': 'd'},
     'IAM password authentication needs project_id or region (HW_PROJECT_ID, HW_REGION_NAME), '
     'identity_endpoint or region (HW_AUTH_URL, HW_REGION_NAME).'),
])
def test_incomplete_credentials_name_what_is_missing(nowhere, given, message):
    # Half an option set is an error even when a later source would have credentials.
    with pytest.raises(HwCloudError) as caught:
        resolve_credentials(params(**given), dict(nowhere, HUAWEICLOUD_SDK_AK='x', HUAWEICLOUD_SDK_SK='y'))

    assert caught.value.message == message


# ------------------------------------------------------------------ the SDK's variables

def test_sdk_variables(nowhere):
    found = resolve_credentials(params(), dict(nowhere, HUAWEICLOUD_SDK_AK='sdk-ak', HUAWEICLOUD_SDK_SK='sdk-sk',
                                               HUAWEICLOUD_SDK_PROJECT_ID='p-sdk'))

    assert found.source == 'sdk_environment'
    assert (found.auth.access_key, found.auth.secret_key, found.auth.security_token) == ('sdk-ak', 'sdk-sk', None)
    assert found.project_id == found.auth.project_id == 'p-sdk'
    assert found.secrets == {'sdk-sk'}, 'a permanent access key is an identifier, shown like access_key'


def test_sdk_variables_temporary_and_project_option_wins(nowhere):
    found = resolve_credentials(params(project_id='p-option'), dict(
        nowhere, HUAWEICLOUD_SDK_AK='tmp-ak', HUAWEICLOUD_SDK_SK='tmp-sk', HUAWEICLOUD_SDK_SECURITY_TOKEN='tmp-st',
        HUAWEICLOUD_SDK_PROJECT_ID='p-sdk'))

    assert found.auth.security_token == 'tmp-st'
    assert found.project_id == 'p-option'
    assert found.secrets == {'tmp-ak', 'tmp-sk', 'tmp-st'}


@pytest.mark.parametrize('environ, missing', [
    ({'HUAWEICLOUD_SDK_AK': 'ak'}, 'HUAWEICLOUD_SDK_SK'),
    ({'HUAWEICLOUD_SDK_SK': 'sk', 'HUAWEICLOUD_SDK_AK': '  '}, 'HUAWEICLOUD_SDK_AK'),
])
def test_half_the_sdk_variables(nowhere, environ, missing):
    with pytest.raises(HwCloudError) as caught:
        resolve_credentials(params(), dict(nowhere, **environ))

    assert caught.value.message == 'The SDK variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK go together; %s is not set.' % missing


def test_sdk_variables_come_before_the_file(nowhere, tmp_path):
    path = write(tmp_path, '[basic]\nak = file-ak\nsk = file-sk\n')
    found = resolve_credentials(params(), dict(nowhere, HUAWEICLOUD_SDK_CREDENTIALS_FILE=path, HUAWEICLOUD_SDK_AK='env-ak',
                                               HUAWEICLOUD_SDK_SK='env-sk'))

    assert (found.source, found.auth.access_key) == ('sdk_environment', 'env-ak')


# ------------------------------------------------------------------ the SDK's credentials file

def test_credentials_file(nowhere, tmp_path):
    path = write(tmp_path, '# made by hand\n[global]\nak = global-ak\nsk = global-sk\n\n[basic]\nak = file-ak\n'
                           'sk = file-sk   ; inline comment\nsecurity_token = file-st\nproject_id = p-file\n'
                           'iam_endpoint = https://iam.example.com\nunknown_key = ignored\n')
    found = resolve_credentials(params(), dict(nowhere, HUAWEICLOUD_SDK_CREDENTIALS_FILE=path))

    assert found.source == 'sdk_credentials_file'
    assert (found.auth.access_key, found.auth.secret_key, found.auth.security_token) == ('file-ak', 'file-sk', 'file-st')
    assert found.project_id == 'p-file'
    assert found.identity_endpoint == 'https://iam.example.com'
    assert found.secrets == {'file-ak', 'file-sk', 'file-st'}


def test_credentials_file_in_the_home_directory(nowhere, tmp_path, monkeypatch):
    (tmp_path / '.huaweicloud').mkdir()
    write(tmp_path / '.huaweicloud', '[basic]\nak = home-ak\nsk = home-sk\n')
    monkeypatch.setenv('HOME', str(tmp_path))
    environ = dict(nowhere)
    del environ['HUAWEICLOUD_SDK_CREDENTIALS_FILE']

    found = resolve_credentials(params(), environ)

    assert (found.source, found.auth.access_key) == ('sdk_credentials_file', 'home-ak')


def test_a_percent_sign_is_a_character_not_an_interpolation(tmp_path):
    assert read_credentials_file(write(tmp_path, '[basic]\nak = a\nsk = 50%%off%(x)s\n')) == {'ak': 'a', 'sk': '50%%off%(x)s'}


@pytest.mark.parametrize('text, message', [
    ('ak = x\nsk = secret-value\n', 'is not a valid INI file (MissingSectionHeaderError at line 1).'),
    ('[basic]\nsk = secret-value\nsk = secret-value-2\n', 'is not a valid INI file (DuplicateOptionError at line 3).'),
    ('[basic]\nak = a\nsk = b\n[basic]\n', 'is not a valid INI file (DuplicateSectionError at line 4).'),
    ('[basic]\nak = a\nsecret-value without equals\n', 'is not a valid INI file (ParsingError at line 3).'),
    ('[basic]\nak = a\n', 'has ak but no sk in its [basic] section.'),
    ('[basic]\nsk = secret-value\n', 'has sk but no ak in its [basic] section.'),
])
def test_a_bad_credentials_file(nowhere, tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(HwCloudError) as caught:
        resolve_credentials(params(), dict(nowhere, HUAWEICLOUD_SDK_CREDENTIALS_FILE=path))

    assert caught.value.message == 'The SDK credentials file %s %s' % (path, message)
    assert 'secret-value' not in caught.value.message


def test_a_file_that_is_not_text(nowhere, tmp_path):
    path = tmp_path / 'binary'
    path.write_bytes(b'[basic]\nak = \xff\xfe\n')
    with pytest.raises(HwCloudError) as caught:
        resolve_credentials(params(), dict(nowhere, HUAWEICLOUD_SDK_CREDENTIALS_FILE=str(path)))

    assert caught.value.message == 'The SDK credentials file %s cannot be read: UnicodeDecodeError.' % path


def test_a_directory_instead_of_a_file(nowhere, tmp_path):
    with pytest.raises(HwCloudError) as caught:
        resolve_credentials(params(), dict(nowhere, HUAWEICLOUD_SDK_CREDENTIALS_FILE=str(tmp_path)))

    assert caught.value.message == 'The SDK credentials file %s cannot be read: Is a directory.' % tmp_path


# ------------------------------------------------------------------ nothing anywhere

@pytest.mark.parametrize('file_text, file_says', [
    (None, 'not found'),
    ('[global]\nak = a\nsk = b\n', 'no ak and sk in a [basic] section'),
    ('[basic]\nproject_id = p\n', 'no ak and sk in a [basic] section'),
])
def test_no_credentials_names_every_source_tried(nowhere, tmp_path, file_text, file_says):
    environ = dict(nowhere)
    if file_text is not None:
        environ['HUAWEICLOUD_SDK_CREDENTIALS_FILE'] = write(tmp_path, file_text)
    with pytest.raises(HwCloudError) as caught:
        resolve_credentials(params(project_id='p0', region='r', security_token='alone', domain_name='d'), environ)

    assert caught.value.message == (
        'No credentials given. Tried, in this order: auth_token (HW_AUTH_TOKEN): not set; access_key and secret_key '
        '(HW_ACCESS_KEY, HW_SECRET_KEY): not set; user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME): '
        'not set; the SDK variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK: not set; the SDK credentials file %s '
        '(HUAWEICLOUD_SDK_CREDENTIALS_FILE): %s; the ECS metadata service %s (HW_METADATA_ENDPOINT): no answer (connection refused). '
        'Set one of these.' % (environ['HUAWEICLOUD_SDK_CREDENTIALS_FILE'], file_says, environ['HW_METADATA_ENDPOINT']))


# ------------------------------------------------------------------ the agency

@pytest.mark.parametrize('given, option, rule', [
    ({'agency_name': 'a'}, 'agency_name', 'it needs the account that owns the agency'),
    ({'agency_name': 'a', 'agency_domain_name': 'n', 'agency_domain_id': 'i'}, 'agency_domain_id', 'are mutually exclusive'),
    ({'agency_domain_name': 'n'}, 'agency_domain_name', 'it is only used with agency_name'),
    ({'agency_domain_id': 'i'}, 'agency_domain_id', 'it is only used with agency_name'),
    ({'agency_name': 'a', 'agency_domain_id': 'i', 'agency_duration': 899}, 'agency_duration', 'between 900 and 86400 seconds'),
    ({'agency_name': 'a', 'agency_domain_id': 'i', 'agency_duration': 86401}, 'agency_duration', 'between 900 and 86400 seconds'),
    ({'agency_name': 'a', 'agency_domain_id': ''}, 'agency_domain_id', 'it must not be empty'),
])
def test_agency_rules(given, option, rule):
    with pytest.raises(InvalidOptionError) as caught:
        check_agency_options(params(**given))

    assert caught.value.details == {'invalid_option': option}
    assert rule in caught.value.message


@pytest.mark.parametrize('given', [{}, {'agency_name': 'a', 'agency_domain_name': 'n', 'agency_duration': 900},
                                   {'agency_name': 'a', 'agency_domain_id': 'i', 'agency_duration': 86400}])
def test_agency_rules_accept(given):
    assert check_agency_options(params(**given)) is None


class FakeResponse:
    def __init__(self, status_code, body):
        self.status_code = status_code
        self.content = json.dumps(body).encode('utf-8')
        self.headers = {}

    def json(self):
        return json.loads(self.content)


class FakeClient:
    """Records what assume_agency asks of the client, answers like IAM."""

    def __init__(self, answer):
        self.answer = answer
        self.auth = None
        self.sent = []
        self.no_log_values = set()

    def send(self, method, url, body=None, action=None, idempotent=None, endpoint_option=None, auth_step=None):  # pylint: disable=unused-argument
        self.sent.append(dict(method=method, url=url, body=body, action=action, idempotent=idempotent, auth=self.auth))
        return self.answer


ISSUED = {'credential': {'access': 'TMPAK', 'secret': 'tmp-sk', 'securitytoken': 'tmp-st', 'expires_at': '2030-01-01T00:00:00.000000Z'}}


def test_assume_agency_on_access_keys(nowhere):
    base = resolve_credentials(params(access_key='ak', secret_key='sk', project_id='p0'), nowhere)
    client = FakeClient(FakeResponse(201, ISSUED))
    assumed = assume_agency(client, base, params(agency_name='ops', agency_domain_name='target', agency_duration=1800,
                                                 project_id='p0', region='ap-southeast-1'))

    [call] = client.sent
    assert (call['method'], call['url']) == ('POST', 'https://iam.ap-southeast-1.myhuaweicloud.com/v3.0/OS-CREDENTIAL/securitytokens')
    assert call['body'] == {'auth': {'identity': {'methods': ['assume_role'], 'assume_role': {
        'agency_name': 'ops', 'domain_name': 'target', 'duration_seconds': 1800}}}}
    assert call['idempotent'] is True
    assert (call['auth'].access_key, call['auth'].project_id) == ('ak', None), 'signed by the base keys, without the project'
    assert assumed.source == 'agency:target/ops via access_key'
    assert (client.auth.access_key, client.auth.secret_key, client.auth.security_token, client.auth.project_id) == \
        ('TMPAK', 'tmp-sk', 'tmp-st', 'p0')
    assert client.no_log_values == {'TMPAK', 'tmp-sk', 'tmp-st'}


@pytest.mark.parametrize('identity_endpoint, url', [
    ('https://iam.example.com/v3', 'https://iam.example.com/v3.0/OS-CREDENTIAL/securitytokens'),
    ('https://iam.example.com/v3/', 'https://iam.example.com/v3.0/OS-CREDENTIAL/securitytokens'),
    ('https://iam.example.com', 'https://iam.example.com/v3.0/OS-CREDENTIAL/securitytokens'),
])
def test_assume_agency_on_a_token_by_domain_id(nowhere, identity_endpoint, url):
    base = resolve_credentials(params(auth_token='tok'), nowhere)
    client = FakeClient(FakeResponse(201, ISSUED))
    assumed = assume_agency(client, base, params(agency_name='ops', agency_domain_id='d1', identity_endpoint=identity_endpoint))

    assert client.sent[0]['url'] == url
    assert client.sent[0]['body']['auth']['identity']['assume_role'] == {'agency_name': 'ops', 'domain_id': 'd1', 'duration_seconds': 900}
    assert isinstance(client.sent[0]['auth'], TokenAuth)
    assert assumed.source == 'agency:d1/ops via auth_token'
    assert assumed.project_id is None, 'the base source\'s project belongs to another account'


def test_assume_agency_uses_the_files_iam_endpoint(nowhere, tmp_path):
    path = write(tmp_path, '[basic]\nak = a\nsk = s\nproject_id = p-caller\niam_endpoint = https://iam.private.example.com\n')
    base = resolve_credentials(params(), dict(nowhere, HUAWEICLOUD_SDK_CREDENTIALS_FILE=path))
    client = FakeClient(FakeResponse(201, ISSUED))
    assumed = assume_agency(client, base, params(agency_name='ops', agency_domain_name='t', region='r'))

    assert client.sent[0]['url'] == 'https://iam.private.example.com/v3.0/OS-CREDENTIAL/securitytokens'
    assert assumed.project_id is None and client.auth.project_id is None


def test_assume_agency_needs_iam(nowhere):
    base = resolve_credentials(params(auth_token='tok'), nowhere)
    client = FakeClient(FakeResponse(201, ISSUED))
    with pytest.raises(HwCloudError) as caught:
        assume_agency(client, base, params(agency_name='ops', agency_domain_id='d1', endpoint='https://cdm.example.com'))

    assert caught.value.message == 'Assuming an agency needs IAM: set identity_endpoint (HW_AUTH_URL) or region (HW_REGION_NAME).'
    assert client.sent == []


@pytest.mark.parametrize('answer', [{}, {'credential': {'access': 'a', 'secret': 's'}}, {'credential': 'x'}, []])
def test_assume_agency_answer_without_keys(nowhere, answer):
    base = resolve_credentials(params(auth_token='tok'), nowhere)
    with pytest.raises(HwCloudError) as caught:
        assume_agency(FakeClient(FakeResponse(201, answer)), base, params(agency_name='ops', agency_domain_id='d1', region='r'))

    assert caught.value.message == ('Assuming IAM agency ops of account d1 with the credentials from auth_token: '
                                    'HTTP 201 without credential.access, .secret and .securitytoken')


def test_no_agency_no_call(nowhere):
    base = resolve_credentials(params(auth_token='tok'), nowhere)
    client = FakeClient(None)

    assert assume_agency(client, base, params()) is base
    assert client.sent == []


# ------------------------------------------------------------------ renewal before expiry


class FakeTime:
    """Both clocks of ``time``, moved by the test (expiry.py looks them up at call time)."""

    def __init__(self):
        self.now = 1795514400.0

    def time(self):
        return self.now

    def monotonic(self):
        return self.now


class IssuingIam(FakeClient):
    """IAM that issues new agency keys on every call, each valid for the asked duration."""

    def __init__(self, clock):
        super().__init__(None)
        self.clock = clock
        self.issued = []

    def send(self, method, url, body=None, action=None, idempotent=None, endpoint_option=None, auth_step=None):
        number = len(self.issued)
        expires = self.clock.now + body['auth']['identity']['assume_role']['duration_seconds']
        self.issued.append(expires)
        self.answer = FakeResponse(201, {'credential': {
            'access': 'TMPAK%d' % number, 'secret': 'tmp-sk-%d' % number, 'securitytoken': 'tmp-st-%d' % number,
            'expires_at': expiry_module.datetime.datetime.fromtimestamp(expires, expiry_module.datetime.timezone.utc).strftime(
                '%Y-%m-%dT%H:%M:%S.%fZ')}})
        return super().send(method, url, body, action, idempotent, endpoint_option)


def test_a_40_minute_wait_under_a_900_second_agency_renews_before_every_expiry(nowhere, monkeypatch):
    clock = FakeTime()
    monkeypatch.setattr(expiry_module, 'time', clock)
    options = params(access_key='ak', secret_key='sk', project_id='p0', agency_name='ops', agency_domain_name='target',
                     region='ap-southeast-1')
    iam = IssuingIam(clock)
    renewal = CredentialRenewal(iam, assume_agency(iam, resolve_credentials(options, nowhere), options))

    used = []
    while clock.now < 1795514400.0 + 40 * 60:
        clock.now += 5  # poll_interval
        renewal()  # what the client does before each poll
        used.append((clock.now, iam.auth.access_key))
    assert len(iam.issued) == 4, iam.issued  # the first keys, then new ones after 720 s, 1440 s and 2160 s
    expiry_of = dict(('TMPAK%d' % number, expires) for number, expires in enumerate(iam.issued))
    assert all(expiry_of[key] - moment >= 180 for moment, key in used), 'never a call within 3 minutes of expiry'
    assert iam.auth.project_id == 'p0'
    assert {'TMPAK3', 'tmp-sk-3', 'tmp-st-3'} <= iam.no_log_values


def test_permanent_keys_and_tokens_are_never_renewed(nowhere):
    for given in (dict(access_key='ak', secret_key='sk'), dict(auth_token='tok')):
        credentials = resolve_credentials(params(project_id='p0', **given), nowhere)
        assert not credentials.due()
        CredentialRenewal(FakeClient(None), credentials)()
