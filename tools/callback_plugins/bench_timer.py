# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Record the duration of every task to a JSON file, for tools/bench.

Not part of the collection's plugins: tools/bench enables it with
``ANSIBLE_CALLBACK_PLUGINS=tools/callback_plugins ANSIBLE_CALLBACKS_ENABLED=bench_timer``
and names the output file in ``HWCLOUD_BENCH_TIMINGS``. A task runs from
``v2_playbook_on_task_start`` to its result, as ``ansible.posix.profile_tasks``
measures it. Wall-clock start and end (``time.time()``) are kept too, so that the
simulator's request log (also stamped with ``time.time()``) can be split by task.

CPU time per task, which a busy machine distorts much less than elapsed time: the
controller's own CPU time from the task's start to its result, plus the CPU time of
the task's worker process and of everything it ran (the module process). A worker's
time reaches ``RUSAGE_CHILDREN`` only once it has been waited for, so the workers of
earlier tasks are joined before each reading (at the next task's start, outside the
timed part).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import multiprocessing
import os
import resource
import time

from ansible.plugins.callback import CallbackBase

# Result keys kept so that tools/bench can check that every measured task did its job.
KEPT_KEYS = ('changed', 'failed', 'status', 'msg', 'job_ids', 'action_id', 'skipped')


def _cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _children_cpu():
    """CPU time of every finished child, after waiting for the workers of earlier tasks to exit."""
    for child in multiprocessing.active_children():
        child.join(10)
    multiprocessing.active_children()  # reaps what the joins left
    return _cpu(resource.RUSAGE_CHILDREN)


def _result_dict(result):
    # ansible-core 2.19 has ``result.result``; older versions only ``_result``.
    data = getattr(result, 'result', None)
    if data is None:
        data = getattr(result, '_result', {})
    return data


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get('HWCLOUD_BENCH_TIMINGS')
        self._tasks = []
        self._current = None
        self._pending = None

    def _close_pending(self):
        """Add the CPU time of the last finished task's worker, now that it has exited."""
        children = _children_cpu()
        if self._pending is not None:
            record = self._pending
            record['cpu_workers'] = children - record.pop('_children0')
            record['cpu'] = record['cpu_controller'] + record['cpu_workers']
            self._pending = None
        return children

    def v2_playbook_on_task_start(self, task, is_conditional):
        children = self._close_pending()
        self._current = {
            'name': task.get_name(),
            'action': task.action,
            '_children0': children,
            '_self0': _cpu(resource.RUSAGE_SELF),
            'start': time.time(),
            '_t0': time.perf_counter(),
        }

    def _finish(self, result, outcome):
        record = self._current
        if record is None:
            return
        record['duration'] = time.perf_counter() - record.pop('_t0')
        record['end'] = time.time()
        record['cpu_controller'] = _cpu(resource.RUSAGE_SELF) - record.pop('_self0')
        record['outcome'] = outcome
        data = _result_dict(result)
        record['result'] = dict((key, data[key]) for key in KEPT_KEYS if key in data)
        self._tasks.append(record)
        self._current = None
        self._pending = record

    def v2_runner_on_ok(self, result):
        self._finish(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._finish(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._finish(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._finish(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        self._close_pending()
        if not self._path:
            return
        with open(self._path, 'w') as handle:
            json.dump({'tasks': self._tasks}, handle, indent=1, default=str)
