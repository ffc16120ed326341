"""With region and no project_id, the project is found as the official SDK finds it.

``GET <IAM>/v3/projects?name=<region>`` with the task's own credentials (access keys signed without
X-Project-Id; a token as it is); IAM password keeps its region-scoped token, whose answer names the
project. Exactly one project must answer; the result's ``project_id`` says which.
"""

import copy
import json

from faultkit import CLUSTER_ID, PROJECT_ID, STACK_ID, assert_clean_failure, calls, cluster_stop_main, run_module, \
    stack_lifecycle_main, summary

REGION = "ap-southeast-1"
PROJECTS_PATH = r"^/v3/projects$"


def args_without_project(sim, **extra):
    args = dict(endpoint=sim.url, identity_endpoint=sim.url, region=REGION, poll_interval=0.05, wait_timeout=30)
    args.update(extra)
    return args


def header(entry, name):
    return {key.lower(): value for key, value in entry["headers"].items()}.get(name.lower())


def test_access_keys_find_the_project_and_sign_with_it(sim, hw):
    rc, result = run_module(cluster_stop_main(), args_without_project(
        sim, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, cluster_id=CLUSTER_ID, wait=False))
    assert rc == 0 and result["changed"] is True, result
    assert result["project_id"] == PROJECT_ID
    [lookup] = calls(sim, "GET", PROJECTS_PATH)
    assert lookup["query"] == {"name": REGION} or "name=%s" % REGION in json.dumps(lookup["query"]), lookup
    assert header(lookup, "X-Project-Id") is None, lookup["headers"]
    service_calls = [entry for entry in calls(sim) if entry["path"].startswith("/v1.1/")]
    assert service_calls and all(header(entry, "X-Project-Id") == PROJECT_ID for entry in service_calls), summary(service_calls)
    assert all(entry["path"].startswith("/v1.1/%s/" % PROJECT_ID) for entry in service_calls)


def test_access_keys_find_the_project_for_aos_too(sim, hw):
    # AOS v2 paths carry no project: the signed X-Project-Id is how the gateway knows it.
    rc, result = run_module(stack_lifecycle_main(), args_without_project(
        sim, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, stack_id=STACK_ID, lifecycle="create"))
    assert rc == 0, result
    assert result["project_id"] == PROJECT_ID
    assert len(calls(sim, "GET", PROJECTS_PATH)) == 1


def test_a_token_finds_the_project_with_itself(sim, hw):
    rc, result = run_module(cluster_stop_main(), args_without_project(sim, auth_token=hw.TOKEN, cluster_id=CLUSTER_ID, wait=False))
    assert rc == 0 and result["changed"] is True, result
    assert result["project_id"] == PROJECT_ID
    [lookup] = calls(sim, "GET", PROJECTS_PATH)
    assert header(lookup, "X-Auth-Token") is not None


def test_a_password_keeps_its_region_scoped_token_and_returns_the_project(sim, hw):
    rc, result = run_module(cluster_stop_main(), args_without_project(
        sim, user_name=hw.USER_NAME, password=hw.PASSWORD, domain_name=hw.DOMAIN_NAME, cluster_id=CLUSTER_ID, wait=False))
    assert rc == 0, result
    assert result["project_id"] == PROJECT_ID
    assert calls(sim, "GET", PROJECTS_PATH) == []
    [token_request] = calls(sim, "POST", r"^/v3/auth/tokens$")
    assert token_request["body"]["auth"]["scope"] == {"project": {"name": REGION}}


def test_a_given_project_id_is_used_as_is_and_not_returned(sim, hw):
    rc, result = run_module(cluster_stop_main(), args_without_project(
        sim, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, project_id=PROJECT_ID, cluster_id=CLUSTER_ID, wait=False))
    assert rc == 0, result
    assert "project_id" not in result
    assert calls(sim, "GET", PROJECTS_PATH) == []


def test_no_project_of_that_name_fails_before_any_service_call(sim, hw):
    rc, result = run_module(cluster_stop_main(), args_without_project(
        sim, region="eu-west-9", access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, cluster_id=CLUSTER_ID))
    assert rc == 1
    assert_clean_failure(result)
    assert result["msg"].startswith("No project named 'eu-west-9' in the account of the credentials from access_key"), result["msg"]
    assert "project_id (HW_PROJECT_ID)" in result["msg"] and "region (HW_REGION_NAME)" in result["msg"]
    assert [entry["path"] for entry in calls(sim)] == ["/v3/projects"]


def test_two_projects_of_that_name_fail_naming_both(sim_factory, hw):
    seed = copy.deepcopy(hw.default_seed())
    twin = "7e57c0de7e57c0de7e57c0de7e57c0de"
    seed["projects"].append({"id": twin, "name": REGION})
    sim = sim_factory(seed=seed)
    rc, result = run_module(cluster_stop_main(), args_without_project(sim, auth_token=hw.TOKEN, cluster_id=CLUSTER_ID))
    assert rc == 1
    assert_clean_failure(result)
    assert "2 projects are named '%s'" % REGION in result["msg"], result["msg"]
    assert PROJECT_ID in result["msg"] and twin in result["msg"] and "set project_id" in result["msg"]
    assert calls(sim, "POST") == []


def test_without_region_or_project_id_access_keys_fail_before_any_call(sim, hw):
    args = args_without_project(sim, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, cluster_id=CLUSTER_ID)
    del args["region"]
    rc, result = run_module(cluster_stop_main(), args)
    assert rc == 1
    assert_clean_failure(result)
    assert "project_id (HW_PROJECT_ID) is required" in result["msg"] and "region" in result["msg"], result["msg"]
    assert calls(sim) == [], summary(calls(sim))


def test_an_agency_finds_the_project_of_the_agencys_account(sim, hw):
    agency_project = "7b2e4c9d1f3a4e5b8c6d0a1b2c3d4e5f"  # named after the region too, in the agency's account
    rc, result = run_module(cluster_stop_main(), args_without_project(
        sim, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, agency_name="sim-agency", agency_domain_name="sim-target-domain",
        cluster_name="cdm-stopped"))
    assert rc == 0, result
    assert result["project_id"] == agency_project
    assert result["cluster"]["id"] == "e3c1a9b7-2d4f-4e6a-8b0c-9d1e2f3a4b5c"
    [lookup] = calls(sim, "GET", PROJECTS_PATH)
    assert header(lookup, "X-Security-Token") is not None, "looked up with the agency's keys"
