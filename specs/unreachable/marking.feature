Feature: What happens when the master marks an agent unreachable
  Since Mesos 1.1 an agent that fails its health check is marked unreachable, not
  removed. The master first moves it from the admitted list to the unreachable
  list of its registry, with the time the transition started. Then it counts the
  removal (slave_removals, slave_removals/reason_unhealthy), reports every task on
  the agent to its framework, forgets the agent's executors, stops its health
  check and tells every connected framework that the agent is lost.

  Partition-aware frameworks get TASK_UNREACHABLE; the others get TASK_LOST. Both
  come from the master with REASON_AGENT_REMOVED, the unreachable time and the
  cause as message. The master remembers both kinds as unreachable tasks, the
  non-aware ones in state TASK_LOST, so master/tasks_unreachable counts only the
  aware ones while master/tasks_lost counts the others. An update the master
  generates is sent once: a framework that is not connected at that moment never
  gets it.

  Nothing is sent to the agent itself: it is not told to shut down.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs 2 tasks on agent "a1"

  # Rules D5, F
  Scenario: Tasks of an unreachable agent are unreachable for aware frameworks and lost for the others, both with the unreachable time
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives these updates:
      | task | state            | reason               | source        | agent | at  | unreachable time | message                |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | SOURCE_MASTER | a1    | 90s | 90s              | health check timed out |
    And "spark" receives these updates:
      | task    | state     | reason               | source        | agent | at  | unreachable time | message                |
      | spark-1 | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | a1    | 90s | 90s              | health check timed out |
      | spark-2 | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | a1    | 90s | 90s              | health check timed out |
    And "cassandra" is told exactly once that agent "a1" is lost
    And "spark" is told exactly once that agent "a1" is lost
    And the master considers agent "a1" unreachable
    And the master reports task "c1" as TASK_UNREACHABLE
    And the master reports task "spark-1" as TASK_LOST

  # Rules D5, D8
  Scenario: Marking an agent unreachable counts one unhealthy removal, lost tasks for non-aware frameworks and unreachable tasks for aware ones
    When agent "a1" is partitioned from the master
    And 2m pass
    Then the master's metrics are:
      | metric                          | value |
      | slave_unreachable_scheduled     | 1     |
      | slave_unreachable_completed     | 1     |
      | slave_removals                  | 1     |
      | slave_removals/reason_unhealthy | 1     |
      | slaves_unreachable              | 1     |
      | tasks_running                   | 0     |
      | tasks_unreachable               | 1     |
      | tasks_lost                      | 2     |

  # Rule D5
  Scenario: Every connected framework is told that the agent is lost, even one without tasks on it
    Given a partition-aware framework "idle"
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "idle" is told exactly once that agent "a1" is lost
    And "idle" receives no updates

  # Rule D5
  Scenario: A framework that is disconnected when the agent is marked unreachable never gets the update
    Given "spark" has a failover timeout of 1h
    When "spark" disconnects
    And agent "a1" is partitioned from the master
    And 2m pass
    And "spark" resubscribes
    And 1m passes
    Then "spark" receives no updates
    And "spark" is not told about agent "a1"
    And "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s

  # Rule D6
  Scenario: The agent is not told to shut down and keeps its tasks, which come back running when it returns
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then agent "a1" is still running task "c1"
    And agent "a1" is still running task "spark-1"
    And the master reports task "c1" as TASK_RUNNING
    And the master reports task "spark-2" as TASK_RUNNING

  # Rules D3, H2
  Scenario: Reconciliation long after the fact reports the time the agent was marked unreachable
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s
    And "spark" receives TASK_LOST for task "spark-1" at 90s
    When the clock reaches 1h
    And "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "spark-1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state            | reason                | source        | at | unreachable time | message                             |
      | c1   | TASK_UNREACHABLE | REASON_RECONCILIATION | SOURCE_MASTER | 1h | 90s              | Reconciliation: Task is unreachable |
    And "spark" receives these updates:
      | task    | state     | reason                | source        | at | unreachable time | message                             |
      | spark-1 | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | 1h | 90s              | Reconciliation: Task is unreachable |

  # Rules 0, D4, D8
  Scenario Outline: The unreachable mark is written to the registry first, so with a <registry> registry a new master answers <answer> for its tasks
    Given the master flag registry is <registry>
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s
    When the master fails over
    And "cassandra" resubscribes
    And "cassandra" reconciles task "c1" on agent "a1"
    Then the master considers agent "a1" <status>
    And "cassandra" receives these updates:
      | task | state    | reason                | unreachable time | message   |
      | c1   | <answer> | REASON_RECONCILIATION | <time>           | <message> |

    Examples:
      | registry       | status      | answer           | time | message                             |
      | replicated_log | unreachable | TASK_UNREACHABLE | 90s  | Reconciliation: Task is unreachable |
      | in_memory      | unknown     | TASK_UNKNOWN     | -    | Reconciliation: Task is unknown     |
