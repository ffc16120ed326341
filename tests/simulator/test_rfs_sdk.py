"""The official RFS SDK (huaweicloudsdkrfs, the same client as huaweicloudsdkaos) against the simulator.

The SDK signs with AK/SK, sends its own Client-Request-Id, and parses every answer into
its model classes: a field the simulator names or types differently fails here.
"""

import uuid

import pytest

from simhelpers import AK, PROJECT, RFS_TEMPLATE, SK, wait_for

rfs = pytest.importorskip("huaweicloudsdkrfs.v1")
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402  pylint: disable=wrong-import-position


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


def request_id():
    return str(uuid.uuid4())


def status(client, name):
    return client.get_stack_metadata(rfs.GetStackMetadataRequest(client_request_id=request_id(), stack_name=name)).status


def test_official_sdk_drives_a_stack_through_a_plan(sim, client):
    created = client.create_stack(rfs.CreateStackRequest(client_request_id=request_id(), body=rfs.CreateStackRequestBody(
        stack_name="sdk-stack", description="made by the SDK", template_body=RFS_TEMPLATE,
        vars_structure=[rfs.VarsStructure(var_key="vpc_name", var_value="sdk-vpc")])))
    assert created.stack_id and created.deployment_id
    wait_for(lambda: status(client, "sdk-stack") == "DEPLOYMENT_COMPLETE")

    meta = client.get_stack_metadata(rfs.GetStackMetadataRequest(client_request_id=request_id(), stack_name="sdk-stack",
                                                                 stack_id=created.stack_id))
    assert meta.stack_id == created.stack_id and meta.description == "made by the SDK"
    assert meta.vars_structure[0].var_key == "vpc_name" and meta.enable_deletion_protection is False

    listed = client.list_stacks(rfs.ListStacksRequest(client_request_id=request_id(), limit=1))
    assert len(listed.stacks) == 1 and listed.page_info.next_marker
    rest = client.list_stacks(rfs.ListStacksRequest(client_request_id=request_id(), marker=listed.page_info.next_marker))
    assert "sdk-stack" in [s.stack_name for s in listed.stacks + rest.stacks]

    outputs = client.list_stack_outputs(rfs.ListStackOutputsRequest(client_request_id=request_id(), stack_name="sdk-stack"))
    resources = client.list_stack_resources(rfs.ListStackResourcesRequest(client_request_id=request_id(), stack_name="sdk-stack"))
    vpc = [r for r in resources.stack_resources if r.logical_resource_type == "huaweicloud_vpc"][0]
    assert outputs.outputs[0].name == "vpc_id" and outputs.outputs[0].value == vpc.physical_resource_id
    assert [r.index_key for r in resources.stack_resources if r.logical_resource_name == "disk"] == ["0"]

    plan = client.create_execution_plan(rfs.CreateExecutionPlanRequest(
        client_request_id=request_id(), stack_name="sdk-stack", body=rfs.CreateExecutionPlanRequestBody(
            stack_id=created.stack_id, execution_plan_name="more-disks", template_body=RFS_TEMPLATE, vars_body="disks = 2",
            vars_structure=[rfs.VarsStructure(var_key="vpc_name", var_value="sdk-vpc")])))
    wait_for(lambda: client.get_execution_plan_metadata(rfs.GetExecutionPlanMetadataRequest(
        client_request_id=request_id(), stack_name="sdk-stack", execution_plan_name="more-disks")).status == "AVAILABLE")
    plan_meta = client.get_execution_plan_metadata(rfs.GetExecutionPlanMetadataRequest(
        client_request_id=request_id(), stack_name="sdk-stack", execution_plan_name="more-disks",
        stack_id=created.stack_id, execution_plan_id=plan.execution_plan_id))
    assert (plan_meta.summary.resource_add, plan_meta.summary.resource_update, plan_meta.summary.resource_delete) == (1, 0, 0)
    items = client.get_execution_plan(rfs.GetExecutionPlanRequest(
        client_request_id=request_id(), stack_name="sdk-stack", execution_plan_name="more-disks")).execution_plan_items
    assert [(i.resource_type, i.index, i.action) for i in items] == [("huaweicloud_evs_volume", "1", "ADD")]
    assert {a.name: a.target_value for a in items[0].attributes}["name"] == "sdk-vpc-disk-1"
    prices = client.estimate_execution_plan_price(rfs.EstimateExecutionPlanPriceRequest(
        client_request_id=request_id(), stack_name="sdk-stack", execution_plan_name="more-disks"))
    assert prices.currency == "CNY" and prices.items[0].supported is True
    assert prices.items[0].resource_price[0].charge_mode == "POST_PAID" and prices.items[0].resource_price[0].sale_price > 0
    plans = client.list_execution_plans(rfs.ListExecutionPlansRequest(client_request_id=request_id(), stack_name="sdk-stack"))
    assert [p.execution_plan_name for p in plans.execution_plans] == ["more-disks"]

    applied = client.apply_execution_plan(rfs.ApplyExecutionPlanRequest(
        client_request_id=request_id(), stack_name="sdk-stack", execution_plan_name="more-disks",
        body=rfs.ApplyExecutionPlanRequestBody(stack_id=created.stack_id, execution_plan_id=plan.execution_plan_id)))
    wait_for(lambda: status(client, "sdk-stack") == "DEPLOYMENT_COMPLETE")
    events = client.list_stack_events(rfs.ListStackEventsRequest(client_request_id=request_id(), stack_name="sdk-stack",
                                                                 deployment_id=applied.deployment_id))
    assert [e.event_type for e in events.stack_events] == ["SUMMARY", "CREATION_COMPLETE", "CREATION_IN_PROGRESS", "LOG"]
    client.delete_execution_plan(rfs.DeleteExecutionPlanRequest(
        client_request_id=request_id(), stack_name="sdk-stack", execution_plan_name="more-disks", stack_id=created.stack_id))

    deployed = client.deploy_stack(rfs.DeployStackRequest(client_request_id=request_id(), stack_name="sdk-stack",
                                                          body=rfs.DeployStackRequestBody(stack_id=created.stack_id, template_body=RFS_TEMPLATE)))
    assert deployed.deployment_id
    wait_for(lambda: status(client, "sdk-stack") == "DEPLOYMENT_COMPLETE")
    client.update_stack(rfs.UpdateStackRequest(client_request_id=request_id(), stack_name="sdk-stack",
                                               body=rfs.UpdateStackRequestBody(stack_id=created.stack_id, description="updated")))
    client.delete_stack(rfs.DeleteStackRequest(client_request_id=request_id(), stack_name="sdk-stack", stack_id=created.stack_id))
    wait_for(lambda: _missing(client, "sdk-stack"))

    entries = [e for e in sim.log.list() if e["service"] == "rfs"]
    assert {e["auth"] for e in entries} == {"aksk"}
    sent = [e["client_request_id"] for e in entries]
    assert None not in sent and len(set(sent)) == len(sent)


def test_official_sdk_reads_rfs_errors(client):
    with pytest.raises(ClientRequestException) as missing:
        client.get_stack_metadata(rfs.GetStackMetadataRequest(client_request_id=request_id(), stack_name="ghost"))
    assert missing.value.status_code == 404 and missing.value.error_code == "RF.10041001"
    assert missing.value.error_msg == "stack ghost does not exist"
    client.create_stack(rfs.CreateStackRequest(client_request_id=request_id(), body=rfs.CreateStackRequestBody(
        stack_name="kept", enable_deletion_protection=True)))
    with pytest.raises(ClientRequestException) as protected:
        client.delete_stack_enhanced(rfs.DeleteStackEnhancedRequest(
            client_request_id=request_id(), stack_name="kept", body=rfs.DeleteStackEnhancedRequestBody(retain_all_resources=True)))
    assert protected.value.status_code == 403 and protected.value.error_code == "RF.10031001"


def _missing(client, name):
    try:
        status(client, name)
    except ClientRequestException as exc:
        return exc.status_code == 404
    return False
