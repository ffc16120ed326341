"""Errors that say what the cloud said: HTTP status, the service's code and message, X-Request-Id.

One case per error shape of shared/api/errors.md (CDM, AOS, API Gateway, IAM) and for bodies that are
not JSON (an HTML page from a proxy, an empty body, a long page). The request id expected in the
message is the one the simulator logged and sent as ``X-Request-Id`` for that very request.
"""

import json

import pytest

from faultkit import (
    CLUSTER_ID,
    CLUSTER_PATH,
    LIFECYCLE_PATH,
    PROJECT_ID,
    STACK_ID,
    STACK_PATH,
    TOKENS_PATH,
    add_fault,
    assert_clean_failure,
    assert_clean_output,
    calls,
    cluster_stop_main,
    connection,
    run_module,
    stack_lifecycle_main,
)

CDM_BODY = {"errCode": "Cdm.0001", "externalMessage": "The cluster does not exist."}
AOS_BODY = {"code": "AOS.0100", "message": "timeout must be an integer", "extend": None, "showdetail": False}
APIGW_BODY = {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information", "request_id": "gw-req-77"}
IAM_BODY = {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}
HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>" \
            "<hr><center>nginx/1.25.3</center></body></html>"
LONG_PAGE = "<html><body>" + "<p>upstream trouble, please try later</p>\n" * 200 + "</body></html>"


def stop(sim, **extra):
    return run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, max_retries=0, **extra))


def upgrade(sim, **extra):
    return run_module(stack_lifecycle_main(),
                      connection(sim, stack_id=STACK_ID, lifecycle="upgrade", inputs={"p": "1"}, max_retries=0, **extra))


def the_request_id(sim, method, pattern):
    entries = calls(sim, method, pattern)
    assert len(entries) == 1, entries
    return entries[0]["request_id"]


def assert_says(result, *needles):
    assert_clean_failure(result)
    for needle in needles:
        assert str(needle) in result["msg"], (needle, result["msg"])


@pytest.mark.parametrize("status,body,code,message", [
    (404, CDM_BODY, "Cdm.0001", "The cluster does not exist."),
    (500, {"errCode": "Cdm.0000", "externalMessage": "A system error occurred."}, "Cdm.0000", "A system error occurred."),
    (400, AOS_BODY, "AOS.0100", "timeout must be an integer"),
    (401, APIGW_BODY, "APIGW.0301", "Incorrect IAM authentication information"),
    (403, {"error_code": "APIGW.0302", "error_msg": "The IAM user is not authorized"}, "APIGW.0302", "not authorized"),
], ids=["cdm-404", "cdm-500", "aos-shape", "apigw-401", "apigw-403"])
def test_cluster_read_error_shapes(sim, status, body, code, message):
    add_fault(sim, method="GET", path=CLUSTER_PATH, kind="status", status=status, body=body)
    rc, result = stop(sim)
    request_id = the_request_id(sim, "GET", CLUSTER_PATH)
    assert rc == 1
    assert_says(result, "HTTP %d" % status, code, message, request_id, CLUSTER_ID)
    assert result["error"]["status"] == status
    assert result["error"]["code"] == code
    assert result["error"]["request_id"] == request_id
    assert calls(sim, "POST") == []


@pytest.mark.parametrize("status,body,code,message", [
    (400, AOS_BODY, "AOS.0100", "timeout must be an integer"),
    (404, {"code": "AOS.0101", "message": "stack x does not exist", "extend": None, "showdetail": False},
     "AOS.0101", "stack x does not exist"),
    (429, {"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached", "request_id": "r"},
     "APIGW.0308", "throttling threshold"),
], ids=["aos-400", "aos-404", "apigw-429"])
def test_lifecycle_call_error_shapes(sim, status, body, code, message):
    add_fault(sim, method="PUT", path=LIFECYCLE_PATH, kind="status", status=status, body=body)
    rc, result = upgrade(sim)
    request_id = the_request_id(sim, "PUT", LIFECYCLE_PATH)
    assert rc == 1
    assert_says(result, "HTTP %d" % status, code, message, request_id, "upgrade", STACK_ID)
    assert result["error"]["request_id"] == request_id


def test_iam_error_shape(sim):
    add_fault(sim, method="POST", path=TOKENS_PATH, kind="status", status=401, body=IAM_BODY)
    args = connection(sim, cluster_id=CLUSTER_ID, max_retries=0, identity_endpoint=sim.url,
                      user_name="sim-user", password="sim-password", domain_name="sim-domain")
    del args["auth_token"]
    rc, result = run_module(cluster_stop_main(), args)
    request_id = the_request_id(sim, "POST", TOKENS_PATH)
    assert rc == 1
    assert_says(result, "HTTP 401", "Unauthorized", "The username or password is wrong.", request_id, "IAM token")
    assert calls(sim, "GET") == []


def test_iam_real_wrong_password(sim):
    args = connection(sim, cluster_id=CLUSTER_ID, identity_endpoint=sim.url,
                      user_name="sim-user", password="not-the-password", domain_name="sim-domain")
    del args["auth_token"]
    rc, result = run_module(cluster_stop_main(), args)
    request_id = the_request_id(sim, "POST", TOKENS_PATH)
    assert rc == 1
    assert_says(result, "HTTP 401", "The username or password is wrong.", request_id)
    assert "not-the-password" not in json.dumps(result)


def test_html_502_from_a_proxy(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, kind="status", status=502, body=HTML_PAGE)
    rc, result = stop(sim)
    request_id = the_request_id(sim, "GET", CLUSTER_PATH)
    assert rc == 1
    assert_says(result, "HTTP 502", "502 Bad Gateway", "nginx/1.25.3", request_id)
    assert "\n" not in result["msg"]


def test_default_html_502_after_retries(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=10, kind="status", status=502)
    rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, max_retries=1))
    entries = calls(sim, "GET", CLUSTER_PATH)
    assert rc == 1 and len(entries) == 2
    assert_says(result, "HTTP 502", "<h1>502 Bad Gateway</h1>", entries[-1]["request_id"], "gave up after 2 attempts")


def test_long_non_json_body_is_cut_to_an_excerpt(sim):
    add_fault(sim, method="GET", path=STACK_PATH, kind="status", status=503, body=LONG_PAGE)
    rc, result = upgrade(sim)
    request_id = the_request_id(sim, "GET", STACK_PATH)
    assert rc == 1
    assert_says(result, "HTTP 503", "upstream trouble, please try later", request_id)
    assert len(result["msg"]) < 600, len(result["msg"])
    assert len(json.dumps(result.get("error", {}).get("body"))) < 1000


def test_empty_error_body(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, kind="status", status=500, body="")
    rc, result = stop(sim)
    request_id = the_request_id(sim, "GET", CLUSTER_PATH)
    assert rc == 1
    assert_says(result, "HTTP 500", request_id)


def test_json_body_of_unknown_shape(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, kind="status", status=400, body={"oops": ["a", "b"]})
    rc, result = stop(sim)
    assert rc == 1
    assert_says(result, "HTTP 400", "oops", the_request_id(sim, "GET", CLUSTER_PATH))


def test_success_status_with_a_body_that_is_not_json(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, kind="status", status=200, body="<html>maintenance</html>")
    rc, result = stop(sim)
    assert rc == 1
    assert_says(result, "HTTP 200", "not JSON", "maintenance", the_request_id(sim, "GET", CLUSTER_PATH))


def test_real_service_errors_carry_request_ids(sim):
    """Without injected faults: the simulator's own answers for an absent cluster and a foreign project."""
    rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id="no-such-cluster"))
    assert rc == 1
    assert_says(result, "HTTP 404", "Cdm.0001", "The cluster does not exist.", the_request_id(sim, "GET", CLUSTER_PATH))
    sim.log.clear()
    rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, project_id="f" * 32))
    assert rc == 1
    assert_says(result, "HTTP 403", "APIGW.0302", the_request_id(sim, "GET", CLUSTER_PATH))
    sim.log.clear()
    rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, auth_token="expired-or-wrong"))
    assert rc == 1
    assert_says(result, "HTTP 401", "APIGW.0301", the_request_id(sim, "GET", CLUSTER_PATH))
    assert "expired-or-wrong" not in json.dumps(result)


# ------------------------------------------------------------------ through ansible-playbook

FAILURES_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.cloud.hwcloud:
      endpoint: "{{ sim_url }}"
      project_id: "{{ project_id }}"
      auth_token: sim-token
      max_retries: 0
      poll_interval: 0.05
  tasks:
    - name: HTML 502 from a proxy
      hwcloud.cloud.cluster_stop:
        cluster_id: "{{ cluster_id }}"
      register: html_502
      ignore_errors: true
    - name: CDM shape
      hwcloud.cloud.cluster_stop:
        cluster_id: no-such-cluster
      register: cdm
      ignore_errors: true
    - name: AOS shape
      hwcloud.cloud.stack_lifecycle:
        stack_id: "{{ stack_id }}"
        lifecycle: upgrade
        inputs: {p: "1"}
      register: aos
      ignore_errors: true
    - name: API Gateway shape
      hwcloud.cloud.cluster_stop:
        cluster_id: "{{ cluster_id }}"
        auth_token: wrong-token
      register: apigw
      ignore_errors: true
    - name: IAM shape
      hwcloud.cloud.cluster_stop:
        cluster_id: "{{ cluster_id }}"
        auth_token: "{{ omit }}"
        identity_endpoint: "{{ sim_url }}"
        user_name: sim-user
        password: wrong-password
        domain_name: sim-domain
      register: iam
      ignore_errors: true
    - name: A timer that would never end
      hwcloud.cloud.cluster_stop:
        cluster_id: "{{ cluster_id }}"
        request_timeout: .nan
      register: nan
      ignore_errors: true
    - name: A header that cannot be sent
      hwcloud.cloud.cluster_stop:
        cluster_id: "{{ cluster_id }}"
        auth_token: "line\\nbreak"
      register: header
      ignore_errors: true
    - name: Keep the results
      ansible.builtin.copy:
        dest: "{{ results_file }}"
        content: "{{ {'html_502': html_502, 'cdm': cdm, 'aos': aos, 'apigw': apigw, 'iam': iam, 'nan': nan,
                      'header': header} | to_json }}"
"""


def test_failures_through_ansible_have_no_traceback(sim, run_playbook):
    """At -vvv, where Ansible shows the most (MODULE FAILURE would show at any verbosity)."""
    add_fault(sim, method="GET", path=CLUSTER_PATH, kind="status", status=502, body=HTML_PAGE)
    add_fault(sim, method="PUT", path=LIFECYCLE_PATH, kind="status", status=400, body=AOS_BODY)
    rc, output = run_playbook(FAILURES_PLAYBOOK, verbosity=3,
                              extra_vars=dict(sim_url=sim.url, project_id=PROJECT_ID, cluster_id=CLUSTER_ID, stack_id=STACK_ID))
    assert rc == 0, output
    assert_clean_output(output)
    results = run_playbook.results()
    for name, result in results.items():
        assert result["failed"] is True, (name, result)
        # ansible-core 2.19 gives every failed result an ``exception`` summary; it must hold no traceback.
        assert result.get("exception") in (None, "(traceback unavailable)"), (name, result)
        assert "This is a bug" not in result["msg"], (name, result)
    assert "HTTP 502" in results["html_502"]["msg"] and "502 Bad Gateway" in results["html_502"]["msg"]
    assert "HTTP 404 Cdm.0001: The cluster does not exist." in results["cdm"]["msg"]
    assert "HTTP 400 AOS.0100: timeout must be an integer" in results["aos"]["msg"]
    assert "HTTP 401 APIGW.0301" in results["apigw"]["msg"]
    assert "HTTP 401 Unauthorized: The username or password is wrong." in results["iam"]["msg"]
    assert results["nan"]["invalid_option"] == "request_timeout"
    assert results["header"]["invalid_option"] == "auth_token"
    ids = set(entry["request_id"] for entry in calls(sim))
    for name in ("html_502", "cdm", "aos", "apigw", "iam"):
        assert results[name]["error"]["request_id"] in ids and results[name]["error"]["request_id"] in results[name]["msg"]
