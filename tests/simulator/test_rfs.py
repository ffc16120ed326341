"""The simulator's RFS stacks and execution plans (shared/api/rfs.md, docs/simulator.md "RFS")."""

import hashlib
import json
import re
import uuid

import pytest
import requests

from simhelpers import PROJECT, RFS_TEMPLATE, TOKEN, wait_for

from hwcloud_sim import hcl
from hwcloud_sim.state import default_state_path

# Long enough for a test to see an *_IN_PROGRESS status on a loaded machine.
SLOW = 1.0

DEMO = "demo-rfs"
DEMO_ID = "7c1a3f52-5b8e-4d2a-9c61-0e4b2f8a9d01"
BROKEN = "broken-rfs"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def rfs_url(sim, *parts, project=PROJECT):
    return "/".join([sim.url, "v1", project, "stacks"] + list(parts))


def headers(request_id=True):
    out = {"X-Auth-Token": TOKEN, "Content-Type": "application/json;charset=UTF-8"}
    if request_id:
        out["Client-Request-Id"] = str(uuid.uuid4())
    return out


def call(sim, method, *parts, expect=None, project=PROJECT, **kwargs):
    kwargs.setdefault("headers", headers())
    resp = requests.request(method, rfs_url(sim, *parts, project=project), timeout=5, **kwargs)
    if expect is not None:
        assert resp.status_code == expect, resp.text
    return resp


def rfs_error(resp, status, code, *fragments):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error_code", "error_msg"} and body["error_code"] == code, body
    for fragment in fragments:
        assert fragment in body["error_msg"], body["error_msg"]
    return body["error_msg"]


def metadata(sim, name=DEMO):
    return call(sim, "GET", name, "metadata", expect=200).json()


def status_of(sim, name=DEMO):
    resp = call(sim, "GET", name, "metadata")
    return resp.json()["status"] if resp.status_code == 200 else resp.status_code


def settle(sim, name, wanted):
    return wait_for(lambda: status_of(sim, name) == wanted and status_of(sim, name))


def create(sim, name, **body):
    body["stack_name"] = name
    return call(sim, "POST", json=body, expect=200).json()


def deployed(sim, name, template=RFS_TEMPLATE, **body):
    answer = create(sim, name, template_body=template, **body)
    settle(sim, name, "DEPLOYMENT_COMPLETE")
    return answer


def make_plan(sim, stack, plan, template=RFS_TEMPLATE, wait="AVAILABLE", **body):
    body.update({"execution_plan_name": plan, "template_body": template})
    plan_id = call(sim, "POST", stack, "execution-plans", json=body, expect=200).json()["execution_plan_id"]
    if wait:
        wait_for(lambda: plan_meta(sim, stack, plan)["status"] == wait)
    return plan_id


def plan_meta(sim, stack, plan):
    return call(sim, "GET", stack, "execution-plans", plan, "metadata", expect=200).json()


def items(sim, stack, plan):
    return call(sim, "GET", stack, "execution-plans", plan, expect=200).json()["execution_plan_items"]


def events(sim, name, **query):
    return call(sim, "GET", name, "events", params=query, expect=200).json()["stack_events"]


def sim_rfs(sim, **fields):
    resp = requests.post(sim.url + "/_sim/rfs_stacks", json=fields, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def sim_state(sim):
    return requests.get(sim.url + "/_sim/state", timeout=5).json()


def rfs_log(sim):
    return [e for e in requests.get(sim.url + "/_sim/requests", timeout=5).json() if e["service"] == "rfs"]


def default_seed():
    with open(default_state_path(), encoding="utf-8") as handle:
        return json.load(handle)


def demo_template(sim):
    return sim_state(sim)["rfs_stacks"][0]["template_body"]


# ------------------------------------------------------------------ stacks


def test_seeded_stacks_list_and_metadata(sim):
    listed = call(sim, "GET", expect=200).json()
    # Newest first: broken-rfs was created a day after demo-rfs.
    assert [s["stack_name"] for s in listed["stacks"]] == [BROKEN, DEMO]
    assert set(listed["stacks"][0]) == {"stack_name", "stack_id", "status", "status_message", "description", "create_time", "update_time"}
    assert listed["page_info"] == {"current_count": 2}
    meta = metadata(sim)
    assert meta["stack_id"] == DEMO_ID and meta["status"] == "DEPLOYMENT_COMPLETE"
    assert meta["vars_structure"] == [{"var_key": "vpc_name", "var_value": "demo-vpc"}]
    assert meta["enable_deletion_protection"] is False and meta["enable_auto_rollback"] is False and meta["agencies"] == []
    assert meta["create_time"] == "2024-03-01T10:00:00Z" and "template_body" not in meta
    broken = metadata(sim, BROKEN)
    assert broken["status"] == "DEPLOYMENT_FAILED" and "EVS quota" in broken["status_message"]
    assert [e["event_type"] for e in events(sim, BROKEN)] == ["ERROR"]
    resources = call(sim, "GET", DEMO, "resources", expect=200).json()["stack_resources"]
    assert [(r["logical_resource_type"], r["logical_resource_name"], r.get("index_key")) for r in resources] == [
        ("huaweicloud_evs_volume", "data", None), ("huaweicloud_vpc", "vpc", None), ("huaweicloud_vpc_subnet", "subnet", "0")]
    assert resources[2]["physical_resource_name"] == "demo-vpc-subnet-0"
    assert {"key": "size", "value": "10"} in resources[0]["resource_attributes"]
    outputs = call(sim, "GET", DEMO, "outputs", expect=200).json()["outputs"]
    assert outputs == [{"name": "vpc_id", "description": "ID of the demo VPC", "type": "string",
                        "value": resources[1]["physical_resource_id"], "sensitive": False}]


def test_other_projects_stacks_are_invisible(sim):
    sim_rfs(sim, stack_name="elsewhere", project_id="ffffffffffffffffffffffffffffffff")
    assert "elsewhere" not in [s["stack_name"] for s in call(sim, "GET").json()["stacks"]]
    rfs_error(call(sim, "GET", "elsewhere", "metadata"), 404, "RF.10041001", "stack elsewhere does not exist")
    resp = call(sim, "GET", project="ffffffffffffffffffffffffffffffff")
    assert resp.status_code == 403 and resp.json()["error_code"] == "APIGW.0302"


def test_create_without_template_then_deploy(sim):
    answer = create(sim, "empty", description="nothing yet")
    assert set(answer) == {"stack_id"} and UUID_RE.match(answer["stack_id"])
    assert status_of(sim, "empty") == "CREATION_COMPLETE"
    assert call(sim, "GET", "empty", "outputs", expect=200).json()["outputs"] == []
    sim_rfs(sim, stack_name="empty", transition_seconds=SLOW)
    deployment = call(sim, "POST", "empty", "deployments", json={"stack_id": answer["stack_id"], "template_body": RFS_TEMPLATE},
                      expect=202).json()
    assert set(deployment) == {"deployment_id"}
    assert status_of(sim, "empty") == "DEPLOYMENT_IN_PROGRESS"
    settle(sim, "empty", "DEPLOYMENT_COMPLETE")
    outputs = {o["name"]: o["value"] for o in call(sim, "GET", "empty", "outputs").json()["outputs"]}
    assert outputs["vpc_name"] == "vpc-a" and UUID_RE.match(outputs["vpc_id"])
    kinds = [(e["event_type"], e.get("resource_name")) for e in events(sim, "empty", deployment_id=deployment["deployment_id"])]
    # Newest first; events of the same instant in reverse order of their making.
    assert kinds == [("SUMMARY", None), ("CREATION_COMPLETE", "vpc"), ("CREATION_COMPLETE", "disk"),
                     ("CREATION_IN_PROGRESS", "vpc"), ("CREATION_IN_PROGRESS", "disk"), ("LOG", None)]
    assert events(sim, "empty")[0]["event_message"] == "Apply complete! Resources: 2 added, 0 changed, 0 destroyed."


def test_create_with_template_deploys_over_time(sim_factory_rfs):
    sim = sim_factory_rfs({"transition_seconds": SLOW})
    answer = create(sim, "web", template_body=RFS_TEMPLATE, vars_structure=[{"var_key": "vpc_name", "var_value": "vpc-b"}],
                    vars_body="disks = 2", enable_auto_rollback=True, agencies=[{"provider_name": "huaweicloud", "agency_name": "rf_admin"}])
    assert set(answer) == {"stack_id", "deployment_id"}
    assert status_of(sim, "web") == "DEPLOYMENT_IN_PROGRESS"
    # During the deployment: no outputs, and resources in brief (no ids, no attributes).
    assert call(sim, "GET", "web", "outputs").json()["outputs"] == []
    assert call(sim, "GET", "web", "resources").json()["stack_resources"] == [
        {"logical_resource_name": "disk", "logical_resource_type": "huaweicloud_evs_volume", "resource_status": "CREATION_IN_PROGRESS",
         "index_key": "0"},
        {"logical_resource_name": "disk", "logical_resource_type": "huaweicloud_evs_volume", "resource_status": "CREATION_IN_PROGRESS",
         "index_key": "1"},
        {"logical_resource_name": "vpc", "logical_resource_type": "huaweicloud_vpc", "resource_status": "CREATION_IN_PROGRESS"}]
    settle(sim, "web", "DEPLOYMENT_COMPLETE")
    meta = metadata(sim, "web")
    assert meta["vars_body"] == "disks = 2" and meta["enable_auto_rollback"] is True
    assert meta["agencies"] == [{"provider_name": "huaweicloud", "agency_name": "rf_admin"}]
    names = [r["physical_resource_name"] for r in call(sim, "GET", "web", "resources").json()["stack_resources"]]
    assert names == ["vpc-b-disk-0", "vpc-b-disk-1", "vpc-b"]
    rfs_error(call(sim, "POST", json={"stack_name": "web"}), 409, "RF.10091002", "stack web already exists")


@pytest.mark.parametrize("body, status, code, fragment", [
    ({}, 400, "RF.10011001", "stack_name is required"),
    ({"stack_name": "1st"}, 400, "RF.10011002", "stack_name must start with a letter"),
    ({"stack_name": "a" * 129}, 400, "RF.10011002", "at most 128"),
    ({"stack_name": "bad name"}, 400, "RF.10011002", "stack_name must start with a letter"),
    ({"stack_name": "s", "colour": "red"}, 400, "RF.10011002", "colour is not a parameter of this call"),
    ({"stack_name": "s", "description": 5}, 400, "RF.10011002", "description must be a string"),
    ({"stack_name": "s", "enable_auto_rollback": "yes"}, 400, "RF.10011002", "enable_auto_rollback must be a boolean"),
    ({"stack_name": "s", "agencies": [{"provider_name": "huaweicloud"}]}, 400, "RF.10011001", "agencies[0].agency_name is required"),
    ({"stack_name": "s", "template_body": "x", "template_uri": "y"}, 400, "RF.10011002", "mutually exclusive"),
    ({"stack_name": "s", "template_body": "   "}, 400, "RF.10011002", "template_body must be a non-empty string"),
    ({"stack_name": "s", "vars_body": "a = 1"}, 400, "RF.10011002", "vars_body needs a template"),
    ({"stack_name": "s", "template_body": RFS_TEMPLATE, "vars_structure": [{"var_key": "disks", "var_value": 2}]},
     400, "RF.10011002", "vars_structure[0].var_value must be a string, got int"),
    ({"stack_name": "s", "template_body": RFS_TEMPLATE, "vars_structure": [{"var_key": "k", "var_value": str(i)} for i in range(101)]},
     400, "RF.10011002", "at most 100 items"),
    ({"stack_name": "s", "template_body": RFS_TEMPLATE, "vars_structure": [{"var_value": "x"}]}, 400, "RF.10011001", "var_key is required"),
    ({"stack_name": "s", "template_body": RFS_TEMPLATE, "vars_structure": [{"var_key": "disks", "var_value": "2"}], "vars_body": "disks = 3"},
     400, "RF.10011002", "variable disks is given in both vars_structure and vars_body"),
    ({"stack_name": "s", "template_body": RFS_TEMPLATE, "vars_body": "disks = "}, 400, "RF.10011002", "vars_body cannot be read"),
    ({"stack_name": "s", "template_uri": "https://obs.example.com/t.tf"}, 400, "RF.10011005", "template_uri https://obs.example.com/t.tf cannot be fetched"),
    ({"stack_name": "s", "template_body": RFS_TEMPLATE, "vars_uri": "https://obs.example.com/v.tfvars"}, 400, "RF.10011005", "vars_uri"),
])
def test_create_body_is_validated(sim, body, status, code, fragment):
    rfs_error(call(sim, "POST", json=body), status, code, fragment)
    assert "s" not in [s["stack_name"] for s in call(sim, "GET").json()["stacks"]]


def test_bad_json_and_non_object_bodies(sim):
    rfs_error(call(sim, "POST", data="{not json"), 400, "RF.10011002", "not valid JSON")
    rfs_error(call(sim, "POST", json=["stack_name"]), 400, "RF.10011002", "must be a JSON object")
    rfs_error(call(sim, "POST", DEMO, "deployments", json={}), 400, "RF.10011001", "template_body or template_uri is required")


def test_names_in_any_script_and_null_values(sim):
    create(sim, "\u6808-1_a", description=None)
    assert metadata(sim, "\u6808-1_a")["description"] == ""


def test_template_and_vars_from_seeded_uris(sim):
    resp = requests.post(sim.url + "/_sim/rfs_uris", json={"https://obs.example.com/t.tf": RFS_TEMPLATE,
                                                           "https://obs.example.com/v.tfvars": "vpc_name = \"from-uri\""}, timeout=5)
    assert resp.status_code == 200
    create(sim, "uri", template_uri="https://obs.example.com/t.tf", vars_uri="https://obs.example.com/v.tfvars")
    settle(sim, "uri", "DEPLOYMENT_COMPLETE")
    assert metadata(sim, "uri")["vars_uri_content"] == "vpc_name = \"from-uri\""
    assert "from-uri" in [r["physical_resource_name"] for r in call(sim, "GET", "uri", "resources").json()["stack_resources"]]


# ------------------------------------------------------------ Client-Request-Id


def test_client_request_id_is_required_and_logged(sim):
    msg = rfs_error(call(sim, "GET", headers=headers(request_id=False)), 400, "RF.10011004", "Client-Request-Id header is required")
    assert "UUID" in msg
    for bad in ("abc", "x" * 129, "x" * 20 + " " + "y" * 20):
        rfs_error(call(sim, "GET", headers=dict(headers(), **{"Client-Request-Id": bad})), 400, "RF.10011004", "36 to 128")
    # Refused before anything happens.
    rfs_error(call(sim, "POST", json={"stack_name": "nope"}, headers=headers(request_id=False)), 400, "RF.10011004")
    assert status_of(sim, "nope") == 404
    call(sim, "GET", expect=200)
    call(sim, "GET", DEMO, "metadata", expect=200)
    entries = rfs_log(sim)
    assert entries[0]["client_request_id"] is None and entries[0]["status"] == 400
    sent = [e["client_request_id"] for e in entries if e["status"] == 200]
    assert len(sent) == len(set(sent)) >= 2 and all(UUID_RE.match(value) for value in sent)


def test_auth_comes_first(sim):
    resp = requests.get(rfs_url(sim), headers={"Client-Request-Id": str(uuid.uuid4())}, timeout=5)
    assert resp.status_code == 401 and resp.json()["error_code"] == "APIGW.0301"


# ------------------------------------------------------------------ paging


def test_stack_list_paging(sim):
    for index in range(5):
        create(sim, "page-%d" % index)
    names, marker, pages = [], None, 0
    while True:
        params = {"limit": 3}
        if marker:
            params["marker"] = marker
        page = call(sim, "GET", params=params, expect=200).json()
        names += [s["stack_name"] for s in page["stacks"]]
        pages += 1
        marker = page["page_info"].get("next_marker")
        if not marker:
            break
    assert names == ["page-%d" % i for i in reversed(range(5))] + [BROKEN, DEMO] and pages == 3


def test_short_pages_do_not_mean_the_end(sim_factory_rfs):
    sim = sim_factory_rfs({"rfs_page_cap": 2})
    for index in range(3):
        create(sim, "p%d" % index)
    first = call(sim, "GET", params={"limit": 5}, expect=200).json()
    assert len(first["stacks"]) == 2 and first["page_info"]["next_marker"]
    second = call(sim, "GET", params={"limit": 5, "marker": first["page_info"]["next_marker"]}).json()
    third = call(sim, "GET", params={"limit": 5, "marker": second["page_info"]["next_marker"]}).json()
    assert [s["stack_name"] for s in first["stacks"] + second["stacks"] + third["stacks"]] == ["p2", "p1", "p0", BROKEN, DEMO]
    assert "next_marker" not in third["page_info"]


def test_marker_survives_deletion_of_the_last_item(sim):
    for index in range(3):
        create(sim, "d%d" % index)
    first = call(sim, "GET", params={"limit": 3}).json()
    assert first["stacks"][-1]["stack_name"] == "d0"
    call(sim, "DELETE", "d0", expect=204)
    settle(sim, "d0", 404)
    rest = call(sim, "GET", params={"limit": 3, "marker": first["page_info"]["next_marker"]}).json()
    assert [s["stack_name"] for s in rest["stacks"]] == [BROKEN, DEMO]


@pytest.mark.parametrize("params, fragment", [
    ({"limit": "0"}, "limit must be an integer from 1 to 100"),
    ({"limit": "101"}, "limit must be an integer from 1 to 100"),
    ({"limit": "x"}, "limit must be an integer"),
    ({"marker": "garbage!"}, "is not a marker that this list returned"),
])
def test_bad_paging_parameters(sim, params, fragment):
    rfs_error(call(sim, "GET", params=params), 400, "RF.10011002", fragment)


def test_events_resources_outputs_page(sim):
    deployed(sim, "many", vars_body="disks = 3")
    for kind, key, expected in (("events", "stack_events", 10), ("resources", "stack_resources", 4), ("outputs", "outputs", 2)):
        seen, marker = [], None
        while True:
            params = {"limit": 1, "marker": marker} if marker else {"limit": 1}
            page = call(sim, "GET", "many", kind, params=params, expect=200).json()
            assert len(page[key]) <= 1
            seen += page[key]
            marker = page["page_info"].get("next_marker")
            if not marker:
                break
        assert len(seen) == expected, kind
        assert seen == call(sim, "GET", "many", kind).json()[key]
    rfs_error(call(sim, "GET", "many", "events", params={"filter": "event_type==ERROR"}), 400, "RF.10011002", "not supported by the simulator")


# ------------------------------------------------------------------ guards


def test_stack_id_guard(sim):
    other = str(uuid.uuid4())
    rfs_error(call(sim, "GET", DEMO, "metadata", params={"stack_id": other}), 400, "RF.10011003", other, DEMO_ID)
    assert metadata(sim)["stack_id"] == DEMO_ID
    call(sim, "GET", DEMO, "metadata", params={"stack_id": DEMO_ID}, expect=200)
    rfs_error(call(sim, "GET", DEMO, "metadata", params={"stack_id": "not-a-uuid"}), 400, "RF.10011002", "stack_id must be a UUID")
    rfs_error(call(sim, "POST", DEMO, "deployments", json={"stack_id": other, "template_body": RFS_TEMPLATE}), 400, "RF.10011003")
    rfs_error(call(sim, "DELETE", DEMO, params={"stack_id": other}), 400, "RF.10011003")
    rfs_error(call(sim, "POST", DEMO, "deletion", json={"stack_id": other}), 400, "RF.10011003")
    rfs_error(call(sim, "POST", DEMO, "execution-plans", json={"stack_id": other, "execution_plan_name": "p", "template_body": RFS_TEMPLATE}),
              400, "RF.10011003")
    assert status_of(sim) == "DEPLOYMENT_COMPLETE"
    assert call(sim, "GET", DEMO, "execution-plans").json()["execution_plans"] == []


def test_execution_plan_id_guard(sim):
    plan_id = make_plan(sim, DEMO, "guarded", template=demo_template(sim))
    other = str(uuid.uuid4())
    rfs_error(call(sim, "GET", DEMO, "execution-plans", "guarded", "metadata", params={"execution_plan_id": other}), 400, "RF.10011003")
    rfs_error(call(sim, "POST", DEMO, "execution-plans", "guarded", json={"execution_plan_id": other}), 400, "RF.10011003")
    rfs_error(call(sim, "DELETE", DEMO, "execution-plans", "guarded", params={"execution_plan_id": other}), 400, "RF.10011003")
    call(sim, "DELETE", DEMO, "execution-plans", "guarded", params={"execution_plan_id": plan_id, "stack_id": DEMO_ID}, expect=204)


def test_unknown_stack_and_plan(sim):
    for method, parts in (("GET", ("ghost", "metadata")), ("DELETE", ("ghost",)), ("GET", ("ghost", "events")),
                          ("GET", ("ghost", "outputs")), ("GET", ("ghost", "resources")), ("POST", ("ghost", "continuations"))):
        rfs_error(call(sim, method, *parts), 404, "RF.10041001", "stack ghost does not exist")
    rfs_error(call(sim, "POST", "ghost", "deployments", json={"template_body": RFS_TEMPLATE}), 404, "RF.10041001")
    rfs_error(call(sim, "POST", "ghost", "execution-plans", json={"execution_plan_name": "p", "template_body": RFS_TEMPLATE}), 404, "RF.10041001")
    for method, suffix in (("GET", ("metadata",)), ("GET", ()), ("GET", ("prices",)), ("POST", ()), ("DELETE", ())):
        rfs_error(call(sim, method, DEMO, "execution-plans", "nope", *suffix), 404, "RF.10041002", "execution plan nope of stack demo-rfs does not exist")


# ----------------------------------------------------------- execution plans


def test_plan_diff_add_update_delete(sim):
    template = demo_template(sim)
    make_plan(sim, DEMO, "bigger", template=template, vars_body="vpc_name = \"demo-vpc\"\nsubnet_count = 2\ndisk_size = 20")
    meta = plan_meta(sim, DEMO, "bigger")
    assert meta["summary"] == {"resource_add": 1, "resource_update": 1, "resource_delete": 0, "resource_import": 0}
    assert meta["stack_id"] == DEMO_ID and meta["vars_body"].startswith("vpc_name")
    update, add = items(sim, DEMO, "bigger")
    assert (update["resource_type"], update["resource_name"], update["index"], update["action"]) == ("huaweicloud_evs_volume", "data", None, "UPDATE")
    assert update["attributes"] == [{"name": "size", "previous_value": "10", "target_value": "20"}]
    assert update["resource_id"] and update["provider_name"] == "huaweicloud" and update["mode"] == "RESOURCE"
    assert (add["resource_name"], add["index"], add["action"], add["resource_id"]) == ("subnet", "1", "ADD", None)
    assert {"name": "name", "previous_value": None, "target_value": "demo-vpc-subnet-1"} in add["attributes"]
    make_plan(sim, DEMO, "smaller", template=template, vars_body="subnet_count = 0", vars_structure=[{"var_key": "vpc_name", "var_value": "demo-vpc"}])
    (delete,) = items(sim, DEMO, "smaller")
    assert (delete["resource_name"], delete["index"], delete["action"]) == ("subnet", "0", "DELETE")
    assert plan_meta(sim, DEMO, "smaller")["summary"]["resource_delete"] == 1
    # A template without the disk deletes it; a new resource type is added.
    shrunk = template.replace('resource "huaweicloud_evs_volume"', 'resource "huaweicloud_compute_instance"')
    make_plan(sim, DEMO, "swap", template=shrunk, vars_structure=[{"var_key": "vpc_name", "var_value": "demo-vpc"}])
    assert [(i["resource_type"], i["action"]) for i in items(sim, DEMO, "swap")] == [
        ("huaweicloud_compute_instance", "ADD"), ("huaweicloud_evs_volume", "DELETE")]


def test_plan_without_change_has_no_items(sim):
    make_plan(sim, DEMO, "same", template=demo_template(sim), vars_structure=[{"var_key": "vpc_name", "var_value": "demo-vpc"}])
    assert items(sim, DEMO, "same") == []
    assert plan_meta(sim, DEMO, "same")["summary"] == {"resource_add": 0, "resource_update": 0, "resource_delete": 0, "resource_import": 0}


def test_plan_lifecycle_apply_and_delete(sim):
    sim_rfs(sim, stack_name=DEMO, transition_seconds=SLOW)
    plan_id = make_plan(sim, DEMO, "grow", template=demo_template(sim), wait=None,
                        vars_structure=[{"var_key": "vpc_name", "var_value": "demo-vpc"}, {"var_key": "disk_size", "var_value": "40"}])
    assert plan_meta(sim, DEMO, "grow")["status"] == "CREATION_IN_PROGRESS"
    assert "summary" not in plan_meta(sim, DEMO, "grow")
    # Not made yet: no items (200), which must not be read as "no change"; no price; not applicable.
    assert items(sim, DEMO, "grow") == []
    rfs_error(call(sim, "GET", DEMO, "execution-plans", "grow", "prices"), 403, "RF.10031004", "CREATION_IN_PROGRESS")
    rfs_error(call(sim, "POST", DEMO, "execution-plans", "grow", json={}), 403, "RF.10031004", "only an AVAILABLE plan can be applied")
    rfs_error(call(sim, "DELETE", DEMO, "execution-plans", "grow"), 403, "RF.10031003", "CREATION_IN_PROGRESS")
    wait_for(lambda: plan_meta(sim, DEMO, "grow")["status"] == "AVAILABLE")
    rfs_error(call(sim, "POST", DEMO, "execution-plans", json={"execution_plan_name": "grow", "template_body": RFS_TEMPLATE}),
              409, "RF.10091002", "execution plan grow already exists")
    deployment = call(sim, "POST", DEMO, "execution-plans", "grow", json={"stack_id": DEMO_ID, "execution_plan_id": plan_id},
                      expect=200).json()["deployment_id"]
    assert plan_meta(sim, DEMO, "grow")["status"] == "APPLY_IN_PROGRESS"
    assert status_of(sim) == "DEPLOYMENT_IN_PROGRESS"
    rfs_error(call(sim, "DELETE", DEMO, "execution-plans", "grow"), 403, "RF.10031003", "APPLY_IN_PROGRESS")
    settle(sim, DEMO, "DEPLOYMENT_COMPLETE")
    meta = plan_meta(sim, DEMO, "grow")
    assert meta["status"] == "APPLIED" and meta["apply_time"]
    disk = [r for r in call(sim, "GET", DEMO, "resources").json()["stack_resources"] if r["logical_resource_name"] == "data"][0]
    assert {"key": "size", "value": "40"} in disk["resource_attributes"] and disk["resource_status"] == "UPDATE_COMPLETE"
    assert [e["event_type"] for e in events(sim, DEMO, deployment_id=deployment)] == ["SUMMARY", "UPDATE_COMPLETE", "UPDATE_IN_PROGRESS", "LOG"]
    rfs_error(call(sim, "POST", DEMO, "execution-plans", "grow", json={}), 403, "RF.10031004", "APPLIED")
    listed = call(sim, "GET", DEMO, "execution-plans").json()["execution_plans"]
    assert [(p["execution_plan_name"], p["status"]) for p in listed] == [("grow", "APPLIED")]
    call(sim, "DELETE", DEMO, "execution-plans", "grow", expect=204)
    rfs_error(call(sim, "GET", DEMO, "execution-plans", "grow", "metadata"), 404, "RF.10041002")


def test_plan_goes_stale_after_another_deployment(sim):
    make_plan(sim, DEMO, "first", template=demo_template(sim), vars_body="disk_size = 11")
    make_plan(sim, DEMO, "second", template=demo_template(sim), vars_body="disk_size = 12")
    call(sim, "POST", DEMO, "execution-plans", "first", json={}, expect=200)
    settle(sim, DEMO, "DEPLOYMENT_COMPLETE")
    rfs_error(call(sim, "POST", DEMO, "execution-plans", "second", json={}), 403, "RF.10031002", "stale")


def test_plan_of_an_unreadable_template_fails(sim):
    make_plan(sim, DEMO, "broken", template='resource "huaweicloud_vpc" "v" {\n  name = \n}\n', wait="CREATION_FAILED")
    meta = plan_meta(sim, DEMO, "broken")
    assert meta["status_message"] == "Error: line 2: missing value after =" and "summary" not in meta
    assert items(sim, DEMO, "broken") == []
    make_plan(sim, DEMO, "novar", template='variable "x" {}\nresource "huaweicloud_vpc" "v" { name = var.x }', wait="CREATION_FAILED")
    assert "No value for required variable: var.x" in plan_meta(sim, DEMO, "novar")["status_message"]
    make_plan(sim, DEMO, "undeclared", template='resource "huaweicloud_vpc" "v" { name = var.y }', wait="CREATION_FAILED")
    assert "undeclared input variable: var.y" in plan_meta(sim, DEMO, "undeclared")["status_message"]


@pytest.mark.parametrize("body, fragment", [
    ({"template_body": RFS_TEMPLATE}, "execution_plan_name is required"),
    ({"execution_plan_name": "0abc", "template_body": RFS_TEMPLATE}, "execution_plan_name must start with a letter"),
    ({"execution_plan_name": "p"}, "template_body or template_uri is required"),
    ({"execution_plan_name": "p", "template_body": RFS_TEMPLATE, "retain": True}, "retain is not a parameter of this call"),
])
def test_plan_body_is_validated(sim, body, fragment):
    resp = call(sim, "POST", DEMO, "execution-plans", json=body)
    assert resp.status_code == 400 and fragment in resp.json()["error_msg"]


def test_prices(sim):
    template = RFS_TEMPLATE + '''
resource "random_id" "suffix" {
  byte_length = 4
}
resource "huaweicloud_compute_instance" "vm" {
  name          = "vm"
  charging_mode = "prePaid"
  period_unit   = "year"
  period        = 2
}
'''
    create(sim, "priced")
    make_plan(sim, "priced", "p", template=template)
    prices = call(sim, "GET", "priced", "execution-plans", "p", "prices", expect=200).json()
    assert prices["currency"] == "CNY"
    by_type = {i["resource_type"]: i for i in prices["items"]}
    assert set(by_type) == {"huaweicloud_compute_instance", "huaweicloud_evs_volume", "huaweicloud_vpc", "random_id"}
    assert by_type["random_id"]["supported"] is False and by_type["random_id"]["resource_price"] == []
    assert by_type["random_id"]["unsupported_message"] == "resource type random_id is not supported by the price inquiry"
    assert by_type["huaweicloud_vpc"]["resource_price"] == [{"charge_mode": "FREE", "sale_price": 0.0, "discount": 0.0, "original_price": 0.0}]
    hourly = 0.05 + int(hashlib.sha256(b"huaweicloud_evs_volume").hexdigest()[:8], 16) % 2000 / 100.0
    assert by_type["huaweicloud_evs_volume"]["index"] == "0"
    assert by_type["huaweicloud_evs_volume"]["resource_price"] == [{"charge_mode": "POST_PAID", "sale_price": round(hourly, 2), "discount": 0.0,
                                                                    "original_price": round(hourly, 2), "period_type": "HOUR", "period_count": 1}]
    (vm,) = by_type["huaweicloud_compute_instance"]["resource_price"]
    assert (vm["charge_mode"], vm["period_type"], vm["period_count"]) == ("PRE_PAID", "YEAR", 2)
    assert vm["sale_price"] == round(vm["original_price"] - vm["discount"], 2) and vm["discount"] > 0
    # The same plan prices the same, and a plan that only deletes costs nothing.
    assert call(sim, "GET", "priced", "execution-plans", "p", "prices").json() == prices
    make_plan(sim, DEMO, "gone", template='resource "huaweicloud_vpc" "vpc" {\n  name = "demo-vpc"\n  cidr = "192.168.0.0/16"\n}\n')
    assert call(sim, "GET", DEMO, "execution-plans", "gone", "prices").json() == {"currency": "CNY", "items": []}


# ------------------------------------------------------------------ failures


def test_fail_next_deployment_switch(sim):
    sim_rfs(sim, stack_name=DEMO, fail_next_deployment="quota exceeded for huaweicloud_evs_volume")
    deployment = call(sim, "POST", DEMO, "deployments", json={"template_body": demo_template(sim), "vars_body": "disk_size = 30"},
                      expect=202).json()["deployment_id"]
    settle(sim, DEMO, "DEPLOYMENT_FAILED")
    meta = metadata(sim)
    assert meta["status_message"] == "quota exceeded for huaweicloud_evs_volume" and meta["vars_body"] == "disk_size = 30"
    errors = [e for e in events(sim, DEMO, deployment_id=deployment) if e["event_type"] == "ERROR"]
    assert errors == [{"time": errors[0]["time"], "event_type": "ERROR", "event_message": "quota exceeded for huaweicloud_evs_volume",
                       "resource_type": "huaweicloud_evs_volume", "resource_name": "data", "resource_id_key": "id",
                       "resource_id_value": errors[0]["resource_id_value"]}]
    assert "UPDATE_FAILED" in [e["event_type"] for e in events(sim, DEMO, deployment_id=deployment)]
    size = [a for r in call(sim, "GET", DEMO, "resources").json()["stack_resources"] for a in r["resource_attributes"] if a["key"] == "size"]
    assert size == [{"key": "size", "value": "10"}]
    # The flag is used up: continuing runs the same deployment again, and it passes.
    assert "fail_next_deployment" not in sim_state(sim)["rfs_stacks"][0]
    call(sim, "POST", DEMO, "continuations", json={"stack_id": DEMO_ID}, expect=202)
    settle(sim, DEMO, "DEPLOYMENT_COMPLETE")
    assert metadata(sim)["status_message"] == ""


def test_sim_fail_attribute_fails_every_deployment(sim):
    failing = RFS_TEMPLATE.replace('cidr = "10.0.0.0/16"', 'cidr = "10.0.0.0/16"\n  sim_fail = "VPC quota exceeded"')
    create(sim, "f", template_body=failing)
    settle(sim, "f", "DEPLOYMENT_FAILED")
    (error,) = [e for e in events(sim, "f") if e["event_type"] == "ERROR"]
    assert (error["event_message"], error["resource_type"], error["resource_name"]) == ("VPC quota exceeded", "huaweicloud_vpc", "vpc")
    assert call(sim, "GET", "f", "resources").json()["stack_resources"] == []
    call(sim, "POST", "f", "continuations", json={}, expect=202)
    settle(sim, "f", "DEPLOYMENT_FAILED")
    call(sim, "POST", "f", "deployments", json={"template_body": RFS_TEMPLATE}, expect=202)
    settle(sim, "f", "DEPLOYMENT_COMPLETE")
    rfs_error(call(sim, "POST", "f", "continuations", json={}), 403, "RF.10031004", "only a DEPLOYMENT_FAILED stack")


def test_unreadable_template_fails_the_deployment(sim):
    create(sim, "bad", template_body='resource "huaweicloud_vpc" {\n}\n')
    settle(sim, "bad", "DEPLOYMENT_FAILED")
    message = metadata(sim, "bad")["status_message"]
    assert message == "Error: line 1: a resource block needs 2 labels, found 1"
    assert [(e["event_type"], e["event_message"]) for e in events(sim, "bad") if e["event_type"] == "ERROR"] == [("ERROR", message)]


def test_auto_rollback_and_rollback_failure(sim):
    sim_rfs(sim, stack_name=DEMO, enable_auto_rollback=True, fail_next_deployment="boom", fail_next_rollback="rollback boom")
    call(sim, "POST", DEMO, "deployments", json={"template_body": demo_template(sim), "vars_body": "disk_size = 30"}, expect=202)
    wait_for(lambda: status_of(sim) in ("ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED"))
    settle(sim, DEMO, "ROLLBACK_FAILED")
    assert metadata(sim)["status_message"] == "rollback boom"
    assert [e["event_message"] for e in events(sim, DEMO) if e["event_type"] == "ERROR"] == ["rollback boom", "boom"]
    rfs_error(call(sim, "POST", DEMO, "continuations", json={}), 403, "RF.10031004")
    sim_rfs(sim, stack_name=DEMO, transition_seconds=SLOW)
    call(sim, "POST", DEMO, "rollbacks", json={"stack_id": DEMO_ID}, expect=202)
    assert status_of(sim) == "ROLLBACK_IN_PROGRESS"
    settle(sim, DEMO, "ROLLBACK_COMPLETE")
    assert metadata(sim)["vars_structure"] == [{"var_key": "vpc_name", "var_value": "demo-vpc"}]
    rfs_error(call(sim, "POST", DEMO, "rollbacks", json={}), 403, "RF.10031004", "only a ROLLBACK_FAILED stack")


def test_auto_rollback_completes(sim):
    create(sim, "rb", enable_auto_rollback=True)
    sim_rfs(sim, stack_name="rb", transition_seconds=SLOW)
    failing = RFS_TEMPLATE.replace("size  = 10", 'size  = 10\n  sim_fail = "disk full"')
    call(sim, "POST", "rb", "deployments", json={"template_body": failing}, expect=202)
    seen = set()
    wait_for(lambda: seen.add(status_of(sim, "rb")) or "ROLLBACK_COMPLETE" in seen)
    assert "ROLLBACK_IN_PROGRESS" in seen
    assert metadata(sim, "rb")["status_message"] == "disk full"


# ------------------------------------------------------------------ busy, deletion


def test_busy_stack_refuses_changes(sim):
    sim_rfs(sim, stack_name=DEMO, transition_seconds=60, status="DEPLOYMENT_IN_PROGRESS")
    for method, parts, body in (("POST", ("deployments",), {"template_body": RFS_TEMPLATE}),
                                ("DELETE", (), None),
                                ("POST", ("deletion",), {"retain_all_resources": True}),
                                ("POST", ("execution-plans",), {"execution_plan_name": "p", "template_body": RFS_TEMPLATE}),
                                ("PATCH", (), {"description": "x"})):
        rfs_error(call(sim, method, DEMO, *parts, json=body), 403, "RF.10012519", "stack demo-rfs is DEPLOYMENT_IN_PROGRESS")
    sim_rfs(sim, stack_name=DEMO, status="DELETION_IN_PROGRESS")
    rfs_error(call(sim, "POST", DEMO, "deployments", json={"template_body": RFS_TEMPLATE}), 403, "RF.10012519", "DELETION_IN_PROGRESS")


def test_delete_takes_time_then_404(sim):
    sim_rfs(sim, stack_name=DEMO, transition_seconds=SLOW)
    call(sim, "DELETE", DEMO, params={"stack_id": DEMO_ID}, expect=204)
    assert status_of(sim) == "DELETION_IN_PROGRESS"
    assert {r["resource_status"] for r in call(sim, "GET", DEMO, "resources").json()["stack_resources"]} == {"DELETION_IN_PROGRESS"}
    settle(sim, DEMO, 404)
    assert sim_state(sim)["rfs_retained_resources"] == []


def test_delete_retaining_resources(sim):
    call(sim, "POST", DEMO, "deletion", json={"stack_id": DEMO_ID, "retain_all_resources": True}, expect=204)
    settle(sim, DEMO, 404)
    retained = sim_state(sim)["rfs_retained_resources"]
    assert [(r["resource_type"], r["index"]) for r in retained] == [
        ("huaweicloud_evs_volume", None), ("huaweicloud_vpc", None), ("huaweicloud_vpc_subnet", 0)]
    assert {r["stack_id"] for r in retained} == {DEMO_ID}
    rfs_error(call(sim, "POST", BROKEN, "deletion", json={"retain_all_resources": "yes"}), 400, "RF.10011002", "retain_all_resources must be a boolean")


def test_deletion_protection(sim):
    create(sim, "kept", enable_deletion_protection=True)
    for resp in (call(sim, "DELETE", "kept"), call(sim, "POST", "kept", "deletion", json={"retain_all_resources": True})):
        rfs_error(resp, 403, "RF.10031001", "stack kept has deletion protection enabled", "enable_deletion_protection")
    assert status_of(sim, "kept") == "CREATION_COMPLETE"
    call(sim, "PATCH", "kept", json={"enable_deletion_protection": False}, expect=204)
    assert metadata(sim, "kept")["enable_deletion_protection"] is False
    call(sim, "DELETE", "kept", expect=204)
    settle(sim, "kept", 404)


def test_fail_next_deletion(sim):
    sim_rfs(sim, stack_name=DEMO, fail_next_deletion="the VPC still has ports")
    call(sim, "DELETE", DEMO, expect=204)
    settle(sim, DEMO, "DELETION_FAILED")
    assert metadata(sim)["status_message"] == "the VPC still has ports"
    assert events(sim, DEMO)[-1]["event_type"] == "ERROR"
    call(sim, "DELETE", DEMO, expect=204)
    settle(sim, DEMO, 404)


# ------------------------------------------------------------------ faults, errors


def test_faults_apply_to_rfs(sim):
    def add_fault(**rule):
        assert requests.post(sim.url + "/_sim/faults", json=rule, timeout=5).status_code == 201

    add_fault(method="POST", path=r"/stacks$", kind="status", status=429, retry_after="1")
    resp = call(sim, "POST", json={"stack_name": "throttled"})
    assert resp.status_code == 429 and resp.json()["error_code"] == "APIGW.0308"
    assert status_of(sim, "throttled") == 404
    add_fault(method="POST", path=r"/stacks$", kind="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        call(sim, "POST", json={"stack_name": "dropped"})
    assert status_of(sim, "dropped") == 404
    add_fault(method="POST", path=r"/stacks$", kind="drop_after_apply")
    with pytest.raises(requests.exceptions.ConnectionError):
        call(sim, "POST", json={"stack_name": "applied", "template_body": RFS_TEMPLATE})
    assert status_of(sim, "applied") in ("DEPLOYMENT_IN_PROGRESS", "DEPLOYMENT_COMPLETE")
    add_fault(method="POST", path=r"/execution-plans/[^/]+$", kind="drop_after_apply")
    make_plan(sim, DEMO, "lost", template=demo_template(sim), vars_body="disk_size = 50")
    with pytest.raises(requests.exceptions.ConnectionError):
        call(sim, "POST", DEMO, "execution-plans", "lost", json={})
    assert plan_meta(sim, DEMO, "lost")["status"] in ("APPLY_IN_PROGRESS", "APPLIED")
    add_fault(method="GET", path=r"/metadata$", kind="delay", delay=0.1)
    assert call(sim, "GET", DEMO, "metadata", expect=200).json()["stack_id"] == DEMO_ID
    faults = [(e["method"], e["fault"], e["status"]) for e in rfs_log(sim) if e["fault"]]
    assert faults == [("POST", "status", 429), ("POST", "drop", None), ("POST", "drop_after_apply", 200),
                      ("POST", "drop_after_apply", 200), ("GET", "delay", 200)]


def test_internal_error_in_rfs_shape(sim, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(sim.state.rfs, "metadata", boom)
    rfs_error(call(sim, "GET", DEMO, "metadata"), 500, "RF.10051000", "An internal error occurred.")


# ------------------------------------------------------------------ seeds and control


def test_seeded_stacks_plans_and_statuses(sim):
    seed = default_seed()
    seed["rfs_stacks"] = [
        {"stack_name": "s1", "template_body": RFS_TEMPLATE, "vars_body": "disks = 2",
         "execution_plans": [{"execution_plan_name": "left", "template_body": RFS_TEMPLATE, "vars_body": "disks = 3"},
                             {"execution_plan_name": "failed", "status": "CREATION_FAILED", "template_body": RFS_TEMPLATE}]},
        {"stack_name": "s2", "status": "DEPLOYMENT_IN_PROGRESS", "template_body": RFS_TEMPLATE, "transition_seconds": SLOW},
        {"stack_name": "s3", "status": "ROLLBACK_FAILED", "status_message": "seeded failure"},
    ]
    assert requests.put(sim.url + "/_sim/state", json=seed, timeout=5).status_code == 200
    assert len(call(sim, "GET", "s1", "resources").json()["stack_resources"]) == 3
    assert [i["action"] for i in items(sim, "s1", "left")] == ["ADD"]
    assert plan_meta(sim, "s1", "failed")["status"] == "CREATION_FAILED"
    assert status_of(sim, "s2") == "DEPLOYMENT_IN_PROGRESS"
    settle(sim, "s2", "DEPLOYMENT_COMPLETE")
    assert metadata(sim, "s3")["status_message"] == "seeded failure"
    exported = sim_state(sim)["rfs_stacks"]
    assert [p["execution_plan_name"] for p in exported[0]["execution_plans"]] == ["left", "failed"]


@pytest.mark.parametrize("stacks, fragment", [
    ([{"stack_name": "x", "colour": "red"}], "unknown key colour"),
    ([{"description": "no name"}], "needs a stack_name"),
    ([{"stack_name": "x", "status": "RUNNING"}], "status must be one of"),
    ([{"stack_name": "x", "template_body": "resource {"}], "rfs_stacks[0]"),
    ([{"stack_name": "x"}, {"stack_name": "x"}], "seeded twice"),
    ([{"stack_name": "x", "stack_id": "stack-1"}], "stack_id must be a UUID"),
    ([{"stack_name": "x", "execution_plans": [{"execution_plan_name": "p", "execution_plan_id": "1"}]}], "execution_plan_id must be a UUID"),
    ([{"stack_name": "x", "transition_seconds": "slow"}], "could not convert"),
    ("not a list", "rfs_stacks must be a list"),
])
def test_bad_rfs_seed_is_refused(sim, stacks, fragment):
    seed = default_seed()
    seed["rfs_stacks"] = stacks
    resp = requests.put(sim.url + "/_sim/state", json=seed, timeout=5)
    assert resp.status_code == 400 and fragment in resp.json()["error"], resp.text
    assert status_of(sim) == "DEPLOYMENT_COMPLETE"


def test_control_upsert_refuses_unknown_keys(sim):
    resp = requests.post(sim.url + "/_sim/rfs_stacks", json={"stack_name": DEMO, "fail_next": "x"}, timeout=5)
    assert resp.status_code == 400 and "unknown key fail_next" in resp.json()["error"]
    resp = requests.post(sim.url + "/_sim/rfs_uris", json={"u": 1}, timeout=5)
    assert resp.status_code == 400


@pytest.fixture(name="sim_factory_rfs")
def sim_factory_rfs_fixture(sim):
    """The shared simulator with extra settings (reset by the next test's ``sim``)."""
    def make(settings):
        seed = default_seed()
        seed["settings"].update(settings)
        assert requests.put(sim.url + "/_sim/state", json=seed, timeout=5).status_code == 200
        return sim
    return make


# ------------------------------------------------------------------ the template mini-parser


def test_template_subset_hcl_and_json_agree():
    hcl_text = '''
terraform {
  required_providers {
    huaweicloud = { source = "huaweicloud/huaweicloud" }
  }
}
provider "huaweicloud" { region = "ap-southeast-1" }
data "huaweicloud_availability_zones" "zones" {}
# a comment, /* and */ inside a comment
variable "n" { default = 2 }
resource "huaweicloud_vpc" "v" {
  count = var.n
  name  = "v-${count.index}" // trailing comment
  tags  = { env = "prod", "k#" = "x" }
  /* a block
     comment */
  lifecycle {
    ignore_changes = [tags]
  }
  description = <<-EOT
    two
      lines
  EOT
}
'''
    json_text = json.dumps({"variable": {"n": {"default": 2}}, "resource": {"huaweicloud_vpc": {"v": {
        "count": "${var.n}", "name": "v-${count.index}", "tags": {"env": "prod"}, "description": "two\n  lines\n"}}}})
    from_hcl, _variables = hcl.desired_state(hcl.parse_template(hcl_text), {})
    from_json, _variables = hcl.desired_state(hcl.parse_template(json_text), {"n": "1"})
    assert sorted(from_hcl) == [("huaweicloud_vpc", "v", 0), ("huaweicloud_vpc", "v", 1)]
    assert from_hcl[("huaweicloud_vpc", "v", 1)]["attributes"] == {
        "name": "v-1", "tags": '{ env = "prod", "k#" = "x" }', "description": "two\n  lines\n"}
    assert list(from_json) == [("huaweicloud_vpc", "v", 0)]
    assert from_json[("huaweicloud_vpc", "v", 0)]["attributes"]["description"] == "two\n  lines\n"


@pytest.mark.parametrize("text, fragment", [
    ("", "the template is empty"),
    ('resource "a" "b" {', "a block is not closed"),
    ('x = 1', "x = ... is not allowed outside a block"),
    ('resource "a" "b" { for_each = {} }', "for_each is not supported by the simulator"),
    ('module "m" { source = "./m" }', "module blocks are not supported"),
    ('resource "a" "b" {}\nresource "a" "b" {}', "duplicate resource a.b"),
    ('resource "a" "b" { count = "two" }', "count must be a whole number"),
    ('resource "a" "b" { count = -1 }', "count must not be negative"),
    ('bogus "a" {}', "unknown block type bogus"),
    ('{"resource": []', "not valid JSON"),
])
def test_template_errors(text, fragment):
    with pytest.raises(hcl.TemplateError) as failed:
        hcl.desired_state(hcl.parse_template(text), {})
    assert fragment in str(failed.value)


def test_failing_deployment_without_changes_names_a_resource(sim):
    sim_rfs(sim, stack_name=DEMO, fail_next_deployment="provider crashed")
    call(sim, "POST", DEMO, "deployments", json={"template_body": demo_template(sim)}, expect=202)
    settle(sim, DEMO, "DEPLOYMENT_FAILED")
    (error,) = [e for e in events(sim, DEMO) if e["event_type"] == "ERROR"]
    assert (error["event_message"], error["resource_type"], error["resource_name"]) == ("provider crashed", "huaweicloud_evs_volume", "data")


def test_force_new_attribute_replaces_the_resource(sim):
    before = {r["logical_resource_name"]: r for r in call(sim, "GET", DEMO, "resources").json()["stack_resources"]}
    template = demo_template(sim).replace('availability_zone = "ap-southeast-1a"', 'availability_zone = "ap-southeast-1b"')
    make_plan(sim, DEMO, "move", template=template, vars_structure=[{"var_key": "vpc_name", "var_value": "demo-vpc"}])
    (item,) = items(sim, DEMO, "move")
    assert (item["resource_name"], item["action"]) == ("data", "DELETE_THEN_ADD")
    assert item["attributes"] == [{"name": "availability_zone", "previous_value": "ap-southeast-1a", "target_value": "ap-southeast-1b"}]
    assert plan_meta(sim, DEMO, "move")["summary"] == {"resource_add": 1, "resource_update": 0, "resource_delete": 1, "resource_import": 0}
    deployment = call(sim, "POST", DEMO, "execution-plans", "move", json={}, expect=200).json()["deployment_id"]
    settle(sim, DEMO, "DEPLOYMENT_COMPLETE")
    assert [e["event_type"] for e in events(sim, DEMO, deployment_id=deployment)] == [
        "SUMMARY", "CREATION_COMPLETE", "DELETION_COMPLETE", "CREATION_IN_PROGRESS", "DELETION_IN_PROGRESS", "LOG"]
    after = {r["logical_resource_name"]: r for r in call(sim, "GET", DEMO, "resources").json()["stack_resources"]}
    assert after["data"]["physical_resource_id"] != before["data"]["physical_resource_id"]
    assert after["vpc"]["physical_resource_id"] == before["vpc"]["physical_resource_id"]


def test_deployment_start_delay_shows_the_stack_as_it_was_until_the_deployment_starts(sim):
    sim_rfs(sim, stack_name=DEMO, deployment_start_delay=3, transition_seconds=SLOW)
    before = metadata(sim)
    make_plan(sim, DEMO, "p1", template=demo_template(sim), vars_body="disk_size = 30")
    call(sim, "POST", DEMO, "execution-plans", "p1", json={"stack_id": DEMO_ID}, expect=200)
    # The plan shows its apply at once; the stack keeps its old face until the deployment starts.
    assert plan_meta(sim, DEMO, "p1")["status"] == "APPLY_IN_PROGRESS"
    assert metadata(sim) == before
    settle(sim, DEMO, "DEPLOYMENT_IN_PROGRESS")
    settle(sim, DEMO, "DEPLOYMENT_COMPLETE")
    after = metadata(sim)
    assert after["vars_body"] == "disk_size = 30" and after["update_time"] != before["update_time"]
    assert sim_state(sim)["rfs_stacks"][0]["deployment_start_delay"] == 3
