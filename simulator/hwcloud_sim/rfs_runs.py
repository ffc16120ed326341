"""Deployments, rollbacks and deletions of RFS stacks over time (a mixin of RfsModel).

A running action is a stack's ``_run`` with an end time; ``settle()`` finishes whatever is due.
"""

import copy

from .rfs_base import new_id, rfs_time
from .rfs_diff import EVENTS_OF_ACTION, FAIL_ATTRIBUTE, diff, first_instance, item_index, plan_target, resource_address, sort_key, summary_of


class RunsMixin:
    """Starting and finishing a stack's deployment, rollback and deletion, with their events."""

    def settle(self, now):
        for key in list(self.stacks):
            stack = self.stacks.get(key)
            while stack is not None and stack["_run"] is not None and stack["_run"]["end"] <= now:
                run = stack["_run"]
                stack["_run"] = None
                finish = {"deploy": self._finish_deployment, "rollback": self._finish_rollback, "delete": self._finish_deletion}
                finish[run["kind"]](stack, run)
                stack = self.stacks.get(key)

    def _span(self, stack):
        return self.state.transition_for(stack)

    def _event(self, stack, when, deployment_id, event_type, message, item=None, elapsed=None):
        event = {"_time": when, "_deployment_id": deployment_id, "time": rfs_time(when), "event_type": event_type,
                 "event_message": message}
        if item is not None:
            event["resource_type"] = item["resource_type"]
            event["resource_name"] = item["resource_name"]
            if item.get("index") is not None:
                event["resource_key"] = item["index"]
            if item.get("resource_id"):
                event["resource_id_key"] = "id"
                event["resource_id_value"] = item["resource_id"]
        if elapsed is not None:
            event["elapsed_seconds"] = int(round(elapsed))
        stack["events"].append(event)

    @staticmethod
    def _resources_after(current, instances, status, replaced=()):
        resources = {}
        for key, instance in instances.items():
            before = None if key in replaced else current.get(key)
            changed = before is not None and before["attributes"] != instance["attributes"]
            resources[key] = {
                "type": instance["type"], "name": instance["name"], "index": instance["index"],
                "attributes": dict(instance["attributes"]),
                "physical_resource_id": before["physical_resource_id"] if before else new_id(),
                "resource_status": ("UPDATE_COMPLETE" if changed else before["resource_status"]) if before else status,
            }
        return resources

    def _start_deployment(self, stack, config, now, plan=None):
        deployment_id = new_id()
        delay = float(stack.get("deployment_start_delay") or 0)
        # With a start delay, the stack's metadata shows the stack as it was (status, update_time, vars)
        # for that long, as a service that starts the deployment after answering would; it then ends that much later.
        stack["_stale"] = {"until": now + delay, "answer": self._metadata_of(stack)} if delay > 0 else None
        instances, problem = plan_target(config, stack["agencies"])
        items = diff(stack["resources"], instances) if instances is not None else []
        fail = problem
        failed_item = None
        if fail is None and stack.get("fail_next_deployment"):
            fail = str(stack.pop("fail_next_deployment"))
            failed_item = items[0] if items else None
        if fail is None:
            for item in items:
                target = instances.get((item["resource_type"], item["resource_name"], item_index(item)))
                if target is not None and target["attributes"].get(FAIL_ATTRIBUTE):
                    fail, failed_item = target["attributes"][FAIL_ATTRIBUTE], item
                    break
        stack["generation"] += 1
        stack["status"] = "DEPLOYMENT_IN_PROGRESS"
        stack["status_message"] = ""
        stack["shown"] = copy.deepcopy(config)
        stack["update_time"] = now
        stack["last_deployment_id"] = deployment_id
        self._event(stack, now, deployment_id, "LOG", "deployment %s started: %d resource change(s) planned" % (deployment_id, len(items)))
        # With a failing resource, the changes planned after it never start.
        started = items[:items.index(failed_item) + 1] if failed_item is not None else items
        for item in started:
            self._item_events(stack, now, deployment_id, item, "IN_PROGRESS")
        stack["_run"] = {"kind": "deploy", "deployment_id": deployment_id, "start": now, "end": now + delay + self._span(stack),
                         "config": copy.deepcopy(config), "instances": instances, "items": items, "fail": fail,
                         "failed_item": failed_item, "error_resource": failed_item or first_instance(instances), "plan": plan,
                         "started": started}
        if plan is not None:
            stack["plans"][plan]["deployment_id"] = deployment_id
        return deployment_id

    def _finish_deployment(self, stack, run):
        end = run["end"]
        stack["update_time"] = end
        plan = stack["plans"].get(run["plan"]) if run["plan"] else None
        if plan is not None:
            plan["_applied"] = True
            plan["apply_time"] = end
        elapsed = end - run["start"]
        if run["fail"] is None:
            for item in run["items"]:
                self._item_events(stack, end, run["deployment_id"], item, "COMPLETE", elapsed)
            replaced = {(i["resource_type"], i["resource_name"], item_index(i)) for i in run["items"] if i["action"] == "DELETE_THEN_ADD"}
            stack["resources"] = self._resources_after(stack["resources"], run["instances"], "CREATION_COMPLETE", replaced)
            stack["deployed"] = copy.deepcopy(run["config"])
            stack["_failed_config"] = None
            summary = summary_of(run["items"])
            self._event(stack, end, run["deployment_id"], "SUMMARY", "Apply complete! Resources: %d added, %d changed, %d destroyed." % (
                summary["resource_add"], summary["resource_update"], summary["resource_delete"]))
            stack["status"] = "DEPLOYMENT_COMPLETE"
            return
        item = run["failed_item"]
        if item is not None:
            self._item_events(stack, end, run["deployment_id"], item, "FAILED", elapsed)
        self._event(stack, end, run["deployment_id"], "ERROR", run["fail"], run["error_resource"])
        stack["status"] = "DEPLOYMENT_FAILED"
        stack["status_message"] = run["fail"]
        stack["_failed_config"] = copy.deepcopy(run["config"])
        if stack["enable_auto_rollback"]:
            self._start_rollback(stack, end, end, run["deployment_id"])

    def _item_events(self, stack, when, deployment_id, item, phase, elapsed=None):
        address = resource_address(item["resource_type"], item["resource_name"], item_index(item))
        for prefix in EVENTS_OF_ACTION[item["action"]]:
            self._event(stack, when, deployment_id, "%s_%s" % (prefix, phase),
                        "%s: %s %s" % (address, prefix.lower(), phase.lower().replace("_", " ")), item, elapsed)

    def _start_rollback(self, stack, now, start, deployment_id):
        stack["status"] = "ROLLBACK_IN_PROGRESS"
        stack["update_time"] = now
        self._event(stack, start, deployment_id, "LOG", "rollback to the last successful deployment started")
        stack["_run"] = {"kind": "rollback", "deployment_id": deployment_id, "start": start, "end": start + self._span(stack)}

    def _finish_rollback(self, stack, run):
        stack["update_time"] = run["end"]
        if stack.get("fail_next_rollback"):
            message = str(stack.pop("fail_next_rollback"))
            self._event(stack, run["end"], run["deployment_id"], "ERROR", message)
            stack["status"] = "ROLLBACK_FAILED"
            stack["status_message"] = message
            return
        # The resources were never changed by the failed deployment: the rollback restores the shown config only.
        stack["shown"] = copy.deepcopy(stack["deployed"])
        self._event(stack, run["end"], run["deployment_id"], "SUMMARY", "rollback complete", elapsed=run["end"] - run["start"])
        stack["status"] = "ROLLBACK_COMPLETE"

    def _start_deletion(self, stack, now, retain):
        deployment_id = new_id()
        stack["status"] = "DELETION_IN_PROGRESS"
        stack["status_message"] = ""
        stack["update_time"] = now
        stack["last_deployment_id"] = deployment_id
        if not retain:
            for resource in stack["resources"].values():
                resource["resource_status"] = "DELETION_IN_PROGRESS"
        stack["_run"] = {"kind": "delete", "deployment_id": deployment_id, "start": now, "end": now + self._span(stack),
                         "retain": retain}

    def _finish_deletion(self, stack, run):
        if stack.get("fail_next_deletion"):
            message = str(stack.pop("fail_next_deletion"))
            for resource in stack["resources"].values():
                resource["resource_status"] = "DELETION_FAILED"
            self._event(stack, run["end"], run["deployment_id"], "ERROR", message)
            stack["status"] = "DELETION_FAILED"
            stack["status_message"] = message
            stack["update_time"] = run["end"]
            return
        if run["retain"]:
            for key in sorted(stack["resources"], key=sort_key):
                resource = stack["resources"][key]
                self.retained.append({"stack_name": stack["stack_name"], "stack_id": stack["stack_id"],
                                      "project_id": stack["project_id"], "resource_type": resource["type"],
                                      "resource_name": resource["name"], "index": resource["index"],
                                      "physical_resource_id": resource["physical_resource_id"]})
        del self.stacks[(stack["project_id"], stack["stack_name"])]

