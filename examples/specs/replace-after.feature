Feature: A framework that replaces unreachable tasks after two minutes
  The framework's own policy (examples/replace_after_policy.rs): a task
  unreachable for two minutes is replaced, and the old copy is killed if it ever
  reports running again.

  "member-1" runs on "a1"; its replacement goes to "a2" (one task, like "a3"; "a2"
  comes first). The partition of "a1" begins right after the ping at 0s, so the
  master marks it unreachable at 90s (rules A2 to A4); two minutes later, at
  210s, the member is replaced.

  Background:
    Given agents "a1", "a2" and "a3"
    And a partition-aware framework "zk"
    And "zk" runs 3 instances of "member"
    And "zk" replaces unreachable tasks after 2m

  # Back by 160s (the agent retries at most 60s apart), before the grace ends.
  Scenario: A member back within the grace period is not replaced
    Given the master runs Mesos 1.12
    When agent "a1" is partitioned from the master for 100s
    And the clock reaches 5m
    Then "zk" has not replaced task "member-1"
    And "zk" had all its instances running throughout

  # 1.5 and later: the returning agent's task is reported TASK_RUNNING at once
  # (rule E3), and the policy kills it.
  Scenario: From Mesos 1.5 the old copy is killed the moment its agent comes back
    Given the master runs Mesos 1.12
    When agent "a1" is partitioned from the master for 5m
    And agent "a1" reconnects
    Then "zk" replaced task "member-1" on agent "a2" at 210s
    And task "member-1" began to run twice at once at 210s
    And task "member-1" is killed on agent "a1"
    And "zk" has 3 running tasks on the agents

  # 1.4: the agent brings the task back without an update (rule E7). Only the
  # reconciliation at 600s (every 5 minutes: 300s, 600s) finds it running; at 300s
  # the agent was not back yet.
  Scenario: In Mesos 1.4 two copies run until a reconciliation finds the old one
    Given the master runs Mesos 1.4
    And "zk" reconciles every 5mins
    When agent "a1" is partitioned from the master for 5m
    And the clock reaches 11m
    Then "zk" replaced task "member-1" on agent "a2" at 210s
    And task "member-1" ran twice at once from 210s to 600s
    And "zk" has 3 running tasks on the agents
