Feature: Launching onto an agent that has no valid offer
  A framework can only launch tasks with an offer, and only registered, connected
  agents have offers: the master rescinds an agent's offers when its connection
  breaks, and when it is marked unreachable, removed or gone. A launch that uses
  such a stale offer fails validation. Each of its tasks is reported from the
  master with REASON_INVALID_OFFERS: TASK_DROPPED to partition-aware frameworks
  (counted in master/tasks_dropped), TASK_LOST to the others (master/tasks_lost).
  Before Mesos 1.1 there is no TASK_DROPPED, and everyone gets TASK_LOST.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And a framework "spark"

  # Rules G1, B1, F
  Scenario Outline: Launching on an agent that is <situation> is dropped for aware frameworks and lost for the others
    # Keeps a disconnected agent disconnected.
    When ReregisterAgent messages from agent "a1" to the master are dropped
    # Lets the "removed" row take the machine down (only a DRAINING machine can be
    # brought down); a schedule alone changes nothing for the other rows.
    And the operator schedules maintenance for the machine of agent "a1"
    And <event>
    And 2m pass
    And "cassandra" launches task "c9" on agent "a1"
    And "spark" launches task "s9" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        |
      | c9   | TASK_DROPPED | REASON_INVALID_OFFERS | SOURCE_MASTER |
    And "spark" receives these updates:
      | task | state     | reason                | source        |
      | s9   | TASK_LOST | REASON_INVALID_OFFERS | SOURCE_MASTER |
    And the master's metrics are:
      | metric        | value |
      | tasks_dropped | 1     |
      | tasks_lost    | 1     |
    And agent "a1" runs no tasks

    Examples:
      | situation    | event                                             |
      | unreachable  | agent "a1" is partitioned from the master         |
      | disconnected | the master's connection to agent "a1" breaks      |
      | removed      | the operator takes the machine of agent "a1" down |
      | gone         | the operator marks agent "a1" as gone             |

  # Rules G1, E7
  Scenario: Mesos 1.0 reports a launch on a removed agent as TASK_LOST even to partition-aware frameworks
    Given the master runs Mesos 1.0
    When agent "a1" is partitioned from the master
    And 2m pass
    And "cassandra" launches task "c9" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state     | reason                | source        |
      | c9   | TASK_LOST | REASON_INVALID_OFFERS | SOURCE_MASTER |

  # Rule G1
  Scenario: A launch on a healthy agent is unaffected by another agent's partition
    When agent "a1" is partitioned from the master
    And 2m pass
    And "cassandra" launches task "c9" on agent "a2"
    Then "cassandra" receives TASK_RUNNING for task "c9" from SOURCE_EXECUTOR
    And agent "a2" is still running task "c9"
