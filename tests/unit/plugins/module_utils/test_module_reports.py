# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the base class decides for every module: ``changed`` once a call has left, the busy rule, read-only options.

A small module of the test's own runs in-process against the simulator: it sends a real stop of the
demo cluster through ``send_once`` and then does what each test asks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import WAIT_OPTIONS, HwCloudModule, hwcloud_argument_spec
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Waiter
from ansible_collections.hwcloud.cloud.plugins.modules import (
    cluster_info,
    cluster_restart,
    cluster_start,
    cluster_stop,
    rfs_stack,
    rfs_stack_info,
    stack_info,
    stack_lifecycle,
)

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
MISSING_ID = '00000000-0000-0000-0000-000000000000'


class Probe(HwCloudModule):
    """Sends a stop of ``cluster_id`` through ``send_once``; ``then`` says what happens before or after."""

    service = 'cdm'
    argument_spec = dict(
        cluster_id=dict(type='str', default=DEMO_ID),
        then=dict(type='str', default='succeed'),
    )

    def run(self):
        then = self.params['then']
        if then == 'fail_before':
            raise HwCloudError('failed before sending anything')
        url = '%s/v1.1/%s/clusters/%s/action' % (self.endpoint, self.project_id, self.params['cluster_id'])
        self.send_once(send=lambda: self.client.request('POST', url, {'stop': {}}, action='Stopping'))
        if then == 'fail_after':
            raise HwCloudError('the wait after the stop timed out', details={'job_ids': ['j-1']})
        if then == 'crash_after':
            raise KeyError('a bug after sending')
        return dict(changed=then != 'report_unchanged')


class ReadOnlyProbe(Probe):
    read_only = True


def probe_main():
    Probe()()


def read_only_probe_main():
    ReadOnlyProbe()()


@pytest.fixture(name='probe')
def probe_fixture(sim, run_module):
    def probe(check_mode=False, **options):
        return run_module(probe_main, sim.connection_args(**options), check_mode=check_mode)
    return probe


def posts(sim):
    return sim.requests('POST', path='/action$')


def test_a_sent_call_makes_the_task_changed(sim, probe):
    result = probe()

    assert result.rc == 0 and result['changed'] is True
    assert len(posts(sim)) == 1


def test_a_module_cannot_report_unchanged_after_sending(sim, probe):
    result = probe(then='report_unchanged')

    assert result['changed'] is True


def test_a_failure_after_the_call_left_reports_changed_with_the_ids(sim, probe):
    result = probe(then='fail_after')

    assert result.rc == 1
    assert result['changed'] is True
    assert result['job_ids'] == ['j-1']
    assert len(posts(sim)) == 1


def test_a_bug_after_the_call_left_still_reports_changed(sim, probe):
    result = probe(then='crash_after')

    assert result.rc == 1 and 'This is a bug in hwcloud.cloud' in result['msg']
    assert result['changed'] is True


def test_a_failure_before_any_call_reports_unchanged(sim, probe):
    result = probe(then='fail_before')

    assert result.rc == 1
    assert result['changed'] is False
    assert posts(sim) == []


def test_a_call_the_service_refuses_reports_unchanged(sim, probe):
    result = probe(cluster_id=MISSING_ID)

    assert result.rc == 1
    assert 'HTTP 404' in result['msg']
    assert result['changed'] is False
    assert len(posts(sim)) == 1


def test_a_lost_answer_is_an_unknown_outcome_and_reports_changed(sim, probe):
    sim.fault(method='POST', path='/action$', kind='drop')

    result = probe(max_retries=0)

    assert result.rc == 1
    assert 'may or may not have taken effect' in result['msg']
    assert result['changed'] is True
    assert len(posts(sim)) == 1


def test_a_call_that_never_left_reports_unchanged(sim, run_module):
    # Port 9 (discard) on localhost: the connection is refused, nothing was sent.
    args = sim.connection_args(endpoint='http://127.0.0.1:9', max_retries=0)

    result = run_module(probe_main, args)

    assert result.rc == 1
    assert result['changed'] is False


def test_send_once_refuses_to_send_in_check_mode(sim, probe):
    result = probe(check_mode=True)

    assert result.rc == 1
    assert 'in check mode' in result['msg'] and 'nothing was sent' in result['msg']
    assert result['changed'] is False
    assert posts(sim) == []


def test_a_read_only_module_cannot_send(sim, run_module):
    result = run_module(read_only_probe_main, sim.read_only_args())

    assert result.rc == 1
    assert 'from a read-only module' in result['msg']
    assert posts(sim) == []


# ------------------------------------------------------------------ settle_or_fail

class Busy(HwCloudModule):
    """A stand-in holding just what ``settle_or_fail`` uses, with a waiter that settles at its first poll."""

    def __init__(self, wait):  # pylint: disable=super-init-not-called
        self.params = dict(wait=wait)
        self.waited = []

    def wait_for(self, waiter, **details):
        self.waited.append((waiter.name, details))
        return waiter.read()


def settling():
    return Waiter('thing t to settle', read=lambda: {'status': 'settled'}, done=lambda state: True)


def test_settle_or_fail_without_wait_fails_saying_why_and_what_to_do():
    module = Busy(wait=False)

    with pytest.raises(HwCloudError) as caught:
        module.settle_or_fail(settling(), 'Thing t is busy; nothing is sent into it.', thing={'status': 'busy'})

    assert caught.value.message == 'Thing t is busy; nothing is sent into it. Set wait: true to wait for it.'
    assert caught.value.details == {'thing': {'status': 'busy'}}
    assert module.waited == []


def test_settle_or_fail_with_wait_returns_the_settled_state_on_the_tasks_budget():
    module = Busy(wait=True)

    state = module.settle_or_fail(settling(), 'Thing t is busy.', job_ids=[])

    assert state == {'status': 'settled'}
    assert module.waited == [('thing t to settle', {'job_ids': []})]


# ------------------------------------------------------------------ read-only modules

def test_the_wait_options_are_left_out_of_read_only_modules():
    assert not set(WAIT_OPTIONS) & set(hwcloud_argument_spec(read_only=True))
    assert set(WAIT_OPTIONS) <= set(hwcloud_argument_spec())


@pytest.mark.parametrize('module, read_only', [
    (cluster_info.ClusterInfoModule, True),
    (stack_info.StackInfoModule, True),
    (rfs_stack_info.RfsStackInfoModule, True),
    (cluster_stop.ClusterStopModule, False),
    (cluster_start.ClusterStartModule, False),
    (cluster_restart.ClusterRestartModule, False),
    (stack_lifecycle.StackLifecycleModule, False),
    (rfs_stack.RfsStackModule, False),
])
def test_every_info_module_is_read_only_and_every_other_acts(module, read_only):
    assert module.read_only is read_only


@pytest.mark.parametrize('main', [cluster_info.main, stack_info.main, rfs_stack_info.main])
@pytest.mark.parametrize('option, value', [('wait', True), ('wait_timeout', 60), ('poll_interval', 1)])
def test_a_read_only_module_refuses_the_wait_options(sim, run_module, main, option, value):
    result = run_module(main, sim.read_only_args(**{option: value}))

    assert result.rc == 1
    assert 'Unsupported parameters' in result['msg'] and option in result['msg']
    assert sim.requests() == []
