# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of hwcloud.cloud module tasks against hand-written ``ansible.builtin.uri`` tasks.

Run through ``make bench`` (or ``make bench-smoke``), which installs the collection and
starts a simulator (``tools/with-sim`` exports ``HWCLOUD_SIM_URL``)::

    tools/with-sim bench python tools/bench [--rounds R] [--n N] [--smoke]

What it does, per round, in one ``ansible-playbook`` run: for every scenario in
``scenarios.py`` (one row of the results table each), ``N`` module tasks alternating with
``N`` ``uri`` tasks that send the same request (same headers, same body), where the
scenario has a ``uri`` twin. Today: ``cluster_stop`` (``wait: false``) against a ``uri``
POST, ``stack_lifecycle`` (upgrade) against a ``uri`` PUT, idempotent reruns (cluster
already stopped: one GET) against a ``uri`` GET, and ``cluster_stop`` with IAM password
authentication.

Before every measured task an unmeasured ``uri`` task puts the cluster or stack back
through the simulator's control API, so that every stop is a real stop. Per-task
durations (and CPU time) come from ``tools/callback_plugins/bench_timer.py`` (task
start to result, as ``profile_tasks`` measures); HTTP calls per task come from the
simulator's request log, split by the tasks' wall-clock windows.

Then, once: the wait (poll) latency of both modules with ``wait: true`` (playbook tasks,
and in full mode their AnsiballZ payloads run alone, to time the module itself), and the
diagnostics behind the numbers: the AnsiballZ payloads ansible-playbook built, run
again under ``python -X importtime`` (import cost) and with ``socket.connect`` counted
(one TCP connection per task).

Call-count targets are asserted in both modes; the time ratio and the poll latency
only in full mode. Full mode rewrites the generated part of docs/performance.md.
Exit status: 0 when every asserted target holds, 1 when one does not, 2 on an error.

The parts, each readable on its own:

* ``scenarios.py``: what is measured (add a module row there), the targets, the wait scenarios;
* ``sim.py``: the simulator's seed and control API;
* ``baseline.py``: the hand-written ``uri`` twin of a module task;
* ``playbooks.py``: the generated playbooks and how ansible-playbook runs them;
* ``measure.py``: rounds, per-task HTTP calls, the summary, the wait latency;
* ``diagnostics.py``: the AnsiballZ payloads run alone (imports, connections, wait);
* ``targets.py``: the asserted targets (call counts in both modes);
* ``report.py``: the console tables and the generated part of docs/performance.md;
* ``cli.py``: options and the order of the steps.
"""
