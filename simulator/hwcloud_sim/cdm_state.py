"""CDM's side of the simulator's state: clusters, their power actions, and the calls on their links and jobs.

A mixin of State (state.py). A cluster that is moving between statuses carries a list of
timestamped patches in ``_cluster_steps``; ``settle()`` applies whatever is due.
"""

import copy

from . import cdm_jobs_state
from .common import SeedError, cdm_time, list_of_objects, new_hex_id, new_id
from .seedkeys import object_key_problems

DEFAULT_DELAY_SCALE = 0.01
CLUSTER_STATUS_DETAIL = {
    "100": "Creating",
    "200": "Normal",
    "300": "Failed",
    "303": "Creation failed",
    "500": "Restarting",
    "800": "Frozen",
    "900": "Stopped",
    "910": "Stopping",
    "920": "Starting",
}

# Statuses a seeded (or upserted) cluster leaves on its own, and where it lands.
CLUSTER_SETTLES_TO = {"100": "200", "500": "200", "920": "200", "910": "900"}

# Keys that steer the simulator and are never part of an API answer.
CLUSTER_SIM_KEYS = ("project_id", "transition_seconds", "jobs", "links", "validation", "unreachable_hosts")
# Seed keys that make every stop, start or restart of a cluster fail, until removed.
POWER_FAULT_KEYS = ("stop_fails", "start_fails", "restart_fails")
# failedReasons as shared/api/cdm.md shows them for CREATE_FAILED: keyed by phase, each with errorCode and errorMsg.
POWER_FAILURES = {"start": ("start_fails", "START_FAILED", "Cdm.0910"), "restart": ("restart_fails", "RESTART_FAILED", "Cdm.0920"),
                  "stop": ("stop_fails", "STOP_FAILED", "Cdm.0930")}
# What a cluster whose creation failed carries when the seed says nothing (shared/api/cdm.md).
CREATE_FAILED_REASONS = {"CREATE_FAILED": {"errorCode": "Cdm.0900", "errorMsg": "The cluster could not be created."}}
VALIDATION_STATUSES = ("ERROR", "WARNING")


def power_final(action, cluster, settled):
    """Where ``action`` ends: ``settled`` (a status), or ``300`` with ``failedReasons`` when the cluster's switch says so."""
    fault_key, phase, code = POWER_FAILURES[action]
    if cluster.get(fault_key):
        return {"status": "300", "statusDetail": CLUSTER_STATUS_DETAIL["300"],
                "failedReasons": {phase: {"errorCode": code, "errorMsg": str(cluster[fault_key])}}}
    return {"status": settled, "statusDetail": CLUSTER_STATUS_DETAIL[settled]}


def power_steps(action, cluster, params, now, span, delay_scale):
    """The timed patches of a start (``920`` at once, ``200`` after ``span``) or a restart (the status kept for
    ``restartDelayTime`` scaled by ``delay_scale``, then ``500``, then ``200`` after ``span``); the first one is the
    patch that begins the action. A ``start_fails``/``restart_fails`` cluster ends in ``300`` with its failedReasons."""
    if action == "start":
        begins, through = now, "920"
    else:
        begins, through = now + params["restartDelayTime"] * delay_scale, "500"
    final = power_final(action, cluster, "200")
    return [(begins, {"status": through, "statusDetail": CLUSTER_STATUS_DETAIL[through]}), (begins + span, final)]


def cluster_seed_extras(fields, now):
    """The seeded (or upserted) cluster fields completed: ``jobs`` and ``links`` with defaults, ``failedReasons`` of a 303.

    Raises SeedError before anything is stored, so a bad upsert changes nothing.
    """
    extras = {}
    if str(fields.get("status")) == "303" and not fields.get("failedReasons"):
        extras["failedReasons"] = copy.deepcopy(CREATE_FAILED_REASONS)
    if "jobs" in fields:
        extras["jobs"] = cdm_jobs_state.seed_jobs(fields["jobs"], now)
    if "links" in fields:
        extras["links"] = cdm_jobs_state.seed_links(fields["links"], now)
    validation = fields.get("validation")
    if validation is not None:
        if not isinstance(validation, dict) or not all(
                isinstance(results, list) and all(isinstance(r, dict) and r.get("status") in VALIDATION_STATUSES
                                                  and isinstance(r.get("message"), str) for r in results)
                for results in validation.values()):
            raise SeedError("a cluster's validation must map names to lists of {status: ERROR|WARNING, message}")
    hosts = fields.get("unreachable_hosts")
    if hosts is not None and (not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts)):
        raise SeedError("a cluster's unreachable_hosts must be a list of host names")
    return extras


def public_cluster(cluster):
    return {k: v for k, v in cluster.items() if k not in CLUSTER_SIM_KEYS and k not in POWER_FAULT_KEYS}


def _exported_cluster(cluster, now):
    """A cluster as a seed: its jobs' runs become their current status."""
    exported = copy.deepcopy(cluster)
    if "jobs" in exported:
        exported["jobs"] = [dict({k: v for k, v in job.items() if k != "_runs"}, status=cdm_jobs_state.job_status(job, now))
                            for job in cluster["jobs"]]
    return exported


class CdmState:
    """Clusters by id; links, jobs and runs live on their cluster (cdm_jobs_state.py)."""

    def _load_cdm(self, seed, now):
        self.clusters = {}
        self._cluster_steps = {}
        for cluster in list_of_objects(seed, "clusters"):
            self._add_cluster(cluster, now)

    def _settle_clusters(self, now):
        for cluster_id in list(self._cluster_steps):
            steps = self._cluster_steps[cluster_id]
            cluster = self.clusters.get(cluster_id)
            if cluster is None:
                del self._cluster_steps[cluster_id]
                continue
            while steps and steps[0][0] <= now:
                due, patch = steps.pop(0)
                cluster.update(copy.deepcopy(patch))
                cluster["updated"] = cdm_time(due)
            if not steps:
                del self._cluster_steps[cluster_id]

    def _export_clusters(self, now):
        return [_exported_cluster(cluster, now) for cluster in self.clusters.values()]

    def delay_scale(self):
        return float(self.settings.get("delay_scale", DEFAULT_DELAY_SCALE))

    def _add_cluster(self, cluster, now):
        cluster_id = cluster.get("id") or new_id()
        cluster["id"] = cluster_id
        cluster.setdefault("name", cluster_id)
        cluster.setdefault("project_id", self.default_project_id())
        cluster["status"] = str(cluster.get("status", "200"))
        cluster.setdefault("statusDetail", CLUSTER_STATUS_DETAIL.get(cluster["status"], "Unknown"))
        cluster.setdefault("isFrozen", "1" if cluster["status"] == "800" else "0")
        cluster.setdefault("actionProgress", {})
        cluster.setdefault("task", {})
        cluster.setdefault("failedReasons", {})
        cluster.setdefault("created", cdm_time(now))
        cluster.setdefault("updated", cluster["created"])
        cluster.update(cluster_seed_extras(cluster, now))
        self.clusters[cluster_id] = cluster
        self._schedule_cluster_settle(cluster, now)
        return cluster

    def _schedule_cluster_settle(self, cluster, now):
        target = CLUSTER_SETTLES_TO.get(cluster["status"])
        if target is None:
            self._cluster_steps.pop(cluster["id"], None)
            return
        due = now + self.transition_for(cluster)
        self._cluster_steps[cluster["id"]] = [(due, {"status": target, "statusDetail": CLUSTER_STATUS_DETAIL[target]})]

    def list_clusters(self, project_id):
        with self.lock:
            self.settle()
            return [copy.deepcopy(c) for c in self.clusters.values() if c.get("project_id") == project_id]

    def get_cluster(self, project_id, cluster_id):
        with self.lock:
            self.settle()
            cluster = self.clusters.get(cluster_id)
            if cluster is None or cluster.get("project_id") != project_id:
                return None
            return copy.deepcopy(cluster)

    def cluster_action(self, project_id, cluster_id, action, params, check):
        """Run ``check(cluster)`` (returns an error tuple or None) then start ``action``.

        Returns (cluster copy or None, error or None, job id).
        """
        with self.lock:
            now = self.clock()
            self.settle(now)
            cluster = self.clusters.get(cluster_id)
            if cluster is None or cluster.get("project_id") != project_id:
                return None, None, None
            error = check(cluster)
            if error is not None:
                return copy.deepcopy(cluster), error, None
            job_id = new_hex_id()
            span = self.transition_for(cluster)
            if action == "stop":
                extra = 0.0
                if params.get("stopMode") == "GRACEFULLY" and params.get("delayTime", -1) > 0:
                    extra = params["delayTime"] * self.delay_scale()
                first = {"status": "910", "statusDetail": CLUSTER_STATUS_DETAIL["910"]}
                steps = [(now, first), (now + extra + span, power_final("stop", cluster, "900"))]
            else:
                steps = power_steps(action, cluster, params, now, span, self.delay_scale())
            steps[0][1].update(failedReasons={}, task={"id": job_id, "name": action})
            if steps[0][0] <= now:
                cluster.update(steps.pop(0)[1])
                cluster["updated"] = cdm_time(now)
            self._cluster_steps[cluster_id] = steps
            return copy.deepcopy(cluster), None, job_id

    def upsert_cluster(self, patch):
        problems = object_key_problems("clusters", patch)
        if problems:
            raise SeedError("; ".join(problems))
        with self.lock:
            now = self.clock()
            self.settle(now)
            patch = dict(patch, **cluster_seed_extras(patch, now))
            cluster_id = patch.get("id")
            existing = self.clusters.get(cluster_id) if cluster_id else None
            if existing is None:
                return copy.deepcopy(self._add_cluster(copy.deepcopy(patch), now))
            existing.update(copy.deepcopy(patch))
            if "status" in patch:
                existing["status"] = str(existing["status"])
                if "statusDetail" not in patch:
                    existing["statusDetail"] = CLUSTER_STATUS_DETAIL.get(existing["status"], "Unknown")
                if "isFrozen" not in patch:
                    existing["isFrozen"] = "1" if existing["status"] == "800" else "0"
                if "updated" not in patch:
                    existing["updated"] = cdm_time(now)
                self._schedule_cluster_settle(existing, now)
            return copy.deepcopy(existing)

    def on_cluster(self, project_id, cluster_id, call):
        """``call(cluster, now)`` under the lock, on the live cluster (None when it is not the project's)."""
        with self.lock:
            now = self.clock()
            self.settle(now)
            cluster = self.clusters.get(cluster_id)
            if cluster is not None and cluster.get("project_id") != project_id:
                cluster = None
            return call(cluster, now)

    def _cluster_for(self, patch):
        cluster_id = patch.get("cluster_id") or (next(iter(self.clusters)) if self.clusters else None)
        cluster = self.clusters.get(cluster_id)
        if cluster is None:
            raise SeedError("no cluster %s" % cluster_id)
        return cluster

    def upsert_cdm_job(self, patch):
        """Create or change one job of ``cluster_id`` (default: the first cluster); a null field removes it."""
        with self.lock:
            now = self.clock()
            cluster = self._cluster_for(patch)
            fields = {k: v for k, v in patch.items() if k != "cluster_id"}
            jobs = cluster.setdefault("jobs", [])
            current = next((job for job in jobs if job["name"] == fields.get("name")), None)
            merged = copy.deepcopy(current) if current is not None else {}
            if "status" in fields:
                merged.pop("_runs", None)
            merged.update(fields)
            merged = {k: v for k, v in merged.items() if v is not None}
            merged = cdm_jobs_state.seed_job(merged, now)
            if current is None:
                jobs.append(merged)
            else:
                jobs[jobs.index(current)] = merged
            return cdm_jobs_state.public_job(merged, now)

    def upsert_cdm_link(self, patch):
        """Create or change one link of ``cluster_id`` (default: the first cluster)."""
        with self.lock:
            now = self.clock()
            cluster = self._cluster_for(patch)
            fields = {k: v for k, v in patch.items() if k != "cluster_id"}
            links = cluster.setdefault("links", [])
            current = next((link for link in links if link["name"] == fields.get("name")), None)
            merged = dict(copy.deepcopy(current) if current is not None else {}, **fields)
            [merged] = cdm_jobs_state.seed_links([merged], now)
            if current is None:
                links.append(merged)
            else:
                links[links.index(current)] = merged
            return cdm_jobs_state.public_link(merged)
