Feature: What a returning agent meant in each Mesos version
  Up to Mesos 1.0 an agent that failed its health checks was removed from the
  registry and told to shut down; every task was reported TASK_LOST and the agent,
  if it came back to the same master, was told to shut down again with "Agent
  attempted to re-register after removal". A master that failed over in between
  had forgotten the removal and readmitted the agent with its tasks.
  From 1.1 to 1.4 the agent is marked unreachable instead, but when it comes back
  to the master that marked it, the tasks of frameworks that are not
  partition-aware are killed (their frameworks are shut down on the agent) and
  nobody is told; a master that failed over in between keeps everything.
  Since 1.5 nothing is killed and every framework is told the reregistered state.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rule E7
  Scenario: Up to Mesos 1.0 an agent that fails its health checks is told to shut down with "health check timed out"
    Given the master runs Mesos 1.0
    When pongs from agent "a1" are dropped
    And 2m pass
    Then agent "a1" is told to shut down with "health check timed out"
    And agent "a1" runs no tasks
    And "cassandra" receives TASK_LOST for task "c1" with reason REASON_AGENT_REMOVED at 90s
    And "spark" receives TASK_LOST for task "s1" with reason REASON_AGENT_REMOVED at 90s
    And "cassandra" is told that agent "a1" is lost
    And the master considers agent "a1" removed
    And the master's metrics are:
      | metric                      | value |
      | slave_shutdowns_scheduled   | 1     |
      | slave_shutdowns_completed   | 1     |
      | slave_unreachable_scheduled | 0     |

  # Rule E7
  Scenario: Up to Mesos 1.0 a removed agent that returns to the same master is told to shut down and comes back as a new agent
    Given the master runs Mesos 1.0
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then agent "a1" is told to shut down with "Agent attempted to re-register after removal"
    And agent "a1" runs no tasks
    And "cassandra" never receives TASK_RUNNING
    When agent "a1" restarts
    And 1m passes
    Then the master considers agent "a1" registered
    And agent "a1" runs no tasks
    And the master's metric slave_registrations is 2

  # Rule E7
  Scenario: Up to Mesos 1.0 a removed agent that sends a status update is told to shut down with "Status update from unknown agent"
    Given the master runs Mesos 1.0
    When the next Shutdown from the master to agent "a1" is dropped
    And pongs from agent "a1" are dropped
    And the clock reaches 100s
    Then "spark" receives TASK_LOST for task "s1" at 90s
    And agent "a1" is still running task "s1"
    When task "s1" finishes
    And 1s passes
    Then agent "a1" is told to shut down with "Status update from unknown agent"
    And agent "a1" runs no tasks
    And "spark" never receives TASK_FINISHED

  # Rule E7
  Scenario: Up to Mesos 1.0 a master that failed over readmits a removed agent and its lost tasks come back to life
    Given the master runs Mesos 1.0
    When agent "a1" is partitioned from the master for 100s
    Then "spark" receives TASK_LOST for task "s1" at 90s
    When the master fails over
    And "spark" resubscribes
    And agent "a1" reconnects
    Then the master considers agent "a1" registered
    And the master reports task "s1" as TASK_RUNNING
    And agent "a1" is still running task "s1"

  # Rule E7
  Scenario Outline: Mesos <version> kills the non-aware tasks of an agent that returns to the master that marked it unreachable
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master for 100s
    Then "spark" receives TASK_LOST for task "s1" with reason REASON_AGENT_REMOVED at 90s
    And "cassandra" receives TASK_UNREACHABLE for task "c1" with reason REASON_AGENT_REMOVED at 90s
    When agent "a1" reconnects
    Then agent "a1" is no longer running task "s1"
    And agent "a1" is still running task "c1"
    And "spark" receives no updates
    And "cassandra" receives no updates
    And the master reports task "c1" as TASK_RUNNING
    And the master reports task "s1" as TASK_LOST
    When "spark" reconciles task "s1" on agent "a1"
    Then "spark" receives these updates:
      | task | state     | reason                | source        |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER |

    Examples:
      | version |
      | 1.1     |
      | 1.4     |

  # Rules E7, K4
  Scenario: Mesos 1.4 keeps the non-aware tasks of an unreachable agent that returns after a master failover
    Given the master runs Mesos 1.4
    When agent "a1" is partitioned from the master for 100s
    Then "spark" receives TASK_LOST for task "s1" at 90s
    When the master fails over
    And "spark" resubscribes
    And "cassandra" resubscribes
    And agent "a1" reconnects
    Then agent "a1" is still running task "s1"
    And agent "a1" is still running task "c1"
    And the master reports task "s1" as TASK_RUNNING
    And "spark" receives no updates

  # Rule E7
  Scenario Outline: Mesos <version> kills nothing and tells every framework the reregistered state
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then agent "a1" is still running task "s1"
    And "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED from SOURCE_MASTER
    And "cassandra" receives TASK_RUNNING for task "c1" with reason REASON_AGENT_REREGISTERED from SOURCE_MASTER

    Examples:
      | version |
      | 1.5     |
