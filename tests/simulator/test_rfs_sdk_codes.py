"""RFS status codes and orders as the cloud answers them, driven by the official huaweicloudsdkrfs client.

403 for every refusal that depends on a stack's or a plan's status, 409 only for a name
already taken, 202 for deploy, continue and rollback; lists newest first.
"""

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
SLOW = 1.5


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


def status(client, name=DEMO):
    return client.get_stack_metadata(rfs.GetStackMetadataRequest(client_request_id=rid(), stack_name=name)).status


def refused(call, status_code, error_code, *fragments):
    with pytest.raises(ClientRequestException) as caught:
        call()
    assert (caught.value.status_code, caught.value.error_code) == (status_code, error_code), caught.value
    for fragment in fragments:
        assert fragment in caught.value.error_msg, caught.value.error_msg
    return caught.value.error_msg


def demo_template(sim):
    return requests.get(sim.url + "/_sim/state", timeout=5).json()["rfs_stacks"][0]["template_body"]


def make_plan(client, name, template, vars_body=None, stack=DEMO):
    return client.create_execution_plan(rfs.CreateExecutionPlanRequest(
        client_request_id=rid(), stack_name=stack, body=rfs.CreateExecutionPlanRequestBody(
            execution_plan_name=name, template_body=template, vars_body=vars_body))).execution_plan_id


def plan_status(client, name, stack=DEMO):
    return client.get_execution_plan_metadata(rfs.GetExecutionPlanMetadataRequest(
        client_request_id=rid(), stack_name=stack, execution_plan_name=name)).status


def apply(client, name, stack=DEMO):
    return client.apply_execution_plan(rfs.ApplyExecutionPlanRequest(
        client_request_id=rid(), stack_name=stack, execution_plan_name=name, body=rfs.ApplyExecutionPlanRequestBody()))


def delete_plan(client, name, stack=DEMO):
    return client.delete_execution_plan(rfs.DeleteExecutionPlanRequest(
        client_request_id=rid(), stack_name=stack, execution_plan_name=name))


def deploy(client, template, stack=DEMO, vars_body=None):
    return client.deploy_stack(rfs.DeployStackRequest(client_request_id=rid(), stack_name=stack, body=rfs.DeployStackRequestBody(
        template_body=template, vars_body=vars_body)))


def test_a_busy_stack_answers_403_to_every_change(sim, client):
    sim_rfs(sim, stack_name=DEMO, transition_seconds=60, status="DEPLOYMENT_IN_PROGRESS")
    calls = {
        "deploy": lambda: deploy(client, RFS_TEMPLATE),
        "plan": lambda: make_plan(client, "p", RFS_TEMPLATE),
        "update": lambda: client.update_stack(rfs.UpdateStackRequest(
            client_request_id=rid(), stack_name=DEMO, body=rfs.UpdateStackRequestBody(description="x"))),
        "delete": lambda: client.delete_stack(rfs.DeleteStackRequest(client_request_id=rid(), stack_name=DEMO)),
        "delete keeping resources": lambda: client.delete_stack_enhanced(rfs.DeleteStackEnhancedRequest(
            client_request_id=rid(), stack_name=DEMO, body=rfs.DeleteStackEnhancedRequestBody(retain_all_resources=True))),
        "continue": lambda: client.continue_deploy_stack(rfs.ContinueDeployStackRequest(
            client_request_id=rid(), stack_name=DEMO, body=rfs.ContinueDeployStackRequestBody())),
    }
    for what, call in calls.items():
        message = refused(call, 403, "RF.10012519", "stack demo-rfs is DEPLOYMENT_IN_PROGRESS")
        assert "409" not in message, what
    for busy in ("ROLLBACK_IN_PROGRESS", "DELETION_IN_PROGRESS"):
        sim_rfs(sim, stack_name=DEMO, status=busy)
        refused(lambda: deploy(client, RFS_TEMPLATE), 403, "RF.10012519", busy)


def test_a_stale_plan_answers_403_and_a_taken_name_409(sim, client):
    template = demo_template(sim)
    make_plan(client, "first", template, "disk_size = 11")
    make_plan(client, "second", template, "disk_size = 12")
    wait_for(lambda: plan_status(client, "first") == plan_status(client, "second") == "AVAILABLE")
    refused(lambda: make_plan(client, "first", template), 409, "RF.10091002", "execution plan first already exists")
    refused(lambda: client.create_stack(rfs.CreateStackRequest(client_request_id=rid(), body=rfs.CreateStackRequestBody(
        stack_name=DEMO))), 409, "RF.10091002", "stack demo-rfs already exists")
    assert apply(client, "first").deployment_id
    wait_for(lambda: status(client) == "DEPLOYMENT_COMPLETE")
    refused(lambda: apply(client, "second"), 403, "RF.10031002", "execution plan second is stale")


def test_a_plan_being_made_or_applied_cannot_be_deleted(sim, client):
    sim_rfs(sim, stack_name=DEMO, transition_seconds=SLOW)
    make_plan(client, "grow", demo_template(sim), "disk_size = 20")
    assert plan_status(client, "grow") == "CREATION_IN_PROGRESS"
    refused(lambda: delete_plan(client, "grow"), 403, "RF.10031003", "CREATION_IN_PROGRESS")
    # Before the plan is AVAILABLE its items read as an empty list, with 200.
    items = client.get_execution_plan(rfs.GetExecutionPlanRequest(
        client_request_id=rid(), stack_name=DEMO, execution_plan_name="grow"))
    assert items.status_code == 200 and items.execution_plan_items == []
    refused(lambda: apply(client, "grow"), 403, "RF.10031004", "only an AVAILABLE plan can be applied")
    wait_for(lambda: plan_status(client, "grow") == "AVAILABLE", timeout=10)
    apply(client, "grow")
    assert plan_status(client, "grow") == "APPLY_IN_PROGRESS"
    refused(lambda: delete_plan(client, "grow"), 403, "RF.10031003", "APPLY_IN_PROGRESS")
    wait_for(lambda: plan_status(client, "grow") == "APPLIED", timeout=10)
    assert delete_plan(client, "grow").status_code == 204


def test_deploy_continue_and_rollback_answer_202(sim, client):
    deployed = deploy(client, demo_template(sim), vars_body="disk_size = 20")
    assert deployed.status_code == 202 and deployed.deployment_id
    wait_for(lambda: status(client) == "DEPLOYMENT_COMPLETE")

    # The seeded DEPLOYMENT_FAILED stack can be continued as it is.
    assert status(client, BROKEN) == "DEPLOYMENT_FAILED"
    continued = client.continue_deploy_stack(rfs.ContinueDeployStackRequest(
        client_request_id=rid(), stack_name=BROKEN, body=rfs.ContinueDeployStackRequestBody()))
    assert continued.status_code == 202 and continued.deployment_id
    wait_for(lambda: status(client, BROKEN) == "DEPLOYMENT_COMPLETE")

    sim_rfs(sim, stack_name=DEMO, status="ROLLBACK_FAILED", status_message="rollback failed")
    rolled = client.continue_rollback_stack(rfs.ContinueRollbackStackRequest(
        client_request_id=rid(), stack_name=DEMO, body=rfs.ContinueRollbackStackRequestBody(stack_id=DEMO_ID)))
    assert rolled.status_code == 202 and rolled.deployment_id
    wait_for(lambda: status(client) == "ROLLBACK_COMPLETE")
    refused(lambda: client.continue_rollback_stack(rfs.ContinueRollbackStackRequest(
        client_request_id=rid(), stack_name=DEMO, body=rfs.ContinueRollbackStackRequestBody())),
        403, "RF.10031004", "only a ROLLBACK_FAILED stack")


def test_auto_rollback_cannot_be_turned_on_for_a_failed_stack(client):
    turn_on = rfs.UpdateStackRequestBody(enable_auto_rollback=True)
    refused(lambda: client.update_stack(rfs.UpdateStackRequest(client_request_id=rid(), stack_name=BROKEN, body=turn_on)),
            403, "RF.10031004", "stack broken-rfs is DEPLOYMENT_FAILED", "enable_auto_rollback")
    meta = client.get_stack_metadata(rfs.GetStackMetadataRequest(client_request_id=rid(), stack_name=BROKEN))
    assert meta.enable_auto_rollback is False
    # Turning it off, and other settings, stay allowed on a failed stack.
    client.update_stack(rfs.UpdateStackRequest(client_request_id=rid(), stack_name=BROKEN, body=rfs.UpdateStackRequestBody(
        enable_auto_rollback=False, description="still failed")))
    # On a settled, healthy stack it can be turned on.
    client.update_stack(rfs.UpdateStackRequest(client_request_id=rid(), stack_name=DEMO, body=turn_on))
    assert client.get_stack_metadata(rfs.GetStackMetadataRequest(client_request_id=rid(), stack_name=DEMO)).enable_auto_rollback


def test_events_of_an_unknown_deployment_are_404(client):
    ghost = str(uuid.uuid4())
    refused(lambda: client.list_stack_events(rfs.ListStackEventsRequest(client_request_id=rid(), stack_name=DEMO, deployment_id=ghost)),
            404, "RF.10041003", "deployment %s of stack demo-rfs does not exist" % ghost)
    assert client.list_stack_events(rfs.ListStackEventsRequest(client_request_id=rid(), stack_name=BROKEN)).stack_events
