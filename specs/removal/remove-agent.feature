Feature: Agents removed without becoming unreachable
  Some agents leave the cluster for good rather than becoming unreachable: an agent
  that shuts down gracefully, an agent whose machine the operator takes DOWN for
  maintenance (it is also told to shut down with "Operator initiated 'Machine
  DOWN'"; only a machine a maintenance schedule put in DRAINING mode can be taken
  down), and a disconnected agent replaced by a new agent registering at the
  same address. The master removes such an agent from the registry, so it leaves
  no unreachable entry, and reports every task TASK_LOST with REASON_AGENT_REMOVED
  to every framework, partition-aware ones included. Everyone is told the agent
  is lost, and reconciliation afterwards answers as for an unknown agent.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules L1, L5
  Scenario: An agent that shuts down gracefully is removed and every framework, partition-aware or not, is told its tasks are lost
    When agent "a1" shuts down gracefully
    Then "cassandra" receives these updates:
      | task | state     | reason               | source        | agent | unreachable time |
      | c1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | a1    | -                |
    And "spark" receives these updates:
      | task | state     | reason               | source        | agent | unreachable time |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | a1    | -                |
    And "cassandra" is told that agent "a1" is lost
    And "spark" is told that agent "a1" is lost
    And the master considers agent "a1" removed
    And the master's metrics are:
      | metric                                | value |
      | slave_removals                        | 1     |
      | slave_removals/reason_unregistered    | 1     |
      | slave_removals/reason_unhealthy       | 0     |
      | slave_unreachable_scheduled           | 0     |
      | slaves_unreachable                    | 0     |
      | tasks_lost                            | 2     |
      | tasks_unreachable                     | 0     |

  # Rules L1, H2
  Scenario: Reconciling a task of a removed agent answers unknown, or lost for frameworks that are not partition-aware
    When agent "a1" shuts down gracefully
    Then "cassandra" receives TASK_LOST for task "c1"
    When "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "s1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | unreachable time | message                         |
      | c1   | TASK_UNKNOWN | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown |
    And "spark" receives these updates:
      | task | state     | reason                | source        | unreachable time | message                         |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown |

  # Rule L1. Only a machine that a maintenance schedule put in DRAINING mode can be
  # brought down: any other machine gets a 400 and nothing happens to its agent
  # (Master::Http::_startMaintenance; MasterMaintenanceTest.BringDownMachines).
  Scenario: A machine that is in no maintenance schedule cannot be taken down
    When the operator takes the machine of agent "a1" down
    Then the operator's request fails with 400
    And agent "a1" is not told to shut down
    And the master considers agent "a1" registered
    And "spark" receives no updates

  # Rule L1. A DOWN machine is not DRAINING either, so a second machine/down is a
  # 400 too, and the agent is removed only once.
  Scenario: A machine that is already down cannot be taken down again
    When the operator schedules maintenance for the machine of agent "a1"
    And the operator takes the machine of agent "a1" down
    Then the operator's request succeeds
    When the operator takes the machine of agent "a1" down
    Then the operator's request fails with 400
    And the master's metric slave_removals is 1

  # Rule L1
  Scenario: Taking an agent's machine down shuts the agent down and every framework is told its tasks are lost
    When the operator schedules maintenance for the machine of agent "a1"
    And the operator takes the machine of agent "a1" down
    Then the operator's request succeeds
    And agent "a1" is told to shut down with "Operator initiated 'Machine DOWN'"
    And agent "a1" runs no tasks
    And "cassandra" receives TASK_LOST for task "c1" with reason REASON_AGENT_REMOVED from SOURCE_MASTER
    And "spark" receives TASK_LOST for task "s1" with reason REASON_AGENT_REMOVED from SOURCE_MASTER
    And "cassandra" is told that agent "a1" is lost
    And the master considers agent "a1" removed
    And the master's metrics are:
      | metric                             | value |
      | slave_removals                     | 1     |
      | slave_removals/reason_unregistered | 0     |
      | slave_removals/reason_registered   | 0     |
      | slaves_unreachable                 | 0     |

  # Rules L1, L2
  Scenario: A new agent registering at the address of a disconnected one replaces it, and the old one's tasks are lost for everyone
    When agent "a1" restarts with an empty work directory
    And 1m passes
    Then "cassandra" receives these updates:
      | task | state     | reason               | source        | agent |
      | c1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | a1    |
    And "spark" receives these updates:
      | task | state     | reason               | source        | agent |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | a1    |
    And "cassandra" is told that agent "a1" is lost
    And the master considers agent "a1" registered
    And agent "a1" runs no tasks
    And the master's metrics are:
      | metric                           | value |
      | slave_removals                   | 1     |
      | slave_removals/reason_registered | 1     |
      | slave_registrations              | 2     |
      | slave_reregistrations            | 0     |
