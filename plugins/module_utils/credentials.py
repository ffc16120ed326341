# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where a task's credentials come from: every source, in one order, and the agency on top.

Order (docs/authentication.md): ``auth_token``; ``access_key`` + ``secret_key``; ``user_name`` +
``password``; then, when none of those options is given, the official SDK's environment variables,
its credentials file and the ECS instance metadata service. With ``agency_name``, the credentials
found are exchanged for an agency's temporary AK/SK, which then sign every service call.

A new source is a new function here; modules never see where their credentials came from, only
``credentials_source`` in their result says it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import os
import time
from urllib.parse import urlencode

from ansible_collections.hwcloud.cloud.plugins.module_utils.client import (
    AkSkAuth,
    PasswordAuth,
    TokenAuth,
    decode_json,
    requests,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.expiry import Expiry
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import check_not_blank, check_range

SDK_ENVIRONMENT = ('HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_PROJECT_ID')
CREDENTIALS_FILE_VARIABLE = 'HUAWEICLOUD_SDK_CREDENTIALS_FILE'
DEFAULT_CREDENTIALS_FILE = os.path.join('~', '.huaweicloud', 'credentials')
CREDENTIALS_FILE_SECTION = 'basic'
METADATA_VARIABLE = 'HW_METADATA_ENDPOINT'
DEFAULT_METADATA_ENDPOINT = 'http://169.254.169.254'
# Off ECS the metadata address does not answer: every metadata call of a task shares this budget.
METADATA_BUDGET_SECONDS = 2.0
METADATA_TOKEN_TTL_SECONDS = 21600
AGENCY_DURATION_RANGE = (900, 86400)
AGENCY_OPTIONS = ('agency_name', 'agency_domain_name', 'agency_domain_id')

EXPLICIT_SOURCES = (
    'auth_token (HW_AUTH_TOKEN)',
    'access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY)',
    'user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME)',
)


class Credentials:
    """Credentials found for a task: how to authenticate, where they came from, what they reveal.

    ``source`` is what the result's ``credentials_source`` shows (never a secret); ``secrets`` are
    values that must be masked in everything the task prints.
    """

    def __init__(self, auth, source, project_id=None, identity_endpoint=None, secrets=(), expiry=None, renew=None):
        self.auth = auth
        self.source = source
        self.project_id = project_id
        self.identity_endpoint = identity_endpoint
        self.secrets = set(value for value in secrets if value)
        # Temporary credentials: when they are due for renewal (an ``Expiry``), and how to get new ones.
        self.expiry = expiry
        self.renew = renew

    def due(self):
        return self.renew is not None and self.expiry is not None and self.expiry.due()


def _env(name, environ):
    value = environ.get(name)
    return value.strip() if value is not None and value.strip() else None


def agency_argument_spec(env_fallback):
    return dict(
        agency_name=dict(type='str', fallback=(env_fallback, ['HW_ASSUME_ROLE_AGENCY_NAME'])),
        agency_domain_name=dict(type='str', fallback=(env_fallback, ['HW_ASSUME_ROLE_DOMAIN_NAME'])),
        agency_domain_id=dict(type='str', fallback=(env_fallback, ['HW_ASSUME_ROLE_DOMAIN_ID'])),
        agency_duration=dict(type='int', default=900, fallback=(env_fallback, ['HW_ASSUME_ROLE_DURATION'])),
    )


def check_agency_options(params):
    """The agency rules of INTERFACE.md, checked before any call."""
    for option in AGENCY_OPTIONS:
        check_not_blank(option, params.get(option))
    name, domain_name, domain_id = params.get('agency_name'), params.get('agency_domain_name'), params.get('agency_domain_id')
    if domain_name and domain_id:
        raise InvalidOptionError('agency_domain_id', domain_id,
                                 'agency_domain_name (HW_ASSUME_ROLE_DOMAIN_NAME) and agency_domain_id (HW_ASSUME_ROLE_DOMAIN_ID) '
                                 'are mutually exclusive; give one')
    if name and not (domain_name or domain_id):
        raise InvalidOptionError('agency_name', name, 'it needs the account that owns the agency: set agency_domain_name '
                                                      '(HW_ASSUME_ROLE_DOMAIN_NAME) or agency_domain_id (HW_ASSUME_ROLE_DOMAIN_ID)')
    for option in ('agency_domain_name', 'agency_domain_id'):
        if params.get(option) and not name:
            raise InvalidOptionError(option, params[option], 'it is only used with agency_name (HW_ASSUME_ROLE_AGENCY_NAME)')
    low, high = AGENCY_DURATION_RANGE
    check_range('agency_duration', params.get('agency_duration'), low, high, ' seconds')


def explicit_credentials_given(params):
    """Whether any of the three option-based credentials is (even partly) given."""
    return any(params.get(option) for option in ('auth_token', 'access_key', 'secret_key', 'user_name', 'password'))


def resolve_credentials(params, environ=None):
    """The task's base credentials, by the documented precedence; ``HwCloudError`` when there are none."""
    environ = os.environ if environ is None else environ
    if explicit_credentials_given(params):
        return _from_options(params)
    tried = [source + ': not set' for source in EXPLICIT_SOURCES]
    for source in (_from_sdk_environment, _from_credentials_file, _from_ecs_metadata):
        found = source(params, environ, tried)
        if found is not None:
            return found
    raise HwCloudError('No credentials given. Tried, in this order: %s. Set one of these.' % '; '.join(tried))


def _from_options(params):
    if params['auth_token']:
        return Credentials(TokenAuth(params['auth_token']), 'auth_token')
    if params['access_key'] or params['secret_key']:
        if not (params['access_key'] and params['secret_key']):
            missing = 'secret_key (HW_SECRET_KEY)' if params['access_key'] else 'access_key (HW_ACCESS_KEY)'
            raise HwCloudError('AK/SK authentication needs both access_key and secret_key; %s is not set.' % missing)
        return Credentials(AkSkAuth(params['access_key'], params['secret_key'], params['security_token'], params['project_id']),
                           'access_key')
    needed = (('user_name', 'HW_USER_NAME'), ('password', 'HW_PASSWORD'), ('domain_name', 'HW_DOMAIN_NAME'))
    missing = ['%s (%s)' % (name, env) for name, env in needed if not params[name]]
    if not params['project_id'] and not params['region']:
        missing.append('project_id or region (HW_PROJECT_ID, HW_REGION_NAME)')
    if not params['identity_endpoint'] and not params['region']:
        missing.append('identity_endpoint or region (HW_AUTH_URL, HW_REGION_NAME)')
    if missing:
        raise HwCloudError('IAM password authentication needs %s.' % ', '.join(missing))
    identity = params['identity_endpoint'] or default_identity_endpoint(params['region'])
    # Without a project id the token is scoped to the region's default project, named after the region.
    return Credentials(PasswordAuth(identity, params['user_name'], params['password'], params['domain_name'],
                                    project_id=params['project_id'], project_name=params['region']), 'password')


def default_identity_endpoint(region):
    return 'https://iam.%s.myhuaweicloud.com' % region


def _access_keys(access_key, secret_key, security_token, project_id, source, identity_endpoint=None, labels=(None, None)):
    # A permanent access key is an identifier, shown like access_key; a temporary one is masked with its secret.
    secrets = (access_key, secret_key, security_token) if security_token else (secret_key,)
    key_label, secret_label = labels
    return Credentials(AkSkAuth(access_key, secret_key, security_token, project_id, key_label=key_label, secret_label=secret_label),
                       source, project_id=project_id, identity_endpoint=identity_endpoint, secrets=secrets)


def _from_sdk_environment(params, environ, tried):
    access_key, secret_key, security_token, project_id = [_env(name, environ) for name in SDK_ENVIRONMENT]
    if not access_key and not secret_key:
        tried.append('the SDK variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK: not set')
        return None
    if not (access_key and secret_key):
        missing = 'HUAWEICLOUD_SDK_SK' if access_key else 'HUAWEICLOUD_SDK_AK'
        raise HwCloudError('The SDK variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK go together; %s is not set.' % missing)
    return _access_keys(access_key, secret_key, security_token, params['project_id'] or project_id, 'sdk_environment',
                        labels=('HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK'))


def credentials_file_path(environ):
    return _env(CREDENTIALS_FILE_VARIABLE, environ) or os.path.expanduser(DEFAULT_CREDENTIALS_FILE)


def read_credentials_file(path):
    """The ``[basic]`` section of the SDK's credentials file as a dict; ``None`` when the file does not exist.

    Errors never quote the file's lines: they may hold the secret key.
    """
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(';', '#'))
    try:
        with open(path, encoding='utf-8') as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeError) as error:
        raise HwCloudError('The SDK credentials file %s cannot be read: %s.' % (path, getattr(error, 'strerror', None) or type(error).__name__))
    except configparser.Error as error:
        line = getattr(error, 'lineno', None)
        if line is None and getattr(error, 'errors', None):
            line = error.errors[0][0]
        raise HwCloudError('The SDK credentials file %s is not a valid INI file (%s%s).'
                           % (path, type(error).__name__, ' at line %s' % line if line else ''))
    if not parser.has_section(CREDENTIALS_FILE_SECTION):
        return {}
    return dict((key, value.strip()) for key, value in parser.items(CREDENTIALS_FILE_SECTION) if value and value.strip())


def _from_credentials_file(params, environ, tried):
    path = credentials_file_path(environ)
    section = read_credentials_file(path)
    if section is None:
        tried.append('the SDK credentials file %s (%s): not found' % (path, CREDENTIALS_FILE_VARIABLE))
        return None
    access_key, secret_key = section.get('ak'), section.get('sk')
    if not access_key and not secret_key:
        tried.append('the SDK credentials file %s (%s): no ak and sk in a [%s] section'
                     % (path, CREDENTIALS_FILE_VARIABLE, CREDENTIALS_FILE_SECTION))
        return None
    if not (access_key and secret_key):
        raise HwCloudError('The SDK credentials file %s has %s but no %s in its [%s] section.'
                           % (path, 'ak' if access_key else 'sk', 'sk' if access_key else 'ak', CREDENTIALS_FILE_SECTION))
    return _access_keys(access_key, secret_key, section.get('security_token'), params['project_id'] or section.get('project_id'),
                        'sdk_credentials_file', identity_endpoint=section.get('iam_endpoint'),
                        labels=('ak in %s' % path, 'sk in %s' % path))


class _MetadataService:
    """The ECS metadata calls of one task, all within one time budget, never through a proxy."""

    def __init__(self, base, params, budget=METADATA_BUDGET_SECONDS, clock=time.monotonic):
        self.base = base
        self.clock = clock
        self.deadline = clock() + budget
        self.budget = budget
        self.session = requests.Session()
        # The metadata address is link-local: a proxy from HTTP_PROXY could not reach it.
        self.session.trust_env = False
        self.verify = (params.get('ca_path') or True) if params.get('validate_certs', True) else False

    def call(self, method, path, headers=None):
        """The response, or a string saying why there was none."""
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            return 'no answer within %ss' % self.budget
        try:
            # Connecting and reading each get half of what is left, so that one call never runs past the budget.
            return self.session.request(method, self.base + path, headers=headers or {}, timeout=(remaining / 2, remaining / 2),
                                        verify=self.verify, allow_redirects=False)
        except requests.exceptions.Timeout:
            return 'no answer within %ss' % self.budget
        except (requests.exceptions.RequestException, ValueError) as error:
            return 'no answer (%s)' % _short_reason(error)

    def close(self):
        self.session.close()


def _short_reason(error):
    text = str(error)
    for known in ('Connection refused', 'Name or service not known', 'No route to host', 'Network is unreachable',
                  'Connection reset by peer', 'Temporary failure in name resolution'):
        if known in text:
            return known.lower()
    return type(error).__name__


def _metadata_problem(response):
    excerpt = ' '.join((response.text or '').split())[:120]
    return 'answered HTTP %s%s' % (response.status_code, ': %s' % excerpt if excerpt else '')


def _from_ecs_metadata(params, environ, tried):
    base = (_env(METADATA_VARIABLE, environ) or DEFAULT_METADATA_ENDPOINT).rstrip('/')
    label = 'the ECS metadata service %s (%s)' % (base, METADATA_VARIABLE)
    service = _MetadataService(base, params)
    try:
        headers = {}
        answer = service.call('PUT', '/meta-data/latest/api/token', {'X-Metadata-Token-Ttl-Seconds': str(METADATA_TOKEN_TTL_SECONDS)})
        if isinstance(answer, str):
            # Nothing answers at this address (not on ECS): do not spend the rest of the budget on it.
            tried.append('%s: %s' % (label, answer))
            return None
        if answer.status_code == 200 and answer.text.strip():
            headers['X-Metadata-Token'] = answer.text.strip()
        answer = service.call('GET', '/openstack/latest/securitykey', headers)
        if isinstance(answer, str):
            tried.append('%s: %s' % (label, answer))
            return None
        if answer.status_code != 200:
            tried.append('%s: %s (an instance without an agency has no keys)' % (label, _metadata_problem(answer)))
            return None
        try:
            credential = answer.json()['credential']
            access_key, secret_key = credential['access'], credential['secret']
            security_token = credential.get('securitytoken')
        except (ValueError, KeyError, TypeError):
            raise HwCloudError('%s answered without a credential (access, secret, securitytoken).' % label[0].upper() + label[1:])
        project_id = params['project_id']
        if not project_id:
            project_id = _metadata_project(service, headers)
        label = 'the temporary keys from %s' % label
        return Credentials(AkSkAuth(access_key, secret_key, security_token, project_id, key_label=label, secret_label=label),
                           'ecs_metadata', project_id=project_id,
                           secrets=(access_key, secret_key, security_token), expiry=Expiry(credential.get('expires_at')),
                           renew=lambda: _renewed_from_ecs_metadata(params, environ, project_id))
    finally:
        service.close()


def _renewed_from_ecs_metadata(params, environ, project_id):
    tried = []
    renewed = _from_ecs_metadata(dict(params, project_id=project_id), environ, tried)
    if renewed is None:
        raise HwCloudError('Renewing the temporary keys of the ECS instance before they expire failed: %s.' % '; '.join(tried))
    return renewed


def _metadata_project(service, headers):
    answer = service.call('GET', '/openstack/latest/meta_data.json', headers)
    if isinstance(answer, str) or answer.status_code != 200:
        return None
    try:
        project_id = answer.json().get('project_id')
    except (ValueError, AttributeError):
        return None
    return project_id if isinstance(project_id, str) and project_id else None


def iam_base_url(identity_endpoint):
    base = identity_endpoint.rstrip('/')
    return base[:-3] if base.endswith('/v3') else base


def assume_agency(client, credentials, params):
    """With ``agency_name``: exchange ``credentials`` for the agency's temporary AK/SK and sign every later call with them."""
    if not params.get('agency_name'):
        return credentials
    identity = params['identity_endpoint'] or credentials.identity_endpoint or (
        default_identity_endpoint(params['region']) if params['region'] else None)
    if not identity:
        raise HwCloudError('Assuming an agency needs IAM: set identity_endpoint (HW_AUTH_URL) or region (HW_REGION_NAME).')
    domain = params['agency_domain_name'] or params['agency_domain_id']
    assume_role = {'agency_name': params['agency_name'], 'duration_seconds': params['agency_duration']}
    assume_role['domain_name' if params['agency_domain_name'] else 'domain_id'] = domain
    body = {'auth': {'identity': {'methods': ['assume_role'], 'assume_role': assume_role}}}
    action = 'Assuming IAM agency %s of account %s with the credentials from %s' % (params['agency_name'], domain, credentials.source)
    base_auth = credentials.auth
    if isinstance(base_auth, AkSkAuth):
        # IAM is a global service: the call is signed without the project of the service calls.
        base_auth = AkSkAuth(base_auth.access_key, base_auth.secret_key, base_auth.security_token,
                             key_label=base_auth.key_label, secret_label=base_auth.secret_label)
    elif isinstance(base_auth, PasswordAuth):
        # project_id is a project of the agency's account, which IAM never scopes the user's token to:
        # the user's token for this call is scoped to the user's own account.
        base_auth = PasswordAuth(base_auth.identity_endpoint, base_auth.user_name, base_auth.password, base_auth.domain_name,
                                 domain_scoped=True)
    client.auth = base_auth
    # Asking for temporary keys changes nothing: a lost answer is retried like a read.
    response = client.send('POST', iam_base_url(identity) + '/v3.0/OS-CREDENTIAL/securitytokens', body, action=action, idempotent=True,
                           endpoint_option='identity_endpoint', auth_step='agency')
    try:
        credential = decode_json(response, action)['credential']
        access_key, secret_key, security_token = credential['access'], credential['secret'], credential['securitytoken']
    except (KeyError, TypeError):
        raise HwCloudError('%s: HTTP %s without credential.access, .secret and .securitytoken' % (action, response.status_code),
                           status=response.status_code)
    label = 'the temporary keys of agency %s' % params['agency_name']
    assumed = Credentials(AkSkAuth(access_key, secret_key, security_token, params['project_id'], key_label=label, secret_label=label),
                          'agency:%s/%s via %s' % (domain, params['agency_name'], credentials.source),
                          project_id=params['project_id'], secrets=(access_key, secret_key, security_token),
                          expiry=Expiry(credential.get('expires_at')),
                          # The base credentials may be temporary too (the instance's keys): renewed first when due.
                          renew=lambda: assume_agency(client, renewed_if_due(client, credentials), params))
    client.no_log_values.update(assumed.secrets)
    client.auth = assumed.auth
    return assumed


def find_project(client, credentials, params):
    """The id of the project named after ``region`` in the credentials' account, as the official SDK finds it.

    ``GET <IAM>/v3/projects?name=<region>`` with the task's credentials: a token as it is, access keys
    signed without ``X-Project-Id`` (the account is the key's own). Exactly one project must answer.
    """
    region = params['region']
    identity = params['identity_endpoint'] or credentials.identity_endpoint or default_identity_endpoint(region)
    auth = credentials.auth
    if isinstance(auth, AkSkAuth):
        auth = AkSkAuth(auth.access_key, auth.secret_key, auth.security_token, key_label=auth.key_label, secret_label=auth.secret_label)
    url = '%s/v3/projects?%s' % (iam_base_url(identity), urlencode({'name': region}))
    action = 'Finding the project of region %s (no project_id given) with the credentials from %s' % (region, credentials.source)
    service_auth, client.auth = client.auth, auth
    try:
        answer = client.request('GET', url, action=action, endpoint_option='identity_endpoint')
    finally:
        client.auth = service_auth
    projects = answer.get('projects') if isinstance(answer, dict) else None
    if not isinstance(projects, list):
        raise HwCloudError('%s: the answer has no list of projects' % action)
    ids = [project.get('id') for project in projects if isinstance(project, dict) and project.get('id')]
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise HwCloudError("No project named '%s' in the account of the credentials from %s (IAM: GET %s): check region "
                           "(HW_REGION_NAME), or set project_id (HW_PROJECT_ID)." % (region, credentials.source, url))
    raise HwCloudError("%d projects are named '%s' in the account of the credentials from %s (%s): set project_id "
                       "(HW_PROJECT_ID) to the one to use." % (len(ids), region, credentials.source, ', '.join(sorted(ids))))


def renewed_if_due(client, credentials):
    """``credentials``, or new ones when they are temporary and about to expire (their secrets masked too)."""
    if not credentials.due():
        return credentials
    renewed = credentials.renew()
    client.no_log_values.update(renewed.secrets)
    return renewed


class CredentialRenewal:
    """Installed as the client's ``renew_credentials``: before each call, renews temporary credentials that are due.

    A project found from the region stays with the renewed keys; ``on_renewed`` tells the module.
    """

    def __init__(self, client, credentials, on_renewed=None):
        self.client = client
        self.credentials = credentials
        self.on_renewed = on_renewed or (lambda credentials: None)
        self.renewals = 0

    def __call__(self):
        current = self.credentials
        if not current.due():
            return
        renewed = renewed_if_due(self.client, current)
        project_id = current.project_id or getattr(current.auth, 'project_id', None)
        if not renewed.project_id:
            renewed.project_id = project_id
        if isinstance(renewed.auth, AkSkAuth) and not renewed.auth.project_id:
            renewed.auth.project_id = project_id
        self.client.auth = renewed.auth
        self.credentials = renewed
        self.renewals += 1
        self.on_renewed(renewed)
