# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.rfs_stack on day two, in-process against the in-process simulator: a stack that turns busy
under the task (RFS's 403), plans kept for approval and applied by name, settings changed in place,
recovery of a failed stack, encrypted and misspelt variables, and the deployment's events.

Default seed: demo-rfs (DEPLOYMENT_COMPLETE; vars vpc_name=demo-vpc) and broken-rfs (DEPLOYMENT_FAILED).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import rfs_vars
from ansible_collections.hwcloud.cloud.plugins.modules import rfs_stack

DEMO = 'demo-rfs'
DEMO_ID = '7c1a3f52-5b8e-4d2a-9c61-0e4b2f8a9d01'
BROKEN = 'broken-rfs'
PLANS_PATH = '/execution-plans$'
APPLY_PATH = '/execution-plans/[^/]+$'


@pytest.fixture(name='run')
def run_fixture(sim, run_module):
    def run(check_mode=False, diff=False, **options):
        return run_module(rfs_stack.main, sim.connection_args(**options), check_mode=check_mode, diff=diff)
    return run


def calls(sim, method=None, path=None):
    return [entry for entry in sim.requests(method, path) if entry['service'] == 'rfs']


def accepted_changes(sim):
    """The changes the service took (plans aside): method and path of every non-GET call answered 2xx."""
    return [(entry['method'], entry['path']) for entry in calls(sim)
            if entry['method'] != 'GET' and entry['status'] < 300 and '/execution-plans' not in entry['path']]


def stack_state(sim, name=DEMO):
    found = [s for s in sim.state.export()['rfs_stacks'] if s['stack_name'] == name]
    return found[0] if found else None


def plans(sim, name=DEMO):
    return dict((plan['execution_plan_name'], plan['status']) for plan in stack_state(sim, name)['execution_plans'])


def change_demo(sim, **options):
    """Options that change demo-rfs: a bigger disk (UPDATE) and a second subnet (ADD)."""
    return dict(stack_name=DEMO, template_body=stack_state(sim)['template_body'],
                vars={'vpc_name': 'demo-vpc', 'disk_size': 20, 'subnet_count': 2}, **options)


def same_demo(sim, **options):
    return dict(stack_name=DEMO, template_body=stack_state(sim)['template_body'], vars={'vpc_name': 'demo-vpc'}, **options)


def stale_read_of(sim, name=DEMO):
    """A fault: the next read of the stack answers as it was before it turned busy (the race, made certain)."""
    state = stack_state(sim, name)
    sim.fault(method='GET', path='/stacks/%s/metadata$' % name, kind='status', status=200,
              body={'stack_name': name, 'stack_id': state['stack_id'], 'status': 'DEPLOYMENT_COMPLETE'})


# ------------------------------------------------------------------ 403 means busy (issue: the real status codes)

def test_a_stack_that_turned_busy_after_the_read_is_read_again_waited_for_and_then_decided(sim, run):
    sim.state.rfs.upsert({'stack_name': DEMO, 'status': 'DEPLOYMENT_IN_PROGRESS', 'transition_seconds': 0.5})
    stale_read_of(sim)
    sim.clear_requests()
    result = run(**change_demo(sim))
    assert result.rc == 0, result
    assert result['changed'] is True and result['stack']['status'] == 'DEPLOYMENT_COMPLETE'
    plan_posts = [entry['status'] for entry in calls(sim, 'POST', PLANS_PATH)]
    assert plan_posts == [403, 200]
    assert len([entry for entry in calls(sim, 'POST', APPLY_PATH) if entry['status'] < 300]) == 1


def test_a_stack_that_turned_busy_without_wait_fails_as_busy_not_as_a_permission_error(sim, run):
    sim.state.rfs.upsert({'stack_name': DEMO, 'status': 'DEPLOYMENT_IN_PROGRESS', 'transition_seconds': 600})
    stale_read_of(sim)
    sim.clear_requests()
    result = run(wait=False, **change_demo(sim))
    assert result.failed and result['changed'] is False
    assert 'is DEPLOYMENT_IN_PROGRESS' in result['msg'] and 'wait: true' in result['msg']
    assert accepted_changes(sim) == []


def test_a_403_on_a_stack_that_is_not_busy_stays_a_failure(sim, run):
    sim.fault(method='POST', path=PLANS_PATH, kind='status', status=403,
              body={'error_code': 'RF.10010403', 'error_msg': 'no permission for execution plans'})
    result = run(**change_demo(sim))
    assert result.failed and result['changed'] is False
    assert 'no permission for execution plans' in result['msg']
    assert len(calls(sim, 'POST', PLANS_PATH)) == 1


# ------------------------------------------------------------------ state: planned, then apply by name

def test_planned_keeps_a_plan_that_changes_resources_and_apply_by_name_applies_exactly_it(sim, run):
    planned = run(state='planned', execution_plan_name='review-1', estimate_price=True, **change_demo(sim))
    assert planned.rc == 0, planned
    assert planned['changed'] is True
    plan = planned['plan']
    assert plan['execution_plan_name'] == 'review-1' and plan['kept'] is True and plan['applied'] is False
    assert plan['summary']['resource_add'] == 1 and {item['action'] for item in plan['items']} == {'ADD', 'UPDATE'}
    assert plan['price']['currency'] == 'CNY'
    assert plans(sim) == {'review-1': 'AVAILABLE'}
    assert accepted_changes(sim) == []

    sim.clear_requests()
    applied = run(stack_name=DEMO, execution_plan_name='review-1')
    assert applied.rc == 0, applied
    assert applied['changed'] is True and applied['stack']['status'] == 'DEPLOYMENT_COMPLETE'
    assert [entry['path'].rsplit('/', 1)[1] for entry in calls(sim, 'POST')] == ['review-1']
    assert applied['deployment_id'] and applied['plan']['applied'] is True
    events = applied['events']
    assert events and [str(event['time']) for event in events] == sorted((str(event['time']) for event in events), reverse=True)
    assert plans(sim) == {'review-1': 'APPLIED'}

    # The approved job run again: two reads, no plan made, nothing applied.
    sim.clear_requests()
    again = run(stack_name=DEMO, execution_plan_name='review-1')
    assert again.rc == 0, again
    assert again['changed'] is False
    assert [entry['method'] for entry in calls(sim)] == ['GET', 'GET']


def test_planned_without_a_change_deletes_its_plan_and_is_ok(sim, run):
    result = run(state='planned', execution_plan_name='review-none', **same_demo(sim))
    assert result.rc == 0, result
    assert result['changed'] is False and result['plan']['kept'] is False and result['plan']['deleted'] is True
    assert plans(sim) == {}


def test_planned_in_check_mode_keeps_nothing(sim, run):
    result = run(check_mode=True, state='planned', execution_plan_name='review-check', **change_demo(sim))
    assert result['changed'] is True and result['plan']['kept'] is False
    assert plans(sim) == {}


def test_apply_by_name_of_a_missing_plan_fails_before_anything_is_deployed(sim, run):
    result = run(stack_name=DEMO, execution_plan_name='nobody-made-this')
    assert result.failed and result['changed'] is False
    assert 'no execution plan named nobody-made-this' in result['msg']
    assert [entry['method'] for entry in calls(sim)] == ['GET', 'GET']


def test_apply_by_name_of_a_stale_plan_fails_saying_it_is_out_of_date(sim, run):
    assert run(state='planned', execution_plan_name='review-stale', **change_demo(sim))['changed'] is True
    # Someone deploys something else meanwhile: the kept plan no longer matches the stack.
    other = dict(change_demo(sim), vars={'vpc_name': 'demo-vpc', 'disk_size': 30})
    assert run(**other).rc == 0
    sim.clear_requests()
    result = run(stack_name=DEMO, execution_plan_name='review-stale')
    assert result.failed and result['changed'] is False
    assert 'is out of date' in result['msg'] and result['stale_plan'] is True
    assert accepted_changes(sim) == []


def test_apply_by_name_of_a_plan_whose_creation_failed_fails_saying_so(sim, run):
    failing = 'variable "x" {}\nresource "huaweicloud_vpc" "v" { name = var.x }\n'
    sim.state.rfs.upsert({'stack_name': DEMO, 'transition_seconds': 0.05})
    # A plan kept by another tool: made directly, it fails to build.
    from ansible_collections.hwcloud.cloud.plugins.module_utils.client import HwCloudClient, TokenAuth
    from ansible_collections.hwcloud.cloud.plugins.module_utils.rfs import RfsService
    service = RfsService(HwCloudClient(TokenAuth(sim.token)), sim.url, sim.project_id)
    service.create_plan(DEMO, {'execution_plan_name': 'broken-plan', 'stack_id': DEMO_ID, 'template_body': failing})
    sim.state.rfs.upsert({'stack_name': DEMO, 'transition_seconds': 0.3})
    import time
    time.sleep(0.2)
    result = run(stack_name=DEMO, execution_plan_name='broken-plan')
    assert result.failed and result['changed'] is False
    assert 'CREATION_FAILED' in result['msg'] and 'nothing was deployed' in result['msg']
    assert accepted_changes(sim) == []


@pytest.mark.parametrize('extra', [dict(template_body='x'), dict(continue_failed=True)])
def test_apply_by_name_takes_no_template_vars_or_recovery(sim, run, extra):
    result = run(stack_name=DEMO, execution_plan_name='review-1', **extra)
    assert result.failed and result['invalid_option'] == list(extra)[0]
    assert calls(sim) == []


# ------------------------------------------------------------------ settings in place

def test_settings_that_differ_are_patched_in_place_only_those_and_once(sim, run):
    check = run(check_mode=True, diff=True, stack_name=DEMO, enable_deletion_protection=True, description='web tier',
                enable_auto_rollback=False)
    assert check['changed'] is True and check['settings'] == {'enable_deletion_protection': True, 'description': 'web tier'}
    assert check['diff']['after']['settings'] == {'enable_deletion_protection': True, 'description': 'web tier'}
    assert calls(sim, 'PATCH') == []
    result = run(stack_name=DEMO, enable_deletion_protection=True, description='web tier', enable_auto_rollback=False)
    assert result.rc == 0, result
    assert result['changed'] is True and result['stack']['enable_deletion_protection'] is True
    assert [entry['body'] for entry in calls(sim, 'PATCH')] == [{'stack_id': DEMO_ID, 'enable_deletion_protection': True,
                                                                 'description': 'web tier'}]
    again = run(stack_name=DEMO, enable_deletion_protection=True, description='web tier')
    assert again['changed'] is False and len(calls(sim, 'PATCH')) == 1


def test_a_protected_stack_is_not_deleted_without_lifting_the_protection(sim, run):
    assert run(stack_name=DEMO, enable_deletion_protection=True).rc == 0
    sim.clear_requests()
    refused = run(stack_name=DEMO, state='absent')
    assert refused.failed and refused['changed'] is False
    assert 'enable_deletion_protection: false' in refused['msg']
    assert [entry['method'] for entry in calls(sim)] == ['GET']
    result = run(stack_name=DEMO, state='absent', enable_deletion_protection=False)
    assert result.rc == 0, result
    assert [entry['method'] for entry in calls(sim) if entry['method'] != 'GET'] == ['PATCH', 'DELETE']
    assert stack_state(sim) is None


# ------------------------------------------------------------------ recovery

def test_continue_failed_continues_a_failed_deployment_and_waits(sim, run):
    result = run(stack_name=BROKEN, continue_failed=True)
    assert result.rc == 0, result
    assert result['changed'] is True and result['stack']['status'] == 'DEPLOYMENT_COMPLETE'
    assert [entry['path'].rsplit('/', 1)[1] for entry in calls(sim, 'POST')] == ['continuations']
    assert result['events'] is not None


def test_continue_failed_continues_a_failed_rollback(sim, run):
    sim.state.rfs.upsert({'stack_name': BROKEN, 'status': 'ROLLBACK_FAILED', 'status_message': 'rollback failed'})
    result = run(stack_name=BROKEN, continue_failed=True)
    assert result.rc == 0, result
    assert result['changed'] is True and result['stack']['status'] == 'ROLLBACK_COMPLETE'
    assert [entry['path'].rsplit('/', 1)[1] for entry in calls(sim, 'POST')] == ['rollbacks']


def test_continue_failed_on_a_healthy_stack_changes_nothing(sim, run):
    result = run(stack_name=DEMO, continue_failed=True)
    assert result.rc == 0 and result['changed'] is False
    assert accepted_changes(sim) == []


# ------------------------------------------------------------------ variables

def test_a_misspelt_variable_fails_before_any_call_naming_the_closest(sim, run):
    result = run(stack_name=DEMO, template_body=stack_state(sim)['template_body'], vars={'vpc_nmae': 'a'})
    assert result.failed and result['invalid_option'] == 'vars'
    assert "'vpc_nmae'" in result['msg'] and "did you mean 'vpc_name'?" in result['msg']
    assert calls(sim) == []


def test_vars_body_names_are_checked_too():
    assert rfs_vars.names_in_vars_body('a = 1\ntags = {\n  b = 2\n}\n# c = 3\nd = "x = y"\n') == ['a', 'tags', 'd']
    assert rfs_vars.declared_in_body('variable "a" {}\n/* variable "b" {} */\nvariable c {\n}\n') == {'a', 'c'}
    assert rfs_vars.declared_in_body('{"variable": {"x": {}, "y": {"default": 1}}}') == {'x', 'y'}


def test_encrypted_vars_are_sent_with_their_kms_key_and_never_shown(sim, run):
    secret = 'c2VjcmV0LWNpcGhlci12YWx1ZQ=='
    template = stack_state(sim)['template_body'] + '\nvariable "db_password" {\n  sensitive = true\n  default = ""\n}\n'
    # RFS decrypts through an agency: the stack gets one in place first.
    result = run(stack_name=DEMO, template_body=template, vars={'vpc_name': 'demo-vpc'},
                 agencies=[{'provider_name': 'huaweicloud', 'agency_name': 'rfs_kms'}],
                 encrypted_vars={'db_password': {'value': secret, 'kms_key_id': 'kms-1', 'cipher_text': 'data-key-cipher'}})
    assert result.rc == 0, result
    assert result['settings'] == {'agencies': [{'provider_name': 'huaweicloud', 'agency_name': 'rfs_kms'}]}
    body = calls(sim, 'POST', PLANS_PATH)[0]['body']
    assert {'var_key': 'db_password', 'var_value': secret,
            'encryption': {'kms': {'id': 'kms-1', 'cipher_text': 'data-key-cipher'}}} in body['vars_structure']
    assert secret not in json.dumps(dict(result))


def test_auto_rollback_is_not_turned_on_for_a_failed_stack(sim, run):
    result = run(stack_name=BROKEN, enable_auto_rollback=True)
    assert result.failed and result['changed'] is False
    assert 'enable_auto_rollback' in result['msg'] and 'DEPLOYMENT_FAILED' in result['msg']
    assert calls(sim, 'PATCH') == []


def test_a_misspelt_variable_of_a_template_uri_is_found_by_the_analysis_before_any_plan(sim, run):
    uri = 'https://bucket.obs.example.com/demo.tf'
    sim.state.rfs.add_uris({uri: stack_state(sim)['template_body']})
    result = run(stack_name=DEMO, template_uri=uri, vars={'vpc_nmae': 'a'})
    assert result.failed and result['changed'] is False and result['invalid_option'] == 'vars'
    assert "did you mean 'vpc_name'?" in result['msg']
    assert [entry['path'].rsplit('/', 2)[-2:] for entry in calls(sim, 'POST')] == [['template-analyses', 'variables']]
    assert calls(sim, 'POST', PLANS_PATH) == []


def test_a_new_stack_is_not_created_from_a_template_that_does_not_parse(sim, run):
    result = run(stack_name='web', template_body='variable "a" {\nresource "huaweicloud_vpc" "v" {', vars={'a': 'x'})
    assert result.failed and result['changed'] is False
    assert 'does not parse' in result['msg'] and 'RFS says: "' in result['msg']
    assert [entry['path'].rsplit('/', 1)[-1] for entry in calls(sim, 'POST')] == ['variables']
    assert stack_state(sim, 'web') is None


def test_planned_under_a_name_already_taken_fails_and_leaves_that_plan_alone(sim, run):
    assert run(state='planned', execution_plan_name='review-taken', **change_demo(sim))['changed'] is True
    again = run(state='planned', execution_plan_name='review-taken', **change_demo(sim))
    assert again.failed and again['changed'] is False
    assert 'already has an execution plan named review-taken' in again['msg']
    assert plans(sim) == {'review-taken': 'AVAILABLE'}
    assert calls(sim, 'DELETE') == []
