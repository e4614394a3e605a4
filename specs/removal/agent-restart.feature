Feature: An agent restarts
  If the agent process restarts, the master's connection to it breaks: the agent
  is disconnected, not unreachable, and only the tasks of frameworks that do not
  checkpoint are lost, at once, with REASON_AGENT_DISCONNECTED. A restarted agent
  keeps its ID and its checkpointed tasks, answers pings straight away, and
  reregisters as an agent the master still knows, so nobody is told anything. If
  it takes longer than agent_reregister_timeout (10 minutes) to reregister, it is
  marked unreachable. An agent that comes back with an empty work directory is a
  new agent; if its old ID was unreachable, that ID stays unreachable until the
  registry forgets it.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And a framework "batch" that does not checkpoint
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"
    And "batch" runs task "b1" on agent "a1"

  # Rules L2, B2
  Scenario: A restarted agent keeps its checkpointed tasks and only the tasks of frameworks that do not checkpoint are lost
    When agent "a1" restarts
    Then the master considers agent "a1" disconnected
    And "batch" receives these updates:
      | task | state     | reason                    | source        | unreachable time | message               |
      | b1   | TASK_LOST | REASON_AGENT_DISCONNECTED | SOURCE_MASTER | -                | Agent a1 disconnected |
    When 1m passes
    Then the master considers agent "a1" registered
    And agent "a1" is still running task "c1"
    And agent "a1" is still running task "s1"
    And agent "a1" is no longer running task "b1"
    And "cassandra" receives no updates
    And "spark" receives no updates
    And "batch" receives no updates
    And the master's metrics are:
      | metric                      | value |
      | slave_reregistrations       | 0     |
      | slave_removals              | 0     |
      | slave_unreachable_scheduled | 0     |

  # Rules L2, B3
  Scenario: A restarted agent that does not reregister within agent_reregister_timeout is marked unreachable though it answers pings
    When ReregisterAgent messages from agent "a1" to the master are dropped
    And agent "a1" restarts
    And 11m pass
    Then agent "a1" is marked unreachable at 10m
    And "cassandra" receives these updates:
      | task | state            | reason               | source        | at  | unreachable time |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | SOURCE_MASTER | 10m | 10m              |
    And the master's metrics are:
      | metric                          | value |
      | slave_unreachable_scheduled     | 1     |
      | slave_unreachable_completed     | 1     |
      | slave_removals/reason_unhealthy | 1     |

  # Rules L2, E3
  Scenario: An agent that restarts after it was marked unreachable is re-admitted with its checkpointed tasks only
    When agent "a1" is partitioned from the master for 100s
    Then "batch" receives TASK_LOST for task "b1" at 90s
    When agent "a1" restarts
    And agent "a1" reconnects
    Then "cassandra" receives TASK_RUNNING for task "c1" with reason REASON_AGENT_REREGISTERED
    And "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED
    And "batch" receives no updates
    And the master does not know task "b1"
    And agent "a1" is no longer running task "b1"

  # Rule L2
  Scenario: An agent that comes back with an empty work directory is a new agent and its old ID stays unreachable until the registry forgets it
    Given the master flag registry_max_agent_age is 1h
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" restarts with an empty work directory
    And 1m passes
    Then the master considers agent "a1" registered
    And agent "a1" runs no tasks
    And "cassandra" never receives TASK_RUNNING
    And the master's metrics are:
      | metric                | value |
      | slave_registrations   | 2     |
      | slave_reregistrations | 0     |
      | slaves_unreachable    | 1     |
      | tasks_unreachable     | 1     |
    When the clock reaches 1h15m
    Then the master's metrics are:
      | metric             | value |
      | slaves_unreachable | 0     |
      | tasks_unreachable  | 0     |
