# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/rfs.py: vars, option rules, Client-Request-Id, paging, waiters and the plan's life,
against the in-process simulator (default seed: demo-rfs deployed, broken-rfs DEPLOYMENT_FAILED)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import rfs
from ansible_collections.hwcloud.cloud.plugins.module_utils import rfs_plan
from ansible_collections.hwcloud.cloud.plugins.module_utils import rfs_vars
from ansible_collections.hwcloud.cloud.plugins.module_utils.client import HwCloudClient, TokenAuth, send_once
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError, WaitTimeoutError
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Deadline

DEMO = 'demo-rfs'
DEMO_ID = '7c1a3f52-5b8e-4d2a-9c61-0e4b2f8a9d01'
BROKEN = 'broken-rfs'
UUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')


@pytest.fixture(name='service')
def service_fixture(sim):
    client = HwCloudClient(TokenAuth(sim.token), max_retries=2, sleep=lambda seconds: None)
    return rfs.RfsService(client, sim.url, sim.project_id)


def wait_for(waiter, **details):
    return waiter.wait(Deadline(10), 0.05, details=details)


class Task:
    """What the flows need of the running module: its wait on one budget, and its one way of sending a change."""

    def __init__(self, service, wait=wait_for):
        self.client = service.client
        self.wait_for = wait
        self.sent = False

    def send_once(self, send, took_effect=None, resend=False):
        self.sent = True
        return send_once(self.client, send, took_effect or (lambda: False), resend=resend)


def demo_template(sim):
    return [s for s in sim.state.export()['rfs_stacks'] if s['stack_name'] == DEMO][0]['template_body']


def plans_of(sim, name=DEMO):
    return [s for s in sim.state.export()['rfs_stacks'] if s['stack_name'] == name][0]['execution_plans']


def rfs_calls(sim, method=None, path=None):
    return [entry for entry in sim.requests(method, path) if entry['service'] == 'rfs']


# ------------------------------------------------------------------ vars

def test_strings_and_numbers_go_in_vars_structure_as_strings_and_the_rest_in_vars_body():
    fields = rfs_vars.vars_fields({'name': 'web', 'size': 20, 'ratio': 0.5, 'on': True, 'zones': ['a', 'b'],
                                   'tags': {'z': 'last', 'env': 'prod'}})
    assert fields['vars_structure'] == [{'var_key': 'name', 'var_value': 'web'}, {'var_key': 'ratio', 'var_value': '0.5'},
                                        {'var_key': 'size', 'var_value': '20'}]
    assert fields['vars_body'] == 'on = true\ntags = {"env" = "prod", "z" = "last"}\nzones = ["a", "b"]\n'


def test_vars_body_is_the_same_text_whatever_the_order_of_the_keys():
    one = rfs_vars.vars_fields({'b': {'y': 1, 'x': [True, {'k': 'v'}]}, 'a': False})
    two = rfs_vars.vars_fields({'a': False, 'b': {'x': [True, {'k': 'v'}], 'y': 1}})
    assert one == two == {'vars_body': 'a = false\nb = {"x" = [true, {"k" = "v"}], "y" = 1}\n'}


def test_strings_in_vars_body_are_quoted_and_keep_interpolation_markers_literal():
    body = rfs_vars.vars_fields({'list': ['say "hi"\n', '${var.x}', '%{if}']})['vars_body']
    assert body == 'list = ["say \\"hi\\"\\n", "$${var.x}", "%%{if}"]\n'


def test_only_strings_give_no_vars_body_and_no_vars_give_nothing():
    assert rfs_vars.vars_fields({'a': 'x'}) == {'vars_structure': [{'var_key': 'a', 'var_value': 'x'}]}
    assert rfs_vars.vars_fields(None) == {}
    assert rfs_vars.vars_fields({}) == {}


def test_deployment_fields_carry_only_what_is_set():
    assert rfs_vars.deployment_fields(template_body='t', variables={'n': 1}) == {
        'template_body': 't', 'vars_structure': [{'var_key': 'n', 'var_value': '1'}]}
    assert rfs_vars.deployment_fields(template_uri='https://b/t.tf', vars_uri='https://b/v.tfvars') == {
        'template_uri': 'https://b/t.tf', 'vars_uri': 'https://b/v.tfvars'}


# ------------------------------------------------------------------ option rules

@pytest.mark.parametrize('name', ['web', 'Stack_1-a', 'стек', 'スタック1', 'a' * 128])
def test_stack_names_that_rfs_takes(name):
    rfs.check_name('stack_name', name)


@pytest.mark.parametrize('name', ['1web', '_web', '-web', 'web site', 'web.site', 'a' * 129, '', 'web\n', 'web/x'])
def test_stack_names_that_rfs_refuses_fail_naming_option_value_and_rule(name):
    with pytest.raises(InvalidOptionError) as raised:
        rfs.check_name('stack_name', name)
    assert "'stack_name'" in raised.value.message
    assert 'start with a letter' in raised.value.message


def test_at_most_100_vars():
    rfs_vars.check_vars('vars', dict(('v%d' % i, 'x') for i in range(100)))
    with pytest.raises(InvalidOptionError, match='at most 100 variables'):
        rfs_vars.check_vars('vars', dict(('v%d' % i, 'x') for i in range(101)))


@pytest.mark.parametrize('variables, rule', [
    ({'1x': 'a'}, 'variable name'),
    ({'a b': 'a'}, 'variable name'),
    ({'x': None}, 'cannot be null'),
    ({'x': [1, None]}, 'cannot be null'),
    ({'x': {'k': None}}, 'cannot be null'),
])
def test_vars_that_cannot_be_sent_fail_before_any_call(variables, rule):
    with pytest.raises(InvalidOptionError, match=rule):
        rfs_vars.check_vars('vars', variables)


# ------------------------------------------------------------------ transport

def test_every_request_carries_its_own_client_request_id(sim, service):
    service.get_stack(DEMO)
    service.list_stacks()
    service.outputs(DEMO)
    ids = [entry['client_request_id'] for entry in rfs_calls(sim)]
    assert len(ids) == 3
    assert all(UUID.match(value) for value in ids), ids
    assert len(set(ids)) == 3


def test_a_resent_request_gets_a_fresh_client_request_id(sim, service):
    sim.fault(method='GET', path='/metadata$', kind='status', status=503, times=2)
    assert service.get_stack(DEMO)['stack_id'] == DEMO_ID
    entries = rfs_calls(sim, 'GET', '/metadata$')
    assert [entry['fault'] for entry in entries] == ['status', 'status', None]
    assert len(set(entry['client_request_id'] for entry in entries)) == 3


def test_a_missing_stack_reads_none_and_other_errors_raise(sim, service):
    assert service.get_stack('nowhere') is None
    sim.fault(method='GET', path='/metadata$', kind='status', status=400)
    with pytest.raises(HwCloudError) as raised:
        service.get_stack(DEMO)
    assert raised.value.status == 400


def test_lists_follow_next_marker_past_short_pages(sim, service):
    for index in range(5):
        sim.state.rfs.upsert({'stack_name': 'paged-%d' % index})
    sim.state.settings['rfs_page_cap'] = 2
    sim.clear_requests()
    names = [stack['stack_name'] for stack in service.list_stacks()]
    # Newest first, as RFS lists stacks.
    assert names == ['paged-%d' % index for index in reversed(range(5))] + [BROKEN, DEMO]
    lists = rfs_calls(sim, 'GET', '/stacks$')
    assert len(lists) == 4
    assert 'marker' not in lists[0]['query'] and all(entry['query'].get('marker') for entry in lists[1:])
    assert all(entry['query']['limit'] == '100' for entry in lists)


def test_events_are_read_for_one_deployment_newest_first(sim, service):
    answer = service.deploy(DEMO, {'stack_id': DEMO_ID, 'template_body': demo_template(sim), 'vars_body': 'disk_size = 30'})
    wait_for(service.deployment_waiter(DEMO, DEMO_ID, answer['deployment_id']))
    sim.clear_requests()
    events = service.deployment_events(DEMO, DEMO_ID, answer['deployment_id'])
    assert rfs_calls(sim, 'GET', '/events$')[0]['query']['deployment_id'] == answer['deployment_id']
    assert events and all(event.get('deployment_id', answer['deployment_id']) == answer['deployment_id'] for event in events)
    times = [str(event['time']) for event in events]
    assert times == sorted(times, reverse=True)
    assert service.deployment_events(DEMO, DEMO_ID, None) is None


# ------------------------------------------------------------------ waiters

def test_deployment_waiter_ends_at_deployment_complete(sim, service):
    answer = service.deploy(DEMO, {'stack_id': DEMO_ID, 'template_body': demo_template(sim), 'vars_body': 'disk_size = 30'})
    stack = wait_for(service.deployment_waiter(DEMO, DEMO_ID, answer['deployment_id']))
    assert stack['status'] == 'DEPLOYMENT_COMPLETE'


def test_a_failed_deployment_ends_the_wait_with_status_message_and_error_events(sim, service):
    sim.state.rfs.upsert({'stack_name': DEMO, 'fail_next_deployment': 'quota exceeded for volumes'})
    answer = service.deploy(DEMO, {'stack_id': DEMO_ID, 'template_body': demo_template(sim), 'vars_body': 'disk_size = 30'})
    with pytest.raises(HwCloudError) as raised:
        wait_for(service.deployment_waiter(DEMO, DEMO_ID, answer['deployment_id']), deployment_id=answer['deployment_id'])
    message = raised.value.message
    assert 'status DEPLOYMENT_FAILED: quota exceeded for volumes' in message
    assert 'ERROR events: huaweicloud_evs_volume.data: quota exceeded for volumes' in message
    assert raised.value.details['deployment_id'] == answer['deployment_id']
    assert raised.value.details['stack']['status'] == 'DEPLOYMENT_FAILED'
    events = rfs_calls(sim, 'GET', '/events$')
    assert [entry['query'].get('deployment_id') for entry in events] == [answer['deployment_id']]


def test_a_timed_out_wait_says_where_the_stack_was(sim, service):
    sim.state.rfs.upsert({'stack_name': DEMO, 'transition_seconds': 600, 'status': 'DEPLOYMENT_IN_PROGRESS'})
    with pytest.raises(WaitTimeoutError) as raised:
        service.deployment_waiter(DEMO, DEMO_ID, 'dep-1').wait(Deadline(0.2), 0.05, details={'deployment_id': 'dep-1'})
    assert 'deployment dep-1 of RFS stack demo-rfs (stack_id %s)' % DEMO_ID in raised.value.message
    assert 'last seen: status DEPLOYMENT_IN_PROGRESS' in raised.value.message
    assert raised.value.details['deployment_id'] == 'dep-1'
    assert raised.value.details['stack']['stack_id'] == DEMO_ID


def test_deletion_waiter_ends_when_the_stack_reads_404(sim, service):
    service.delete_stack(DEMO, DEMO_ID)
    assert wait_for(service.deletion_waiter(DEMO, DEMO_ID)) is None
    assert rfs_calls(sim, 'GET', '/metadata$')[-1]['status'] == 404


def test_a_failed_deletion_ends_the_wait(sim, service):
    sim.state.rfs.upsert({'stack_name': DEMO, 'fail_next_deletion': 'a volume is attached'})
    service.delete_stack(DEMO, DEMO_ID)
    with pytest.raises(HwCloudError, match='status DELETION_FAILED: a volume is attached'):
        wait_for(service.deletion_waiter(DEMO, DEMO_ID))


def test_the_failure_of_the_deletion_before_is_not_taken_for_this_one(sim, service):
    # The last deletion failed; this one will succeed, but RFS answers before the stack shows it.
    sim.state.rfs.upsert({'stack_name': DEMO, 'status': 'DELETION_FAILED', 'status_message': 'an earlier deletion failed'})
    before = service.get_stack(DEMO, DEMO_ID)
    service.delete_stack(DEMO, DEMO_ID)
    stale = dict(before)
    sim.fault(method='GET', path='/stacks/demo-rfs/metadata$', kind='status', status=200, body=stale)
    assert wait_for(service.deletion_waiter(DEMO, DEMO_ID, before=before)) is None
    statuses = [entry['status'] for entry in rfs_calls(sim, 'GET', '/metadata$')]
    assert statuses[-1] == 404 and len(statuses) >= 3  # the stale read, the read that proved it, and the 404


def test_a_new_failure_of_a_deletion_that_failed_before_ends_the_wait(sim, service):
    sim.state.rfs.upsert({'stack_name': DEMO, 'status': 'DELETION_FAILED', 'status_message': 'an earlier deletion failed'})
    before = service.get_stack(DEMO, DEMO_ID)
    sim.state.rfs.upsert({'stack_name': DEMO, 'fail_next_deletion': 'a volume is attached'})
    service.delete_stack(DEMO, DEMO_ID)
    with pytest.raises(HwCloudError, match='status DELETION_FAILED: a volume is attached'):
        wait_for(service.deletion_waiter(DEMO, DEMO_ID, before=before))


def test_delete_keeping_resources_posts_deletion(sim, service):
    service.delete_stack(DEMO, DEMO_ID, retain_all_resources=True)
    posts = rfs_calls(sim, 'POST')
    assert [(entry['path'].rsplit('/', 1)[-1], entry['body']) for entry in posts] == [
        ('deletion', {'stack_id': DEMO_ID, 'retain_all_resources': True})]
    assert not rfs_calls(sim, 'DELETE')


# ------------------------------------------------------------------ the plan's life

def changed_fields(sim):
    return rfs_vars.deployment_fields(demo_template(sim), variables={'disk_size': 20, 'subnet_count': 2})


def test_a_plan_is_made_read_and_applied_as_shown(sim, service):
    with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
        plan = flow.make()
        deployment_id = flow.apply()
    assert plan['status'] == 'AVAILABLE'
    assert plan['summary'] == {'resource_add': 1, 'resource_update': 1, 'resource_delete': 0, 'resource_import': 0}
    assert sorted((item['action'], rfs.resource_address(item)) for item in plan['items']) == [
        ('ADD', 'huaweicloud_vpc_subnet.subnet[1]'), ('UPDATE', 'huaweicloud_evs_volume.data')]
    assert plan['applied'] is True and plan['deleted'] is False
    assert deployment_id
    created = rfs_calls(sim, 'POST', '/execution-plans$')
    assert len(created) == 1
    assert created[0]['body']['execution_plan_name'] == plan['execution_plan_name']
    assert re.match(r'^ansible-[0-9a-f]{32}$', plan['execution_plan_name'])
    assert created[0]['body']['stack_id'] == DEMO_ID
    applied = rfs_calls(sim, 'POST', '/execution-plans/[^/]+$')
    assert [entry['body'] for entry in applied] == [{'stack_id': DEMO_ID, 'execution_plan_id': plan['execution_plan_id']}]
    assert applied[0]['path'].endswith('/' + plan['execution_plan_name'])
    assert not rfs_calls(sim, 'DELETE')
    assert [p['status'] for p in plans_of(sim)] in (['APPLY_IN_PROGRESS'], ['APPLIED'])


def test_a_plan_without_changes_is_deleted_and_its_items_are_not_read(sim, service):
    fields = rfs_vars.deployment_fields(demo_template(sim), variables={'vpc_name': 'demo-vpc'})
    with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, fields) as flow:
        plan = flow.make()
        assert not rfs_plan.plan_changes(plan)
    assert plan['items'] == [] and plan['deleted'] is True
    assert not rfs_calls(sim, 'GET', '/execution-plans/[^/]+$')
    deleted = rfs_calls(sim, 'DELETE')
    assert len(deleted) == 1
    assert deleted[0]['query'] == {'stack_id': DEMO_ID, 'execution_plan_id': plan['execution_plan_id']}
    assert plans_of(sim) == []


def test_a_plan_is_priced_when_asked(sim, service):
    with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
        plan = flow.make(price=True)
    assert plan['price']['currency'] == 'CNY'
    assert {item['resource_type'] for item in plan['price']['items']} == {'huaweicloud_vpc_subnet', 'huaweicloud_evs_volume'}
    assert plans_of(sim) == []


@pytest.mark.parametrize('fault', [
    dict(method='GET', path='/execution-plans/[^/]+/metadata$', kind='status', status=500),
    dict(method='GET', path='/execution-plans/[^/]+$', kind='status', status=500),
    dict(method='GET', path='/prices$', kind='status', status=500),
    dict(method='POST', path='/execution-plans/[^/]+$', kind='status', status=409),
], ids=['plan-read', 'items', 'price', 'apply'])
def test_a_plan_is_deleted_when_a_step_fails(sim, service, fault):
    sim.fault(**fault)
    with pytest.raises(HwCloudError) as raised:
        with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
            flow.make(price=True)
            flow.apply()
    assert raised.value.status == fault['status']
    assert plans_of(sim) == []
    deletes = rfs_calls(sim, 'DELETE', '/execution-plans/')
    # A plan still being made refuses its deletion (403): it is deleted once made.
    assert [entry['status'] for entry in deletes][-1] == 204 and len(deletes) <= 2


def test_a_plan_is_deleted_when_the_caller_fails_in_between(sim, service):
    with pytest.raises(RuntimeError):
        with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
            flow.make()
            raise RuntimeError('a bug between make and apply')
    assert plans_of(sim) == []


def test_a_plan_that_fails_to_build_fails_with_its_status_message_and_is_deleted(sim, service):
    fields = rfs_vars.deployment_fields('variable "x" {}\nresource "huaweicloud_vpc" "v" { name = var.x }\n')
    with pytest.raises(HwCloudError) as raised:
        with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, fields) as flow:
            flow.make()
    assert 'status CREATION_FAILED: ' in raised.value.message
    assert raised.value.details['plan']['execution_plan_name'] == flow.name
    assert plans_of(sim) == []


def test_a_plan_still_being_made_when_the_wait_runs_out_is_deleted_once_made(sim, service):
    sim.state.rfs.upsert({'stack_name': DEMO, 'transition_seconds': 0.5})

    def short_wait(waiter, **details):
        return waiter.wait(Deadline(0.1), 0.05, details=details)

    with pytest.raises(WaitTimeoutError) as raised:
        with rfs_plan.PlanFlow(Task(service, short_wait), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
            flow.make()
    assert 'CREATION_IN_PROGRESS' in raised.value.message
    assert [entry['status'] for entry in rfs_calls(sim, 'DELETE', '/execution-plans/')] == [403, 204]
    assert plans_of(sim) == []


def test_a_plan_that_stays_in_the_making_is_named_as_left_behind(sim, service, monkeypatch):
    sim.state.rfs.upsert({'stack_name': DEMO, 'transition_seconds': 600})
    monkeypatch.setattr(rfs_plan, 'DELETE_GRACE_SECONDS', 0.3)
    monkeypatch.setattr(rfs_plan, 'DELETE_GRACE_POLL', 0.05)

    def short_wait(waiter, **details):
        return waiter.wait(Deadline(0.1), 0.05, details=details)

    with pytest.raises(WaitTimeoutError) as raised:
        with rfs_plan.PlanFlow(Task(service, short_wait), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
            flow.make()
    assert 'could not be deleted' in raised.value.message and flow.name in raised.value.message
    assert [plan['execution_plan_name'] for plan in plans_of(sim)] == [flow.name]


def test_a_plan_that_cannot_be_deleted_is_named_in_the_error(sim, service):
    sim.fault(method='GET', path='/execution-plans/[^/]+$', kind='status', status=500)
    sim.fault(method='DELETE', path='/execution-plans/', kind='status', status=500)
    with pytest.raises(HwCloudError) as raised:
        with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
            flow.make()
    assert raised.value.status == 500
    assert 'could not be deleted' in raised.value.message and flow.name in raised.value.message


def test_a_plan_that_cannot_be_deleted_after_a_good_run_fails_the_task(sim, service):
    sim.fault(method='DELETE', path='/execution-plans/', kind='status', status=500)
    fields = rfs_vars.deployment_fields(demo_template(sim), variables={'vpc_name': 'demo-vpc'})
    with pytest.raises(HwCloudError) as raised:
        with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, fields) as flow:
            flow.make()
    assert raised.value.message.startswith('The execution plan %s of RFS stack demo-rfs could not be deleted' % flow.name)


def test_a_lost_answer_to_the_plan_creation_is_settled_by_reading_the_plan(sim, service):
    sim.fault(method='POST', path='/execution-plans$', kind='drop_after_apply')
    with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
        plan = flow.make()
    assert len(rfs_calls(sim, 'POST', '/execution-plans$')) == 1
    assert plan['execution_plan_id']
    assert plans_of(sim) == []


def test_a_lost_answer_to_the_apply_is_settled_by_reading_the_plan(sim, service):
    sim.fault(method='POST', path='/execution-plans/[^/]+$', kind='drop_after_apply')
    with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
        flow.make()
        assert flow.apply() is None
    assert len(rfs_calls(sim, 'POST', '/execution-plans/[^/]+$')) == 1
    assert not rfs_calls(sim, 'DELETE')
    assert [p['status'] for p in plans_of(sim)] in (['APPLY_IN_PROGRESS'], ['APPLIED'])


def test_a_resend_refused_with_403_is_settled_by_a_re_read(sim, service):
    # The apply landed and its answer was lost; the first re-read came before RFS showed it, so the apply
    # is sent again, and RFS refuses that with 403 (the plan is being applied). A second re-read settles it.
    sim.fault(method='POST', path='/execution-plans/[^/]+$', kind='drop_after_apply')
    with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
        flow.make()
        looks = []

        def took_effect():
            looks.append(True)
            return len(looks) > 1 and service.get_plan(DEMO, flow.name, DEMO_ID)['status'] in rfs.PLAN_APPLYING

        answer, confirmed = send_once(service.client, lambda: service.apply_plan(DEMO, flow.name, DEMO_ID, flow.plan_id), took_effect)
        flow.applied = True
    assert (answer, confirmed) == (None, True)
    assert [entry['status'] for entry in rfs_calls(sim, 'POST', '/execution-plans/[^/]+$')][1:] == [403]
    assert len(looks) == 2
    assert [p['status'] for p in plans_of(sim)] in (['APPLY_IN_PROGRESS'], ['APPLIED'])


def test_a_lost_answer_to_the_plan_deletion_is_resent_and_a_404_then_is_fine(sim, service):
    sim.fault(method='DELETE', path='/execution-plans/', kind='drop_after_apply')
    fields = rfs_vars.deployment_fields(demo_template(sim), variables={'vpc_name': 'demo-vpc'})
    with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, fields) as flow:
        plan = flow.make()
    deletes = rfs_calls(sim, 'DELETE')
    assert [entry['fault'] for entry in deletes] == ['drop_after_apply', None]
    assert deletes[1]['status'] == 404
    assert plan['deleted'] is True
    assert plans_of(sim) == []


# ------------------------------------------------------------------ plans whose summary says nothing

@pytest.mark.parametrize('summary', [{}, {'Resource_Add': 1, 'ResourceUpdate': 1}], ids=['empty', 'other-casing'])
def test_a_summary_without_the_documented_counts_leaves_the_decision_to_the_items(sim, service, summary):
    # The plan is ready at once, so that the items can be read whenever the faked metadata says AVAILABLE.
    sim.state.rfs.upsert({'stack_name': DEMO, 'transition_seconds': 0})
    sim.fault(method='GET', path='/execution-plans/[^/]+/metadata$', kind='status', status=200, times=50,
              body={'status': 'AVAILABLE', 'execution_plan_id': '0d6e1b3a-6a53-4c8e-9a3b-2f0e5d2c7b11', 'summary': summary})
    with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
        plan = flow.make()
    assert len(rfs_calls(sim, 'GET', '/execution-plans/[^/]+$')) == 1
    assert sorted(item['action'] for item in plan['items']) == ['ADD', 'UPDATE']
    assert rfs_plan.plan_changes(plan) is True


# ------------------------------------------------------------------ which deployment a status belongs to

def apply_and_follow(sim, service, name, stack_id, fields):
    before = service.get_stack(name)
    with rfs_plan.PlanFlow(Task(service, wait_for), service, name, stack_id, fields) as flow:
        flow.make()
        flow.apply()
    return flow.follow(before, wait=True)


def test_the_status_of_the_deployment_before_is_not_taken_for_a_success(sim, service):
    # The stack reads DEPLOYMENT_COMPLETE from the last deployment for a while after the apply; this one fails.
    sim.state.rfs.upsert({'stack_name': DEMO, 'deployment_start_delay': 2, 'fail_next_deployment': 'quota exceeded for volumes'})
    with pytest.raises(HwCloudError) as raised:
        apply_and_follow(sim, service, DEMO, DEMO_ID, changed_fields(sim))
    assert 'status DEPLOYMENT_FAILED: quota exceeded for volumes' in raised.value.message


def test_the_failure_of_the_deployment_before_is_not_taken_for_this_one(sim, service):
    broken_id = service.get_stack(BROKEN)['stack_id']
    sim.state.rfs.upsert({'stack_name': BROKEN, 'deployment_start_delay': 2})
    stack = apply_and_follow(sim, service, BROKEN, broken_id, changed_fields(sim))
    assert stack['status'] == 'DEPLOYMENT_COMPLETE'
    assert stack['vars_structure'] == [{'var_key': 'disk_size', 'var_value': '20'}, {'var_key': 'subnet_count', 'var_value': '2'}]


def test_without_a_plan_a_new_update_time_shows_the_deployment(sim, service):
    sim.state.rfs.upsert({'stack_name': DEMO, 'deployment_start_delay': 2})
    before = service.get_stack(DEMO)
    answer = service.deploy(DEMO, {'stack_id': DEMO_ID, 'template_body': demo_template(sim), 'vars_body': 'disk_size = 30'})
    stack = wait_for(service.deployment_waiter(DEMO, DEMO_ID, answer['deployment_id'], before=before))
    assert stack['status'] == 'DEPLOYMENT_COMPLETE' and stack['vars_body'] == 'disk_size = 30'


def test_a_wait_that_never_sees_the_deployment_start_says_so(sim, service):
    sim.state.rfs.upsert({'stack_name': DEMO, 'deployment_start_delay': 600})
    before = service.get_stack(DEMO)
    answer = service.deploy(DEMO, {'stack_id': DEMO_ID, 'template_body': demo_template(sim), 'vars_body': 'disk_size = 30'})
    with pytest.raises(WaitTimeoutError) as raised:
        service.deployment_waiter(DEMO, DEMO_ID, answer['deployment_id'], before=before).wait(Deadline(0.2), 0.05)
    assert 'last seen: status DEPLOYMENT_COMPLETE, as before the deployment: it has not shown that the deployment started' in raised.value.message


# ------------------------------------------------------------------ plans left behind

def test_a_plan_that_cannot_be_deleted_after_a_bug_is_named_in_the_error(sim, service):
    sim.fault(method='DELETE', path='/execution-plans/', kind='status', status=500)
    with pytest.raises(HwCloudError) as raised:
        with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
            flow.make()
            raise KeyError('status')
    message = raised.value.message
    assert message.startswith("Unexpected KeyError: 'status'. This is a bug in hwcloud.cloud")
    assert 'the execution plan %s of RFS stack demo-rfs could not be deleted' % flow.name in message
    assert isinstance(raised.value.__cause__, KeyError)


def test_a_plan_whose_apply_outcome_is_unknown_is_not_deleted_and_is_named(sim, service):
    # Every apply is lost before it lands: the re-reads find the plan AVAILABLE, and the resends run out.
    sim.fault(method='POST', path='/execution-plans/[^/]+$', kind='drop', times=10)
    with pytest.raises(HwCloudError) as raised:
        with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
            flow.make()
            flow.apply()
    assert not rfs_calls(sim, 'DELETE')
    assert [p['execution_plan_name'] for p in plans_of(sim)] == [flow.name]
    message = raised.value.message
    assert 'the execution plan %s of RFS stack demo-rfs may be being applied, so it was not deleted' % flow.name in message
    assert '/execution-plans/%s/metadata' % flow.name in message
    assert raised.value.details['plan']['execution_plan_name'] == flow.name


# ------------------------------------------------------------------ odd answers

@pytest.mark.parametrize('path, body, read, fragment', [
    ('/metadata$', ['demo-rfs'], lambda service: service.get_stack(DEMO),
     "Reading RFS stack demo-rfs: the answer is not a stack object but ['demo-rfs']"),
    ('/stacks$', ['demo-rfs'], lambda service: service.list_stacks(),
     "Listing RFS stacks: the answer is not an object with a \"stacks\" list but ['demo-rfs']"),
    ('/stacks$', {'stacks': ['demo-rfs']}, lambda service: service.list_stacks(),
     "Listing RFS stacks: \"stacks\" is not a list of objects but ['demo-rfs']"),
    ('/stacks$', {'stacks': [], 'page_info': 'next'}, lambda service: service.list_stacks(),
     "Listing RFS stacks: \"page_info\" is not an object but 'next'"),
    ('/events$', {'stack_events': [None]}, lambda service: service.events(DEMO),
     "\"stack_events\" is not a list of objects but [None]"),
    ('/outputs$', 42, lambda service: service.outputs(DEMO),
     "Reading the outputs of RFS stack demo-rfs: the answer is not an object with a \"outputs\" list but 42"),
], ids=['stack', 'list', 'list-items', 'page-info', 'events', 'outputs'])
def test_odd_answers_fail_naming_what_was_odd(sim, service, path, body, read, fragment):
    sim.fault(method='GET', path=path, kind='status', status=200, body=body)
    with pytest.raises(HwCloudError) as raised:
        read(service)
    assert fragment in raised.value.message
    assert raised.value.details['response'] == body


@pytest.mark.parametrize('items, fragment', [
    (['ADD'], '"execution_plan_items" is not a list of objects but [\'ADD\']'),
    ([{'resource_type': 't', 'resource_name': 'n', 'action': 'ADD', 'attributes': 'size'}], "the attributes of t.n are not a list of objects but 'size'"),
    ([{'resource_type': 't', 'resource_name': 'n', 'action': 'ADD', 'attributes': [['size', 1]]}], "the attributes of t.n are not a list of objects"),
])
def test_odd_plan_items_fail_naming_what_was_odd_and_the_plan_is_deleted(sim, service, items, fragment):
    sim.fault(method='GET', path='/execution-plans/[^/]+$', kind='status', status=200, body={'execution_plan_items': items})
    with pytest.raises(HwCloudError) as raised:
        with rfs_plan.PlanFlow(Task(service, wait_for), service, DEMO, DEMO_ID, changed_fields(sim)) as flow:
            flow.make()
    assert 'Reading the items of execution plan %s of RFS stack demo-rfs: ' % flow.name in raised.value.message
    assert fragment in raised.value.message
    assert plans_of(sim) == []


# ------------------------------------------------------------------ what a 404 means

def test_an_api_gateway_404_is_a_wrong_endpoint_not_an_absent_stack_or_plan(sim):
    client = HwCloudClient(TokenAuth(sim.token), max_retries=2, sleep=lambda seconds: None)
    wrong = rfs.RfsService(client, sim.url + '/wrong-path', sim.project_id)
    for read in (lambda: wrong.get_stack(DEMO), lambda: wrong.get_plan(DEMO, 'p1'), lambda: wrong.delete_plan(DEMO, 'p1')):
        with pytest.raises(HwCloudError) as raised:
            read()
        assert raised.value.status == 404 and raised.value.code == 'APIGW.0101'
