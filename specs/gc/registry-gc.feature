Feature: The registry forgets unreachable and gone agents
  The master does not remember unreachable and gone agents forever. Every
  registry_gc_interval (15 minutes), counted from the moment it became the leader,
  it prunes each list on its own: the oldest entries beyond
  registry_max_agent_count, and every entry strictly older than
  registry_max_agent_age (two weeks). So an entry disappears at the first
  collection after it passes the age limit. Pruning sends no status update; it
  only drops the agent and its unreachable tasks from the master's memory. From
  then on the agent is unknown: reconciliation answers TASK_UNKNOWN (or TASK_LOST),
  and if the agent comes back it is admitted as an unknown agent, even one the
  operator had marked gone. An agent that is in the middle of reregistering when
  the collection runs is skipped.

  Background:
    Given a partition-aware framework "cassandra"
    And a framework "spark"

  # Rules I1, I2
  Scenario Outline: An unreachable agent older than <max age> is forgotten at <forgotten at> when the registry is collected every <gc interval>
    Given an agent "a1"
    And the master flags:
      | flag                   | value         |
      | registry_max_agent_age | <max age>     |
      | registry_gc_interval   | <gc interval> |
    When agent "a1" is partitioned from the master
    And the clock reaches <kept at>
    Then the master considers agent "a1" unreachable
    And the master's metric slaves_unreachable is 1
    When the clock reaches <forgotten at>
    Then the master's metric slaves_unreachable is 0

    Examples:
      | max age | gc interval | kept at  | forgotten at |
      | 1h      | 15mins      | 1h14m59s | 1h15m        |
      | 1h      | 1h          | 1h59m59s | 2h           |
      | 2 weeks | 15mins      | 14d      | 14d15m       |

  # Rule I2
  Scenario: An unreachable agent exactly as old as registry_max_agent_age survives that collection
    Given an agent "a1"
    And the master flag registry_max_agent_age is 13m30s
    When agent "a1" is partitioned from the master
    And the clock reaches 15m
    Then the master considers agent "a1" unreachable
    When the clock reaches 29m59s
    Then the master considers agent "a1" unreachable
    When the clock reaches 30m
    Then the master's metric slaves_unreachable is 0

  # Rule I1
  Scenario: After a failover the registry is collected one interval after the new master was elected
    Given an agent "a1"
    And the master flag registry_max_agent_age is 20m
    When agent "a1" is partitioned from the master
    And the clock reaches 10m
    And the master fails over
    And the clock reaches 24m59s
    Then the master considers agent "a1" unreachable
    When the clock reaches 25m
    Then the master's metric slaves_unreachable is 0

  # Rule I2
  Scenario Outline: With registry_max_agent_count <count> the oldest unreachable agent is <fate> at the next collection
    Given agents "a1" and "a2"
    And the master flag registry_max_agent_count is <count>
    When agent "a1" is partitioned from the master
    And the clock reaches 30s
    And agent "a2" is partitioned from the master
    And the clock reaches 15m
    Then agent "a1" is marked unreachable at 90s
    And agent "a2" is marked unreachable at 105s
    And the master considers agent "a2" unreachable
    And the master's metric slaves_unreachable is <left>

    Examples:
      | count | fate      | left |
      | 1     | forgotten | 1    |
      | 2     | kept      | 2    |

  # Rule I3
  Scenario: Forgetting an unreachable agent sends no update and drops its unreachable tasks
    Given an agent "a1"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"
    And the master flag registry_max_agent_age is 1h
    When agent "a1" is partitioned from the master
    And the clock reaches 1h
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s
    And the master's metrics are:
      | metric             | value |
      | tasks_unreachable  | 1     |
      | slaves_unreachable | 1     |
    When the clock reaches 1h15m
    Then "cassandra" receives no updates
    And "spark" receives no updates
    And the master does not know task "c1"
    And the master's metrics are:
      | metric             | value |
      | tasks_unreachable  | 0     |
      | slaves_unreachable | 0     |

  # Rules I3, E2
  Scenario: An agent reregistering while the registry is collected is skipped
    Given the registry write latency is 1s
    And the master flag registry_max_agent_age is 1m
    When agent "a1" registers
    And 2s pass
    And "spark" launches task "s1" on agent "a1"
    And the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master
    And the clock reaches 14m59s
    And the partition of agent "a1" heals
    And agent "a1" re-detects the master
    And 10s pass
    Then "spark" receives these updates:
      | task | state        | reason                    | source          | message                           |
      | s1   | TASK_RUNNING | -                         | SOURCE_EXECUTOR | -                                 |
      | s1   | TASK_LOST    | REASON_AGENT_REMOVED      | SOURCE_MASTER   | health check timed out            |
      | s1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER   | Unreachable agent re-reregistered |
    And the master considers agent "a1" registered

  # Rule I4
  Scenario: Reconciliation about a forgotten agent answers unknown, without an unreachable time
    Given an agent "a1"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"
    And the master flag registry_max_agent_age is 1h
    When agent "a1" is partitioned from the master
    And the clock reaches 1h15m
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s
    When "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "s1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | unreachable time | message                         |
      | c1   | TASK_UNKNOWN | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown |
    And "spark" receives these updates:
      | task | state     | reason                | source        | unreachable time | message                         |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown |

  # Rules I4, E2, E3
  Scenario: A forgotten agent that returns is admitted as an unknown agent and every framework is told
    Given an agent "a1"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"
    And the master flag registry_max_agent_age is 1h
    When agent "a1" is partitioned from the master
    And the clock reaches 1h15m
    Then the master's metric slaves_unreachable is 0
    When agent "a1" reconnects
    Then "cassandra" receives these updates:
      | task | state        | reason                    | source        | unreachable time | message                    |
      | c1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | -                | Unknown agent reregistered |
    And "spark" receives these updates:
      | task | state        | reason                    | source        | unreachable time | message                    |
      | s1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | -                | Unknown agent reregistered |
    And the master considers agent "a1" registered
    And the master reports task "c1" as TASK_RUNNING
    And the master's metric slave_reregistrations is 1

  # Rules I4, J5
  Scenario: An agent whose gone entry was collected is no longer refused and comes back as an unknown agent
    Given an agent "a1"
    And "cassandra" runs task "c1" on agent "a1"
    And the master flag registry_max_agent_age is 1h
    When agent "a1" is partitioned from the master
    And the clock reaches 100s
    And the operator marks agent "a1" as gone
    And the clock reaches 1h14m59s
    Then the master considers agent "a1" gone
    When the clock reaches 1h15m
    And agent "a1" reconnects
    Then "cassandra" receives these updates:
      | task | state        | reason                    | source        | message                    |
      | c1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | Unknown agent reregistered |
    And the master considers agent "a1" registered
    And agent "a1" is still running task "c1"
