Feature: A broken connection is not a partition
  If the master's TCP connection to an agent breaks (an "exited" event), the
  master marks the agent disconnected, not unreachable: it stops offering the
  agent's resources, but keeps the agent registered with all its tasks, and its
  health check goes on as before.

  The one exception is frameworks that do not checkpoint: their tasks cannot
  survive an agent restart, so they are reported TASK_LOST at once, with
  REASON_AGENT_DISCONNECTED, from the master, whether the framework is
  partition-aware or not. Checkpointing frameworks hear nothing.

  The agent learns that the master considers it disconnected from the next ping,
  which carries connected=false; an agent that believes it is registered then
  reregisters at once.

  Background:
    Given an agent "a1"
    And a framework "spark"
    And "spark" runs task "s1" on agent "a1"

  # Rule B1
  Scenario: An agent whose connection breaks is disconnected, not unreachable, and keeps its tasks
    When the master's connection to agent "a1" breaks
    And 10s pass
    Then the master considers agent "a1" disconnected
    And the master reports task "s1" as TASK_RUNNING
    And agent "a1" is still running task "s1"
    And "spark" receives no updates
    And "spark" is not told about agent "a1"
    And the master's metrics are:
      | metric                      | value |
      | slaves_disconnected         | 1     |
      | slaves_inactive             | 1     |
      | slave_unreachable_scheduled | 0     |
      | slave_removals              | 0     |
      | tasks_lost                  | 0     |

  # Rules B2, F
  Scenario: Tasks of frameworks that do not checkpoint are lost at once when the connection breaks, even for partition-aware frameworks
    Given a framework "batch" that does not checkpoint
    And a partition-aware framework "stream" that does not checkpoint
    And "batch" runs task "b1" on agent "a1"
    And "stream" runs task "p1" on agent "a1"
    When the clock reaches 5s
    And the master's connection to agent "a1" breaks
    Then "batch" receives these updates:
      | task | state     | reason                    | source        | agent | at | unreachable time | message               |
      | b1   | TASK_LOST | REASON_AGENT_DISCONNECTED | SOURCE_MASTER | a1    | 5s | -                | Agent a1 disconnected |
    And "stream" receives these updates:
      | task | state     | reason                    | source        | agent | at | unreachable time | message               |
      | p1   | TASK_LOST | REASON_AGENT_DISCONNECTED | SOURCE_MASTER | a1    | 5s | -                | Agent a1 disconnected |
    And "spark" receives no updates
    And the master reports task "b1" as TASK_LOST
    And the master reports task "s1" as TASK_RUNNING
    And the master considers agent "a1" disconnected
    And the master's metric tasks_lost is 2

  # Rules A9, B4
  Scenario: A disconnected agent learns it from the next ping and reregisters at once
    When the clock reaches 5s
    And the master's connection to agent "a1" breaks
    And the clock reaches 14s
    Then the master considers agent "a1" disconnected
    When the clock reaches 16s
    Then the master considers agent "a1" registered
    And agent "a1" is still running task "s1"
    And "spark" receives no updates
    And the master's metric slave_unreachable_scheduled is 0
