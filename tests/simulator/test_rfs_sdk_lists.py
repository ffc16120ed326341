"""RFS lists as the cloud answers them, driven by the official huaweicloudsdkrfs client.

Stacks, events and execution plans come newest first and page with limit/marker; while a
stack is deploying, its outputs are empty and its resources brief.
"""

import uuid

import pytest
import requests

from simhelpers import AK, PROJECT, RFS_TEMPLATE, SK, wait_for

rfs = pytest.importorskip("huaweicloudsdkrfs.v1")
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402  pylint: disable=wrong-import-position

DEMO = "demo-rfs"
BROKEN = "broken-rfs"


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


def every_page(fetch, list_name):
    """Follow page_info.next_marker to the end: (items, number of pages)."""
    items, marker, pages = [], None, 0
    while True:
        page = fetch(marker)
        items += getattr(page, list_name)
        pages += 1
        marker = page.page_info.next_marker if page.page_info else None
        if not marker:
            return items, pages


def test_stacks_are_listed_newest_first(client):
    for name in ("first", "second", "third"):
        client.create_stack(rfs.CreateStackRequest(client_request_id=rid(), body=rfs.CreateStackRequestBody(stack_name=name)))
    stacks, pages = every_page(lambda marker: client.list_stacks(rfs.ListStacksRequest(
        client_request_id=rid(), limit=2, marker=marker)), "stacks")
    assert [s.stack_name for s in stacks] == ["third", "second", "first", BROKEN, DEMO] and pages == 3
    times = [s.create_time for s in stacks]
    assert times == sorted(times, reverse=True)


def test_execution_plans_are_listed_newest_first_with_paging(client):
    for index in range(5):
        client.create_execution_plan(rfs.CreateExecutionPlanRequest(
            client_request_id=rid(), stack_name=DEMO, body=rfs.CreateExecutionPlanRequestBody(
                execution_plan_name="plan-%d" % index, template_body=RFS_TEMPLATE)))
    first = client.list_execution_plans(rfs.ListExecutionPlansRequest(client_request_id=rid(), stack_name=DEMO, limit=2))
    assert [p.execution_plan_name for p in first.execution_plans] == ["plan-4", "plan-3"] and first.page_info.next_marker
    plans, pages = every_page(lambda marker: client.list_execution_plans(rfs.ListExecutionPlansRequest(
        client_request_id=rid(), stack_name=DEMO, limit=2, marker=marker)), "execution_plans")
    assert [p.execution_plan_name for p in plans] == ["plan-4", "plan-3", "plan-2", "plan-1", "plan-0"] and pages == 3
    assert {p.stack_name for p in plans} == {DEMO} and all(p.execution_plan_id and p.status for p in plans)
    # Without a limit, one page holds them all and there is no next marker.
    whole = client.list_execution_plans(rfs.ListExecutionPlansRequest(client_request_id=rid(), stack_name=DEMO))
    assert len(whole.execution_plans) == 5 and whole.page_info.next_marker is None


def test_events_are_listed_newest_first_with_paging(sim, client):
    deployment = client.deploy_stack(rfs.DeployStackRequest(client_request_id=rid(), stack_name=DEMO, body=rfs.DeployStackRequestBody(
        template_body=RFS_TEMPLATE, vars_body="disks = 2"))).deployment_id
    wait_for(lambda: status(client) == "DEPLOYMENT_COMPLETE")
    events, pages = every_page(lambda marker: client.list_stack_events(rfs.ListStackEventsRequest(
        client_request_id=rid(), stack_name=DEMO, deployment_id=deployment, limit=3, marker=marker)), "stack_events")
    assert pages > 1
    assert events[0].event_type == "SUMMARY" and events[-1].event_type == "LOG"
    times = [e.time for e in events]
    assert times == sorted(times, reverse=True)
    # The stack's own list (every deployment) starts with this deployment's last event too.
    latest = client.list_stack_events(rfs.ListStackEventsRequest(client_request_id=rid(), stack_name=DEMO, limit=1))
    assert latest.stack_events[0].event_message == events[0].event_message
    del sim


def test_during_a_deployment_outputs_are_empty_and_resources_brief(sim, client):
    before = client.list_stack_outputs(rfs.ListStackOutputsRequest(client_request_id=rid(), stack_name=DEMO)).outputs
    assert before
    sim_rfs(sim, stack_name=DEMO, transition_seconds=1.5)
    client.deploy_stack(rfs.DeployStackRequest(client_request_id=rid(), stack_name=DEMO, body=rfs.DeployStackRequestBody(
        template_body=RFS_TEMPLATE)))
    assert status(client) == "DEPLOYMENT_IN_PROGRESS"
    assert client.list_stack_outputs(rfs.ListStackOutputsRequest(client_request_id=rid(), stack_name=DEMO)).outputs == []
    brief = client.list_stack_resources(rfs.ListStackResourcesRequest(client_request_id=rid(), stack_name=DEMO)).stack_resources
    assert brief and all(r.logical_resource_name and r.logical_resource_type and r.resource_status for r in brief)
    assert all(r.physical_resource_id is None and r.resource_attributes is None for r in brief)
    # The template swaps the demo's data disk for a new one: one is being made, the other deleted.
    statuses = {r.logical_resource_name: r.resource_status for r in brief if r.logical_resource_type == "huaweicloud_evs_volume"}
    assert statuses == {"disk": "CREATION_IN_PROGRESS", "data": "DELETION_IN_PROGRESS"}
    wait_for(lambda: status(client) == "DEPLOYMENT_COMPLETE", timeout=10)
    full = client.list_stack_resources(rfs.ListStackResourcesRequest(client_request_id=rid(), stack_name=DEMO)).stack_resources
    assert all(r.physical_resource_id and r.resource_attributes is not None for r in full)
    assert client.list_stack_outputs(rfs.ListStackOutputsRequest(client_request_id=rid(), stack_name=DEMO)).outputs
