Feature: Mesos 1.0 removes agents that fail their health check
  Up to Mesos 1.0 there is no "unreachable". An agent that fails its health check
  is sent a ShutdownMessage ("health check timed out") and removed from the
  registry; every task on it is reported TASK_LOST with REASON_AGENT_REMOVED to
  every framework, and every framework is told that the agent is lost. The
  transition is counted in the slave_shutdowns_* metrics.

  The master remembers the removed agent's ID. If the agent comes back to that
  master it is told to shut down ("Agent attempted to re-register after removal"),
  and a status update from it gets the same answer ("Status update from unknown
  agent"). A shut-down agent kills all its tasks and forgets its ID, so when it
  restarts it registers as a brand-new agent. A master failover forgets the removed
  IDs, though: an agent that returns to a new master is readmitted with its tasks.

  Background:
    Given the master runs Mesos 1.0
    And an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rule E7
  Scenario: Mesos 1.0 removes an agent that fails its health check and reports its tasks lost to every framework
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives these updates:
      | task | state     | reason               | source        | at  | unreachable time |
      | c1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s | -                |
    And "spark" receives these updates:
      | task | state     | reason               | source        | at  | unreachable time |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s | -                |
    And "cassandra" is told exactly once that agent "a1" is lost
    And "spark" is told exactly once that agent "a1" is lost
    And the master considers agent "a1" removed
    And the master's metrics are:
      | metric                          | value |
      | slave_shutdowns_scheduled       | 1     |
      | slave_shutdowns_completed       | 1     |
      | slave_unreachable_scheduled     | 0     |
      | slave_removals                  | 1     |
      | slave_removals/reason_unhealthy | 1     |
      | tasks_lost                      | 2     |
      | tasks_unreachable               | 0     |

  # Rules E7, C7
  Scenario: Mesos 1.0 tells an agent whose pongs are lost to shut down as soon as its health check fails
    When the next ping to agent "a1" is due
    And pongs from agent "a1" are dropped
    And 74s pass
    Then agent "a1" is still running task "s1"
    When 1s passes
    Then agent "a1" is told to shut down with "health check timed out"
    And agent "a1" is shut down
    And task "c1" is killed on agent "a1"
    And task "s1" is killed on agent "a1"
    And agent "a1" runs no tasks

  # Rules E7, C7
  Scenario: Mesos 1.0 tells a removed agent that comes back to shut down, killing the tasks of every framework
    When agent "a1" is partitioned from the master for 100s
    Then "cassandra" receives TASK_LOST for task "c1" at 90s
    When agent "a1" reconnects
    Then agent "a1" is told to shut down with "Agent attempted to re-register after removal"
    And task "c1" is killed on agent "a1"
    And task "s1" is killed on agent "a1"
    And agent "a1" runs no tasks
    And "cassandra" receives no updates
    And "spark" receives no updates

  # Rule E7
  Scenario: Mesos 1.0 tells a removed agent that sends a status update to shut down
    When the next ping to agent "a1" is due
    And pongs from agent "a1" are dropped
    And the next Shutdown from the master to agent "a1" is dropped
    And 80s pass
    Then the master considers agent "a1" removed
    And agent "a1" is still running task "s1"
    When task "s1" finishes
    Then agent "a1" is told to shut down with "Status update from unknown agent"
    And agent "a1" is shut down
    And "spark" receives no updates

  # Rules E7, C7
  Scenario: In Mesos 1.0 an agent shut down after its removal registers as a new agent when it restarts
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then agent "a1" is shut down
    When agent "a1" restarts
    And 1m passes
    Then the master considers agent "a1" registered
    And agent "a1" runs no tasks
    And the master's metric slave_registrations is 2
    And "spark" receives no updates

  # Rule E7
  Scenario: In Mesos 1.0 a master failover forgets the removal, so a returning agent is readmitted with its lost tasks running
    When agent "a1" is partitioned from the master for 100s
    Then "spark" receives TASK_LOST for task "s1" at 90s
    When the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And agent "a1" reconnects
    Then the master considers agent "a1" registered
    And agent "a1" is still running task "c1"
    And agent "a1" is still running task "s1"
    And the master reports task "s1" as TASK_RUNNING
    And the master reports task "c1" as TASK_RUNNING
