Feature: A framework that waits for an unreachable task, then replaces it, as Cassandra on DC/OS does
  A Cassandra node keeps its data on its agent, and two copies of a node must never
  run. So the scheduler waits for an unreachable node to come back, and replaces
  it on another agent only once the old copy is known to be gone (TASK_GONE,
  TASK_GONE_BY_OPERATOR, or an end the agent reports) and the deadline has passed.
  At the deadline, a copy still unreachable is reconciled, to ask again.

  Before Mesos 1.1 the master's only word is TASK_LOST, which does not say whether
  the task still runs: the scheduler waits for good.

  "node-1" runs on "a1", "node-2" on "a2", "node-3" on "a3"; a replacement of
  "node-1" goes to "a2" (one task, like "a3"; "a2" comes first).

  Background:
    Given agents "a1", "a2" and "a3"
    And a partition-aware framework "cassandra"
    And "cassandra" runs 3 instances of "node"
    And "cassandra" waits 10mins for an unreachable task before replacing it

  # The cut falls just before the ping at 15s, so the master gives up 75s later,
  # at 90s (rules A2 to A4). 1.0 removes the agent (rule E7) and the node's task
  # is TASK_LOST; the agent comes back at 95s or later, is told to shut down and
  # kills "node-1". TASK_LOST from the master is not "known gone": no replacement,
  # not even after the deadline (reconciliation at 690s answers TASK_LOST again).
  Scenario: Up to Mesos 1.0 a node cut off for 80s just before a ping is killed and never replaced
    Given the master runs Mesos 1.0
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master for 80s
    And agent "a1" reconnects
    Then "cassandra" receives TASK_LOST for task "node-1" with reason REASON_AGENT_REMOVED at 90s
    And agent "a1" is told to shut down with "Agent attempted to re-register after removal"
    And agent "a1" runs no tasks
    When the clock reaches 20m
    Then "cassandra" receives TASK_LOST for task "node-1" with reason REASON_RECONCILIATION at 690s
    And "cassandra" has not replaced task "node-1"
    And "cassandra" has 2 running tasks on the agents

  # 1.4: TASK_UNREACHABLE at 90s; the agent comes back without an update (rule E7)
  # and keeps the node. At the deadline (690s) reconciliation answers TASK_RUNNING.
  Scenario: In Mesos 1.4 a node cut off for 80s survives, and the deadline's reconciliation finds it running
    Given the master runs Mesos 1.4
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master for 80s
    And the clock reaches 20m
    Then "cassandra" receives TASK_UNREACHABLE for task "node-1" at 90s
    And "cassandra" receives TASK_RUNNING for task "node-1" with reason REASON_RECONCILIATION at 690s
    And "cassandra" has not replaced task "node-1"
    And "cassandra" had all its instances running throughout
    And "cassandra" has 3 running tasks as the master sees it

  # 1.5 and later: the returning agent's task is reported TASK_RUNNING at once (rule E3).
  Scenario: From Mesos 1.5 a node cut off for 80s survives, and the scheduler hears at once that it is back
    Given the master runs Mesos 1.12
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master for 80s
    And agent "a1" reconnects
    Then "cassandra" receives TASK_RUNNING for task "node-1" with reason REASON_AGENT_REREGISTERED
    When the clock reaches 20m
    Then "cassandra" has not replaced task "node-1"
    And "cassandra" had all its instances running throughout

  # The host dies at 10s: "node-1" stops running then. TASK_UNREACHABLE at 90s; at
  # the deadline (690s) reconciliation answers TASK_UNREACHABLE: still away, not
  # known gone. Nothing is replaced until the operator marks the agent gone at
  # 1000s (TASK_GONE_BY_OPERATOR, rule J3): the deadline has passed, so at once.
  Scenario: A dead node is replaced only when the operator marks its agent gone
    Given the master runs Mesos 1.12
    When 10s pass
    And the host of agent "a1" dies
    And the clock reaches 1000s
    Then "cassandra" receives TASK_UNREACHABLE for task "node-1" with reason REASON_RECONCILIATION at 690s
    And "cassandra" has not replaced task "node-1"
    When the operator marks agent "a1" as gone
    Then "cassandra" receives TASK_GONE_BY_OPERATOR for task "node-1" at 1000s
    And "cassandra" replaced task "node-1" on agent "a2" at 1000s
    And "cassandra" had 2 of 3 instances running from 10s to 1000s
    And "cassandra" had 3 of 3 instances running from 1000s on
    And at most one copy of each instance of "cassandra" ran at a time

  # Marked gone at 200s, before the deadline (90s + 10mins = 690s): the scheduler
  # waits for the deadline, then replaces at once.
  Scenario: A node known gone before the deadline is replaced at the deadline
    Given the master runs Mesos 1.12
    When 10s pass
    And the host of agent "a1" dies
    And the clock reaches 200s
    And the operator marks agent "a1" as gone
    And the clock reaches 700s
    Then "cassandra" receives TASK_GONE_BY_OPERATOR for task "node-1" at 200s
    And "cassandra" replaced task "node-1" on agent "a2" at 690s
    And "cassandra" had 2 of 3 instances running from 10s to 690s

  # Marking an agent gone says the task is gone; the agent, cut off, does not know
  # and runs the node until it comes back and is told to shut down (rule J3). A
  # careful scheduler still runs two copies meanwhile: the operator was wrong.
  Scenario: Marking a partitioned agent gone by mistake runs two copies of a node until the agent returns
    Given the master runs Mesos 1.12
    When agent "a1" is partitioned from the master
    And the clock reaches 200s
    And the operator marks agent "a1" as gone
    And the clock reaches 800s
    Then "cassandra" replaced task "node-1" on agent "a2" at 690s
    And task "node-1" ran twice at once from 690s on
    When agent "a1" reconnects
    Then agent "a1" is told to shut down with "Agent has been marked gone"
    And "cassandra" has 3 running tasks on the agents

  # A node that fails on a reachable agent was never away: relaunched at once, on
  # another agent ("a1" and "a3" have one task each; "a2" ran the failed copy).
  Scenario: A node that fails on a reachable agent is relaunched at once
    Given the master runs Mesos 1.12
    When task "node-2" fails
    Then "cassandra" replaced task "node-2" on agent "a1" at 0s
    And at most one copy of each instance of "cassandra" ran at a time

  # 1.4, a partition of 20 minutes: TASK_UNREACHABLE at 90s, still unreachable at
  # the deadline (690s). The agent comes back at 1200s or later without an update
  # (rule E7). Periodic reconciliation (every 5mins: 300s, 600s, ..., 1500s) finds
  # the node running at 1500s. Nothing was replaced.
  Scenario: In Mesos 1.4 periodic reconciliation tells a waiting scheduler that its node is back
    Given the master runs Mesos 1.4
    And "cassandra" reconciles every 5mins
    When agent "a1" is partitioned from the master for 20m
    And the clock reaches 1600s
    Then "cassandra" receives TASK_UNREACHABLE for task "node-1" with reason REASON_RECONCILIATION at 690s
    And "cassandra" receives TASK_RUNNING for task "node-1" with reason REASON_RECONCILIATION at 1500s
    And "cassandra" has not replaced task "node-1"
    And "cassandra" had all its instances running throughout
