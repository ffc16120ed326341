"""Refused credentials: each message says what to check, from the service's own words and the kind of credentials.

The simulator answers as API Gateway and IAM do (401 APIGW.0301 for a bad signature, an unknown
access key, a skewed clock or an unknown token; 403 APIGW.0302 for another project; IAM's 401 for
a wrong password); the module adds what to check, never a secret.
"""

import copy
import datetime
import json
import types
from unittest import mock

import pytest

from faultkit import CLUSTER_ID, PROJECT_ID, assert_clean_failure, calls, cluster_stop_main, connection, run_module

from ansible_collections.hwcloud.cloud.plugins.module_utils import signer as signer_module

OTHER_PROJECT_ID = "9a1b2c3d4e5f40718293a4b5c6d7e8f9"
OTHER_TOKEN = "sim-token-of-another-project"


def without_token(sim, **extra):
    args = connection(sim, cluster_id=CLUSTER_ID, max_retries=0, **extra)
    del args["auth_token"]
    return args


def stop(args, env=None):
    rc, result = run_module(cluster_stop_main(), args, env=env)
    assert rc == 1, result
    assert_clean_failure(result)
    return result


def test_a_wrong_secret_key_names_the_secret_and_the_clock(sim, hw):
    result = stop(without_token(sim, access_key=hw.ACCESS_KEY, secret_key="not-the-secret"))
    assert "HTTP 401 APIGW.0301" in result["msg"] and "signature mismatch" in result["msg"], result["msg"]
    assert result["msg"].endswith(
        "To fix: the signature does not match: check secret_key (HW_SECRET_KEY), which must be the secret key of access_key "
        "(HW_ACCESS_KEY), and this machine's clock (a signature carries the time it was made)."), result["msg"]
    assert "not-the-secret" not in json.dumps(result)


def test_a_wrong_secret_key_from_the_sdk_variables_names_those_variables(sim, hw):
    result = stop(without_token(sim), env={"HUAWEICLOUD_SDK_AK": hw.ACCESS_KEY, "HUAWEICLOUD_SDK_SK": "not-the-secret"})
    assert "check HUAWEICLOUD_SDK_SK, which must be the secret key of HUAWEICLOUD_SDK_AK" in result["msg"], result["msg"]


def test_an_unknown_access_key_names_the_access_key(sim):
    result = stop(without_token(sim, access_key="NOSUCHACCESSKEY1", secret_key="whatever"))
    assert "HTTP 401" in result["msg"] and "unknown access key" in result["msg"], result["msg"]
    assert "To fix: the service does not know this access key: check access_key (HW_ACCESS_KEY)" in result["msg"], result["msg"]


class _SkewedClock(datetime.datetime):
    """A clock 20 minutes behind."""

    @classmethod
    def now(cls, tz=None):
        return datetime.datetime.now(tz) - datetime.timedelta(minutes=20)


# Stands in for the signer's ``datetime`` module.
_SkewedDatetime = types.SimpleNamespace(datetime=_SkewedClock, timezone=datetime.timezone)


def test_a_skewed_clock_says_to_check_the_clock(sim, hw):
    with mock.patch.object(signer_module, "datetime", _SkewedDatetime):
        result = stop(without_token(sim, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY))
    assert "15 minutes" in result["msg"], result["msg"]
    assert "To fix: check this machine's clock" in result["msg"], result["msg"]


def test_a_wrong_password_names_user_password_and_domain(sim, hw):
    result = stop(without_token(sim, identity_endpoint=sim.url, user_name=hw.USER_NAME, password="not-the-password",
                                domain_name=hw.DOMAIN_NAME))
    assert "HTTP 401" in result["msg"] and "The username or password is wrong." in result["msg"], result["msg"]
    assert "To fix: check user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME)" in result["msg"]
    assert "not-the-password" not in json.dumps(result)
    assert calls(sim, "GET") == []


def test_an_unknown_token_says_to_check_auth_token(sim):
    result = stop(connection(sim, cluster_id=CLUSTER_ID, auth_token="no-such-token", max_retries=0))
    assert "HTTP 401" in result["msg"] and "unknown token" in result["msg"], result["msg"]
    assert "To fix: the service does not accept this token: check auth_token (HW_AUTH_TOKEN)" in result["msg"], result["msg"]


def test_a_token_for_another_project_names_project_id(sim_factory, hw):
    seed = copy.deepcopy(hw.default_seed())
    seed["projects"].append({"id": OTHER_PROJECT_ID, "name": "eu-west-0"})
    seed["tokens"].append({"token": OTHER_TOKEN, "project_id": OTHER_PROJECT_ID})
    sim = sim_factory(seed=seed)
    result = stop(connection(sim, cluster_id=CLUSTER_ID, auth_token=OTHER_TOKEN, max_retries=0))
    assert "HTTP 403" in result["msg"], result["msg"]
    assert ("To fix: the credentials are not valid for project %s: check project_id (HW_PROJECT_ID) and region" % PROJECT_ID
            in result["msg"]), result["msg"]
    assert calls(sim, "POST") == []


def test_an_agency_that_does_not_exist_names_the_agency_options(sim, hw):
    result = stop(without_token(sim, identity_endpoint=sim.url, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY,
                                agency_name="no-such-agency", agency_domain_name="sim-target-domain"))
    assert "HTTP 404" in result["msg"], result["msg"]
    assert "To fix: check agency_name and agency_domain_name or agency_domain_id" in result["msg"], result["msg"]
    assert calls(sim, "GET") == []


@pytest.mark.parametrize("status", [400, 404, 500])
def test_other_failures_get_no_authentication_advice(sim, status):
    from faultkit import CLUSTER_PATH, add_fault  # pylint: disable=import-outside-toplevel
    add_fault(sim, method="GET", path=CLUSTER_PATH, kind="status", status=status,
              body={"errCode": "Cdm.0001", "externalMessage": "project token signature"})
    result = stop(connection(sim, cluster_id=CLUSTER_ID, max_retries=0))
    assert "To fix" not in result["msg"], result["msg"]
