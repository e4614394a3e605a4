Feature: Frameworks that go away while their tasks are unreachable
  A framework that is removed, because it was torn down or because its
  failover_timeout ran out after it disconnected, takes its unreachable tasks with
  it: the master files them as killed, and when their agent comes back the master
  shuts the framework down on it, which kills the tasks. The master remembers
  removed frameworks only in memory, so after a master failover a returning agent
  keeps such tasks. A framework that is merely disconnected loses every update the
  master generates meanwhile (they are not retried) and must reconcile when it
  comes back. A removed framework that subscribes again is refused with
  "Framework has been removed", for as long as the master remembers it.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules L3, E3
  Scenario: Tasks of a framework torn down while they are unreachable are killed when their agent returns
    When agent "a1" is partitioned from the master for 100s
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s
    When "cassandra" is torn down
    And agent "a1" reconnects
    Then task "c1" is killed on agent "a1"
    And agent "a1" is no longer running task "c1"
    And agent "a1" is still running task "s1"
    And "cassandra" receives no updates
    And "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED

  # Rule L3. Mesos keeps a removed framework, with its completed tasks, in
  # frameworks.completed: the unreachable task is there as TASK_KILLED, before and
  # after the agent returns (PartitionTest.PartitionedSlaveOrphanedTask).
  Scenario: The master remembers the task of a framework torn down while it was unreachable as killed
    When agent "a1" is partitioned from the master for 100s
    And "cassandra" is torn down
    Then the master reports task "c1" as TASK_KILLED
    When agent "a1" reconnects
    Then task "c1" is killed on agent "a1"
    And the master reports task "c1" as TASK_KILLED

  # Rule L3
  Scenario: Tasks of a framework whose failover timeout expires while they are unreachable are killed when their agent returns
    Given "cassandra" has a failover timeout of 1m
    When agent "a1" is partitioned from the master
    And the clock reaches 100s
    And "cassandra" disconnects
    And the clock reaches 170s
    And agent "a1" reconnects
    Then task "c1" is killed on agent "a1"
    And agent "a1" is still running task "s1"

  # Rule L3
  Scenario: The tasks of a disconnected framework survive their agent's return if it reconnects within its failover timeout
    Given "cassandra" has a failover timeout of 1h
    When agent "a1" is partitioned from the master
    And the clock reaches 100s
    And "cassandra" disconnects
    And the clock reaches 170s
    And agent "a1" reconnects
    And "cassandra" resubscribes
    Then agent "a1" is still running task "c1"
    And "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s
    And "cassandra" never receives TASK_RUNNING
    When "cassandra" reconciles all its tasks
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | message                           |
      | c1   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Latest task state |

  # Rules L3, D5
  Scenario: A framework disconnected while its agent is marked unreachable never hears of it and must reconcile
    Given "cassandra" has a failover timeout of 1h
    When "cassandra" disconnects
    And agent "a1" is partitioned from the master
    And 100s pass
    And "cassandra" resubscribes
    Then "cassandra" receives no updates
    And "cassandra" is not told about agent "a1"
    And "spark" is told that agent "a1" is lost
    When "cassandra" reconciles task "c1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state            | reason                | source        | unreachable time | message                             |
      | c1   | TASK_UNREACHABLE | REASON_RECONCILIATION | SOURCE_MASTER | 90s              | Reconciliation: Task is unreachable |

  # Rules L3, K1
  Scenario: After a master failover the tasks of a framework torn down while they were unreachable survive their agent's return
    When agent "a1" is partitioned from the master for 100s
    And "cassandra" is torn down
    And the master fails over
    And "spark" resubscribes
    And agent "a1" reconnects
    Then agent "a1" is still running task "c1"
    And agent "a1" is still running task "s1"
    And "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED

  # Rule L3. A framework with the default failover timeout of 0 is removed as soon
  # as it disconnects. Master::subscribe refuses a framework it has among its
  # completed frameworks with "Framework has been removed", and its driver aborts.
  Scenario: A framework removed when it disconnected is refused when it subscribes again
    When "spark" disconnects
    And 1s passes
    And "spark" resubscribes
    Then "spark" receives the error "Framework has been removed"
    And agent "a1" is no longer running task "s1"
    And the master's metric frameworks_connected is 1

  # Rule L3. The completed frameworks are kept in memory only, so a new master
  # after a failover does not know the framework was removed, and admits it.
  Scenario: After a master failover a removed framework may subscribe again
    When "spark" disconnects
    And 1s passes
    And the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    Then the master's metric frameworks_connected is 2
