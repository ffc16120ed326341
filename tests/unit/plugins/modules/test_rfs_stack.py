# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.rfs_stack run in-process against the in-process simulator.

Default seed: demo-rfs (DEPLOYMENT_COMPLETE: a VPC, one subnet, a 10 GB disk; vars vpc_name=demo-vpc)
and broken-rfs (DEPLOYMENT_FAILED, no resources). Every decision is checked by what went on the wire.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.hwcloud.cloud.plugins.modules import rfs_stack

DEMO = 'demo-rfs'
DEMO_ID = '7c1a3f52-5b8e-4d2a-9c61-0e4b2f8a9d01'
BROKEN = 'broken-rfs'
NEW = 'web'
TEMPLATE = '''
variable "vpc_name" {}
variable "size" { default = 10 }
variable "on" { default = false }
resource "huaweicloud_vpc" "vpc" {
  name = var.vpc_name
  cidr = "10.0.0.0/16"
}
resource "huaweicloud_evs_volume" "disk" {
  name = "${var.vpc_name}-disk"
  size = var.size
}
output "vpc_id" { value = huaweicloud_vpc.vpc.id }
'''
APPLY_PATH = '/execution-plans/[^/]+$'


@pytest.fixture(name='run')
def run_fixture(sim, run_module):
    def run(check_mode=False, diff=False, **options):
        return run_module(rfs_stack.main, sim.connection_args(**options), check_mode=check_mode, diff=diff)
    return run


def calls(sim, method=None, path=None):
    return [entry for entry in sim.requests(method, path) if entry['service'] == 'rfs']


def mutations(sim):
    """Calls that change something: every call but reads and the template analysis (a POST that changes nothing)."""
    return [(entry['method'], entry['path']) for entry in calls(sim)
            if entry['method'] != 'GET' and '/template-analyses/' not in entry['path']]


def warnings(result):
    """The warnings' texts (ansible-core 2.19 returns each as a dict holding an event)."""
    return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]


def stack_state(sim, name=DEMO):
    found = [s for s in sim.state.export()['rfs_stacks'] if s['stack_name'] == name]
    return found[0] if found else None


def demo_template(sim):
    return stack_state(sim)['template_body']


def assert_no_plan_left(sim, name=DEMO):
    assert [p for p in stack_state(sim, name)['execution_plans'] if p['status'] != 'APPLIED'] == []


def change_demo(sim, **options):
    """Options that change demo-rfs: a bigger disk (UPDATE) and a second subnet (ADD)."""
    return dict(stack_name=DEMO, template_body=demo_template(sim), vars={'vpc_name': 'demo-vpc', 'disk_size': 20, 'subnet_count': 2},
                **options)


# ------------------------------------------------------------------ a missing stack

def test_a_missing_stack_is_created_with_exactly_the_options_given_and_waited_for(sim, run):
    result = run(stack_name=NEW, template_body=TEMPLATE, vars={'vpc_name': 'web-vpc', 'size': 40, 'on': True},
                 description='web tier', agencies=[{'provider_name': 'huaweicloud', 'agency_name': 'rfs_admin'}],
                 enable_auto_rollback=True)
    assert result.rc == 0, result
    assert result['changed'] is True
    posts = calls(sim, 'POST')
    # RFS parses the template first, so that a template error leaves no stack behind.
    assert [entry['path'].split('/v1/')[1].split('/', 1)[1] for entry in posts] == ['template-analyses/variables', 'stacks']
    assert posts[0]['body'] == {'template_body': TEMPLATE}
    posts = posts[1:]
    assert posts[0]['body'] == {
        'stack_name': NEW, 'template_body': TEMPLATE, 'description': 'web tier',
        'agencies': [{'provider_name': 'huaweicloud', 'agency_name': 'rfs_admin'}], 'enable_auto_rollback': True,
        'vars_structure': [{'var_key': 'size', 'var_value': '40'}, {'var_key': 'vpc_name', 'var_value': 'web-vpc'}],
        'vars_body': 'on = true\n'}
    assert result['stack']['status'] == 'DEPLOYMENT_COMPLETE'
    assert result['deployment_id']
    assert result['plan'] is None
    assert [output['name'] for output in result['outputs']] == ['vpc_id']


def test_a_stack_without_a_template_is_created_empty(sim, run):
    result = run(stack_name=NEW)
    assert result.rc == 0, result
    assert result['changed'] is True
    assert calls(sim, 'POST')[0]['body'] == {'stack_name': NEW}
    assert result['stack']['status'] == 'CREATION_COMPLETE'
    assert result['deployment_id'] is None
    assert result['outputs'] is None


def test_check_mode_on_a_missing_stack_sends_nothing_and_warns_that_there_is_no_price(sim, run):
    result = run(check_mode=True, diff=True, stack_name=NEW, template_body=TEMPLATE, vars={'vpc_name': 'x'}, estimate_price=True)
    assert result.rc == 0, result
    assert result['changed'] is True
    assert mutations(sim) == []
    assert result['diff']['after']['status'] == 'DEPLOYMENT_COMPLETE'
    assert any('estimate_price' in warning for warning in warnings(result))
    assert stack_state(sim, NEW) is None


def test_create_then_rerun_is_ok_with_five_calls_and_the_plan_deleted(sim, run):
    # One poll interval is longer than the plan takes to be made: the plan is read once.
    options = dict(stack_name=NEW, template_body=TEMPLATE, vars={'vpc_name': 'web-vpc', 'size': 40, 'on': True}, poll_interval=0.6)
    assert run(**options)['changed'] is True
    sim.clear_requests()
    again = run(**options)
    assert again.rc == 0, again
    assert again['changed'] is False
    assert again['plan']['items'] == [] and again['plan']['deleted'] is True and again['plan']['applied'] is False
    assert again['deployment_id'] is None
    assert [(entry['method'], re.sub(r'ansible-[0-9a-f]+', 'PLAN', entry['path'].split('/stacks')[-1])) for entry in calls(sim)] == [
        ('GET', '/web/metadata'), ('POST', '/web/execution-plans'), ('GET', '/web/execution-plans/PLAN/metadata'),
        ('DELETE', '/web/execution-plans/PLAN'), ('GET', '/web/outputs')]
    assert_no_plan_left(sim, NEW)


# ------------------------------------------------------------------ an existing stack: the plan decides

def test_check_mode_makes_reads_and_deletes_a_plan_and_deploys_nothing(sim, run):
    result = run(check_mode=True, diff=True, **change_demo(sim))
    assert result.rc == 0, result
    assert result['changed'] is True
    plan = result['plan']
    assert sorted((item['action'], item['resource_type'], item['resource_name'], item['index']) for item in plan['items']) == [
        ('ADD', 'huaweicloud_vpc_subnet', 'subnet', '1'), ('UPDATE', 'huaweicloud_evs_volume', 'data', None)]
    assert plan['deleted'] is True and plan['applied'] is False
    assert 'price' not in plan
    assert [method for method, _path in mutations(sim)] == ['POST', 'DELETE']
    assert not calls(sim, 'POST', APPLY_PATH) and not calls(sim, 'POST', '/deployments$')
    assert_no_plan_left(sim)
    assert stack_state(sim)['status'] == 'DEPLOYMENT_COMPLETE'
    diff = result['diff']
    assert diff['before']['huaweicloud_evs_volume.data'] == {'size': '10'}
    assert diff['after']['huaweicloud_evs_volume.data'] == {'size': '20'}
    assert 'huaweicloud_vpc_subnet.subnet[1]' not in diff['before']
    assert diff['after']['huaweicloud_vpc_subnet.subnet[1]']['cidr'] == '192.168.1.0/24'
    assert 'UPDATE huaweicloud_evs_volume.data (size)' in diff['prepared']
    assert 'ADD huaweicloud_vpc_subnet.subnet[1]' in diff['prepared']


def test_estimate_price_prices_the_plan_in_check_mode_and_in_a_real_run(sim, run):
    preview = run(check_mode=True, estimate_price=True, **change_demo(sim))
    assert preview['plan']['price']['currency'] == 'CNY'
    applied = run(estimate_price=True, **change_demo(sim))
    assert applied['plan']['price'] == preview['plan']['price']
    assert len(calls(sim, 'GET', '/prices$')) == 2


def test_a_change_applies_the_plan_that_decided_and_waits(sim, run):
    result = run(**change_demo(sim))
    assert result.rc == 0, result
    assert result['changed'] is True
    plan = result['plan']
    assert plan['applied'] is True and plan['deleted'] is False
    applies = calls(sim, 'POST', APPLY_PATH)
    assert len(applies) == 1
    assert applies[0]['path'].endswith('/' + plan['execution_plan_name'])
    assert applies[0]['body'] == {'stack_id': DEMO_ID, 'execution_plan_id': plan['execution_plan_id']}
    assert not calls(sim, 'POST', '/deployments$') and not calls(sim, 'DELETE')
    assert result['stack']['status'] == 'DEPLOYMENT_COMPLETE'
    assert result['deployment_id']
    assert result['outputs'][0]['name'] == 'vpc_id'
    sim.clear_requests()
    again = run(**change_demo(sim))
    assert again['changed'] is False
    assert not calls(sim, 'POST', APPLY_PATH)
    assert_no_plan_left(sim)


def test_without_wait_the_apply_returns_at_once(sim, run):
    result = run(wait=False, **change_demo(sim))
    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['stack']['status'] == 'DEPLOYMENT_IN_PROGRESS'
    assert result['outputs'] is None
    assert result['deployment_id']


def test_without_a_template_an_existing_stack_is_left_alone(sim, run):
    result = run(stack_name=DEMO)
    assert result.rc == 0, result
    assert result['changed'] is False and result['plan'] is None
    assert mutations(sim) == []


def test_a_failed_deployment_fails_with_status_message_and_error_events(sim, run):
    sim.state.rfs.upsert({'stack_name': DEMO, 'fail_next_deployment': 'EVS quota exhausted'})
    result = run(**change_demo(sim))
    assert result.failed
    assert result['changed'] is True
    assert 'status DEPLOYMENT_FAILED: EVS quota exhausted' in result['msg']
    assert 'ERROR events: huaweicloud_' in result['msg']
    assert result['deployment_id']
    assert result['plan']['applied'] is True
    assert result['stack']['status'] == 'DEPLOYMENT_FAILED'
    events = calls(sim, 'GET', '/events$')
    assert [entry['query'].get('deployment_id') for entry in events] == [result['deployment_id']]
    # The deployment's events come with the failure, newest first, read once.
    assert 'ERROR' in [event['event_type'] for event in result['events']]
    times = [str(event['time']) for event in result['events']]
    assert times == sorted(times, reverse=True)


def test_a_failed_stack_is_repaired_even_when_its_plan_shows_no_change(sim, run):
    sim.state.rfs.upsert({'stack_name': DEMO, 'status': 'DEPLOYMENT_FAILED', 'status_message': 'earlier failure'})
    sim.clear_requests()
    options = dict(stack_name=DEMO, template_body=demo_template(sim), vars={'vpc_name': 'demo-vpc'})
    result = run(**options)
    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['plan']['items'] == []
    assert len(calls(sim, 'POST', APPLY_PATH)) == 1
    assert result['stack']['status'] == 'DEPLOYMENT_COMPLETE'
    assert run(**options)['changed'] is False


def test_a_failed_stack_without_a_template_is_left_with_a_warning(sim, run):
    result = run(stack_name=BROKEN)
    assert result.rc == 0, result
    assert result['changed'] is False
    assert any('DEPLOYMENT_FAILED' in warning for warning in warnings(result))


# ------------------------------------------------------------------ busy stacks

def test_a_busy_stack_is_waited_for_before_the_plan(sim, run):
    sim.state.rfs.upsert({'stack_name': DEMO, 'status': 'DEPLOYMENT_IN_PROGRESS', 'template_body': demo_template(sim),
                          'vars_structure': [{'var_key': 'vpc_name', 'var_value': 'demo-vpc'}]})
    sim.clear_requests()
    result = run(**change_demo(sim))
    assert result.rc == 0, result
    assert result['changed'] is True
    first_plan = [index for index, entry in enumerate(calls(sim)) if entry['method'] == 'POST'][0]
    assert len(calls(sim)[:first_plan]) >= 2  # the first read, then at least one poll until it settled
    assert all(entry['status'] < 400 for entry in calls(sim))


def test_a_busy_stack_without_wait_fails_and_sends_nothing(sim, run):
    sim.state.rfs.upsert({'stack_name': DEMO, 'transition_seconds': 600, 'status': 'DEPLOYMENT_IN_PROGRESS'})
    sim.clear_requests()
    result = run(wait=False, **change_demo(sim))
    assert result.failed
    assert 'DEPLOYMENT_IN_PROGRESS' in result['msg'] and 'wait: true' in result['msg']
    assert mutations(sim) == []


def test_a_busy_stack_that_never_settles_times_out_on_the_task_budget(sim, run):
    sim.state.rfs.upsert({'stack_name': DEMO, 'transition_seconds': 600, 'status': 'DEPLOYMENT_IN_PROGRESS'})
    result = run(wait_timeout=1, **change_demo(sim))
    assert result.failed
    assert 'Timed out after 1s' in result['msg'] and 'DEPLOYMENT_IN_PROGRESS' in result['msg']
    assert result['stack']['stack_id'] == DEMO_ID
    assert mutations(sim) == []


# ------------------------------------------------------------------ stack_id guard

def test_a_stack_id_that_differs_fails_before_any_change(sim, run):
    for state in ('present', 'absent'):
        extra = change_demo(sim) if state == 'present' else dict(stack_name=DEMO)
        result = run(state=state, stack_id='00000000-0000-4000-8000-000000000000', **extra)
        assert result.failed
        assert 'not the stack_id 00000000-0000-4000-8000-000000000000' in result['msg']
    assert mutations(sim) == []


def test_a_matching_stack_id_is_sent_where_the_api_takes_it(sim, run):
    assert run(stack_id=DEMO_ID, **change_demo(sim)).rc == 0
    assert calls(sim, 'POST', '/execution-plans$')[0]['body']['stack_id'] == DEMO_ID
    assert calls(sim, 'POST', APPLY_PATH)[0]['body']['stack_id'] == DEMO_ID
    run(stack_name=DEMO, state='absent', stack_id=DEMO_ID)
    assert calls(sim, 'DELETE')[0]['query']['stack_id'] == DEMO_ID


def test_a_stack_id_for_a_missing_stack_does_not_create_one(sim, run):
    result = run(stack_name=NEW, stack_id=DEMO_ID, template_body=TEMPLATE, vars={'vpc_name': 'x'})
    assert result.failed
    assert 'does not exist' in result['msg']
    assert mutations(sim) == []


def test_a_misspelt_stack_name_to_plan_suggests_the_closest_and_changes_nothing(sim, run):
    result = run(stack_name='demo-rsf', state='planned', template_body=TEMPLATE)
    assert result.failed and not result['changed']
    assert result['msg'].startswith('RFS stack demo-rsf does not exist: ')
    assert result['msg'].endswith(" Did you mean 'demo-rfs'?")
    assert mutations(sim) == []


# ------------------------------------------------------------------ absent

def test_absent_deletes_and_waits_until_the_stack_is_gone_then_is_ok(sim, run):
    result = run(stack_name=DEMO, state='absent')
    assert result.rc == 0, result
    assert result['changed'] is True and result['stack'] is None
    assert [method for method, _path in mutations(sim)] == ['DELETE']
    assert stack_state(sim) is None
    again = run(stack_name=DEMO, state='absent')
    assert again['changed'] is False
    assert len(mutations(sim)) == 1


def test_absent_in_check_mode_deletes_nothing(sim, run):
    result = run(check_mode=True, diff=True, stack_name=DEMO, state='absent')
    assert result['changed'] is True
    assert result['diff'] == {'before': {'stack_name': DEMO, 'status': 'DEPLOYMENT_COMPLETE'}, 'after': {'stack_name': DEMO, 'status': 'absent'}}
    assert mutations(sim) == []


def test_retain_all_resources_uses_the_deletion_call(sim, run):
    result = run(stack_name=DEMO, state='absent', retain_all_resources=True)
    assert result.rc == 0, result
    assert [entry['body'] for entry in calls(sim, 'POST')] == [{'stack_id': DEMO_ID, 'retain_all_resources': True}]
    assert stack_state(sim) is None


# ------------------------------------------------------------------ lost answers: never twice

@pytest.mark.parametrize('case', ['create', 'apply', 'delete', 'plan'])
def test_a_lost_answer_is_settled_by_a_re_read_and_never_sent_twice(sim, run, case):
    if case == 'create':
        sim.fault(method='POST', path='/stacks$', kind='drop_after_apply')
        options, path, method = dict(stack_name=NEW, template_body=TEMPLATE, vars={'vpc_name': 'x'}), '/stacks$', 'POST'
    elif case == 'apply':
        sim.fault(method='POST', path=APPLY_PATH, kind='drop_after_apply')
        options, path, method = change_demo(sim), APPLY_PATH, 'POST'
    elif case == 'plan':
        sim.fault(method='POST', path='/execution-plans$', kind='drop_after_apply')
        options, path, method = change_demo(sim), '/execution-plans$', 'POST'
    else:
        sim.fault(method='DELETE', path='/stacks/demo-rfs$', kind='drop_after_apply')
        options, path, method = dict(stack_name=DEMO, state='absent'), '/stacks/demo-rfs$', 'DELETE'
    result = run(max_retries=2, **options)
    assert result.rc == 0, result
    assert result['changed'] is True
    assert len(calls(sim, method, path)) == 1
    assert calls(sim, method, path)[0]['fault'] == 'drop_after_apply'
    if case != 'delete':
        assert result['stack']['status'] == 'DEPLOYMENT_COMPLETE'


# ------------------------------------------------------------------ every request

def test_every_request_carries_a_distinct_client_request_id(sim, run):
    run(check_mode=True, estimate_price=True, **change_demo(sim))
    run(**change_demo(sim))
    run(stack_name=DEMO, state='absent')
    ids = [entry['client_request_id'] for entry in calls(sim)]
    assert len(ids) > 10
    assert all(re.match(r'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', value or '') for value in ids), ids
    assert len(set(ids)) == len(ids)


# ------------------------------------------------------------------ bad input, before any call

@pytest.mark.parametrize('options, option', [
    (dict(stack_name='1web'), 'stack_name'),
    (dict(stack_name='a' * 129), 'stack_name'),
    (dict(stack_name='web', vars={'a': 'b'}), 'vars'),
    (dict(stack_name='web', vars_body='a = 1'), 'vars_body'),
    (dict(stack_name='web', template_body='x', vars={'a': None}), 'vars.a'),
    (dict(stack_name='web', template_body='x', vars=dict(('v%d' % i, 1) for i in range(101))), 'vars'),
    (dict(stack_name='web', template_body='  '), 'template_body'),
    (dict(stack_name='web', template_uri='ftp://x/y.tf'), 'template_uri'),
    (dict(stack_name='web', template_body='x', vars_uri='not a url'), 'vars_uri'),
    (dict(stack_name='web', state='absent', template_body='x'), 'template_body'),
    (dict(stack_name='web', state='absent', estimate_price=True), 'estimate_price'),
    (dict(stack_name='web', retain_all_resources=True), 'retain_all_resources'),
    (dict(stack_name='web', description='d' * 1025), 'description'),
    (dict(stack_name='web', agencies=[{'provider_name': ' ', 'agency_name': 'a'}]), 'agencies[0].provider_name'),
    (dict(stack_name='web', stack_id=''), 'stack_id'),
])
def test_bad_options_fail_before_any_call_naming_the_option(sim, run, options, option):
    result = run(**options)
    assert result.failed
    assert result['invalid_option'] == option, result
    assert "'%s'" % option in result['msg']
    assert calls(sim) == []


@pytest.mark.parametrize('options', [
    dict(template_body='x', template_uri='https://b/t.tf'),
    dict(template_body='x', vars={'a': 'b'}, vars_body='a = 1'),
])
def test_mutually_exclusive_options_fail_before_any_call(sim, run, options):
    result = run(stack_name='web', **options)
    assert result.failed
    assert 'mutually exclusive' in result['msg']
    assert calls(sim) == []


# ------------------------------------------------------------------ which deployment, which 404, odd answers

def test_a_change_waits_for_its_own_deployment_not_the_status_left_by_the_last_one(sim, run):
    # demo-rfs keeps reading DEPLOYMENT_COMPLETE (the last deployment's) for a while after the apply; this one fails.
    sim.state.rfs.upsert({'stack_name': DEMO, 'deployment_start_delay': 2, 'fail_next_deployment': 'quota exceeded for volumes'})
    result = run(**change_demo(sim))
    assert result.rc == 1, result
    assert 'status DEPLOYMENT_FAILED: quota exceeded for volumes' in result['msg']
    assert result['stack']['status'] == 'DEPLOYMENT_FAILED'


def test_an_api_gateway_404_fails_and_creates_nothing(sim, run):
    result = run(stack_name=NEW, template_body=TEMPLATE, endpoint=sim.url + '/wrong-path')
    assert result.rc == 1, result
    assert result['error']['status'] == 404 and result['error']['code'] == 'APIGW.0101'
    assert 'Reading RFS stack web: HTTP 404 APIGW.0101' in result['msg']
    assert sim.requests('POST') == []


def test_a_stack_answer_without_stack_name_reads_the_outputs_by_the_name_given(sim, run):
    sim.fault(method='GET', path='/metadata$', kind='status', status=200, times=5, body={'stack_id': DEMO_ID, 'status': 'DEPLOYMENT_COMPLETE'})
    result = run(stack_name=DEMO)
    assert result.rc == 0, result
    assert [output['name'] for output in result['outputs']] == ['vpc_id']
    assert calls(sim, 'GET', '/outputs$')[0]['path'].endswith('/stacks/demo-rfs/outputs')
