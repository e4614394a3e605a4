Feature: While an agent is unreachable
  Once an agent is unreachable the master has forgotten everything about it except
  its unreachable entry and the IDs and states of its tasks. Messages that still
  come from the agent (status updates from an agent that thinks it is registered)
  are dropped and counted as invalid, and the agent keeps retrying them.

  The tasks are not killable: a kill for an unreachable task is answered like an
  explicit reconciliation of that task, and nothing is remembered, so the task
  keeps running if the agent comes back. Their IDs stay taken: a launch that reuses
  one is refused with TASK_ERROR. The master keeps at most
  max_unreachable_tasks_per_framework (1000) unreachable tasks per framework,
  evicting the oldest.

  The health check is only one way to become unreachable: an agent that does not
  reregister within agent_reregister_timeout of a master failover is marked
  unreachable too, but as the new master knows none of its tasks, frameworks are
  only told that the agent is lost.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules 0, D7
  Scenario: Status updates from an agent the master has marked unreachable are dropped until it reregisters
    When the next ping to agent "a1" is due
    And pongs from agent "a1" are dropped
    And 75s pass
    Then agent "a1" is marked unreachable at 90s
    And "spark" receives TASK_LOST for task "s1" at 90s
    When the clock reaches 100s
    And task "s1" finishes
    And 5s pass
    Then "spark" receives no updates
    And the master's metric invalid_status_updates is 1
    # The agent retries 10s, 20s, 40s, ... after the first attempt, and stops when it
    # gives up on the master at 2m45s.
    When the clock reaches 2m45s
    Then "spark" receives no updates
    And the master's metric invalid_status_updates is 3
    # It then reregisters within a second.
    When the clock reaches 2m50s
    Then "spark" receives these updates:
      | task | state         | reason                    | source          |
      | s1   | TASK_FINISHED | REASON_AGENT_REREGISTERED | SOURCE_MASTER   |
      | s1   | TASK_FINISHED | -                         | SOURCE_EXECUTOR |

  # Rules D9, H2
  Scenario Outline: Killing an unreachable task <how> only reconciles it, and the task keeps running
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "<framework>" receives <marked> for task "<task>" at 90s
    When "<framework>" <kill>
    Then "<framework>" receives these updates:
      | task   | state   | reason                | source        | unreachable time | message   |
      | <task> | <state> | REASON_RECONCILIATION | SOURCE_MASTER | <time>           | <message> |
    When agent "a1" reconnects
    Then agent "a1" is still running task "<task>"
    And "<framework>" receives TASK_RUNNING for task "<task>" with reason REASON_AGENT_REREGISTERED

    Examples:
      | how                                       | framework | task | marked           | kill                          | state            | time | message                             |
      | naming its agent                          | cassandra | c1   | TASK_UNREACHABLE | kills task "c1" on agent "a1" | TASK_UNREACHABLE | 90s  | Reconciliation: Task is unreachable |
      | without naming its agent                  | cassandra | c1   | TASK_UNREACHABLE | kills task "c1"               | TASK_UNKNOWN     | -    | Reconciliation: Task is unknown     |
      | of a non-aware framework naming its agent | spark     | s1   | TASK_LOST        | kills task "s1" on agent "a1" | TASK_LOST        | 90s  | Reconciliation: Task is unreachable |

  # Rule D10
  Scenario Outline: Launching a task with the ID of an unreachable task of <framework> is refused with TASK_ERROR
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "<framework>" receives <marked> for task "<task>" at 90s
    When "<framework>" launches task "<task>" on agent "a2"
    Then "<framework>" receives these updates:
      | task   | state      | reason              | source        | message                                   |
      | <task> | TASK_ERROR | REASON_TASK_INVALID | SOURCE_MASTER | Task reuses the ID of an unreachable task |
    And agent "a2" runs no tasks
    And the master's metric tasks_error is 1

    Examples:
      | framework | task | marked           |
      | cassandra | c1   | TASK_UNREACHABLE |
      | spark     | s1   | TASK_LOST        |

  # Rules 0, D8
  Scenario Outline: With max_unreachable_tasks_per_framework <limit> the master remembers <kept> of the 4 unreachable tasks of a framework
    Given the master flag max_unreachable_tasks_per_framework is <limit>
    And "cassandra" runs 3 tasks on agent "a1"
    When agent "a1" is partitioned from the master
    And 2m pass
    Then the master's metric tasks_unreachable is <kept>

    Examples:
      | limit | kept |
      | 1000  | 4    |
      | 2     | 2    |

  # Rules D1, K3
  Scenario: An agent that does not reregister within 10 minutes of a master failover is marked unreachable without task updates
    When agent "a1" is partitioned from the master
    And the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And 9m59s pass
    Then the master considers agent "a1" recovered
    And the master considers agent "a2" registered
    When 1s passes
    Then agent "a1" is marked unreachable at 10m
    And "cassandra" is told that agent "a1" is lost
    And "spark" is told that agent "a1" is lost
    And "cassandra" receives no updates
    And "spark" receives no updates
    And the master's metrics are:
      | metric                          | value |
      | slave_unreachable_scheduled     | 1     |
      | slave_removals                  | 1     |
      | slave_removals/reason_unhealthy | 1     |
      | recovery_slave_removals         | 1     |
