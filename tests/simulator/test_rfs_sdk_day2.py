"""RFS day two against the simulator, driven by the official huaweicloudsdkrfs client.

Settings changed in place (UpdateStack), failed deployments and rollbacks continued
(ContinueDeployStack, ContinueRollbackStack), the variables a template declares
(ParseTemplateVariables) and KMS-encrypted variables that are never shown back.
"""

import json
import uuid

import pytest
import requests

from simhelpers import AK, PROJECT, RFS_TEMPLATE, SK, wait_for

rfs = pytest.importorskip("huaweicloudsdkrfs.v1")
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402  pylint: disable=wrong-import-position

DEMO = "demo-rfs"
DEMO_ID = "7c1a3f52-5b8e-4d2a-9c61-0e4b2f8a9d01"
BROKEN = "broken-rfs"
SLOW = 1.0
AGENCY = {"provider_name": "huaweicloud", "agency_name": "rf_admin_trust"}
KMS_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f"
SECRET_VALUE = "c2VjcmV0LWNpcGhlci10ZXh0LW9mLXRoZS1wYXNzd29yZA=="
DATA_KEY = "AgDoAG7EsEc2OHpQxz4gDFDH54Px8gDPxiE6eHXDMzTvEwKd"

TEMPLATE_WITH_DECLARATIONS = '''
variable "vpc_name" {
  type        = string
  description = "name of the VPC"
  default     = "vpc-a"
  validation {
    condition     = length(var.vpc_name) > 2
    error_message = "vpc_name needs three characters or more"
  }
}
variable "disks" {
  type     = number
  default  = 1
  nullable = false
}
variable "db_password" {
  type      = string
  sensitive = true
}
variable "tags" {
  type    = map(string)
  default = { env = "prod", team = "data" }
}
resource "huaweicloud_vpc" "vpc" {
  name = var.vpc_name
}
'''


@pytest.fixture(name="client")
def client_fixture(sim):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    config.retry_times = 0
    return (rfs.RfsClient.new_builder()
            .with_credentials(BasicCredentials(AK, SK, PROJECT))
            .with_endpoint(sim.url)
            .with_http_config(config)
            .build())


def rid():
    return str(uuid.uuid4())


def sim_rfs(sim, **fields):
    resp = requests.post(sim.url + "/_sim/rfs_stacks", json=fields, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def meta(client, name=DEMO):
    return client.get_stack_metadata(rfs.GetStackMetadataRequest(client_request_id=rid(), stack_name=name))


def refused(call, status_code, error_code, *fragments):
    with pytest.raises(ClientRequestException) as caught:
        call()
    assert (caught.value.status_code, caught.value.error_code) == (status_code, error_code), caught.value
    for fragment in fragments:
        assert fragment in caught.value.error_msg, caught.value.error_msg
    return caught.value.error_msg


def update(client, name=DEMO, **settings):
    return client.update_stack(rfs.UpdateStackRequest(client_request_id=rid(), stack_name=name,
                                                      body=rfs.UpdateStackRequestBody(**settings)))


def events(client, name, deployment_id=None):
    return client.list_stack_events(rfs.ListStackEventsRequest(
        client_request_id=rid(), stack_name=name, deployment_id=deployment_id)).stack_events


def statuses_until(client, name, final, timeout=10):
    """Every status read until ``final``: the transitions a user polling the stack would see."""
    seen = []

    def check():
        current = meta(client, name).status
        if not seen or seen[-1] != current:
            seen.append(current)
        return current == final

    wait_for(check, timeout=timeout)
    return seen


# ------------------------------------------------------------------ UpdateStack


def test_settings_change_in_place(client):
    before = meta(client)
    answer = update(client, stack_id=DEMO_ID, description="changed in place", enable_deletion_protection=True,
                    agencies=[rfs.Agency(provider_name="huaweicloud", agency_name="first"),
                              rfs.Agency(provider_name="huaweicloud", agency_name="second")])
    assert answer.status_code == 204
    after = meta(client)
    assert after.description == "changed in place" and after.enable_deletion_protection is True
    assert [a.agency_name for a in after.agencies] == ["first", "second"]
    # Only what is given changes; a given list replaces the old one.
    assert after.enable_auto_rollback is before.enable_auto_rollback and after.status == before.status
    assert after.vars_structure[0].var_value == before.vars_structure[0].var_value
    update(client, agencies=[rfs.Agency(provider_name="huaweicloud", agency_name="third")])
    assert [a.agency_name for a in meta(client).agencies] == ["third"] and meta(client).description == "changed in place"
    # Nothing to change is a bad request; a wrong stack_id is refused before any change.
    refused(lambda: update(client, stack_id=DEMO_ID), 400, "RF.10011001", "give at least one of")
    refused(lambda: update(client, stack_id=str(uuid.uuid4()), description="other"), 400, "RF.10011003")
    assert meta(client).description == "changed in place"


def test_a_protected_stack_is_deleted_only_once_protection_is_off(client):
    update(client, enable_deletion_protection=True)
    refused(lambda: client.delete_stack(rfs.DeleteStackRequest(client_request_id=rid(), stack_name=DEMO)),
            403, "RF.10031001", "deletion protection")
    assert meta(client).status == "DEPLOYMENT_COMPLETE"
    update(client, enable_deletion_protection=False)
    client.delete_stack(rfs.DeleteStackRequest(client_request_id=rid(), stack_name=DEMO))
    wait_for(lambda: _gone(client, DEMO))


def test_updates_are_refused_while_busy_and_auto_rollback_while_failed(sim, client):
    refused(lambda: update(client, BROKEN, enable_auto_rollback=True), 403, "RF.10031004", "DEPLOYMENT_FAILED")
    sim_rfs(sim, stack_name=DEMO, transition_seconds=30, status="ROLLBACK_IN_PROGRESS")
    refused(lambda: update(client, description="busy"), 403, "RF.10012519", "ROLLBACK_IN_PROGRESS")


def _gone(client, name):
    try:
        meta(client, name)
    except ClientRequestException as exc:
        return exc.status_code == 404
    return False


# ------------------------------------------------------------------ recovery


def test_a_failed_deployment_is_continued_and_can_fail_again(sim, client):
    failing = RFS_TEMPLATE.replace('cidr = "10.0.0.0/16"', 'cidr = "10.0.0.0/16"\n  sim_fail = "VPC quota exceeded"')
    client.create_stack(rfs.CreateStackRequest(client_request_id=rid(), body=rfs.CreateStackRequestBody(
        stack_name="half", template_body=failing)))
    wait_for(lambda: meta(client, "half").status == "DEPLOYMENT_FAILED")
    sim_rfs(sim, stack_name="half", transition_seconds=SLOW)

    # The template still fails: the continuation fails again, with its own ERROR event.
    again = client.continue_deploy_stack(rfs.ContinueDeployStackRequest(
        client_request_id=rid(), stack_name="half", body=rfs.ContinueDeployStackRequestBody()))
    assert statuses_until(client, "half", "DEPLOYMENT_FAILED") == ["DEPLOYMENT_IN_PROGRESS", "DEPLOYMENT_FAILED"]
    errors = [e for e in events(client, "half", again.deployment_id) if e.event_type == "ERROR"]
    assert [(e.event_message, e.resource_name) for e in errors] == [("VPC quota exceeded", "vpc")]
    assert meta(client, "half").status_message == "VPC quota exceeded"

    # The failure switch fails the next one with the message given; after it, a continuation succeeds.
    client.deploy_stack(rfs.DeployStackRequest(client_request_id=rid(), stack_name="half", body=rfs.DeployStackRequestBody(
        template_body=RFS_TEMPLATE)))
    wait_for(lambda: meta(client, "half").status == "DEPLOYMENT_COMPLETE", timeout=10)
    sim_rfs(sim, stack_name="half", fail_next_deployment="EVS quota exceeded")
    client.deploy_stack(rfs.DeployStackRequest(client_request_id=rid(), stack_name="half", body=rfs.DeployStackRequestBody(
        template_body=RFS_TEMPLATE, vars_body="disks = 3")))
    wait_for(lambda: meta(client, "half").status == "DEPLOYMENT_FAILED", timeout=10)
    continued = client.continue_deploy_stack(rfs.ContinueDeployStackRequest(
        client_request_id=rid(), stack_name="half", body=rfs.ContinueDeployStackRequestBody(stack_id=meta(client, "half").stack_id)))
    assert continued.status_code == 202
    assert statuses_until(client, "half", "DEPLOYMENT_COMPLETE") == ["DEPLOYMENT_IN_PROGRESS", "DEPLOYMENT_COMPLETE"]
    # The continuation deployed the failed deployment's vars: three disks.
    resources = client.list_stack_resources(rfs.ListStackResourcesRequest(client_request_id=rid(), stack_name="half"))
    assert sorted(r.index_key for r in resources.stack_resources if r.logical_resource_name == "disk") == ["0", "1", "2"]
    assert [e.event_type for e in events(client, "half", continued.deployment_id)][0] == "SUMMARY"


def test_a_failed_rollback_is_continued_and_can_fail_again(sim, client):
    sim_rfs(sim, stack_name=DEMO, transition_seconds=SLOW, status="ROLLBACK_FAILED", status_message="rollback failed",
            fail_next_rollback="the subnet is still in use")
    first = client.continue_rollback_stack(rfs.ContinueRollbackStackRequest(
        client_request_id=rid(), stack_name=DEMO, body=rfs.ContinueRollbackStackRequestBody(stack_id=DEMO_ID)))
    assert first.status_code == 202
    assert statuses_until(client, DEMO, "ROLLBACK_FAILED") == ["ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED"]
    assert [e.event_message for e in events(client, DEMO, first.deployment_id) if e.event_type == "ERROR"] == [
        "the subnet is still in use"]
    second = client.continue_rollback_stack(rfs.ContinueRollbackStackRequest(
        client_request_id=rid(), stack_name=DEMO, body=rfs.ContinueRollbackStackRequestBody()))
    assert second.deployment_id != first.deployment_id
    assert statuses_until(client, DEMO, "ROLLBACK_COMPLETE") == ["ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert [e.event_type for e in events(client, DEMO, second.deployment_id)] == ["SUMMARY", "LOG"]


# ------------------------------------------------------------------ template analysis


def test_template_variables_are_what_the_template_declares(client):
    answer = client.parse_template_variables(rfs.ParseTemplateVariablesRequest(
        client_request_id=rid(), body=rfs.ParseTemplateVariablesRequestBody(template_body=TEMPLATE_WITH_DECLARATIONS)))
    found = {v.name: v for v in answer.variables}
    assert [v.name for v in answer.variables] == ["vpc_name", "disks", "db_password", "tags"]
    vpc = found["vpc_name"]
    assert (vpc.type, vpc.description, vpc.default, vpc.sensitive, vpc.nullable) == ("string", "name of the VPC", "vpc-a", False, True)
    assert [(r.condition, r.error_message) for r in vpc.validations] == [
        ("length(var.vpc_name) > 2", "vpc_name needs three characters or more")]
    assert (found["disks"].type, found["disks"].default, found["disks"].nullable) == ("number", 1, False)
    assert found["db_password"].sensitive is True and found["db_password"].default is None
    assert found["tags"].default == {"env": "prod", "team": "data"}


def test_template_variables_from_a_uri_and_from_json(sim, client):
    requests.post(sim.url + "/_sim/rfs_uris", json={"https://obs.example.com/t.tf": RFS_TEMPLATE}, timeout=5)
    from_uri = client.parse_template_variables(rfs.ParseTemplateVariablesRequest(
        client_request_id=rid(), body=rfs.ParseTemplateVariablesRequestBody(template_uri="https://obs.example.com/t.tf")))
    assert [(v.name, v.default) for v in from_uri.variables] == [("vpc_name", "vpc-a"), ("disks", 1)]
    document = {"variable": {"size": [{"type": "number", "default": 10, "description": "GB"}]},
                "resource": {"huaweicloud_evs_volume": {"d": {"size": "${var.size}"}}}}
    from_json = client.parse_template_variables(rfs.ParseTemplateVariablesRequest(
        client_request_id=rid(), body=rfs.ParseTemplateVariablesRequestBody(template_body=json.dumps(document))))
    assert [(v.name, v.type, v.default, v.description) for v in from_json.variables] == [("size", "number", 10, "GB")]


def test_a_template_that_does_not_parse_is_400_naming_the_line(client):
    broken = 'variable "a" {\n  default = 1\n}\n\nresource "huaweicloud_vpc" "v" {\n  name = \n}\n'
    refused(lambda: client.parse_template_variables(rfs.ParseTemplateVariablesRequest(
        client_request_id=rid(), body=rfs.ParseTemplateVariablesRequestBody(template_body=broken))),
        400, "RF.10011007", "line 6: missing value after =")
    refused(lambda: client.parse_template_variables(rfs.ParseTemplateVariablesRequest(
        client_request_id=rid(), body=rfs.ParseTemplateVariablesRequestBody(template_body='{"variable": '))),
        400, "RF.10011007", "line 1 column")
    refused(lambda: client.parse_template_variables(rfs.ParseTemplateVariablesRequest(
        client_request_id=rid(), body=rfs.ParseTemplateVariablesRequestBody())), 400, "RF.10011001", "template_body or template_uri")


# ------------------------------------------------------------------ encrypted variables


def encrypted_item(name="vpc_name"):
    return rfs.VarsStructure(var_key=name, var_value=SECRET_VALUE, encryption=rfs.EncryptionStructure(
        kms=rfs.KmsStructure(id=KMS_KEY, cipher_text=DATA_KEY)))


def test_encrypted_variables_are_used_and_never_shown_back(sim, client):
    created = client.create_stack(rfs.CreateStackRequest(client_request_id=rid(), body=rfs.CreateStackRequestBody(
        stack_name="secret", template_body=RFS_TEMPLATE, agencies=[rfs.Agency(**AGENCY)], vars_structure=[encrypted_item()])))
    wait_for(lambda: meta(client, "secret").status == "DEPLOYMENT_COMPLETE")
    shown = meta(client, "secret").vars_structure
    assert [(v.var_key, v.var_value, v.encryption.kms.id, v.encryption.kms.cipher_text) for v in shown] == [
        ("vpc_name", None, KMS_KEY, None)]
    # The decrypted value is used: the VPC got a name, and it is not the cipher text.
    resources = client.list_stack_resources(rfs.ListStackResourcesRequest(client_request_id=rid(), stack_name="secret"))
    vpc = [r for r in resources.stack_resources if r.logical_resource_type == "huaweicloud_vpc"][0]
    assert vpc.physical_resource_name and vpc.physical_resource_name != SECRET_VALUE

    # A plan with the same encrypted value changes nothing; its metadata does not show the value either.
    client.create_execution_plan(rfs.CreateExecutionPlanRequest(client_request_id=rid(), stack_name="secret",
                                 body=rfs.CreateExecutionPlanRequestBody(execution_plan_name="same", template_body=RFS_TEMPLATE,
                                                                         vars_structure=[encrypted_item()])))
    wait_for(lambda: client.get_execution_plan_metadata(rfs.GetExecutionPlanMetadataRequest(
        client_request_id=rid(), stack_name="secret", execution_plan_name="same")).status == "AVAILABLE")
    plan = client.get_execution_plan_metadata(rfs.GetExecutionPlanMetadataRequest(
        client_request_id=rid(), stack_name="secret", execution_plan_name="same"))
    assert plan.summary.resource_add == plan.summary.resource_update == plan.summary.resource_delete == 0

    # Nothing the service answers holds the value or the data key's cipher text.
    answers = [requests.get(sim.url + "/v1/%s/stacks/secret/%s" % (PROJECT, path), timeout=5,
                            headers={"X-Auth-Token": "sim-token", "Client-Request-Id": rid()}).text
               for path in ("metadata", "resources", "outputs", "events", "execution-plans", "execution-plans/same",
                            "execution-plans/same/metadata")]
    answers.append(requests.get(sim.url + "/v1/%s/stacks" % PROJECT, timeout=5,
                                headers={"X-Auth-Token": "sim-token", "Client-Request-Id": rid()}).text)
    assert all(text.startswith("{") for text in answers)
    for text in answers:
        assert SECRET_VALUE not in text and DATA_KEY not in text
    assert created.stack_id in answers[0]


def test_encrypted_variables_need_an_agency_and_a_complete_kms_block(sim, client):
    client.create_stack(rfs.CreateStackRequest(client_request_id=rid(), body=rfs.CreateStackRequestBody(
        stack_name="no-agency", template_body=RFS_TEMPLATE, vars_structure=[encrypted_item()])))
    wait_for(lambda: meta(client, "no-agency").status == "DEPLOYMENT_FAILED")
    assert "cannot decrypt variable vpc_name" in meta(client, "no-agency").status_message
    assert [e.event_type for e in events(client, "no-agency")][0] == "ERROR"

    incomplete = rfs.VarsStructure(var_key="vpc_name", var_value=SECRET_VALUE,
                                   encryption=rfs.EncryptionStructure(kms=rfs.KmsStructure(id=KMS_KEY)))
    message = refused(lambda: client.deploy_stack(rfs.DeployStackRequest(
        client_request_id=rid(), stack_name=DEMO, body=rfs.DeployStackRequestBody(template_body=RFS_TEMPLATE,
                                                                                   vars_structure=[incomplete]))),
        400, "RF.10011001", "vars_structure[0].encryption.kms.cipher_text is required")
    assert SECRET_VALUE not in message
    del sim
