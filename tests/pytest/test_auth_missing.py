"""Missing or partial credentials fail before any HTTP call, naming the options and the variables.

The modules run in-process (faultkit.run_module: real AnsibleModule, real os.environ fallbacks,
HW_* of the test process removed), against a simulator whose log must stay empty.
"""

import pytest

from faultkit import CLOSED_METADATA_ENDPOINT, NO_FILE, cluster_stop_main, run_module, stack_lifecycle_main

# faultkit.run_module points HW_METADATA_ENDPOINT at a closed port and the SDK credentials file nowhere.
NO_CREDENTIALS = (
    "No credentials given. Tried, in this order: auth_token (HW_AUTH_TOKEN): not set; access_key and secret_key "
    "(HW_ACCESS_KEY, HW_SECRET_KEY): not set; user_name, password and domain_name "
    "(HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME): not set; the SDK variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK: "
    "not set; the SDK credentials file %s (HUAWEICLOUD_SDK_CREDENTIALS_FILE): not found; the ECS metadata service "
    "%s (HW_METADATA_ENDPOINT): no answer (connection refused). Set one of these." % (NO_FILE, CLOSED_METADATA_ENDPOINT))
AK_ONLY = "AK/SK authentication needs both access_key and secret_key; secret_key (HW_SECRET_KEY) is not set."
SK_ONLY = "AK/SK authentication needs both access_key and secret_key; access_key (HW_ACCESS_KEY) is not set."
PROJECT = "0605767a2c80d5a62f5cc0123456789a"
CLUSTER = {"cluster_id": "bae65496-643e-47ca-84af-948672de7eeb"}
STACK = {"stack_id": "stack-demo-0001", "lifecycle": "delete"}

# (id, module, module args besides endpoint, environment, expected message (exact, or a list of parts))
CASES = [
    ("none-cdm", "cdm", dict(CLUSTER, project_id=PROJECT), {}, NO_CREDENTIALS),
    ("none-aos", "aos", STACK, {}, NO_CREDENTIALS),
    ("security-token-and-domain-are-not-credentials", "aos", dict(STACK, security_token="lonely", domain_name="d"), {},
     NO_CREDENTIALS),
    ("empty-env-is-not-set", "aos", STACK, {"HW_AUTH_TOKEN": "", "HW_ACCESS_KEY": " ", "HW_USER_NAME": ""}, NO_CREDENTIALS),
    ("ak-without-sk", "cdm", dict(CLUSTER, project_id=PROJECT, access_key="SIMACCESSKEY0000"), {}, AK_ONLY),
    ("ak-without-sk-env", "aos", STACK, {"HW_ACCESS_KEY": "SIMACCESSKEY0000"}, AK_ONLY),
    ("sk-without-ak-env", "aos", STACK, {"HW_SECRET_KEY": "sim-secret-key"}, SK_ONLY),
    ("user-without-password", "cdm", dict(CLUSTER, project_id=PROJECT, user_name="sim-user", domain_name="sim-domain",
                                          identity_endpoint="http://127.0.0.1:9"), {},
     "IAM password authentication needs password (HW_PASSWORD)."),
    ("password-without-user-env", "aos", STACK, {"HW_PASSWORD": "sim-password", "HW_DOMAIN_NAME": "sim-domain",
                                                 "HW_PROJECT_ID": PROJECT, "HW_AUTH_URL": "http://127.0.0.1:9"},
     "IAM password authentication needs user_name (HW_USER_NAME)."),
    ("user-and-password-only-env", "aos", STACK, {"HW_USER_NAME": "sim-user", "HW_PASSWORD": "sim-password"},
     ["IAM password authentication needs", "domain_name (HW_DOMAIN_NAME)", "project_id or region (HW_PROJECT_ID, HW_REGION_NAME)",
      "identity_endpoint or region (HW_AUTH_URL, HW_REGION_NAME)"]),
    # CDM needs the project in its URIs: given, named by the credentials, or found from region.
    ("token-without-project-for-cdm", "cdm", dict(CLUSTER, auth_token="sim-token"),
     {"HW_USER_NAME": "sim-user"}, ["project_id (HW_PROJECT_ID) is required", "or set region (HW_REGION_NAME)"]),
    ("aksk-without-project-for-cdm", "cdm", dict(CLUSTER, access_key="SIMACCESSKEY0000", secret_key="sim-secret-key"), {},
     ["project_id (HW_PROJECT_ID) is required"]),
    # Agency rules (INTERFACE.md "Credentials beyond the three"), checked before the credentials are looked for.
    ("agency-without-domain", "aos", dict(STACK, auth_token="sim-token", agency_name="ops"), {},
     "Invalid value for option 'agency_name': 'ops'; it needs the account that owns the agency: set agency_domain_name "
     "(HW_ASSUME_ROLE_DOMAIN_NAME) or agency_domain_id (HW_ASSUME_ROLE_DOMAIN_ID)."),
    ("agency-domain-name-and-id", "aos", dict(STACK, auth_token="sim-token"),
     {"HW_ASSUME_ROLE_AGENCY_NAME": "ops", "HW_ASSUME_ROLE_DOMAIN_NAME": "target", "HW_ASSUME_ROLE_DOMAIN_ID": "d1"},
     "Invalid value for option 'agency_domain_id': 'd1'; agency_domain_name (HW_ASSUME_ROLE_DOMAIN_NAME) and agency_domain_id "
     "(HW_ASSUME_ROLE_DOMAIN_ID) are mutually exclusive; give one."),
    ("agency-domain-without-agency", "aos", dict(STACK, auth_token="sim-token", agency_domain_name="target"), {},
     "Invalid value for option 'agency_domain_name': 'target'; it is only used with agency_name (HW_ASSUME_ROLE_AGENCY_NAME)."),
    ("agency-duration-too-short", "aos", dict(STACK, auth_token="sim-token", agency_name="ops", agency_domain_name="t",
                                              agency_duration=899), {},
     "Invalid value for option 'agency_duration': 899; it must be between 900 and 86400 seconds."),
    ("agency-duration-too-long-env", "aos", dict(STACK, auth_token="sim-token", agency_name="ops", agency_domain_name="t"),
     {"HW_ASSUME_ROLE_DURATION": "86401"}, "Invalid value for option 'agency_duration': 86401; it must be between 900 and 86400 seconds."),
    ("agency-blank-name", "aos", dict(STACK, auth_token="sim-token", agency_name=" ", agency_domain_name="t"), {},
     "Invalid value for option 'agency_name': ' '; it must not be empty."),
    # The SDK's variables and file need both keys; half a set is a mistake to report, not a source to skip.
    ("sdk-ak-without-sk", "aos", STACK, {"HUAWEICLOUD_SDK_AK": "SIMACCESSKEY0000"},
     "The SDK variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK go together; HUAWEICLOUD_SDK_SK is not set."),
    ("sdk-env-without-project-for-cdm", "cdm", CLUSTER, {"HUAWEICLOUD_SDK_AK": "SIMACCESSKEY0000", "HUAWEICLOUD_SDK_SK": "sim-secret-key"},
     "project_id (HW_PROJECT_ID) is required for CDM, whose URIs carry it; the credentials from sdk_environment do not name a "
     "project, and without region (HW_REGION_NAME) it cannot be found."),
    ("agency-with-cdm-needs-project-or-region", "cdm", dict(CLUSTER, auth_token="sim-token", agency_name="ops", agency_domain_name="t",
                                                            identity_endpoint="http://127.0.0.1:9", user_name="u"), {},
     "project_id (HW_PROJECT_ID) is required for CDM, whose URIs carry it; or set region (HW_REGION_NAME) to find the project "
     "named after it."),
]


@pytest.mark.parametrize("service, args, env, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_fails_before_any_http_call(sim, service, args, env, expected):
    main = cluster_stop_main() if service == "cdm" else stack_lifecycle_main()
    rc, result = run_module(main, dict(args, endpoint=sim.url, max_retries=0), env=env)
    assert rc == 1 and result["failed"] is True, result
    if isinstance(expected, str):
        assert result["msg"] == expected
    else:
        for part in expected:
            assert part in result["msg"], (part, result["msg"])
    assert sim.log.list() == [], "no HTTP call"
    assert "exception" not in result
    for secret in ("sim-secret-key", "sim-password", "lonely"):
        assert secret not in result["msg"]
