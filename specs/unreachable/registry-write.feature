Feature: The registry is written first
  Marking an agent unreachable starts with a registry write; only when it completes
  does the master tell frameworks. While the write runs, a pong cannot stop the
  transition, the agent's reregistrations are ignored, and a health check that fails
  again schedules a second transition that the master ignores. The unreachable time
  is when the transition started, not when the write finished.

  # Rules A8, D2
  Scenario: A health check that fails again while the registry write is running is scheduled twice but applied once
    Given the registry write latency is 20s
    And an agent "a1"
    And a framework "spark"
    And "spark" runs task "s1" on agent "a1"
    When agent "a1" is partitioned from the master
    And 3m pass
    Then agent "a1" is marked unreachable at 110s
    And "spark" receives these updates:
      | task | state     | reason               | at   | unreachable time |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | 110s | 90s              |
    And "spark" is told exactly once that agent "a1" is lost
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 2     |
      | slave_unreachable_completed | 2     |
      | slave_removals              | 1     |

  # Rules A7, D3, D4
  Scenario: Once the registry write has started, neither a pong nor a reregistration stops the transition, and the unreachable time is when it started
    Given the registry write latency is 20s
    And an agent "a1"
    And a framework "spark"
    And "spark" runs task "s1" on agent "a1"
    When agent "a1" is partitioned from the master
    And the clock reaches 95s
    And the partition of agent "a1" heals
    And 20s pass
    Then agent "a1" is marked unreachable at 110s
    And "spark" receives these updates:
      | task | state     | reason               | at   | unreachable time | message                |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | 110s | 90s              | health check timed out |
    And the master's metric slave_unreachable_canceled is 0
    When agent "a1" reconnects
    Then "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED
