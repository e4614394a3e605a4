Feature: Marathon's unreachable strategy
  Marathon (partition-aware from 1.4) replaces an unreachable instance once it has
  been unreachable for longer than "inactive after" (default 300s), and forgets
  it once unreachable for longer than "expunge after" (default 600s). It only
  notices either while it processes a TASK_UNREACHABLE update: the first one, or
  a repeat from its reconciliation, 15s after it starts and every 600s after.
  An expunge check runs every 30s from 300s; a scale check every 300s from 15s
  kills any instance too many, the youngest first. A task Marathon does not know
  that reports running is killed.

  Unless a scenario says otherwise, Marathon keeps the defaults.
  The agents run "web-1" on "a1", "web-2" on "a2" and "web-3" on "a3"; a
  replacement of "web-1" goes to "a2" (one task, like "a3"; "a2" comes first).
  The partition of "a1" begins right after the ping at 0s, so the master marks it
  unreachable at 90s (rules A2 to A4), with unreachable_time 90s (rule D5).
  Marathon reconciles at 15s, 615s and 1215s.

  Background:
    Given agents "a1", "a2" and "a3"
    And a partition-aware framework "marathon"
    And "marathon" runs 3 instances of "web"

  # 1.4: the returning agent brings the task back without an update (rule E7); the
  # reconciliation at 615s answers TASK_RUNNING. 615s - 90s is over 300s, but the
  # answer is TASK_RUNNING, not TASK_UNREACHABLE: nothing becomes inactive.
  Scenario: In Mesos 1.4 Marathon's defaults ride out a 100s blip
    Given the master runs Mesos 1.4
    And "marathon" follows Marathon's unreachable strategy
    When agent "a1" is partitioned from the master for 100s
    And the clock reaches 700s
    Then "marathon" receives TASK_UNREACHABLE for task "web-1" at 90s
    And "marathon" receives TASK_RUNNING for task "web-1" with reason REASON_RECONCILIATION at 615s
    And "marathon" has not replaced task "web-1"
    And "marathon" had all its instances running throughout

  # The agent is back by 460s at the latest (its retries are at most 60s apart);
  # at 615s reconciliation answers TASK_RUNNING.
  Scenario: In Mesos 1.4 Marathon's defaults ride out a 400s blip
    Given the master runs Mesos 1.4
    And "marathon" follows Marathon's unreachable strategy
    When agent "a1" is partitioned from the master for 400s
    And the clock reaches 700s
    Then "marathon" receives TASK_RUNNING for task "web-1" with reason REASON_RECONCILIATION at 615s
    And "marathon" has not replaced task "web-1"
    And at most one copy of each instance of "marathon" ran at a time

  # At 615s the partition still holds: reconciliation answers TASK_UNREACHABLE
  # with unreachable_time 90s, 525s ago, over 300s: inactive, replaced at once on
  # "a2". The expunge check at 720s finds it unreachable for 630s, over 600s, and
  # forgets it. The agent is back by 760s, without an update (rule E7); at 1215s
  # implicit reconciliation answers TASK_RUNNING for "web-1", which Marathon no
  # longer knows, and kills it. Two copies ran from 615s to 1215s.
  Scenario: In Mesos 1.4 Marathon's defaults run two copies for ten minutes after a 700s blip
    Given the master runs Mesos 1.4
    And "marathon" follows Marathon's unreachable strategy
    When agent "a1" is partitioned from the master for 700s
    And the clock reaches 1300s
    Then "marathon" receives TASK_UNREACHABLE for task "web-1" with reason REASON_RECONCILIATION at 615s
    And "marathon" replaced task "web-1" on agent "a2" at 615s
    And task "web-1" ran twice at once from 615s to 1215s
    And task "web-1" is killed on agent "a1"
    And "marathon" has 3 running tasks on the agents
    And "marathon" had all its instances running throughout

  # 1.5 and later: the returning agent's task is reported TASK_RUNNING with
  # REASON_AGENT_REREGISTERED at once (rule E3), so Marathon knows before 615s.
  Scenario: From Mesos 1.5 Marathon hears at once that a task is back, and replaces nothing after a 400s blip
    Given the master runs Mesos 1.12
    And "marathon" follows Marathon's unreachable strategy
    When agent "a1" is partitioned from the master for 400s
    And agent "a1" reconnects
    Then "marathon" receives TASK_RUNNING for task "web-1" with reason REASON_AGENT_REREGISTERED
    When the clock reaches 700s
    Then "marathon" has not replaced task "web-1"
    And "marathon" had all its instances running throughout

  # Replaced at 615s and expunged at 720s as in 1.4. The agent comes back after
  # 800s; its TASK_RUNNING (rule E3) is about a task Marathon no longer knows, which
  # it kills at once.
  Scenario: From Mesos 1.5 Marathon kills an expunged task the moment its agent comes back
    Given the master runs Mesos 1.12
    And "marathon" follows Marathon's unreachable strategy
    When agent "a1" is partitioned from the master for 800s
    And agent "a1" reconnects
    Then "marathon" replaced task "web-1" on agent "a2" at 615s
    And task "web-1" began to run twice at once at 615s
    And task "web-1" is killed on agent "a1"
    And "marathon" has 3 running tasks on the agents
    And "marathon" has 3 running tasks as the master sees it

  # Inactive after 60s and expunge after 1h: replaced at 615s (525s > 60s), never
  # expunged before the agent is back (by 760s), which reports TASK_RUNNING. One
  # instance too many: the scale check at 915s kills the youngest, the replacement.
  Scenario: An instance that returns before it is expunged keeps running and its replacement is killed
    Given the master runs Mesos 1.12
    And "marathon" follows Marathon's unreachable strategy with inactive after 60s and expunge after 1h
    When agent "a1" is partitioned from the master for 700s
    And the clock reaches 1000s
    Then "marathon" replaced task "web-1" on agent "a2" at 615s
    And task "web-1" ran twice at once from 615s to 915s
    And task "web-1#2" is killed on agent "a2"
    And agent "a1" is still running task "web-1"
    And "marathon" has 3 running tasks on the agents

  # Inactive after 60s and expunge after 120s, the example of Marathon's docs. The
  # first TASK_UNREACHABLE (90s, age 0s) changes nothing: only reconciliation
  # brings the repeat that makes "web-1" inactive, at 615s. It is expunged at
  # 630s (540s > 120s).
  Scenario: Short timers still wait for Marathon's reconciliation
    Given the master runs Mesos 1.12
    And "marathon" follows Marathon's unreachable strategy with inactive after 60s and expunge after 120s
    When agent "a1" is partitioned from the master for 700s
    And agent "a1" reconnects
    Then "marathon" replaced task "web-1" on agent "a2" at 615s
    And task "web-1" is killed on agent "a1"
    And "marathon" has 3 running tasks on the agents

  # 1.0: no partition awareness. The agent is removed at 90s and its tasks are
  # TASK_LOST with REASON_SLAVE_REMOVED, which Marathon reads as unreachable
  # (since 90s, when it heard). The agent comes back and is shut down, killing
  # "web-1"; nobody tells Marathon. At 615s reconciliation answers TASK_LOST
  # (REASON_RECONCILIATION): unreachable for 525s, inactive, replaced.
  Scenario: Up to Mesos 1.0 Marathon replaces a task killed by a blip only at its next reconciliation
    Given the master runs Mesos 1.0
    And "marathon" follows Marathon's unreachable strategy
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then agent "a1" is told to shut down with "Agent attempted to re-register after removal"
    And "marathon" has 2 running tasks on the agents
    When the clock reaches 700s
    Then "marathon" receives TASK_LOST for task "web-1" with reason REASON_RECONCILIATION at 615s
    And "marathon" replaced task "web-1" on agent "a2" at 615s
    And "marathon" had 3 of 3 instances running from 615s on
    And at most one copy of each instance of "marathon" ran at a time

  # Marking the agent gone sends TASK_GONE_BY_OPERATOR at once (rule J3), which
  # Marathon reads as gone and replaces at once. The operator was wrong: the agent
  # still runs "web-1" until it comes back and is told it is gone.
  Scenario: A partitioned agent marked gone by mistake runs its task beside the replacement until it returns
    Given the master runs Mesos 1.12
    And "marathon" follows Marathon's unreachable strategy
    When agent "a1" is partitioned from the master
    And the clock reaches 200s
    And the operator marks agent "a1" as gone
    Then "marathon" receives TASK_GONE_BY_OPERATOR for task "web-1" at 200s
    And "marathon" replaced task "web-1" on agent "a2" at 200s
    And task "web-1" ran twice at once from 200s on
    When agent "a1" reconnects
    Then agent "a1" is told to shut down with "Agent has been marked gone"
    And "marathon" has 3 running tasks on the agents
