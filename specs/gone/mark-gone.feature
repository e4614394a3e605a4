Feature: The operator marks an agent gone
  Since Mesos 1.5 an operator can declare with MARK_AGENT_GONE that an agent is
  never coming back. The master writes it to the gone list of the registry and
  answers 200; asking again for a gone agent also answers 200. While the agent is
  still being marked unreachable, marked gone or removed the answer is 503 (try
  again), and an agent the master does not know at all gets 404.
  A registered agent is told to shut down with "Agent has been marked gone", and
  each of its tasks is reported TASK_GONE_BY_OPERATOR with
  REASON_AGENT_REMOVED_BY_OPERATOR to a partition-aware framework and TASK_LOST
  with REASON_AGENT_REMOVED to the others, from SOURCE_MASTER, with the message
  "Agent has been marked gone"; everyone is told the agent is lost. For an
  unreachable agent the remembered tasks get the same updates (since 1.9, and in
  1.7.3) but nobody is told a second time that the agent is lost. An agent only
  recovered after a failover has no known tasks, so nobody is told anything.
  A gone agent is refused every time it tries to come back.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules J1, J2, L5
  Scenario: A registered agent marked gone is shut down and its tasks are gone by operator, or lost for frameworks that are not partition-aware
    When the operator marks agent "a1" as gone
    Then the operator's request succeeds
    And "cassandra" receives these updates:
      | task | state                 | reason                           | source        | unreachable time | message                    |
      | c1   | TASK_GONE_BY_OPERATOR | REASON_AGENT_REMOVED_BY_OPERATOR | SOURCE_MASTER | -                | Agent has been marked gone |
    And "spark" receives these updates:
      | task | state     | reason               | source        | unreachable time | message                    |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | -                | Agent has been marked gone |
    And "cassandra" is told that agent "a1" is lost
    And "spark" is told that agent "a1" is lost
    And agent "a1" is told to shut down with "Agent has been marked gone"
    And agent "a1" runs no tasks
    And the master considers agent "a1" gone
    And the master reports task "c1" as TASK_GONE_BY_OPERATOR
    And the master reports task "s1" as TASK_LOST
    And the master's metrics are:
      | metric                 | value |
      | tasks_gone_by_operator | 1     |
      | tasks_lost             | 1     |
      | tasks_running          | 0     |
      | slave_removals         | 0     |
      | slaves_unreachable     | 0     |

  # Rule J1
  Scenario: Marking an agent gone a second time succeeds and changes nothing
    When the operator marks agent "a1" as gone
    Then the operator's request succeeds
    And "cassandra" receives TASK_GONE_BY_OPERATOR for task "c1"
    When 1m passes
    And the operator marks agent "a1" as gone
    Then the operator's request succeeds
    And "cassandra" receives no updates
    And "spark" receives no updates
    And "spark" is told exactly once that agent "a1" is lost

  # Rules J1, J3
  Scenario: An unreachable agent marked gone has its tasks reported gone, but nobody is told a second time that it is lost
    When agent "a1" is partitioned from the master
    And 100s pass
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s
    When the operator marks agent "a1" as gone
    Then the operator's request succeeds
    And "cassandra" receives these updates:
      | task | state                 | reason                           | source        | unreachable time | message                    |
      | c1   | TASK_GONE_BY_OPERATOR | REASON_AGENT_REMOVED_BY_OPERATOR | SOURCE_MASTER | -                | Agent has been marked gone |
    And "spark" receives these updates:
      | task | state     | reason               | source        | unreachable time | message                    |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | -                | Agent has been marked gone |
    And "cassandra" is told exactly once that agent "a1" is lost
    And "spark" is told exactly once that agent "a1" is lost
    And the master considers agent "a1" gone
    And the master's metrics are:
      | metric             | value |
      | tasks_unreachable  | 0     |
      | slaves_unreachable | 0     |

  # Rule J3
  Scenario Outline: Mesos <version> tells frameworks when an unreachable agent is marked gone
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master
    And 100s pass
    And the operator marks agent "a1" as gone
    Then "cassandra" receives TASK_GONE_BY_OPERATOR for task "c1" with reason REASON_AGENT_REMOVED_BY_OPERATOR at 100s

    Examples:
      | version |
      | 1.7.3   |
      | 1.9     |

  # Rule J3
  Scenario Outline: Mesos <version> marks an unreachable agent gone without telling frameworks
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master
    And 100s pass
    And the operator marks agent "a1" as gone
    Then the operator's request succeeds
    And the master considers agent "a1" gone
    And "cassandra" never receives TASK_GONE_BY_OPERATOR
    And "spark" receives TASK_LOST for task "s1" at 90s

    Examples:
      | version |
      | 1.5     |
      | 1.8     |

  # Rules J1, J4
  Scenario: A recovered agent marked gone after a failover is only written to the registry
    When agent "a1" is partitioned from the master
    And the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And the operator marks agent "a1" as gone
    Then the operator's request succeeds
    And the master considers agent "a1" gone
    And "cassandra" receives no updates
    And "spark" receives no updates
    When "cassandra" reconciles task "c1" on agent "a1"
    Then "cassandra" receives no updates
    When agent "a1" reconnects
    Then agent "a1" is told to shut down with "Agent has been marked gone"
    And agent "a1" runs no tasks

  # Rule J5
  Scenario: A gone agent is refused again after it restarts with the same work directory
    When the operator marks agent "a1" as gone
    Then agent "a1" is shut down
    When agent "a1" restarts
    And 1m passes
    Then agent "a1" is shut down
    And agent "a1" runs no tasks
    And the master considers agent "a1" gone
    And "cassandra" never receives TASK_RUNNING

  # Rules J6, H2
  Scenario: Reconciling a task of a gone agent answers gone by operator, or lost for frameworks that are not partition-aware
    When the operator marks agent "a1" as gone
    Then "cassandra" receives TASK_GONE_BY_OPERATOR for task "c1"
    When "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "s1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state                 | reason                | source        | message                      |
      | c1   | TASK_GONE_BY_OPERATOR | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is gone |
    And "spark" receives these updates:
      | task | state     | reason                | source        | message                      |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is gone |

  # Rule J1
  Scenario: Marking gone an agent the master has removed fails with 404
    When agent "a1" shuts down gracefully
    And 1s passes
    And the operator marks agent "a1" as gone
    Then the master considers agent "a1" removed
    And the operator's request fails with 404
