# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """``hwcloud.cloud.hwcloud``: the connection options of every module. ``hwcloud.cloud.hwcloud.wait``: the wait options of modules that act."""

    DOCUMENTATION = r'''
options:
  region:
    description:
      - Huawei Cloud region, for example C(ap-southeast-1).
      - Builds the default service endpoint C(https://<service>.<region>.myhuaweicloud.com)
        and the default O(identity_endpoint).
      - With IAM password authentication and no O(project_id), the token is scoped to the
        region's default project, whose name is the region name.
      - If not set, the value of the E(HW_REGION_NAME) environment variable is used.
    type: str
  project_id:
    description:
      - Project ID. CDM puts it in every URI; IAM scopes the token to it; AK/SK requests
        send it as C(X-Project-Id).
      - If not set, the value of the E(HW_PROJECT_ID) environment variable is used.
    type: str
  endpoint:
    description:
      - Base URL of this module's service, overriding the default built from O(region).
      - Use it for private endpoints or for the bundled API simulator, for example
        C(http://127.0.0.1:8443).
    type: str
  auth_token:
    description:
      - An IAM token, sent as the C(X-Auth-Token) header.
      - Takes precedence over O(access_key)/O(secret_key) and O(user_name)/O(password).
      - If not set, the value of the E(HW_AUTH_TOKEN) environment variable is used.
    type: str
  identity_endpoint:
    description:
      - Base URL of IAM. The module posts to C(<identity_endpoint>/v3/auth/tokens); a value
        already ending in C(/v3) works too.
      - Defaults to C(https://iam.<region>.myhuaweicloud.com).
      - If not set, the value of the E(HW_AUTH_URL) environment variable is used.
    type: str
  user_name:
    description:
      - IAM user name for password authentication. One token is requested per task.
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - IAM password for O(user_name).
      - If not set, the value of the E(HW_PASSWORD) environment variable is used.
    type: str
  domain_name:
    description:
      - Account (domain) name that owns O(user_name).
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  access_key:
    description:
      - Access key ID (AK). With O(secret_key), every request is signed with SDK-HMAC-SHA256.
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret access key (SK) that signs requests. Never sent over the wire.
      - If not set, the value of the E(HW_SECRET_KEY) environment variable is used.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials, sent as C(X-Security-Token).
      - If not set, the value of the E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  agency_name:
    description:
      - Name of an IAM agency to assume with whatever credentials the task has (any source, see the notes).
      - The module first asks IAM for the agency's temporary credentials
        (C(POST <identity_endpoint>/v3.0/OS-CREDENTIAL/securitytokens), C(assume_role)) and signs every
        service call with the temporary AK/SK and C(X-Security-Token) that IAM returns.
      - Needs O(agency_domain_name) or O(agency_domain_id), and O(identity_endpoint) or O(region).
        The service calls then need O(project_id) of the agency's account where the service takes one.
      - If not set, the value of the E(HW_ASSUME_ROLE_AGENCY_NAME) environment variable is used.
    type: str
  agency_domain_name:
    description:
      - Name of the account (domain) that owns O(agency_name).
      - Mutually exclusive with O(agency_domain_id); one of them is required with O(agency_name).
      - If not set, the value of the E(HW_ASSUME_ROLE_DOMAIN_NAME) environment variable is used.
    type: str
  agency_domain_id:
    description:
      - ID of the account (domain) that owns O(agency_name).
      - Mutually exclusive with O(agency_domain_name); one of them is required with O(agency_name).
      - If not set, the value of the E(HW_ASSUME_ROLE_DOMAIN_ID) environment variable is used.
    type: str
  agency_duration:
    description:
      - Lifetime of the agency's temporary credentials, in seconds, 900 to 86400.
      - If not set, the value of the E(HW_ASSUME_ROLE_DURATION) environment variable is used.
    type: int
    default: 900
  validate_certs:
    description:
      - Verify the TLS certificate of every endpoint. Set to V(false) only for tests.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM CA bundle to trust instead of the system store, for private endpoints.
      - Applies to IAM as well. Ignored when O(validate_certs=false).
      - When not set, the bundle named by E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE), if any, replaces the system store.
    type: path
  request_timeout:
    description:
      - Seconds to wait for each HTTP call to answer. Greater than 0, at most 86400.
      - Connecting has its own shorter limit, the smaller of 10 seconds and this value, so an address
        that never answers fails in seconds. The longest a read can take with no answer is
        (O(max_retries) + 1) times this value, plus at most 20 seconds of backoff per retry.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a throttled (429) or unavailable (502, 503, 504) call, or a dropped read,
        is retried with jittered exponential backoff. C(Retry-After) is honoured.
      - A stop or lifecycle call whose answer was lost is never resent blindly; the resource is
        read again and the call is sent again only if it has not taken effect.
      - 0 to 100.
      - If not set, the value of the E(HW_MAX_RETRIES) environment variable is used.
    type: int
    default: 5
notes:
  - Credentials are taken in this order, the first complete set winning.
    O(auth_token); O(access_key) with O(secret_key); O(user_name) with O(password) and O(domain_name).
    Half a set fails the task before any HTTP call.
  - When none of those options is given, the module looks, in this order, at the official SDK's environment
    variables E(HUAWEICLOUD_SDK_AK) and E(HUAWEICLOUD_SDK_SK) (with E(HUAWEICLOUD_SDK_SECURITY_TOKEN) and
    E(HUAWEICLOUD_SDK_PROJECT_ID)); the SDK's credentials file (E(HUAWEICLOUD_SDK_CREDENTIALS_FILE), default
    C(~/.huaweicloud/credentials), section C([basic]), keys C(ak), C(sk), C(security_token), C(project_id),
    C(iam_endpoint)); then the ECS instance metadata service (C(http://169.254.169.254), or E(HW_METADATA_ENDPOINT)),
    which gives the temporary credentials of the instance's agency and, without O(project_id), the instance's project.
    Off ECS the metadata attempt takes at most 2 seconds. With no source at all the task fails naming every source it tried.
  - With O(agency_name), the credentials found are only used to assume the agency; its temporary credentials sign every
    service call.
  - Every module returns C(credentials_source), which says where the task's credentials came from
    (V(auth_token), V(access_key), V(password), V(sdk_environment), V(sdk_credentials_file), V(ecs_metadata), or
    C(agency:<account>/<agency> via <source>)). Temporary keys and tokens are never shown, at any verbosity.
  - An environment variable that is set but empty counts as not set.
  - Proxies set in E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) are used as the Python C(requests) library handles them.
requirements:
  - python >= 3.8
  - requests
'''

    WAIT = r'''
options:
  wait:
    description:
      - Wait until the action has finished before returning.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait when O(wait=true). On expiry the task fails and returns the IDs
        needed to follow up; once the action has been sent it reports C(changed=true), as any failure after sending does.
      - 0 to 31622400 (366 days). One budget for the whole task, counted from its start, shared by
        every wait in it (a busy resource settling first, then the action itself).
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds between two reads while waiting. Greater than 0, at most 86400.
      - The first read of a wait comes one interval after the module's own read or action; a wait for something
        that is often ready at once (an execution plan) reads after about a second and then doubles its gaps up to this interval.
    type: float
    default: 5
'''
